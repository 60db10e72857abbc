package emulator

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"
)

// route is what the middleware needs to know about an API pattern.
type route struct {
	extension bool // part C: a bare 404 under --no-extensions
	noAuth    bool // the token endpoint and signed download URLs
	noLimit   bool // signed download URLs are served by storage, not the rate-limited API
	// family says whose host a route stands for, and so the shape of its errors: "" the API, "console" the
	// console's import routes (PascalCase JSON), "storage" the signed storage (XML).
	family string
	// selfLocked handlers take e.mu themselves, so that a body can stream without holding it.
	selfLocked bool
}

// routes registers every API and control pattern. A handler runs with e.mu held and the clock ticked.
func (e *Emulator) routes() {
	e.mux = http.NewServeMux()
	e.routeInfo = map[string]route{}
	api := func(pattern string, info route, h http.HandlerFunc) {
		e.routeInfo[pattern] = info
		e.mux.HandleFunc(pattern, h)
	}
	ext := route{extension: true}
	api("POST /oauth/token", route{noAuth: true}, e.handleToken)
	api("GET /v1/tenants", route{}, e.handleListTenants)
	api("GET /v1/tenants/{tenantId}", route{}, e.handleGetTenant)
	api("GET /v1/tenants/{tenantId}/metrics-integration", route{}, e.handleMetricsIntegration)
	api("GET /v1/instances", route{}, e.handleListInstances)
	api("POST /v1/instances", route{}, e.handleCreateInstance)
	api("GET /v1/instances/{id}", route{}, e.handleGetInstance)
	api("PATCH /v1/instances/{id}", route{}, e.handlePatchInstance)
	api("DELETE /v1/instances/{id}", route{}, e.handleDeleteInstance)
	api("POST /v1/instances/{id}/pause", route{}, e.handlePause)
	api("POST /v1/instances/{id}/resume", route{}, e.handleResume)
	api("POST /v1/instances/{id}/overwrite", route{}, e.handleOverwrite)
	api("GET /v1/instances/{id}/snapshots", route{}, e.handleListSnapshots)
	api("POST /v1/instances/{id}/snapshots", route{}, e.handleCreateSnapshot)
	api("GET /v1/instances/{id}/snapshots/{snapshotId}", route{}, e.handleGetSnapshot)
	api("POST /v1/instances/{id}/snapshots/{snapshotId}/restore", route{}, e.handleRestore)
	api("GET /v1/customer-managed-keys", route{}, e.handleListKeys)
	api("GET /v1/customer-managed-keys/{id}", route{}, e.handleGetKey)
	api("POST /v1/instances/{id}/snapshots/{snapshotId}/export", ext, e.handleExport)
	api("GET /exports/{exportId}", route{extension: true, noAuth: true, noLimit: true}, e.handleDownload)
	api("GET /v1/tenants/{tenantId}/network-access-configurations", ext, e.handleListNetworks)
	api("POST /v1/tenants/{tenantId}/network-access-configurations", ext, e.handleCreateNetwork)
	api("GET /v1/tenants/{tenantId}/network-access-configurations/{configId}", ext, e.handleGetNetwork)
	api("PATCH /v1/tenants/{tenantId}/network-access-configurations/{configId}", ext, e.handlePatchNetwork)
	api("DELETE /v1/tenants/{tenantId}/network-access-configurations/{configId}", ext, e.handleDeleteNetwork)

	// The console's import protocol and the storage its signed URLs point to (api/README.md C.3): real Aura
	// behaviour, so served under --no-extensions too; not counted by the API's rate limit.
	console := route{noAuth: true, noLimit: true, family: "console"}
	storage := route{noAuth: true, noLimit: true, family: "storage", selfLocked: true}
	const db = consolePrefix + "/v1/databases/{dbid}/import"
	api("POST "+db+"/auth", console, e.handleImportAuth)
	api("POST "+db+"/size", console, e.handleImportSize)
	api("POST "+consolePrefix+"/v2/databases/{dbid}/import", console, e.handleInitiate)
	api("POST "+db+"/multipart-upload-status", console, e.handleMultipartStatus)
	api("POST "+db+"/upload-complete", console, e.handleUploadComplete)
	api("GET "+db+"/status", console, e.handleImportStatus)
	api("POST /storage/gcs/{object}", storage, e.handleGCSStart)
	api("PUT /storage/gcs/{object}", storage, e.handleGCSPut)
	api("PUT /storage/s3/{object}/{part}", storage, e.handleS3Part)

	e.control = http.NewServeMux()
	e.control.HandleFunc("GET /_emulator/clock", e.handleGetClock)
	e.control.HandleFunc("POST /_emulator/clock/advance", e.handleAdvanceClock)
	e.control.HandleFunc("GET /_emulator/instances/{id}/data", e.handleGetData)
	e.control.HandleFunc("PUT /_emulator/instances/{id}/data", e.handlePutData)
	e.control.HandleFunc("PATCH /_emulator/instances/{id}", e.handleDriftInstance)
	e.control.HandleFunc("DELETE /_emulator/instances/{id}", e.handleDriftDelete)
	e.control.HandleFunc("PUT /_emulator/instances/{id}/users/{username}", e.handlePutUser)
	e.control.HandleFunc("PATCH /_emulator/network-access-configurations/{id}", e.handleDriftNetwork)
	e.control.HandleFunc("PATCH /_emulator/tenants/{id}", e.handleDriftTenant)
	e.control.HandleFunc("POST /_emulator/faults", e.handleAddFault)
	e.control.HandleFunc("DELETE /_emulator/faults", e.handleClearFaults)
	e.control.HandleFunc("GET /_emulator/stats", e.handleGetStats)
	e.control.HandleFunc("DELETE /_emulator/stats", e.handleResetStats)
}

// ServeHTTP is the single entry: request id, then control or API handling.
func (e *Emulator) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("X-Request-Id", newUUID())
	// The Date header tells clients the emulator's clock, as a server's Date tells its own.
	e.mu.Lock()
	w.Header().Set("Date", e.now().Format(http.TimeFormat))
	e.mu.Unlock()
	if r.URL.Path == "/_emulator" || strings.HasPrefix(r.URL.Path, "/_emulator/") {
		e.serveControl(w, r)
		return
	}
	e.serveAPI(w, r)
}

func (e *Emulator) serveControl(w http.ResponseWriter, r *http.Request) {
	if !fromLoopback(r) {
		writeError(w, errorf(404, "not-found", "", "Not found."))
		return
	}
	_, pattern := e.control.Handler(r)
	if pattern == "" {
		writeError(w, e.unmatched(e.control, r))
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.tick()
	e.control.ServeHTTP(w, r) // not the matched handler itself: ServeMux sets the path values
	e.persist()
}

func fromLoopback(r *http.Request) bool {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return false
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// unmatched tells a path served for other methods (405) from an unknown one (404).
func (e *Emulator) unmatched(mux *http.ServeMux, r *http.Request) *apiError {
	for _, m := range []string{"GET", "POST", "PUT", "PATCH", "DELETE"} {
		probe := r.Clone(r.Context())
		probe.Method = m
		if _, p := mux.Handler(probe); p != "" && m != r.Method {
			return errorf(405, "method-not-allowed", "", "Method %s is not allowed on %s.", r.Method, r.URL.Path)
		}
	}
	return errorf(404, "not-found", "", "No route for %s %s.", r.Method, r.URL.Path)
}

func (e *Emulator) serveAPI(w http.ResponseWriter, r *http.Request) {
	_, pattern := e.mux.Handler(r)
	info := e.routeInfo[pattern]
	routeName := strings.TrimSpace(pattern[strings.Index(pattern, " ")+1:])
	if pattern == "" {
		routeName = "unmatched"
	}
	var rec *statusRecorder
	recorded := false
	record := func() {
		if !recorded {
			recorded = true
			e.stats.record(r.Method, routeName, rec.status)
			if e.cfg.OnRequest != nil {
				e.cfg.OnRequest(r.Method, routeName, rec.status, time.Now())
			}
		}
	}
	// The count is taken when the status is written, before the client can read the answer and ask for the
	// statistics.
	rec = &statusRecorder{ResponseWriter: w, written: record}
	defer record()

	if info.extension && e.cfg.NoExtensions {
		// What the public API v1 does for a path it does not have: a 404 with no errors envelope.
		rec.WriteHeader(http.StatusNotFound)
		return
	}
	if !info.noLimit {
		if wait, ok := e.limiter.allow(time.Now()); !ok {
			e.stats.rateLimited()
			rec.Header().Set("Retry-After", fmt.Sprint(int((wait+time.Second-1)/time.Second)))
			writeError(rec, errorf(429, "rate-limit-exceeded", "", "Too many requests: the limit is %d per minute.", e.cfg.RateLimit))
			return
		}
	}
	f := e.faults.match(r.Method, r.URL.Path)
	if f != nil && f.Delay.Duration > 0 && !sleepCtx(r.Context(), f.Delay.Duration) {
		return
	}
	if f != nil && f.ExpireToken {
		e.expireBearer(r)
	}
	if f != nil && f.Status != 0 && !f.Drop {
		if f.RetryAfter != nil {
			rec.Header().Set("Retry-After", fmt.Sprint(*f.RetryAfter))
		}
		writeFault(rec, info.family, f.Status)
		return
	}
	if f != nil && f.CutAfter != nil && pattern != "" {
		// The body stops after cut_after bytes as if the client's connection broke; what the handler kept of it
		// stays, and the client gets no answer.
		r.Body = &cutBody{ReadCloser: r.Body, left: *f.CutAfter}
		e.handle(httptest.NewRecorder(), r, info)
		record()
		dropConnection(w)
		return
	}
	if f != nil && f.Drop && !f.Apply {
		record() // before the client can notice the drop and ask for the statistics
		dropConnection(w)
		return
	}
	if d := e.latency(); d > 0 && !sleepCtx(r.Context(), d) {
		return
	}
	if pattern == "" {
		writeError(rec, e.unmatched(e.mux, r))
		return
	}
	if f != nil && f.Drop && f.Apply {
		// The request takes effect, then the client loses the connection: an unclear outcome.
		buf := httptest.NewRecorder()
		e.handle(buf, r, info)
		rec.status = buf.Code
		record()
		dropAfter(w, buf, pattern == "GET /exports/{exportId}")
		return
	}
	e.handle(rec, r, info)
}

func (e *Emulator) handle(w http.ResponseWriter, r *http.Request, info route) {
	if info.selfLocked {
		e.mux.ServeHTTP(w, r)
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.tick()
	if !info.noAuth {
		if err := e.authenticate(r); err != nil {
			writeError(w, err)
			return
		}
	}
	e.mux.ServeHTTP(w, r)
	e.persist()
}

// writeFault answers an injected status in the shape of the route's host.
func writeFault(w http.ResponseWriter, family string, status int) {
	switch family {
	case "console":
		writeConsoleError(w, consoleErrorf(status, "InjectedFault", "Injected fault: status %d.", status))
	case "storage":
		writeStorageError(w, &storageError{status, "InjectedFault", fmt.Sprintf("Injected fault: status %d.", status), ""})
	default:
		writeError(w, errorf(status, injectedReason(status), "", "Injected fault: status %d.", status))
	}
}

// expireBearer ends the request's bearer token (the API's or the console's) now: the fault `expire_token`.
func (e *Emulator) expireBearer(r *http.Request) {
	_, token, _ := strings.Cut(r.Header.Get("Authorization"), " ")
	e.mu.Lock()
	defer e.mu.Unlock()
	past := time.Now().Add(-time.Second)
	if _, ok := e.st.Tokens[token]; ok {
		e.st.Tokens[token] = past
	}
	if t, ok := e.st.ConsoleTokens[token]; ok {
		t.Expires = past
	}
	e.persist()
}

func injectedReason(status int) string {
	switch status {
	case 429:
		return "rate-limit-exceeded"
	case 503:
		return "service-unavailable"
	case 500:
		return "internal-server-error"
	case 502:
		return "bad-gateway"
	case 504:
		return "gateway-timeout"
	}
	return "injected-fault"
}

func sleepCtx(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

func dropConnection(w http.ResponseWriter) {
	if hj, ok := w.(http.Hijacker); ok {
		if conn, _, err := hj.Hijack(); err == nil {
			conn.Close()
			return
		}
	}
	panic(http.ErrAbortHandler)
}

// dropAfter closes the connection after the request took effect. For a download it first sends the head and
// half the body, which is what an interrupted transfer looks like to the client.
func dropAfter(w http.ResponseWriter, buf *httptest.ResponseRecorder, partialBody bool) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic(http.ErrAbortHandler)
	}
	conn, bw, err := hj.Hijack()
	if err != nil {
		return
	}
	defer conn.Close()
	if partialBody && buf.Code == 200 {
		body := buf.Body.Bytes()
		writeRawHead(bw, buf.Code, buf.Header(), len(body))
		_, _ = bw.Write(body[:len(body)/2])
		_ = bw.Flush()
	}
}

func writeRawHead(bw *bufio.ReadWriter, code int, h http.Header, length int) {
	_, _ = fmt.Fprintf(bw, "HTTP/1.1 %d %s\r\n", code, http.StatusText(code))
	h.Set("Content-Length", fmt.Sprint(length))
	_ = h.Write(bw)
	_, _ = fmt.Fprint(bw, "\r\n")
}

// statusRecorder remembers the status written, for the statistics, and calls written once it is known.
type statusRecorder struct {
	http.ResponseWriter
	status  int
	written func()
}

func (s *statusRecorder) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
		s.written()
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRecorder) Write(b []byte) (int, error) {
	if s.status == 0 {
		s.WriteHeader(200)
	}
	return s.ResponseWriter.Write(b)
}

func (s *statusRecorder) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	return s.ResponseWriter.(http.Hijacker).Hijack()
}
