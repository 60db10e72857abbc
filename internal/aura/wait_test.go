package aura

import (
	"context"
	"net/http"
	"net/http/httptest"
	"slices"
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

// pollFifteen runs fifteen waits of one process for a transition 60 s after they begin, on the defaults, one
// event at a time on the fake clock (a goroutine each would move the one clock by every sleep). refuseAt, when
// not zero, is when the server answers one poll 429 with Retry-After: 1. It returns when each wait saw the
// transition.
func pollFifteen(t *testing.T, refuseAt time.Duration) []time.Duration {
	t.Helper()
	clk := newFakeClock()
	c, err := New(Config{BaseURL: "http://127.0.0.1:1", ClientID: "id", ClientSecret: "secret", Clock: clk, BudgetDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	const transition = 60 * time.Second
	t0 := clk.Now()
	type wait struct {
		p    *poller
		next time.Time
		seen time.Duration
	}
	waits := make([]*wait, 15)
	for i := range waits {
		waits[i] = &wait{p: c.newPoller()}
	}
	for _, w := range waits { // after the create: the first poll one interval later
		w.next = t0.Add(w.p.interval())
	}
	refused := refuseAt == 0
	for {
		var w *wait
		for _, x := range waits {
			if x.seen == 0 && (w == nil || x.next.Before(w.next)) {
				w = x
			}
		}
		if w == nil {
			break
		}
		_ = clk.Sleep(context.Background(), w.next.Sub(clk.Now()))
		d, _, tk := c.limiter.take()
		now := clk.Now()
		switch {
		case d > 0:
			w.next = now.Add(d)
		case !refused && now.Sub(t0) >= refuseAt:
			refused = true
			c.limiter.throttled(time.Second)
			w.next = now // retryablehttp sends it again at once; the limiter holds it
		case now.Sub(t0) >= transition:
			c.limiter.answered(tk)
			w.seen = now.Sub(t0)
			w.p.done()
		default:
			c.limiter.answered(tk)
			w.p.polls++
			w.next = now.Add(w.p.interval())
		}
	}
	seen := make([]time.Duration, len(waits))
	for i, w := range waits {
		seen[i] = w.seen
	}
	return seen
}

// One 429 with Retry-After: 1 while fifteen waits poll delays the detection of their transition by at most the
// Retry-After and one poll interval (their share of the budget, 7.5 s): the pause costs what the server asked,
// and the polls that were not refused keep their interval.
func TestPoller_one429DelaysDetectionByItsRetryAfterAndOneInterval(t *testing.T) {
	const shareOf15 = 7500 * time.Millisecond
	calm := pollFifteen(t, 0)
	latest := slices.Max(calm)
	if latest > 60*time.Second+shareOf15 {
		t.Fatalf("without a 429 the last wait saw the transition at %v, want within one interval of 60s", latest)
	}
	for _, at := range []time.Duration{10 * time.Second, 30 * time.Second, 55 * time.Second, 59 * time.Second} {
		refused := pollFifteen(t, at)
		for i := range refused {
			if delay := refused[i] - calm[i]; delay > time.Second+shareOf15 {
				t.Errorf("429 at %v: wait %d saw the transition at %v instead of %v, %v later; want at most 1s + %v",
					at, i+1, refused[i], calm[i], delay, shareOf15)
			}
		}
		if last := slices.Max(refused); last > latest+time.Second+shareOf15 {
			t.Errorf("429 at %v: the last wait saw the transition at %v, %v after %v without it", at, last, last-latest, latest)
		}
	}
}
