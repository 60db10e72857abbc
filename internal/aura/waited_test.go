package aura

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
)

type logLine struct {
	level  LogLevel
	msg    string
	fields map[string]any
}

// infoLines collects the client's INFO lines.
type infoLines struct {
	mu    sync.Mutex
	lines []logLine
}

func (l *infoLines) log(_ context.Context, level LogLevel, msg string, fields map[string]any) {
	if level != LogInfo {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines = append(l.lines, logLine{level, msg, fields})
}

// A wait for a 429's Retry-After and a wait for the budget, each over 2 s, are logged at INFO with their length
// and cause; a short one is not. The client's report adds them up.
func TestClient_waitsOverTwoSecondsAreLoggedAtInfoWithLengthAndCause(t *testing.T) {
	clk := newFakeClock()
	var logs infoLines
	f := setup(t, nil, func(c *Config) {
		c.Clock, c.Logger, c.RequestsPerMinute = clk, logs.log, 3 // a token and two reads, then the budget is spent
	})
	ctx := context.Background()
	f.fault(map[string]any{"method": "GET", "path": "^/v1/tenants$", "status": 429, "retry_after": 1, "count": 1})
	if _, err := f.c.ListTenants(ctx); err != nil {
		t.Fatal(err)
	}
	if len(logs.lines) != 0 {
		t.Fatalf("a wait of 1 s was logged at INFO: %v", logs.lines)
	}
	f.fault(map[string]any{"method": "GET", "path": "^/v1/tenants$", "status": 429, "retry_after": 12, "count": 1})
	if _, err := f.c.ListTenants(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := f.c.ListTenants(ctx); err != nil { // over the budget of 3 in the window: waits for it
		t.Fatal(err)
	}
	if len(logs.lines) != 2 {
		t.Fatalf("%d INFO lines, want the Retry-After's and the budget's: %v", len(logs.lines), logs.lines)
	}
	ra, budget := logs.lines[0], logs.lines[1]
	if ra.fields["cause"] != "retry-after" || ra.fields["wait_seconds"] != 12.0 || !strings.Contains(ra.msg, "waits 12.0 s") ||
		!strings.Contains(ra.msg, "429") || !strings.Contains(ra.msg, "125 requests per minute per account") {
		t.Errorf("the Retry-After wait logged %q %v", ra.msg, ra.fields)
	}
	if budget.fields["cause"] != "budget" || budget.fields["wait_seconds"].(float64) < 40 ||
		!strings.Contains(budget.msg, "for the request budget") ||
		!strings.Contains(budget.msg, fmt.Sprintf("this machine sent %d requests to the account in the last minute (budget 3", budget.fields["sent_last_minute"])) {
		t.Errorf("the budget wait logged %q %v", budget.msg, budget.fields)
	}
	r := f.c.Waits()
	if r.Refused != 2 || r.ForServer != 13*time.Second || r.ForBudget.Seconds() < budget.fields["wait_seconds"].(float64) ||
		r.Waited != r.ForServer+r.ForBudget || r.Budget != 3 {
		t.Errorf("report %+v", r)
	}
}

// Requests that wait at the same time are one wait for the report: ten goroutines held by one pause of 5 s
// waited 5 s, as the run felt it, not 50.
func TestWaitTally_countsTimeWaitedNotTheSumOfWaits(t *testing.T) {
	clk := newFakeClock()
	l := newWindowLimiter(clk, 120, nil)
	t0 := clk.Now()
	for range 10 {
		l.tally.add(forRetryAfter, t0, t0.Add(5*time.Second))
	}
	l.tally.add(forBudget, t0.Add(4*time.Second), t0.Add(7*time.Second))
	if got := l.tally.any.total; got != 7*time.Second {
		t.Fatalf("waited %v, want 7s", got)
	}
}
