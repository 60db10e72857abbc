package aura

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aura-terraform/terraform-provider-aura/internal/emulator"
)

type fixture struct {
	t *testing.T
	e *emulator.Emulator
	c *Client
}

func setup(t *testing.T, emu func(*emulator.Config), cli func(*Config)) *fixture {
	t.Helper()
	ec := emulator.DefaultConfig()
	ec.Listen, ec.RateLimit, ec.Transition = "127.0.0.1:0", 0, 100*time.Millisecond
	if emu != nil {
		emu(&ec)
	}
	e, err := emulator.New(ec)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	cc := Config{BaseURL: e.BaseURL(), ClientID: e.ClientID(), ClientSecret: e.ClientSecret(),
		RetryWaitMin: 10 * time.Millisecond, RetryWaitMax: 50 * time.Millisecond, PollMin: 20 * time.Millisecond, PollMax: 80 * time.Millisecond,
		RequestsPerMinute: 100000, BudgetDir: t.TempDir()}
	if cli != nil {
		cli(&cc)
	}
	c, err := New(cc)
	if err != nil {
		t.Fatal(err)
	}
	return &fixture{t, e, c}
}

func (f *fixture) control(method, path string, body any, out any) {
	f.t.Helper()
	raw, _ := json.Marshal(body)
	req, _ := http.NewRequestWithContext(context.Background(), method, f.e.BaseURL()+path, bytes.NewReader(raw))
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		f.t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode >= 300 {
		f.t.Fatalf("%s %s: %d", method, path, res.StatusCode)
	}
	if out != nil {
		_ = json.NewDecoder(res.Body).Decode(out)
	}
}

func (f *fixture) fault(spec map[string]any) { f.control("POST", "/_emulator/faults", spec, nil) }

// count is how many requests the emulator served for method and route since the last reset.
func (f *fixture) count(method, route string) int {
	var st struct {
		Requests []struct {
			Method, Route string
			Count         int
		}
	}
	f.control("GET", "/_emulator/stats", nil, &st)
	n := 0
	for _, r := range st.Requests {
		if r.Method == method && r.Route == route {
			n += r.Count
		}
	}
	return n
}

func (f *fixture) resetStats() { f.control("DELETE", "/_emulator/stats", nil, nil) }

func (f *fixture) createReq(name string) CreateInstanceRequest {
	return CreateInstanceRequest{Name: name, TenantID: f.e.TenantID(), Type: "professional-db", Version: "5",
		Region: "europe-west1", CloudProvider: "gcp", Memory: "2GB"}
}

func (f *fixture) instancesNamed(name string) int {
	list, err := f.c.ListInstances(context.Background(), f.e.TenantID())
	if err != nil {
		f.t.Fatal(err)
	}
	n := 0
	for _, s := range list {
		if s.Name == name {
			n++
		}
	}
	return n
}

// Which requests are retried on which failure, and what the caller sees.
func TestRetryPolicy(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		name     string
		fault    map[string]any
		call     func(f *fixture) error
		method   string
		route    string
		attempts int
		wantErr  string
	}{
		{"GET retried through three 503s", map[string]any{"method": "GET", "path": "^/v1/tenants$", "status": 503, "count": 3},
			func(f *fixture) error { _, err := f.c.ListTenants(ctx); return err }, "GET", "/v1/tenants", 4, ""},
		{"GET retried after a dropped connection", map[string]any{"method": "GET", "path": "^/v1/tenants$", "drop": true},
			func(f *fixture) error { _, err := f.c.ListTenants(ctx); return err }, "GET", "/v1/tenants", 2, ""},
		{"GET gives up after max retries with the API's error", map[string]any{"method": "GET", "path": "^/v1/tenants$", "status": 503, "count": 20},
			func(f *fixture) error { _, err := f.c.ListTenants(ctx); return err }, "GET", "/v1/tenants", 6, "503 service-unavailable"},
		{"GET 400 is not retried", map[string]any{"method": "GET", "path": "^/v1/tenants$", "status": 400},
			func(f *fixture) error { _, err := f.c.ListTenants(ctx); return err }, "GET", "/v1/tenants", 1, "400"},
		{"POST retried on 429", map[string]any{"method": "POST", "path": "^/v1/instances$", "status": 429, "retry_after": 0},
			func(f *fixture) error { _, err := f.c.CreateInstance(ctx, f.createReq("p429")); return err }, "POST", "/v1/instances", 2, ""},
		{"POST re-sent after a 503 only once the instance is known not to exist", map[string]any{"method": "POST", "path": "^/v1/instances$", "status": 503},
			func(f *fixture) error { _, err := f.c.CreateInstance(ctx, f.createReq("p503")); return err }, "POST", "/v1/instances", 2, ""},
		{"POST re-sent after a dropped connection only once checked", map[string]any{"method": "POST", "path": "^/v1/instances$", "drop": true},
			func(f *fixture) error { _, err := f.c.CreateInstance(ctx, f.createReq("pdrop")); return err }, "POST", "/v1/instances", 2, ""},
		{"POST given up after four checked 503s", map[string]any{"method": "POST", "path": "^/v1/instances$", "status": 503, "count": 4},
			func(f *fixture) error { _, err := f.c.CreateInstance(ctx, f.createReq("p503x4")); return err }, "POST", "/v1/instances", 4, "safe to apply again"},
		{"snapshot POST not re-sent after a 500", map[string]any{"method": "POST", "path": "/snapshots$", "status": 500},
			func(f *fixture) error { _, err := f.c.CreateSnapshot(ctx, "deadbeef"); return err }, "POST", "/v1/instances/{id}/snapshots", 1, "outcome is unclear"},
		{"PATCH retried after 502", map[string]any{"method": "PATCH", "path": "^/v1/instances/", "status": 502},
			func(f *fixture) error {
				_, err := f.c.UpdateInstance(ctx, "deadbeef", UpdateInstanceRequest{})
				return err
			}, "PATCH", "/v1/instances/{id}", 2, "404"},
		{"DELETE retried after a dropped connection", map[string]any{"method": "DELETE", "path": "^/v1/instances/", "drop": true},
			func(f *fixture) error { return f.c.DeleteInstance(ctx, "deadbeef") }, "DELETE", "/v1/instances/{id}", 2, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := setup(t, nil, nil)
			f.fault(c.fault)
			err := c.call(f)
			if c.wantErr == "" && err != nil || c.wantErr != "" && (err == nil || !strings.Contains(err.Error(), c.wantErr)) {
				t.Errorf("error %v, want %q", err, c.wantErr)
			}
			if got := f.count(c.method, c.route); got != c.attempts {
				t.Errorf("%d attempts, want %d", got, c.attempts)
			}
		})
	}
}

// A create that took effect but whose answer was lost is adopted, never sent twice.
func TestCreateInstance_unclearOutcomeAdoptsTheInstance(t *testing.T) {
	f := setup(t, nil, nil)
	f.fault(map[string]any{"method": "POST", "path": "^/v1/instances$", "drop": true, "apply": true})
	got, err := f.c.CreateInstance(context.Background(), f.createReq("adopt-me"))
	if err != nil {
		t.Fatal(err)
	}
	if !got.Adopted || got.ID == "" || got.Password != "" {
		t.Errorf("adopted %+v", got)
	}
	if n := f.instancesNamed("adopt-me"); n != 1 {
		t.Errorf("%d instances named adopt-me, want 1", n)
	}
	if n := f.count("POST", "/v1/instances"); n != 1 {
		t.Errorf("create sent %d times", n)
	}
}

func TestAPIError_carriesTheEnvelope(t *testing.T) {
	f := setup(t, nil, nil)
	req := f.createReq("bad")
	req.Memory = "3GB"
	_, err := f.c.CreateInstance(context.Background(), req)
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.Status != 400 || apiErr.Reason != "invalid-value" || apiErr.Field != "memory" || apiErr.RequestID == "" {
		t.Errorf("error %#v", err)
	}
	if _, err := f.c.GetInstance(context.Background(), "deadbeef"); !errors.Is(err, ErrNotFound) {
		t.Errorf("404 is not ErrNotFound: %v", err)
	}
	g := setup(t, func(c *emulator.Config) { c.NoExtensions = true }, nil)
	if _, err := g.c.ListNetworkAccess(context.Background(), g.e.TenantID()); !errors.Is(err, ErrNotSupported) || errors.Is(err, ErrNotFound) {
		t.Errorf("bare 404 on an extension path: %v", err)
	}
}

// An expired token (403) is renewed once, by one caller, and every waiting call is replayed.
func TestToken_renewedOnceUnderConcurrency(t *testing.T) {
	f := setup(t, func(c *emulator.Config) { c.TokenTTL = time.Second }, nil)
	frozen := time.Now()
	f.c.tokens.now = func() time.Time { return frozen } // the client believes its token is fresh
	if _, err := f.c.ListTenants(context.Background()); err != nil {
		t.Fatal(err)
	}
	time.Sleep(1100 * time.Millisecond)
	f.resetStats()
	listConcurrently(t, f.c, 20)
	if n := f.count("POST", "/oauth/token"); n != 1 {
		t.Errorf("%d token renewals, want 1", n)
	}
}

func TestToken_badCredentialsSayWhich(t *testing.T) {
	f := setup(t, nil, func(c *Config) { c.ClientSecret = "wrong" })
	_, err := f.c.ListTenants(context.Background())
	if err == nil || !strings.Contains(err.Error(), "client_id and client_secret") || strings.Contains(err.Error(), "wrong") {
		t.Errorf("error %v", err)
	}
}

// The budget is shaped like Aura's limit, at the default of 120: requests sent at once all go at once, and the
// next waits until the oldest has left the window, not a fraction of a minute each. The token request is not
// one of the 120 (Aura's 125 leaves room for it), so the 120th request of a burst does not wait for the window.
func TestRateLimiter_burstsUpToTheBudgetThenWaitsForTheWindow(t *testing.T) {
	clk := newFakeClock()
	f := setup(t, nil, func(c *Config) { c.RequestsPerMinute, c.Clock = 0, clk })
	began := clk.Now()
	listConcurrently(t, f.c, 120)
	if waited := clk.Now().Sub(began); waited != 0 {
		t.Fatalf("120 requests at once within the default budget waited %v", waited)
	}
	if tokens, gets := f.count("POST", "/oauth/token"), f.count("GET", "/v1/tenants"); tokens != 1 || gets != 120 {
		t.Fatalf("%d token requests and %d GETs, want 1 and 120", tokens, gets)
	}
	if _, err := f.c.ListTenants(context.Background()); err != nil {
		t.Fatal(err)
	}
	if waited := clk.Now().Sub(began); waited != counted {
		t.Fatalf("the 121st request went after %v, want %v (when the first left the window, and a second)", waited, counted)
	}
}

// Two terraform processes of one account on one machine spend one budget: together they send 120 at once,
// and the next request of either waits for the window.
func TestRateLimiter_processesOnOneMachineShareTheBudget(t *testing.T) {
	clk := newFakeClock()
	dir := t.TempDir()
	f := setup(t, nil, func(c *Config) { c.RequestsPerMinute, c.Clock, c.BudgetDir = 0, clk, dir })
	other, err := New(Config{BaseURL: f.e.BaseURL(), ClientID: f.e.ClientID(), ClientSecret: f.e.ClientSecret(), Clock: clk, BudgetDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	began := clk.Now()
	for i := 0; i < 120; i++ {
		c := f.c
		if i%2 == 1 {
			c = other
		}
		if _, err := c.ListTenants(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	if waited := clk.Now().Sub(began); waited != 0 {
		t.Fatalf("120 requests of two processes waited %v", waited)
	}
	if _, err := other.ListTenants(context.Background()); err != nil {
		t.Fatal(err)
	}
	if waited := clk.Now().Sub(began); waited != counted {
		t.Fatalf("the 121st request of the account went after %v, want %v", waited, counted)
	}
}

// A create given up while it waited for the budget never left: the error says so, and nothing is looked for.
func TestRateLimiter_aCreateThatWaitedPastItsDeadlineWasNotSent(t *testing.T) {
	clk := newFakeClock()
	f := setup(t, nil, func(c *Config) { c.RequestsPerMinute, c.Clock = 0, clk })
	for i := 0; i < 120; i++ {
		if _, err := f.c.ListTenants(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	timedOut, cancel := clk.WithTimeout(context.Background(), 10*time.Second) // ends while it waits
	defer cancel()
	cancelled, cancelNow := context.WithCancel(context.Background()) // ended already: as a real deadline is seen
	cancelNow()
	for _, ctx := range []context.Context{timedOut, cancelled} {
		_, err := f.c.CreateInstance(ctx, f.createReq("late"))
		var unclear *UnclearError
		if err == nil || errors.As(err, &unclear) || !strings.Contains(err.Error(), "not sent") {
			t.Fatalf("error %v, want a create that was not sent", err)
		}
	}
	if posts, lists := f.count("POST", "/v1/instances"), f.count("GET", "/v1/instances"); posts != 0 || lists != 0 {
		t.Fatalf("%d creates and %d looks for a create that never left", posts, lists)
	}
}

func TestRetryAfter_isClamped(t *testing.T) {
	f := setup(t, nil, func(c *Config) { c.MaxRetryAfter = 300 * time.Millisecond })
	f.fault(map[string]any{"method": "GET", "path": "^/v1/tenants$", "status": 429, "retry_after": 100})
	began := time.Now()
	if _, err := f.c.ListTenants(context.Background()); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(began); d < 300*time.Millisecond || d > 5*time.Second {
		t.Errorf("a 100 s Retry-After clamped to 300 ms took %v", d)
	}
}

func TestWaiter_backsOffAndNoticesQuickly(t *testing.T) {
	f := setup(t, func(c *emulator.Config) { c.Transition = 2 * time.Second }, func(c *Config) {
		c.PollMin, c.PollMax = 100*time.Millisecond, 400*time.Millisecond
	})
	created, err := f.c.CreateInstance(context.Background(), f.createReq("waiter"))
	if err != nil {
		t.Fatal(err)
	}
	f.resetStats()
	if _, err := f.c.WaitForInstance(context.Background(), created.ID, "running"); err != nil {
		t.Fatal(err)
	}
	polls := f.count("GET", "/v1/instances/{id}")
	// Intervals of max(100 ms, a tenth of the time waited): a 2 s wait costs about 20 polls at most, and a
	// tenth of the elapsed time bounds how late the change is seen.
	// How soon the change is noticed is measured by make bench, not here.
	if polls > 21 {
		t.Errorf("%d polls for a 2 s transition", polls)
	}
}

func TestWaiter_failsFastAndReportsLastStatus(t *testing.T) {
	f := setup(t, func(c *emulator.Config) { c.Transition = time.Hour }, nil)
	created, err := f.c.CreateInstance(context.Background(), f.createReq("slow"))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	_, err = f.c.WaitForInstance(ctx, created.ID, "running")
	if err == nil || !strings.Contains(err.Error(), `last status "creating"`) {
		t.Errorf("timeout error %v", err)
	}
}

func TestCheckURL(t *testing.T) {
	for u, ok := range map[string]bool{
		"https://api.neo4j.io": true, "http://127.0.0.1:8787": true, "http://localhost:1": true, "http://[::1]:2": true,
		"http://api.neo4j.io": false, "ftp://x": false, "not a url": false,
	} {
		if err := CheckURL(u); (err == nil) != ok {
			t.Errorf("CheckURL(%q) = %v", u, err)
		}
	}
}

// listConcurrently sends n tenant lists at once through c, and fails the test if any fails.
func listConcurrently(t *testing.T, c *Client, n int) {
	t.Helper()
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for range n {
		wg.Go(func() {
			_, err := c.ListTenants(context.Background())
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
}
