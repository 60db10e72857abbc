package aura

import (
	"context"
	"fmt"
	"math"
	"sync"
	"time"
)

// LogLevel is how much a log line matters to the user: LogDebug for each request and answer, LogInfo for a wait
// they would otherwise take for a hang.
type LogLevel int

const (
	LogDebug LogLevel = iota
	LogInfo
)

// loggedWait is the shortest wait logged at INFO: shorter ones are the ordinary pace of a burst.
const loggedWait = 2 * time.Second

var causeNames = map[waitCause]string{forBudget: "budget", forRetryAfter: "retry-after", forRecovery: "recovery"}

// describeWait says what a request waits for and how long, for the INFO line.
func (l *windowLimiter) describeWait(wait time.Duration, cause waitCause) string {
	switch cause {
	case forRetryAfter:
		return fmt.Sprintf("Aura API request waits %.1f s: Aura refused a request of this account (429, its limit is %d requests per minute per account) and asked to wait (Retry-After)",
			roundSeconds(wait), auraLimit)
	case forRecovery:
		return fmt.Sprintf("Aura API request waits %.1f s: after a 429, requests go again as Aura answers the first ones", roundSeconds(wait))
	}
	return fmt.Sprintf("Aura API request waits %.1f s for the request budget: this machine sent %d requests to the account in the last minute (budget %d; Aura allows %d per account)",
		roundSeconds(wait), l.sentLastMinute(), l.budget, auraLimit)
}

func roundSeconds(d time.Duration) float64 { return math.Round(d.Seconds()*10) / 10 }

// sentLastMinute is what this machine (the processes sharing the count) sent to the account in the last window.
func (l *windowLimiter) sentLastMinute() int {
	n := 0
	l.update(func(s *windowState, _ int64) { n = len(s.Sent) + len(s.Tokens) })
	return n
}

// waitTally adds up the time requests waited: the time during which at least one waited, so that ten requests
// waiting the same second count one second, as the run felt it.
type waitTally struct {
	mu       sync.Mutex
	any      span
	by       map[waitCause]*span
	refusals int
}

// span is a union of intervals added in the order they begin.
type span struct {
	total time.Duration
	until time.Time
}

func (s *span) add(from, to time.Time) {
	if from.Before(s.until) {
		from = s.until
	}
	if to.After(from) {
		s.total += to.Sub(from)
		s.until = to
	}
}

func (t *waitTally) add(cause waitCause, from, to time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.by == nil {
		t.by = map[waitCause]*span{}
	}
	if t.by[cause] == nil {
		t.by[cause] = &span{}
	}
	t.any.add(from, to)
	t.by[cause].add(from, to)
}

func (t *waitTally) refused() {
	t.mu.Lock()
	t.refusals++
	t.mu.Unlock()
}

// WaitReport is what the client's requests waited for Aura's rate limit since the client was made.
type WaitReport struct {
	Waited         time.Duration // the time during which at least one request waited, for any cause
	ForBudget      time.Duration // waits for this machine's budget: its own requests of the last minute
	ForServer      time.Duration // waits for a 429's Retry-After, and the recovery after it
	Refused        int           // the 429 answers
	SentLastMinute int           // what this machine sent to the account in the last minute, now
	Budget         int           // requests in any 60 s (requests_per_minute)
}

// Waits reports what requests waited so far.
func (c *Client) Waits() WaitReport {
	l := c.limiter
	l.tally.mu.Lock()
	r := WaitReport{Waited: l.tally.any.total, Refused: l.tally.refusals, Budget: l.budget}
	if s := l.tally.by[forBudget]; s != nil {
		r.ForBudget = s.total
	}
	for _, c := range []waitCause{forRetryAfter, forRecovery} {
		if s := l.tally.by[c]; s != nil {
			r.ForServer += s.total
		}
	}
	l.tally.mu.Unlock()
	r.SentLastMinute = l.sentLastMinute()
	return r
}

// noteServerWait counts and logs a wait that retryablehttp sleeps itself (a 503's Retry-After).
func (c *Client) noteServerWait(ctx context.Context, wait time.Duration) {
	now := c.clk.Now()
	c.limiter.tally.add(forRetryAfter, now, now.Add(wait))
	if wait > loggedWait {
		c.log(ctx, LogInfo, fmt.Sprintf("Aura API request waits %.1f s: Aura answered 503 (unavailable) and asked to wait (Retry-After)", roundSeconds(wait)),
			map[string]any{"wait_seconds": roundSeconds(wait), "cause": "retry-after"})
	}
}
