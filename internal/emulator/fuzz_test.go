package emulator

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"
)

var kebab = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// Any request body on any JSON route gets a 2xx with data or a 4xx with the errors envelope and a kebab-case
// reason: never a 5xx, a panic or a Go error string.
func FuzzAPIRequestBodies(f *testing.F) {
	cfg := DefaultConfig()
	cfg.RateLimit, cfg.Transition = 0, 0
	e, err := New(cfg)
	if err != nil {
		f.Fatal(err)
	}
	token := "fuzz-token"
	e.st.Tokens[token] = time.Now().Add(time.Hour)
	tenant := e.TenantID()
	running := e.st.Instances
	running["0a0b0c0d"] = &instance{ID: "0a0b0c0d", Name: "fuzz", TenantID: tenant, CloudProvider: "gcp", Region: "europe-west1",
		Type: "professional-db", Version: "5", Memory: "2GB", Storage: "4GB", Status: "running", Data: json.RawMessage("null")}
	routes := []struct{ method, path string }{
		{"POST", "/v1/instances"},
		{"PATCH", "/v1/instances/0a0b0c0d"},
		{"POST", "/v1/instances/0a0b0c0d/overwrite"},
		{"POST", "/v1/tenants/" + tenant + "/network-access-configurations"},
		{"POST", "/_emulator/faults"},
		{"POST", "/_emulator/clock/advance"},
		{"PATCH", "/_emulator/instances/0a0b0c0d"},
	}
	for _, seed := range []string{
		`{"name":"a","tenant_id":"` + tenant + `","type":"professional-db","version":"5","region":"europe-west1","cloud_provider":"gcp","memory":"2GB"}`,
		`{"memory":"4GB"}`, `{"name":""}`, `{"source_instance_id":"0a0b0c0d"}`, `{"cloud_provider":"aws","region":"x","type":"free-db"}`,
		`{"path":"(","status":700}`, `{"duration":"1h"}`, `{"status":"paused"}`, `[]`, `null`, `{`, `{"a":1}`, `"x"`, `{"secondaries_count":1e400}`,
	} {
		for i := range routes {
			f.Add(uint8(i), seed)
		}
	}
	f.Fuzz(func(t *testing.T, route uint8, body string) {
		r := routes[int(route)%len(routes)]
		req := httptest.NewRequest(r.method, r.path, strings.NewReader(body))
		req.RemoteAddr = "127.0.0.1:1"
		req.Header.Set("Authorization", "Bearer "+token)
		rec := httptest.NewRecorder()
		e.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("%s %s %q: %d %s", r.method, r.path, body, rec.Code, rec.Body.String())
		}
		var out struct {
			Data   json.RawMessage `json:"data"`
			Errors []struct {
				Reason string `json:"reason"`
			} `json:"errors"`
		}
		if rec.Code == http.StatusNoContent {
			return
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
			t.Fatalf("%s %s %q: answer is not JSON: %q", r.method, r.path, body, rec.Body.String())
		}
		if rec.Code >= 400 && (len(out.Errors) == 0 || !kebab.MatchString(out.Errors[0].Reason)) {
			t.Fatalf("%s %s %q: %d without a kebab-case reason: %s", r.method, r.path, body, rec.Code, rec.Body.String())
		}
		e.mu.Lock()
		e.st.ClockOffset = 0
		e.faults.clear()
		for id := range e.st.Instances {
			if id != "0a0b0c0d" {
				delete(e.st.Instances, id)
			}
		}
		e.st.Instances["0a0b0c0d"].Status = "running"
		e.st.Networks = map[string]*networkAccess{}
		e.st.Snapshots = map[string]*snapshot{} // overwrites take snapshots: keep the state as small as it started
		e.mu.Unlock()
	})
}
