package emulator

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// harness is one running emulator and an authenticated client for it.
type harness struct {
	t     *testing.T
	e     *Emulator
	token string
	// observe, when set, sees every request and its answer (the OpenAPI check).
	observe func(req *http.Request, r reply)
}

func start(t *testing.T, mutate ...func(*Config)) *harness {
	t.Helper()
	cfg := DefaultConfig()
	cfg.Listen = "127.0.0.1:0"
	cfg.RateLimit = 0
	cfg.Transition = 50 * time.Millisecond
	for _, m := range mutate {
		m(&cfg)
	}
	e, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	h := &harness{t: t, e: e}
	h.token = h.newToken()
	return h
}

func (h *harness) newToken() string {
	h.t.Helper()
	req, _ := http.NewRequest("POST", h.e.AuthURL(), strings.NewReader("grant_type=client_credentials"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(h.e.ClientID(), h.e.ClientSecret())
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	defer res.Body.Close()
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if res.StatusCode != 200 || json.NewDecoder(res.Body).Decode(&tok) != nil {
		h.t.Fatalf("token: status %d", res.StatusCode)
	}
	return tok.AccessToken
}

// reply is an answer, decoded loosely.
type reply struct {
	Status int
	Header http.Header
	Raw    []byte
	Body   map[string]any
}

func (r reply) data() map[string]any {
	m, _ := r.Body["data"].(map[string]any)
	return m
}

func (r reply) list() []any {
	l, _ := r.Body["data"].([]any)
	return l
}

func (r reply) reason() string {
	errs, _ := r.Body["errors"].([]any)
	if len(errs) == 0 {
		return ""
	}
	return errs[0].(map[string]any)["reason"].(string)
}

func (r reply) field() string {
	errs, _ := r.Body["errors"].([]any)
	if len(errs) == 0 {
		return ""
	}
	f, _ := errs[0].(map[string]any)["field"].(string)
	return f
}

func (h *harness) do(method, path string, body any) reply {
	h.t.Helper()
	return h.doWith(method, path, body, map[string]string{"Authorization": "Bearer " + h.token})
}

func (h *harness) doWith(method, path string, body any, headers map[string]string) reply {
	h.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		raw, _ := json.Marshal(b)
		rd = bytes.NewReader(raw)
	}
	url := path
	if !strings.HasPrefix(path, "http") {
		url = h.e.BaseURL() + path
	}
	req, _ := http.NewRequest(method, url, rd)
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		h.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	out := reply{Status: res.StatusCode, Header: res.Header, Raw: raw}
	_ = json.Unmarshal(raw, &out.Body)
	if res.Header.Get("X-Request-Id") == "" {
		h.t.Errorf("%s %s: no X-Request-Id", method, path)
	}
	if h.observe != nil {
		h.observe(req, out)
	}
	return out
}

func (h *harness) must(status int, r reply) reply {
	h.t.Helper()
	if r.Status != status {
		h.t.Fatalf("status %d, want %d: %s", r.Status, status, r.Raw)
	}
	return r
}

func instanceBody(tenant, typ, version string, extra map[string]any) map[string]any {
	b := map[string]any{"name": "test-" + typ, "tenant_id": tenant, "type": typ, "version": version,
		"region": "europe-west1", "cloud_provider": "gcp", "memory": "8GB"}
	if typ == "free-db" {
		b["memory"] = "1GB"
	}
	for k, v := range extra {
		if v == nil {
			delete(b, k)
		} else {
			b[k] = v
		}
	}
	return b
}

// create makes an instance and waits until it runs.
func (h *harness) create(typ, version string, extra map[string]any) string {
	h.t.Helper()
	r := h.must(202, h.do("POST", "/v1/instances", instanceBody(h.e.TenantID(), typ, version, extra)))
	id := r.data()["id"].(string)
	h.waitStatus(id, "running")
	return id
}

func (h *harness) status(id string) string {
	h.t.Helper()
	r := h.do("GET", "/v1/instances/"+id, nil)
	if r.Status == 404 {
		return "gone"
	}
	return r.data()["status"].(string)
}

func (h *harness) waitStatus(id, want string) {
	h.t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		if h.status(id) == want {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	h.t.Fatalf("instance %s never became %s (is %s)", id, want, h.status(id))
}

func (h *harness) advance(d string) {
	h.t.Helper()
	h.must(200, h.do("POST", "/_emulator/clock/advance", map[string]string{"duration": d}))
}

func (h *harness) putData(id string, v any) string {
	h.t.Helper()
	return h.must(200, h.do("PUT", "/_emulator/instances/"+id+"/data", v)).Body["sha256"].(string)
}

func (h *harness) dataSHA(id string) string {
	h.t.Helper()
	return h.must(200, h.do("GET", "/_emulator/instances/"+id+"/data", nil)).Body["sha256"].(string)
}

func (h *harness) snapshot(id string) string {
	h.t.Helper()
	sid := h.must(202, h.do("POST", "/v1/instances/"+id+"/snapshots", nil)).data()["snapshot_id"].(string)
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		if h.do("GET", "/v1/instances/"+id+"/snapshots/"+sid, nil).data()["status"] == "Completed" {
			return sid
		}
		time.Sleep(10 * time.Millisecond)
	}
	h.t.Fatalf("snapshot %s never completed", sid)
	return ""
}

func (h *harness) now() time.Time {
	h.t.Helper()
	ts, _ := time.Parse(time.RFC3339Nano, h.must(200, h.do("GET", "/_emulator/clock", nil)).Body["now"].(string))
	return ts
}

func jsonReader(v any) io.Reader {
	raw, _ := json.Marshal(v)
	return bytes.NewReader(raw)
}
