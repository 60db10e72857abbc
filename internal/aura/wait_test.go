package aura

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// The emulator never fails a snapshot, so a stand-in server answers Failed: the wait must end at once with the
// status in the error.
func TestWaitForSnapshot_failedEndsTheWait(t *testing.T) {
	polls := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.URL.Path == "/oauth/token" {
			_, _ = w.Write([]byte(`{"access_token":"t","expires_in":3600,"token_type":"Bearer"}`))
			return
		}
		polls++
		_, _ = w.Write([]byte(`{"data":{"snapshot_id":"s1","instance_id":"0a0b0c0d","profile":"AdHoc","status":"Failed","timestamp":"2026-11-25T10:00:00Z","exportable":false}}`))
	}))
	defer srv.Close()
	c, err := New(Config{BaseURL: srv.URL, ClientID: "id", ClientSecret: "secret", PollMin: 10 * time.Millisecond, PollMax: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.WaitForSnapshot(context.Background(), "0a0b0c0d", "s1")
	if err == nil || !strings.Contains(err.Error(), `failed (status "Failed")`) || polls != 1 {
		t.Errorf("error %v after %d polls", err, polls)
	}
}

// With the defaults, a single wait for a change 57.3 s away polls at most 10 times and sees it within 6 s;
// fifteen waits of the account at once poll every 7.5 s, their share of the budget of 120.
func TestPoller_defaultsAndTheShareOfManyWaits(t *testing.T) {
	clk := newFakeClock()
	c, err := New(Config{BaseURL: "http://127.0.0.1:1", ClientID: "id", ClientSecret: "secret", Clock: clk, BudgetDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	p := c.newPoller()
	change := p.began.Add(57300 * time.Millisecond)
	for clk.Now().Before(change) {
		if err := p.wait(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	if lag := clk.Now().Sub(change); p.polls > 10 || lag > 6*time.Second {
		t.Errorf("a single wait: %d polls, the change seen %v late", p.polls, lag)
	}
	p.done()

	var many []*poller
	for i := 0; i < 15; i++ {
		many = append(many, c.newPoller())
	}
	if d := many[0].interval(); d != 7500*time.Millisecond {
		t.Errorf("fifteen waits poll every %v, want 7.5s", d)
	}
	for _, p := range many {
		p.done()
	}
	if d := c.newPoller().interval(); d != 6*time.Second {
		t.Errorf("a wait alone again polls every %v, want 6s", d)
	}
}
