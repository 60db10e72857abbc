package aura

import (
	"context"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// window is the span in which Aura counts an account's requests (api/README.md A.1: 125 a minute).
const window = time.Minute

// windowLimiter keeps the client within a budget shaped like Aura's limit: at most budget requests in any
// window, so a burst up to the budget goes at full speed and only the excess waits for the oldest request
// to leave the window. Other terraform processes and people spend the same account: a 429 pauses every
// goroutine of the process for its Retry-After, once, and halves the budget for the rest of the window (again
// on each further 429), so that processes sharing a crowded account back off instead of taking turns at 429s.
type windowLimiter struct {
	mu          sync.Mutex
	clk         Clock
	budget      int
	sent        []time.Time // the requests of the last window, oldest first
	pausedUntil time.Time
	shrunk      int // the budget until shrunkUntil, after a 429
	shrunkUntil time.Time
}

func newWindowLimiter(clk Clock, budget int) *windowLimiter {
	return &windowLimiter{clk: clk, budget: max(1, budget)}
}

// Wait returns when a request may be sent, having counted it, or with ctx's error.
func (l *windowLimiter) Wait(ctx context.Context) error {
	for {
		wait := l.take()
		if wait <= 0 {
			return nil
		}
		if err := l.clk.Sleep(ctx, wait); err != nil {
			return err
		}
	}
}

// take counts a request and returns 0 when one may go now, or else how long to wait before asking again.
func (l *windowLimiter) take() time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.clk.Now()
	if now.Before(l.pausedUntil) {
		return l.pausedUntil.Sub(now)
	}
	old := 0
	for old < len(l.sent) && !l.sent[old].After(now.Add(-window)) {
		old++
	}
	l.sent = l.sent[old:]
	budget := l.budget
	if now.Before(l.shrunkUntil) {
		budget = l.shrunk
	}
	if len(l.sent) < budget {
		l.sent = append(l.sent, now)
		return 0
	}
	return l.sent[len(l.sent)-budget].Add(window).Sub(now)
}

// throttled is told of a 429: every goroutine waits out retryAfter, and until the window has passed this
// process spends half the budget it had.
func (l *windowLimiter) throttled(retryAfter time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.clk.Now()
	if until := now.Add(retryAfter); until.After(l.pausedUntil) {
		l.pausedUntil = until
	}
	current := l.budget
	if now.Before(l.shrunkUntil) {
		current = l.shrunk
	}
	l.shrunk, l.shrunkUntil = max(1, current/2), now.Add(window)
}

// limitedTransport waits for the limiter before every attempt, retries included, and tells it of a 429.
type limitedTransport struct {
	base    http.RoundTripper
	limiter *windowLimiter
	maxWait time.Duration // the longest Retry-After honoured
}

func (t *limitedTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if err := t.limiter.Wait(r.Context()); err != nil {
		return nil, err
	}
	res, err := t.base.RoundTrip(r)
	if err == nil && res.StatusCode == http.StatusTooManyRequests {
		after := time.Second
		if s, perr := strconv.Atoi(res.Header.Get("Retry-After")); perr == nil && s >= 0 {
			after = time.Duration(s) * time.Second
		}
		t.limiter.throttled(min(after, t.maxWait))
	}
	return res, err
}
