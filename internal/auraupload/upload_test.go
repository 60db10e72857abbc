package auraupload

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aura-terraform/terraform-provider-aura/internal/fakeclock"
)

const testPassword = "s3cret-Pa55word"

// fakeAura is a console and a storage service as the reference describes them, with hooks for faults.
type fakeAura struct {
	t        *testing.T
	srv      *httptest.Server
	provider string // GCP or AWS
	parts    int

	mu        sync.Mutex
	calls     map[string]int // by route
	received  int64          // storage bytes received in all
	object    []byte         // the GCS object
	s3        map[int][]byte // the S3 parts
	status    string
	polls     int // status polls since the load was taken
	loads     int
	loadError *errorBody

	// faults
	authStatus    int
	sizeStatus    int
	initStatus    int
	cutAt         int64 // a GCS PUT is cut after this many bytes, once
	cut           bool
	partFails     map[int]int // part number -> 503s left
	completeFault func(n int) (status int, take bool)
	onComplete    func(n int)
	loadingPolls  int        // status polls that see "loading" (default 1)
	statusStatus  int        // the status route answers this instead
	onStatus      func() int // when set, a status read answers what it returns instead, unless 0
	dropComplete  bool       // upload-complete's connection is dropped instead of answered
}

func newFakeAura(t *testing.T, provider string) *fakeAura {
	f := &fakeAura{t: t, provider: provider, parts: 4, calls: map[string]int{}, s3: map[int][]byte{}, status: "running", partFails: map[int]int{}}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeAura) count(route string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls[route]
}

func (f *fakeAura) reply(w http.ResponseWriter, status int, body any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	if body != nil {
		_ = json.NewEncoder(w).Encode(body)
	}
}

func (f *fakeAura) serve(w http.ResponseWriter, r *http.Request) {
	p := r.URL.Path
	route := p
	if i := strings.Index(p, "/import"); i >= 0 {
		route = p[i:]
	}
	f.mu.Lock()
	f.calls[route]++
	f.mu.Unlock()
	const prefix = "/v1/databases/db1/import"
	bearerOK := r.Header.Get("Authorization") == "Bearer tok"
	switch {
	case p == prefix+"/auth":
		if f.authStatus == 301 {
			http.Redirect(w, r, "/moved", http.StatusMovedPermanently)
			return
		}
		if f.authStatus != 0 {
			f.reply(w, f.authStatus, errorBody{Message: "refused"})
			return
		}
		if r.Header.Get("Authorization") != "Basic "+basic("neo4j", testPassword) {
			f.reply(w, 401, nil)
			return
		}
		if r.Header.Get("Confirmed") != "true" {
			f.reply(w, 409, nil)
			return
		}
		f.reply(w, 200, map[string]string{"Token": "tok"})
	case !bearerOK && strings.HasPrefix(p, "/v"):
		f.reply(w, 401, nil)
	case p == prefix+"/size":
		if f.sizeStatus != 0 {
			f.reply(w, f.sizeStatus, errorBody{Message: "Store is too big for this neo4j aura instance.", Reason: "ImportExceedsMaxSize"})
			return
		}
		f.reply(w, 200, nil)
	case p == "/v2/databases/db1/import":
		if f.initStatus != 0 {
			f.reply(w, f.initStatus, nil)
			return
		}
		if r.Header.Get("Neo4j-Version") == "" {
			f.reply(w, 400, errorBody{Message: "no Neo4j-Version"})
			return
		}
		if f.provider == "AWS" {
			links := make([]string, f.parts)
			for i := range links {
				links[i] = fmt.Sprintf("%s/s3/part/%d?X-Amz-Signature=sig", f.srv.URL, i+1)
			}
			f.reply(w, 202, signedUpload{SignedLinks: links, UploadID: "up1", TotalParts: f.parts, Provider: "AWS"})
			return
		}
		f.reply(w, 202, signedUpload{SignedURI: f.srv.URL + "/gcs/start?X-Goog-Signature=sig", Provider: "GCP"})
	case p == "/gcs/start":
		if r.Header.Get("X-Goog-Resumable") != "start" || r.Header.Get("Content-Type") != "" {
			f.reply(w, 400, nil)
			return
		}
		w.Header().Set("Location", "/gcs/session")
		w.WriteHeader(201)
	case p == "/gcs/session":
		f.gcsPut(w, r)
	case strings.HasPrefix(p, "/s3/part/"):
		var n int
		_, _ = fmt.Sscanf(strings.TrimPrefix(p, "/s3/part/"), "%d", &n)
		b, _ := io.ReadAll(r.Body)
		f.mu.Lock()
		defer f.mu.Unlock()
		f.received += int64(len(b))
		if f.partFails[n] > 0 {
			f.partFails[n]--
			w.WriteHeader(503)
			return
		}
		f.s3[n] = b
		w.Header().Set("ETag", fmt.Sprintf("\"etag%d\"", n))
	case p == prefix+"/multipart-upload-status":
		f.mu.Lock()
		var parts []part
		for n := 1; n <= f.parts; n++ {
			if _, ok := f.s3[n]; ok {
				parts = append(parts, part{PartNumber: n, ETag: fmt.Sprintf("\"etag%d\"", n)})
			}
		}
		f.mu.Unlock()
		f.reply(w, 202, partsStatus{Parts: parts, UploadID: "up1", Provider: "AWS"})
	case p == prefix+"/upload-complete":
		var body struct {
			Crc32    uint32
			Parts    []part
			UploadID string
		}
		_ = json.NewDecoder(r.Body).Decode(&body)
		f.mu.Lock()
		n := f.calls[route]
		f.mu.Unlock()
		status, take := 200, true
		if f.onComplete != nil {
			f.onComplete(n)
		}
		if f.completeFault != nil {
			status, take = f.completeFault(n)
		}
		if take {
			f.take(body.Crc32, body.Parts)
		}
		if f.dropComplete {
			conn, _, _ := http.NewResponseController(w).Hijack()
			_ = conn.Close()
			return
		}
		f.reply(w, status, nil)
	case p == prefix+"/status" && f.statusStatus != 0:
		f.reply(w, f.statusStatus, nil)
	case p == prefix+"/status":
		if f.onStatus != nil {
			if code := f.onStatus(); code != 0 {
				f.reply(w, code, nil)
				return
			}
		}
		f.mu.Lock()
		st := map[string]any{"Status": f.status}
		if f.status == "loading failed" && f.loadError != nil {
			st["Error"] = f.loadError
		}
		if f.status == "loading" {
			if f.polls++; f.polls >= max(f.loadingPolls, 1) {
				f.status = "running"
				if f.loadError != nil {
					f.status = "loading failed"
				}
			}
		}
		f.mu.Unlock()
		f.reply(w, 200, st)
	default:
		f.reply(w, 404, nil)
	}
}

// take checks the data against the CRC sent and starts loading it.
func (f *fakeAura) take(crc uint32, parts []part) {
	f.mu.Lock()
	defer f.mu.Unlock()
	data := f.object
	if f.provider == "AWS" {
		if len(parts) != f.parts {
			f.t.Errorf("upload-complete names %d parts, want %d", len(parts), f.parts)
		}
		data = nil
		for n := 1; n <= f.parts; n++ {
			data = append(data, f.s3[n]...)
		}
	}
	if got := crc32.ChecksumIEEE(data); got != crc {
		f.t.Errorf("upload-complete: CRC32 %d sent, the data received has %d", crc, got)
	}
	f.loads++
	f.status, f.polls = "loading", 0
}

func (f *fakeAura) gcsPut(w http.ResponseWriter, r *http.Request) {
	cr := r.Header.Get("Content-Range")
	if strings.HasPrefix(cr, "bytes */") { // the offset query
		f.mu.Lock()
		n := len(f.object)
		f.mu.Unlock()
		if n > 0 {
			w.Header().Set("Range", fmt.Sprintf("bytes=0-%d", n-1))
		}
		w.WriteHeader(308)
		return
	}
	var start int64
	if cr != "" {
		_, _ = fmt.Sscanf(cr, "bytes %d-", &start)
	}
	f.mu.Lock()
	if start != int64(len(f.object)) {
		f.mu.Unlock()
		f.t.Errorf("a PUT resumes at %d, but the session holds %d bytes", start, len(f.object))
		w.WriteHeader(400)
		return
	}
	cutHere := !f.cut && f.cutAt > 0
	f.cut = f.cut || cutHere
	f.mu.Unlock()
	if cutHere {
		buf := make([]byte, f.cutAt)
		n, _ := io.ReadFull(r.Body, buf)
		f.mu.Lock()
		f.object = append(f.object, buf[:n]...)
		f.received += int64(n)
		f.mu.Unlock()
		conn, _, err := http.NewResponseController(w).Hijack()
		if err != nil {
			f.t.Fatal(err)
		}
		_ = conn.Close()
		return
	}
	b, _ := io.ReadAll(r.Body)
	f.mu.Lock()
	f.object = append(f.object, b...)
	f.received += int64(len(b))
	f.mu.Unlock()
	w.WriteHeader(200)
}

func basic(user, password string) string {
	req, _ := http.NewRequest("GET", "/", nil)
	req.SetBasicAuth(user, password)
	return strings.TrimPrefix(req.Header.Get("Authorization"), "Basic ")
}

// logs collects what the client logs, to check it for the password.
type logs struct {
	mu    sync.Mutex
	lines []string
}

func (l *logs) Info(_ context.Context, msg string, fields map[string]any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines = append(l.lines, fmt.Sprint(msg, fields))
}

func (l *logs) all() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Join(l.lines, "\n")
}

type run struct {
	f     *fakeAura
	file  *File
	logs  *logs
	clock *fakeclock.Clock
}

func newRun(t *testing.T, provider string, size int) *run {
	t.Helper()
	data := make([]byte, size)
	_, _ = rand.Read(data)
	p := filepath.Join(t.TempDir(), "neo4j.backup")
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
	file, err := Inspect(p)
	if err != nil {
		t.Fatal(err)
	}
	return &run{f: newFakeAura(t, provider), file: file, logs: &logs{}, clock: fakeclock.New()}
}

// upload runs the whole protocol, as the resource does: Upload, then Wait.
func (r *run) upload(password string) error {
	c := New(Config{Clock: r.clock, Logger: r.logs})
	load, err := c.Upload(context.Background(), Request{Target: Target{BaseURL: r.f.srv.URL, DBID: "db1"}, Username: "neo4j", Password: password, File: r.file})
	if err != nil {
		return err
	}
	return load.Wait(context.Background())
}

// loadsOnce fails the test unless the upload ended well, loaded the file once and sent upload-complete sends
// times.
func (r *run) loadsOnce(t *testing.T, err error, sends int) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
	if n := r.f.count("/import/upload-complete"); r.f.loads != 1 || n != sends {
		t.Fatalf("loads %d, upload-complete sent %d times; want 1 load after %d sends", r.f.loads, n, sends)
	}
}

// endsUnclear runs an upload that must end unclear (KindUnclear, the Load returned: it may have been taken)
// after sends upload-completes.
func (r *run) endsUnclear(t *testing.T, ctx context.Context, sends int) {
	t.Helper()
	c := New(Config{Clock: r.clock})
	load, err := c.Upload(ctx, Request{Target: Target{BaseURL: r.f.srv.URL, DBID: "db1"}, Username: "neo4j", Password: testPassword, File: r.file})
	var e *Error
	if n := r.f.count("/import/upload-complete"); !errors.As(err, &e) || e.Kind != KindUnclear || load == nil || n != sends {
		t.Fatalf("err %v, load %v, upload-complete sent %d times; want KindUnclear with the load after %d sends", err, load, n, sends)
	}
}

func (r *run) checkNoPassword(t *testing.T, err error) {
	t.Helper()
	if err != nil && strings.Contains(err.Error(), testPassword) {
		t.Errorf("the error holds the password: %v", err)
	}
	if strings.Contains(r.logs.all(), testPassword) || strings.Contains(r.logs.all(), "Signature=sig") {
		t.Errorf("the logs hold the password or a signature:\n%s", r.logs.all())
	}
}

func TestUpload_gcsLoadsTheFileOnce(t *testing.T) {
	r := newRun(t, "GCP", 3<<20)
	err := r.upload(testPassword)
	if err != nil {
		t.Fatal(err)
	}
	r.checkNoPassword(t, err)
	if r.f.loads != 1 || r.f.received != r.file.Size {
		t.Fatalf("loads %d, bytes received %d of %d", r.f.loads, r.f.received, r.file.Size)
	}
	if !strings.Contains(r.logs.all(), "Upload 100% sent") || !strings.Contains(r.logs.all(), "Upload 50% sent") {
		t.Errorf("progress is not logged by tenths:\n%s", r.logs.all())
	}
	if !strings.Contains(r.logs.all(), "Database status: loading") {
		t.Errorf("the loading status is not logged:\n%s", r.logs.all())
	}
}

func TestUpload_gcsResumesAfterACutAtHalf(t *testing.T) {
	r := newRun(t, "GCP", 8<<20)
	r.f.cutAt = r.file.Size / 2
	if err := r.upload(testPassword); err != nil {
		t.Fatal(err)
	}
	if !r.f.cut || r.f.loads != 1 {
		t.Fatalf("cut %v, loads %d", r.f.cut, r.f.loads)
	}
	if r.f.received > r.file.Size*11/10 {
		t.Errorf("%d bytes received in all for a file of %d: more than 1.1 times", r.f.received, r.file.Size)
	}
	// The client's own count, in its last progress line, adds the bytes in flight when the connection broke (the
	// sockets' buffers, up to tens of MiB on loopback): lost, and sent again from the storage's offset. The bound
	// is therefore on what storage received; the client's count must cover the file.
	sent := regexp.MustCompile(`bytes_sent_in_all:(\d+)`).FindAllStringSubmatch(r.logs.all(), -1)
	if len(sent) == 0 {
		t.Fatalf("no progress line gives the bytes sent in all:\n%s", r.logs.all())
	}
	if n, _ := strconv.ParseInt(sent[len(sent)-1][1], 10, 64); n < r.file.Size {
		t.Errorf("the client counts %d bytes sent in all for a file of %d", n, r.file.Size)
	}
	if r.f.count("/gcs/session") != 3 { // the cut PUT, the offset query, the resumed PUT
		t.Errorf("%d requests to the session, want 3", r.f.count("/gcs/session"))
	}
}

// A load that is over before Wait's first poll (the caller closed public traffic in between) was seen starting
// right after upload-complete, so Wait does not take the "running" for a load that never started.
func TestUpload_aLoadOverBeforeTheWaitIsSeen(t *testing.T) {
	r := newRun(t, "GCP", 1<<10)
	r.f.loadingPolls = 1
	c := New(Config{Clock: r.clock})
	load, err := c.Upload(context.Background(), Request{Target: Target{BaseURL: r.f.srv.URL, DBID: "db1"}, Username: "neo4j", Password: testPassword, File: r.file})
	if err != nil {
		t.Fatal(err)
	}
	start := r.clock.Now()
	if err := load.Wait(context.Background()); err != nil || r.clock.Now().Sub(start) != 0 {
		t.Fatalf("Wait: %v after %v", err, r.clock.Now().Sub(start))
	}
}

func TestUpload_s3PartRetriedAfterTwo503s(t *testing.T) {
	r := newRun(t, "AWS", 5<<20+123)
	r.f.partFails[2] = 2
	start := r.clock.Now()
	if err := r.upload(testPassword); err != nil {
		t.Fatal(err)
	}
	if r.f.loads != 1 || r.f.count("/s3/part/2") != 3 || r.f.count("/s3/part/1") != 1 {
		t.Fatalf("loads %d, part 2 sent %d times, part 1 %d times", r.f.loads, r.f.count("/s3/part/2"), r.f.count("/s3/part/1"))
	}
	// Two backoffs of 2^n s plus jitter (n = 1, 2), then status polls of 2 s.
	if waited := r.clock.Now().Sub(start); waited < 6e9 {
		t.Errorf("waited %v in all: the part retries did not back off", waited)
	}
	if r.f.count("/import/multipart-upload-status") != 1 {
		t.Errorf("multipart-upload-status sent %d times", r.f.count("/import/multipart-upload-status"))
	}
}

func TestUpload_s3PartFailingFiveTimesFails(t *testing.T) {
	r := newRun(t, "AWS", 1<<20)
	r.f.partFails[1] = 99
	err := r.upload(testPassword)
	var e *Error
	if !errors.As(err, &e) || e.Step != "upload" || r.f.count("/s3/part/1") != partAttempts || r.f.loads != 0 {
		t.Fatalf("err %v, part 1 sent %d times, loads %d", err, r.f.count("/s3/part/1"), r.f.loads)
	}
}

func TestUpload_unclearCompleteThatWasTakenLoadsOnce(t *testing.T) {
	for _, status := range []int{http.StatusServiceUnavailable, http.StatusTooManyRequests, http.StatusBadGateway} {
		r := newRun(t, "GCP", 1<<20)
		r.f.completeFault = func(int) (int, bool) { return status, true }
		r.loadsOnce(t, r.upload(testPassword), 1)
	}
}

func TestUpload_unclearCompleteNotTakenIsSentAgainAfterTheLook(t *testing.T) {
	// An answered 503 says the request was not processed: a short look settles it. A gateway's 502 (the backend
	// may still take it) and a 500 (which may come after the work was done): the look lasts the 90 s loading has
	// to start.
	for status, look := range map[int]time.Duration{503: answeredLook, 502: loadStartLimit, 500: loadStartLimit} {
		r := newRun(t, "AWS", 1<<20)
		r.f.completeFault = func(n int) (int, bool) {
			if n == 1 {
				return status, false
			}
			return 200, true
		}
		var first, again time.Time
		r.f.onComplete = func(n int) {
			if n == 1 {
				first = r.clock.Now()
			} else {
				again = r.clock.Now()
			}
		}
		r.loadsOnce(t, r.upload(testPassword), 2)
		if waited := again.Sub(first); waited < look || waited > look+pollInterval {
			t.Errorf("%d: sent again after %v, want after a look of %v", status, waited, look)
		}
	}
}

// A request cut off may be taken moments later, and a small file's load can be over within 2 s: the first
// seconds of the look after a transport error poll often enough to see a load of 300 ms.
func TestUpload_aLateTakenShortLoadIsSeenByTheLook(t *testing.T) {
	r := newRun(t, "GCP", 1<<10)
	var first time.Time
	r.f.completeFault = func(n int) (int, bool) { return 0, false }
	r.f.onComplete = func(n int) {
		first = r.clock.Now()
		// Taken 3.1 s after the cut, and loaded in 300 ms.
		r.clock.At(first.Add(3100*time.Millisecond), func() { r.f.take(r.file.CRC32, nil) })
		r.clock.At(first.Add(3400*time.Millisecond), func() {
			r.f.mu.Lock()
			r.f.status = "running"
			r.f.mu.Unlock()
		})
	}
	r.f.dropComplete = true
	r.loadsOnce(t, r.upload(testPassword), 1)
}

func TestUpload_completeNeverTakenFailsAfterFourSends(t *testing.T) {
	r := newRun(t, "GCP", 1<<10)
	r.f.completeFault = func(int) (int, bool) { return 500, false }
	err := r.upload(testPassword)
	var e *Error
	if !errors.As(err, &e) || e.Kind != KindNotTaken || r.f.count("/import/upload-complete") != completeAttempt || r.f.loads != 0 {
		t.Fatalf("err %v, upload-complete sent %d times, loads %d", err, r.f.count("/import/upload-complete"), r.f.loads)
	}
}

func TestUpload_completeStaysUnclearWhenTheStatusCannotBeRead(t *testing.T) {
	r := newRun(t, "GCP", 1<<10)
	r.f.completeFault = func(int) (int, bool) { return 503, false }
	r.f.statusStatus = 400
	r.endsUnclear(t, context.Background(), 1)
}

func TestUpload_errorsMapToTheirKindAtTheirStep(t *testing.T) {
	for _, tc := range []struct {
		name  string
		setup func(*fakeAura)
		pass  string
		step  string
		kind  Kind
	}{
		{"wrong password", nil, "wrong", "auth", KindBadCredentials},
		{"not an admin", func(f *fakeAura) { f.authStatus = 403 }, testPassword, "auth", KindNotAdmin},
		{"no consent", func(f *fakeAura) { f.authStatus = 409 }, testPassword, "auth", KindNoConsent},
		{"client moved", func(f *fakeAura) { f.authStatus = 301 }, testPassword, "auth", KindClientTooOld},
		{"client too old", func(f *fakeAura) { f.initStatus = 404 }, testPassword, "initiate", KindClientTooOld},
		{"does not fit", func(f *fakeAura) { f.sizeStatus = 422 }, testPassword, "size", KindTooLarge},
		{"upload complete conflict", func(f *fakeAura) { f.completeFault = func(int) (int, bool) { return 409, false } }, testPassword, "upload-complete", KindNoConsent},
		{"loading failed", func(f *fakeAura) {
			f.loadError = &errorBody{Message: "Deprecated indexes", Reason: "LegacyIndexes", URL: "https://example.com/help"}
		}, testPassword, "status", KindLoadFailed},
		{"loading never starts", func(f *fakeAura) {
			f.completeFault = func(int) (int, bool) { return 200, false }
		}, testPassword, "status", KindLoadNotStarted},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := newRun(t, "GCP", 1<<10)
			if tc.setup != nil {
				tc.setup(r.f)
			}
			err := r.upload(tc.pass)
			r.checkNoPassword(t, err)
			var e *Error
			if !errors.As(err, &e) || e.Step != tc.step || e.Kind != tc.kind {
				t.Fatalf("got %#v (%v), want step %s kind %d", e, err, tc.step, tc.kind)
			}
			if tc.kind == KindLoadFailed {
				if e.Message != "Deprecated indexes" || e.URL != "https://example.com/help" || !strings.Contains(err.Error(), "See: https://example.com/help") {
					t.Errorf("loading failed lost Aura's message or link: %v", err)
				}
				return
			}
			if r.f.loads != 0 {
				t.Errorf("loads %d", r.f.loads)
			}
			if tc.kind == KindTooLarge && e.Reason != "ImportExceedsMaxSize" {
				t.Errorf("reason %q", e.Reason)
			}
		})
	}
}

func TestUpload_consoleRetriesUnavailableWithinTheContext(t *testing.T) {
	r := newRun(t, "GCP", 1<<10)
	r.f.sizeStatus = 503 // never ends
	c := New(Config{Clock: r.clock})
	ctx, cancel := context.WithDeadline(context.Background(), r.clock.Now().Add(5*60e9))
	defer cancel()
	_, err := c.Upload(ctx, Request{Target: Target{BaseURL: r.f.srv.URL, DBID: "db1"}, Username: "neo4j", Password: testPassword, File: r.file})
	if err == nil || r.f.count("/import/size") < 5 || r.f.count("/import/size") > maxRetries+1 {
		t.Fatalf("err %v after %d size calls", err, r.f.count("/import/size"))
	}
}
