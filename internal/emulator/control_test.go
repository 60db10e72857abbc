package emulator

import (
	"crypto/tls"
	"crypto/x509"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"
)

func TestRateLimit_slidingWindow(t *testing.T) {
	h := start(t, func(c *Config) { c.RateLimit = 5 })
	for i := 0; i < 4; i++ { // the token took one of the five
		h.must(200, h.do("GET", "/v1/tenants", nil))
	}
	r := h.do("GET", "/v1/tenants", nil)
	if r.Status != 429 || r.reason() != "rate-limit-exceeded" {
		t.Fatalf("sixth request: %d %s", r.Status, r.Raw)
	}
	if s, _ := strconv.Atoi(r.Header.Get("Retry-After")); s < 1 || s > 60 {
		t.Errorf("Retry-After %q", r.Header.Get("Retry-After"))
	}
	h.must(200, h.do("GET", "/_emulator/stats", nil)) // control requests are not limited
	if st := h.do("GET", "/_emulator/stats", nil).Body; st["rate_limited"] != float64(1) || st["total"] != float64(6) {
		t.Errorf("stats %v", st)
	}
}

func TestFaults_statusDelayDropAndApply(t *testing.T) {
	h := start(t)
	h.must(200, h.do("POST", "/_emulator/faults", map[string]any{"method": "GET", "path": "^/v1/tenants$", "status": 503, "count": 3, "retry_after": 2}))
	for i := 0; i < 3; i++ {
		r := h.do("GET", "/v1/tenants", nil)
		if r.Status != 503 || r.Header.Get("Retry-After") != "2" || r.reason() != "service-unavailable" {
			t.Errorf("faulted request %d: %d %s", i, r.Status, r.Raw)
		}
	}
	h.must(200, h.do("GET", "/v1/tenants", nil))

	h.must(200, h.do("POST", "/_emulator/faults", map[string]any{"path": "^/v1/tenants$", "status": 500, "after": 1}))
	h.must(200, h.do("GET", "/v1/tenants", nil))
	h.must(500, h.do("GET", "/v1/tenants", nil))

	h.must(200, h.do("POST", "/_emulator/faults", map[string]any{"path": "^/v1/tenants$", "delay": "150ms"}))
	began := time.Now()
	h.must(200, h.do("GET", "/v1/tenants", nil))
	if time.Since(began) < 150*time.Millisecond {
		t.Error("delay fault did not delay")
	}

	body := instanceBody(h.e.TenantID(), "professional-db", "5", nil)
	h.must(200, h.do("POST", "/_emulator/faults", map[string]any{"method": "POST", "path": "^/v1/instances$", "drop": true}))
	if _, err := postRaw(h, body); err == nil {
		t.Error("dropped request got an answer")
	}
	if n := len(h.do("GET", "/v1/instances", nil).list()); n != 0 {
		t.Errorf("a request dropped before it took effect created %d instances", n)
	}
	h.must(200, h.do("POST", "/_emulator/faults", map[string]any{"method": "POST", "path": "^/v1/instances$", "drop": true, "apply": true}))
	if _, err := postRaw(h, body); err == nil {
		t.Error("dropped request got an answer")
	}
	if n := len(h.do("GET", "/v1/instances", nil).list()); n != 1 {
		t.Errorf("a request dropped after it took effect left %d instances, want 1", n)
	}
	for _, bad := range []map[string]any{{"path": "("}, {"path": "x"}, {"path": "x", "apply": true, "status": 500}, {"path": "x", "status": 99}, {"path": "x", "status": 500, "bogus": 1}} {
		if r := h.do("POST", "/_emulator/faults", bad); r.Status != 400 {
			t.Errorf("fault %v accepted: %d", bad, r.Status)
		}
	}
	h.must(204, h.do("DELETE", "/_emulator/faults", nil))
}

func postRaw(h *harness, body any) (*http.Response, error) {
	r, err := http.NewRequest("POST", h.e.BaseURL()+"/v1/instances", jsonReader(body))
	if err != nil {
		return nil, err
	}
	r.Header.Set("Authorization", "Bearer "+h.token)
	res, err := http.DefaultClient.Do(r)
	if err == nil {
		res.Body.Close()
	}
	return res, err
}

func TestStats_countByRouteTemplate(t *testing.T) {
	h := start(t)
	h.must(204, h.do("DELETE", "/_emulator/stats", nil))
	id := h.create("professional-db", "5", nil)
	h.do("GET", "/v1/instances/deadbeef", nil)
	st := h.must(200, h.do("GET", "/_emulator/stats", nil)).Body
	counts := map[string]float64{}
	for _, row := range st["requests"].([]any) {
		m := row.(map[string]any)
		counts[m["method"].(string)+" "+m["route"].(string)+" "+strconv.Itoa(int(m["status"].(float64)))] = m["count"].(float64)
	}
	if counts["POST /v1/instances 202"] != 1 || counts["GET /v1/instances/{id} 404"] != 1 || counts["GET /v1/instances/{id} 200"] < 1 {
		t.Errorf("stats %v (instance %s)", counts, id)
	}
}

func TestEnvelope_everywhere(t *testing.T) {
	h := start(t)
	for _, p := range []struct{ method, path string }{
		{"GET", "/nope"}, {"DELETE", "/v1/tenants"}, {"GET", "/_emulator/nope"}, {"PUT", "/v1/instances/x/snapshots"},
	} {
		r := h.do(p.method, p.path, nil)
		if r.Status < 400 || r.reason() == "" {
			t.Errorf("%s %s: %d %s", p.method, p.path, r.Status, r.Raw)
		}
	}
	if r := h.do("POST", "/_emulator/clock/advance", `{"duration":"-5h"}`); r.Status != 400 {
		t.Errorf("negative advance %d", r.Status)
	}
}

func TestDrift_controlEndpoints(t *testing.T) {
	h := start(t)
	id := h.create("professional-db", "5", nil)
	h.must(200, h.do("PATCH", "/_emulator/instances/"+id, map[string]any{"name": "changed", "memory": "16GB", "status": "paused"}))
	if d := h.do("GET", "/v1/instances/"+id, nil).data(); d["name"] != "changed" || d["memory"] != "16GB" || d["status"] != "paused" {
		t.Errorf("drifted %v", d)
	}
	if r := h.do("PUT", "/_emulator/instances/"+id+"/data", map[string]any{"a": 1}); r.Status != 409 {
		t.Errorf("writing data to a paused instance: %d", r.Status)
	}
	if r := h.do("PATCH", "/_emulator/instances/"+id, map[string]any{"status": "creating"}); r.Status != 400 {
		t.Errorf("drift to creating: %d", r.Status)
	}
	h.must(204, h.do("DELETE", "/_emulator/instances/"+id, nil))
	h.must(404, h.do("GET", "/v1/instances/"+id, nil))
}

func TestStateFile_survivesRestart(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	h := start(t, func(c *Config) { c.StateFile = path; c.ClientID = "id"; c.ClientSecret = "secret" })
	id := h.create("professional-db", "5", nil)
	sum := h.putData(id, map[string]any{"kept": true})
	h.advance("30h")
	h.e.Close()

	h2 := start(t, func(c *Config) { c.StateFile = path; c.ClientID = "id"; c.ClientSecret = "secret" })
	if h2.dataSHA(id) != sum || h2.status(id) != "running" {
		t.Error("instance or data lost across a restart")
	}
	if time.Until(h2.now()) < 29*time.Hour {
		t.Error("clock offset lost across a restart")
	}
	h2.do("GET", "/v1/instances/"+id, nil)
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Errorf("temporary files left beside the state file: %d entries", len(entries))
	}
	if err := os.WriteFile(path, []byte("{torn"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := New(Config{StateFile: path}); err == nil {
		t.Error("a torn state file loaded without error")
	}
}

func TestTLS_selfSigned(t *testing.T) {
	ca := filepath.Join(t.TempDir(), "ca.pem")
	cfg := DefaultConfig()
	cfg.Listen, cfg.TLS, cfg.TLSCAOut = "127.0.0.1:0", true, ca
	e, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Start(); err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	pem, err := os.ReadFile(ca)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(pem)
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	res, err := client.Get(e.BaseURL() + "/_emulator/clock")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 200 || e.BaseURL()[:8] != "https://" {
		t.Errorf("TLS: %d %s", res.StatusCode, e.BaseURL())
	}
}

// 1,000 concurrent clients never see a 5xx that was not injected.
func TestConcurrency_noServerErrors(t *testing.T) {
	h := start(t, func(c *Config) { c.Transition = 0 })
	id := h.create("professional-db", "5", nil)
	var wg sync.WaitGroup
	var mu sync.Mutex
	bad := 0
	for i := 0; i < 1000; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			paths := []string{"/v1/instances/" + id, "/v1/instances/" + id + "/snapshots", "/v1/tenants", "/v1/instances"}
			method := "GET"
			if i%10 == 0 {
				method = "POST"
			}
			req, _ := http.NewRequest(method, h.e.BaseURL()+paths[i%len(paths)], nil)
			req.Header.Set("Authorization", "Bearer "+h.token)
			res, err := http.DefaultClient.Do(req)
			mu.Lock()
			defer mu.Unlock()
			if err != nil || res.StatusCode >= 500 {
				bad++
			}
			if err == nil {
				res.Body.Close()
			}
		}(i)
	}
	wg.Wait()
	if bad != 0 {
		t.Errorf("%d of 1000 concurrent requests failed or got a 5xx", bad)
	}
}

// What a tenant offers differs between Aura accounts: the control API sets it, and creates follow it.
func TestControl_tenantOffersWhatItIsGiven(t *testing.T) {
	h := start(t)
	only5 := []InstanceConfiguration{{"gcp", "europe-west1", regionName("europe-west1"), "professional-db", "8GB", "16GB", "5"}}
	h.must(200, h.do("PATCH", "/_emulator/tenants/"+h.e.TenantID(), map[string]any{"instance_configurations": only5}))
	if got := h.must(200, h.do("GET", "/v1/tenants/"+h.e.TenantID(), nil)).data()["instance_configurations"].([]any); len(got) != 1 {
		t.Fatalf("the tenant offers %d configurations, want 1", len(got))
	}
	h.must(400, h.do("POST", "/v1/instances", instanceBody(h.e.TenantID(), "professional-db", "4", nil)))
	h.must(202, h.do("POST", "/v1/instances", instanceBody(h.e.TenantID(), "professional-db", "5", nil)))
}

// A restore that the emulator restarts in the middle of completes after the restart with the snapshot's
// dataset, whether that dataset is an empty instance's `null` or a written one.
func TestStateFile_restoreSurvivesRestart(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	// Transitions last an hour of the emulator's clock, so a restore is still running at the restart; the
	// clock is then advanced past it.
	cfg := func(c *Config) {
		c.StateFile, c.ClientID, c.ClientSecret, c.Transition = path, "id", "secret", time.Hour
	}
	h := start(t, cfg)
	r := h.must(202, h.do("POST", "/v1/instances", instanceBody(h.e.TenantID(), "professional-db", "5", nil)))
	id := r.data()["id"].(string)
	h.advance("2h")
	h.waitStatus(id, "running")
	takeSnapshot := func(h *harness) string {
		sid := h.must(202, h.do("POST", "/v1/instances/"+id+"/snapshots", nil)).data()["snapshot_id"].(string)
		h.advance("2h")
		if s := h.do("GET", "/v1/instances/"+id+"/snapshots/"+sid, nil).data()["status"]; s != "Completed" {
			t.Fatalf("snapshot %s is %v after the transition", sid, s)
		}
		return sid
	}
	empty := h.dataSHA(id)
	nullSnap := takeSnapshot(h)
	written := h.putData(id, map[string]any{"written": true})
	if written == empty {
		t.Fatal("the written dataset hashes as the empty one")
	}
	writtenSnap := takeSnapshot(h)
	h.e.Close()

	// The first restore leaves the empty dataset, which the second restore replaces.
	for _, c := range []struct {
		name, snap, want, other string
	}{
		{"null dataset", nullSnap, empty, written},
		{"written dataset", writtenSnap, written, empty},
	} {
		t.Run(c.name, func(t *testing.T) {
			before := start(t, cfg)
			if before.dataSHA(id) != c.other {
				t.Fatal("the instance does not hold the dataset the restore replaces")
			}
			before.must(202, before.do("POST", "/v1/instances/"+id+"/snapshots/"+c.snap+"/restore", nil))
			before.e.Close()

			after := start(t, cfg)
			if s := after.status(id); s != "restoring" {
				t.Fatalf("after the restart the instance is %s, not restoring", s)
			}
			after.advance("2h")
			after.waitStatus(id, "running")
			if after.dataSHA(id) != c.want {
				t.Errorf("the restore to the %s was lost across the restart: the instance kept its other dataset", c.name)
			}
			after.e.Close()
		})
	}
}
