package emulator

import (
	"fmt"
	"hash/crc32"
	"io"
	"math/rand"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestCRC32Combine_equalsTheWholeChecksum(t *testing.T) {
	data := make([]byte, 100_000)
	rand.New(rand.NewSource(1)).Read(data)
	for _, cut := range []int{0, 1, 4095, 50_000, 99_999, 100_000} {
		a, b := data[:cut], data[cut:]
		if got, want := crc32Combine(crc32.ChecksumIEEE(a), crc32.ChecksumIEEE(b), int64(len(b))), crc32.ChecksumIEEE(data); got != want {
			t.Errorf("cut at %d: %08x, want %08x", cut, got, want)
		}
	}
}

// stats returns the count of one route's answers with a status.
func (h *harness) count(method, route string, status int) int {
	h.t.Helper()
	for _, r := range h.must(200, h.do("GET", "/_emulator/stats", nil)).Body["requests"].([]any) {
		m := r.(map[string]any)
		if m["method"] == method && m["route"] == route && m["status"] == float64(status) {
			return int(m["count"].(float64))
		}
	}
	return 0
}

func (h *harness) storageBytes() int64 {
	h.t.Helper()
	return int64(h.must(200, h.do("GET", "/_emulator/stats", nil)).Body["storage_bytes_received"].(float64))
}

func (h *harness) fault(f map[string]any) {
	h.t.Helper()
	h.must(200, h.do("POST", "/_emulator/faults", f))
}

// A PUT cut half way keeps the bytes received: the query answers 308 with their Range, and the rest sent from
// there completes the object, with no more than the file sent in all.
func TestGCS_resumeAfterACutKeepsTheBytesReceived(t *testing.T) {
	h := start(t)
	tg := h.createTarget("gcp")
	data := map[string]any{"resumed": true}
	file := exportBytes(t, "professional-db", "5", data, 8<<20)
	c := h.console(tg.id)
	h.must(200, c.auth("neo4j", tg.password, "true"))
	in := h.must(202, c.initiate(file))
	session := h.gcsStart(in.Body["SignedURI"].(string))
	half := int64(len(file) / 2)
	h.fault(map[string]any{"method": "PUT", "path": "^/storage/gcs/", "cut_after": half})
	if st, _ := h.put(session, file, nil); st != 0 {
		t.Fatalf("the cut PUT answered %d; the connection should have dropped", st)
	}
	total := fmt.Sprintf("bytes */%d", len(file))
	st, hd := h.put(session, nil, map[string]string{"Content-Range": total})
	if st != 308 || hd.Get("Range") != fmt.Sprintf("bytes=0-%d", half-1) {
		t.Fatalf("query after the cut: %d Range %q, want 308 bytes=0-%d", st, hd.Get("Range"), half-1)
	}
	rest := fmt.Sprintf("bytes %d-%d/%d", half, len(file)-1, len(file))
	if st, _ := h.put(session, file[half:], map[string]string{"Content-Range": rest}); st != 200 {
		t.Fatalf("resumed PUT: %d", st)
	}
	if st, _ := h.put(session, nil, map[string]string{"Content-Range": total}); st != 200 {
		t.Errorf("query of the whole object: %d, want 200", st)
	}
	if sent := h.storageBytes(); sent != int64(len(file)) {
		t.Errorf("storage received %d bytes in all, want %d (no byte twice)", sent, len(file))
	}
	h.must(200, c.complete(map[string]any{"Crc32": crc32.ChecksumIEEE(file)}))
	c.statuses()
	if h.dataSHA(tg.id) != sha256Of(data) {
		t.Error("resumed upload did not load the file")
	}
	if n := h.count("PUT", "/storage/gcs/{object}", 0); n != 1 {
		t.Errorf("stats count %d cut PUTs, want 1", n)
	}
	if n := h.count("PUT", "/storage/gcs/{object}", 308); n != 1 {
		t.Errorf("stats count %d 308s, want 1", n)
	}
}

func TestGCS_sessionRules(t *testing.T) {
	h := start(t)
	tg := h.createTarget("gcp")
	file := exportBytes(t, "professional-db", "5", "x", 1000)
	c := h.console(tg.id)
	h.must(200, c.auth("neo4j", tg.password, "true"))
	uri := h.must(202, c.initiate(file)).Body["SignedURI"].(string)
	h.must(400, h.doWith("POST", uri, nil, nil)) // no x-goog-resumable: start
	h.must(403, h.doWith("POST", strings.Replace(uri, "signature=", "signature=0", 1), nil, map[string]string{"x-goog-resumable": "start"}))
	session := h.gcsStart(uri)
	if st, hd := h.put(session, nil, map[string]string{"Content-Range": "bytes */1000"}); st != 308 || hd.Get("Range") != "" {
		t.Errorf("query of an empty session: %d Range %q, want 308 without Range", st, hd.Get("Range"))
	}
	if st, _ := h.put(session, file[500:], map[string]string{"Content-Range": "bytes 500-999/1000"}); st != 400 {
		t.Errorf("a PUT beyond the bytes received: %d, want 400", st)
	}
	if st, _ := h.put(session, file[:10], map[string]string{"Content-Range": "bytes 0-9/999"}); st != 400 {
		t.Errorf("a length other than DumpSize: %d, want 400", st)
	}
	if st, hd := h.put(session, file[:300], map[string]string{"Content-Range": "bytes 0-299/1000"}); st != 308 || hd.Get("Range") != "bytes=0-299" {
		t.Errorf("a first chunk: %d Range %q", st, hd.Get("Range"))
	}
	if st, _ := h.put(strings.Replace(session, "upload_id=", "upload_id=0", 1), file, nil); st != 404 {
		t.Errorf("an unknown session: %d, want 404", st)
	}
	if st, _ := h.put(session, file, nil); st != 200 { // starting again from 0 replaces what was there
		t.Errorf("the whole file from 0: %d", st)
	}
	if st, _ := h.put(session, file, nil); st != 200 { // a finished session keeps answering 200
		t.Errorf("the finished session again: %d", st)
	}
	// The object exists: the signed URL may not replace it (what the client reads as "already uploaded").
	again := h.gcsStart(uri)
	if st, _ := h.put(again, file, nil); st != 403 {
		t.Errorf("a second upload of a stored object: %d, want 403", st)
	}
	h.must(200, c.complete(map[string]any{"Crc32": crc32.ChecksumIEEE(file)}))
}

func TestS3_expiredOrWrongSignatureRefused(t *testing.T) {
	h := start(t)
	tg := h.createTarget("aws")
	file := exportBytes(t, "professional-db", "5", "x", 0)
	c := h.console(tg.id)
	h.must(200, c.auth("neo4j", tg.password, "true"))
	link := h.must(202, c.initiate(file)).Body["SignedLinks"].([]any)[0].(string)
	if st, _ := h.put(strings.Replace(link, "/1?", "/2?", 1), file, nil); st != 403 {
		t.Errorf("another part's URL with this signature: %d, want 403", st)
	}
	h.advance("61m")
	if st, _ := h.put(link, file, nil); st != 403 {
		t.Errorf("an expired URL: %d, want 403", st)
	}
	// Initiating again gives fresh links for the same upload.
	link = h.must(202, c.initiate(file)).Body["SignedLinks"].([]any)[0].(string)
	if st, _ := h.put(link, file, nil); st != 200 {
		t.Errorf("a fresh URL: %d", st)
	}
}

// A part failing twice with 503 is sent again and the upload completes; a part cut mid-body is not stored.
func TestS3_faultsOnPartsAndPartRules(t *testing.T) {
	h := start(t, func(c *Config) { c.UploadPartSize = 1 << 20 })
	tg := h.createTarget("aws")
	data := "parts"
	file := exportBytes(t, "professional-db", "5", data, 3<<20)
	c := h.console(tg.id)
	h.must(200, c.auth("neo4j", tg.password, "true"))
	in := h.must(202, c.initiate(file))
	links := in.Body["SignedLinks"].([]any)
	h.fault(map[string]any{"method": "PUT", "path": "^/storage/s3/", "status": 503, "count": 2})
	for range 2 {
		if st, _ := h.put(links[0].(string), file[:1<<20], nil); st != 503 {
			t.Fatalf("injected 503: got %d", st)
		}
	}
	h.fault(map[string]any{"method": "PUT", "path": "^/storage/s3/.*/2$", "cut_after": 1000})
	if st, _ := h.put(links[1].(string), file[1<<20:2<<20], nil); st != 0 {
		t.Fatalf("cut part: %d", st)
	}
	h.putParts(h.must(202, c.initiate(file)), file)
	parts := h.must(200, c.multipartStatus(file, in.Body["UploadID"].(string))).Body["Parts"].([]any)
	if len(parts) != 3 {
		t.Fatalf("parts %v", parts)
	}
	wrong := slices.Clone(parts)
	wrong[1] = map[string]any{"PartNumber": 2, "ETag": `"0"`}
	if r := h.must(400, c.complete(map[string]any{"Crc32": crc32.ChecksumIEEE(file), "Parts": wrong, "UploadID": in.Body["UploadID"], "Provider": "AWS"})); r.Body["Reason"] != "InvalidPart" {
		t.Errorf("wrong ETag: %s", r.Raw)
	}
	h.must(400, c.complete(map[string]any{"Crc32": crc32.ChecksumIEEE(file), "Parts": parts[:2], "UploadID": in.Body["UploadID"], "Provider": "AWS"}))
	h.fault(map[string]any{"path": "upload-complete$", "status": 429, "retry_after": 1})
	if r := h.must(429, c.complete(map[string]any{"Crc32": crc32.ChecksumIEEE(file), "Parts": parts, "UploadID": in.Body["UploadID"], "Provider": "AWS"})); r.Body["Reason"] != "InjectedFault" {
		t.Errorf("injected 429 body: %s", r.Raw)
	}
	h.must(200, c.complete(map[string]any{"Crc32": crc32.ChecksumIEEE(file), "Parts": parts, "UploadID": in.Body["UploadID"], "Provider": "AWS"}))
	c.statuses()
	if h.dataSHA(tg.id) != sha256Of(data) {
		t.Error("upload did not load the file")
	}
	if n := h.count("PUT", "/storage/s3/{object}/{part}", 503); n != 2 {
		t.Errorf("stats count %d 503s on parts, want 2", n)
	}
	if n := h.count("POST", "/console/v1/databases/{dbid}/import/upload-complete", 429); n != 1 {
		t.Errorf("stats count %d 429s on upload-complete, want 1", n)
	}
}

// Initiating the same file again resumes an S3 upload: only the parts after those stored get links.
func TestS3_initiateAgainResumesAfterTheStoredParts(t *testing.T) {
	h := start(t, func(c *Config) { c.UploadPartSize = 1 << 20 })
	tg := h.createTarget("aws")
	file := exportBytes(t, "professional-db", "5", "x", 4<<20)
	c := h.console(tg.id)
	h.must(200, c.auth("neo4j", tg.password, "true"))
	links := h.must(202, c.initiate(file)).Body["SignedLinks"].([]any)
	for i := range 2 {
		if st, _ := h.put(links[i].(string), file[i<<20:(i+1)<<20], nil); st != 200 {
			t.Fatal(st)
		}
	}
	again := h.must(202, c.initiate(file))
	if n := len(again.Body["SignedLinks"].([]any)); again.Body["TotalParts"] != float64(4) || n != 2 {
		t.Fatalf("TotalParts %v with %d links, want 4 with 2", again.Body["TotalParts"], n)
	}
	h.putParts(again, file)
	st := h.must(200, c.multipartStatus(file, again.Body["UploadID"].(string)))
	body := map[string]any{"Crc32": crc32.ChecksumIEEE(file)}
	for k, v := range st.Body {
		body[k] = v
	}
	h.must(200, c.complete(body))
	c.statuses()
	// Another file starts a new upload.
	other := exportBytes(t, "professional-db", "5", "y", 0)
	if n := len(h.must(202, c.initiate(other)).Body["SignedLinks"].([]any)); n != 1 {
		t.Errorf("a new file's upload: %d links, want 1", n)
	}
}

func TestConsoleFaults_expireTokenAndBursts(t *testing.T) {
	h := start(t)
	tg := h.createTarget("gcp")
	c := h.console(tg.id)
	h.must(200, c.auth("neo4j", tg.password, "true"))
	h.fault(map[string]any{"path": "/import/size$", "expire_token": true})
	if r := h.must(401, c.size(1)); r.Body["Reason"] != "TokenExpired" {
		t.Errorf("expired token: %s", r.Raw)
	}
	h.must(401, c.status()) // the token stays expired
	h.must(200, c.auth("neo4j", tg.password, "true"))
	h.fault(map[string]any{"path": "/import$", "status": 502, "count": 3})
	file := exportBytes(t, "professional-db", "5", "x", 0)
	for range 3 {
		h.must(502, c.initiate(file))
	}
	h.must(202, c.initiate(file))
	// Two drops: Go's transport sends a GET again once when a reused connection drops.
	h.fault(map[string]any{"path": "/import/status$", "drop": true, "count": 2})
	if r, err := httpGet(c.url("v1", "status"), c.token); err == nil {
		t.Errorf("dropped status answered %d", r)
	}
	if n := h.count("POST", "/console/v2/databases/{dbid}/import", 502); n != 3 {
		t.Errorf("stats: %d 502s on initiate, want 3", n)
	}
}

func TestConsole_stateFileRestartMidLoad(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	cfg := func(transition time.Duration) func(*Config) {
		return func(c *Config) {
			c.StateFile, c.ClientID, c.ClientSecret, c.Transition = path, "id", "secret", transition
		}
	}
	h := start(t, cfg(50*time.Millisecond))
	tg := h.createTarget("gcp")
	h.e.Close()
	before, _ := os.Stat(path)

	h1 := start(t, cfg(time.Hour))
	data := map[string]any{"survives": "restart"}
	file := exportBytes(t, "professional-db", "5", data, 1<<20)
	c := h1.console(tg.id)
	h1.must(200, c.auth("neo4j", tg.password, "true"))
	in := h1.must(202, c.initiate(file))
	session := h1.gcsStart(in.Body["SignedURI"].(string))
	half := len(file) / 2
	if st, _ := h1.put(session, file[:half], map[string]string{"Content-Range": fmt.Sprintf("bytes 0-%d/%d", half-1, len(file))}); st != 308 {
		t.Fatal(st)
	}
	h1.e.Close()

	h2 := start(t, cfg(time.Hour))
	c.h = h2
	session = strings.Replace(session, h1.e.BaseURL(), h2.e.BaseURL(), 1) // a new port
	h2.must(200, c.size(1))                                               // the token survives
	st, hd := h2.put(session, nil, map[string]string{"Content-Range": fmt.Sprintf("bytes */%d", len(file))})
	if st != 308 || hd.Get("Range") != fmt.Sprintf("bytes=0-%d", half-1) {
		t.Fatalf("after a restart: %d Range %q", st, hd.Get("Range"))
	}
	if st, _ := h2.put(session, file[half:], map[string]string{"Content-Range": fmt.Sprintf("bytes %d-%d/%d", half, len(file)-1, len(file))}); st != 200 {
		t.Fatal(st)
	}
	h2.must(200, c.complete(map[string]any{"Crc32": crc32.ChecksumIEEE(file)}))
	h2.e.Close()

	h3 := start(t, cfg(time.Hour))
	c.h = h3
	if s := h3.must(200, c.status()).Body["Status"]; s != "loading" {
		t.Fatalf("status after a restart mid-load: %v", s)
	}
	h3.advance("2h")
	if s := h3.must(200, c.status()).Body["Status"]; s != "running" || h3.dataSHA(tg.id) != sha256Of(data) {
		t.Errorf("after the load: %v, data loaded %v", s, h3.dataSHA(tg.id) == sha256Of(data))
	}
	if after, _ := os.Stat(path); after.Size()-before.Size() > 16<<10 {
		t.Errorf("the state file grew by %d bytes with a 1 MiB upload: objects belong in the storage directory", after.Size()-before.Size())
	}
}

// httpGet answers the status of a GET with a bearer token, or the error of a dropped connection.
func httpGet(url, token string) (int, error) {
	req, _ := http.NewRequest("GET", url, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err
	}
	res.Body.Close()
	return res.StatusCode, nil
}

// An upload-complete whose answer is lost still started the load: the status shows it, and sending complete again
// loads nothing twice.
func TestConsole_unclearUploadCompleteLoadsOnce(t *testing.T) {
	h := start(t)
	tg := h.createTarget("gcp")
	data := map[string]any{"once": 1}
	file := exportBytes(t, "professional-db", "5", data, 0)
	c := h.console(tg.id)
	h.must(200, c.auth("neo4j", tg.password, "true"))
	in := h.must(202, c.initiate(file))
	if st, _ := h.put(h.gcsStart(in.Body["SignedURI"].(string)), file, nil); st != 200 {
		t.Fatal(st)
	}
	h.fault(map[string]any{"path": "/import/upload-complete$", "drop": true, "apply": true})
	req, _ := http.NewRequest("POST", c.url("v1", "upload-complete"), strings.NewReader(fmt.Sprintf(`{"Crc32":%d}`, crc32.ChecksumIEEE(file))))
	req.Header.Set("Authorization", "Bearer "+c.token)
	if res, err := http.DefaultClient.Do(req); err == nil {
		res.Body.Close()
		t.Fatalf("the dropped complete answered %d", res.StatusCode)
	}
	if s := h.must(200, c.status()).Body["Status"]; s != "loading" {
		t.Errorf("status after the unclear complete: %v, want loading", s)
	}
	if r := h.must(400, c.complete(map[string]any{"Crc32": crc32.ChecksumIEEE(file)})); r.Body["Reason"] != "UploadNotFound" {
		t.Errorf("a second complete: %s", r.Raw)
	}
	c.statuses()
	if h.dataSHA(tg.id) != sha256Of(data) {
		t.Error("the file did not load")
	}
	if n := h.count("POST", "/console/v1/databases/{dbid}/import/upload-complete", 200); n != 1 {
		t.Errorf("%d completes took effect, want 1", n)
	}
}

// A PUT whose session was replaced while its body streamed stores nothing, and says so: an empty 200 would pass
// for the whole object.
func TestGCS_aPutSupersededWhileStreamingIsRefused(t *testing.T) {
	h := start(t)
	tg := h.createTarget("gcp")
	file := exportBytes(t, "professional-db", "5", map[string]any{"superseded": true}, 1<<20)
	c := h.console(tg.id)
	h.must(200, c.auth("neo4j", tg.password, "true"))
	signed := h.must(202, c.initiate(file)).Body["SignedURI"].(string)
	first := h.gcsStart(signed)
	body, feed := io.Pipe()
	req, _ := http.NewRequest("PUT", first, body)
	req.ContentLength = int64(len(file))
	answered := make(chan int, 1)
	go func() {
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			answered <- 0
			return
		}
		res.Body.Close()
		answered <- res.StatusCode
	}()
	half := len(file) / 2
	if _, err := feed.Write(file[:half]); err != nil {
		t.Fatal(err)
	}
	// The handler streams once the object holds bytes: only then is the session replaced under it.
	object := h.e.storagePath("")
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		found, _ := filepath.Glob(filepath.Join(object, "*.gcs"))
		if len(found) == 1 {
			if fi, err := os.Stat(found[0]); err == nil && fi.Size() > 0 {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatal("the PUT's bytes never reached the object")
		}
	}
	second := h.gcsStart(signed) // a new session while the first PUT streams
	if _, err := feed.Write(file[half:]); err != nil {
		t.Fatal(err)
	}
	_ = feed.Close()
	if st := <-answered; st != 404 {
		t.Fatalf("the superseded PUT answered %d, want 404", st)
	}
	total := fmt.Sprintf("bytes */%d", len(file))
	if st, hd := h.put(second, nil, map[string]string{"Content-Range": total}); st != 308 || hd.Get("Range") != "" {
		t.Errorf("the new session after the superseded PUT: %d Range %q, want 308 with nothing received", st, hd.Get("Range"))
	}
}
