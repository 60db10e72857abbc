package aura

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// window is the span in which Aura counts an account's requests, and auraLimit how many it allows in it
// (api/README.md A.1).
const (
	window    = time.Minute
	auraLimit = 125
)

// counted is how long this client counts a request: the window and a second. A request is stamped before it
// leaves and counted by the server when it arrives; the next one, let go the moment the first left the client's
// window, may arrive before the first left the server's (a send delayed by a connection, a lock or the scheduler
// more than the next one), and be refused. A second costs 1/60 of the throughput of a full window.
const counted = window + time.Second

// windowLimiter keeps the client within a budget shaped like Aura's limit: at most budget requests in any
// window, so a burst up to the budget goes at full speed and only the excess waits for the oldest request
// to leave the window. Other terraform processes and people spend the same account. Processes on this machine
// share one count through a file (sharedWindow), so together they stay within one budget. A 429 means someone
// else spends the account too: every goroutine of every process sharing the count waits out its Retry-After,
// once, and the budget is halved for the rest of the window (again on a 429 that comes after the pause), so
// that processes sharing a crowded account back off instead of taking turns at 429s.
type windowLimiter struct {
	mu     sync.Mutex
	clk    Clock
	budget int
	id     string        // this limiter's name among the waits of the shared state
	waits  int           // the waits of this process now polling
	shared *sharedWindow // nil: the count is this process's alone
	// sharedOff is when to try the file again after it could not be used: a lock held by a hung process costs
	// one lockTimeout a window, not one per request.
	sharedOff time.Time
	state     windowState // the count; with shared, the copy last read from the file, used when the file fails
}

// windowState is the count of one account, in this process or in the shared file. Times are Unix nanoseconds.
type windowState struct {
	Sent        []int64              `json:"sent"`             // the requests of the last window, oldest first
	Tokens      []int64              `json:"tokens,omitempty"` // the token requests of the last window, oldest first
	PausedUntil int64                `json:"paused_until,omitempty"`
	Shrunk      int                  `json:"shrunk,omitempty"` // the budget until ShrunkUntil, after a 429
	ShrunkUntil int64                `json:"shrunk_until,omitempty"`
	Waits       map[string]waitEntry `json:"waits,omitempty"` // by limiter: the waits now polling
}

// waitEntry is how many waits a limiter has polling, as of At. A process that ended without saying so drops out
// of the count after waitsExpire.
type waitEntry struct {
	N  int   `json:"n"`
	At int64 `json:"at"`
}

// waitsExpire is longer than the longest poll interval, so that a live wait is always counted.
const waitsExpire = 2 * window

func newWindowLimiter(clk Clock, budget int, shared *sharedWindow) *windowLimiter {
	var id [8]byte
	_, _ = rand.Read(id[:])
	return &windowLimiter{clk: clk, budget: max(1, budget), id: hex.EncodeToString(id[:]), shared: shared}
}

// update runs fn on the account's count at now: the shared file's when it can be read, else this process's
// copy (the budget then holds for this process, as without a file).
func (l *windowLimiter) update(fn func(s *windowState, now int64)) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.clk.Now().UnixNano()
	apply := func(s *windowState) {
		s.prune(now)
		if l.waits > 0 || s.Waits[l.id].N > 0 {
			if s.Waits == nil {
				s.Waits = map[string]waitEntry{}
			}
			s.Waits[l.id] = waitEntry{l.waits, now}
		}
		fn(s, now)
	}
	if l.shared != nil && !l.clk.Now().Before(l.sharedOff) {
		if s, ok := l.shared.update(apply); ok {
			l.state = s
			return
		}
		l.sharedOff = l.clk.Now().Add(window)
	}
	apply(&l.state)
}

// prune drops what no longer counts at now: requests that left the window, waits not heard of for waitsExpire.
func (s *windowState) prune(now int64) {
	old := 0
	for old < len(s.Sent) && s.Sent[old] <= now-int64(counted) {
		old++
	}
	s.Sent = s.Sent[old:]
	old = 0
	for old < len(s.Tokens) && s.Tokens[old] <= now-int64(counted) {
		old++
	}
	s.Tokens = s.Tokens[old:]
	for id, w := range s.Waits {
		if w.N <= 0 || w.At <= now-int64(waitsExpire) {
			delete(s.Waits, id)
		}
	}
}

func (l *windowLimiter) current(s *windowState, now int64) int {
	if now < s.ShrunkUntil {
		return min(l.budget, s.Shrunk)
	}
	return l.budget
}

// Wait returns when a request may be sent, having counted it, or with ctx's error.
func (l *windowLimiter) Wait(ctx context.Context) error {
	return l.sleepUntil(ctx, l.take)
}

// WaitUnbudgeted returns when a token request may be sent, having counted it: it waits out a 429's pause only,
// never the budget.
func (l *windowLimiter) WaitUnbudgeted(ctx context.Context) error {
	return l.sleepUntil(ctx, l.takeToken)
}

// tokenHeadroom is what Aura's limit (125) leaves above the default budget (120) for token requests. They go
// without waiting for the budget, but count: the API requests of a window wait once they and the token requests
// in it reach budget + tokenHeadroom, so that processes which each fetch a token do not together pass the
// server's count.
const tokenHeadroom = auraLimit - 120

func (l *windowLimiter) sleepUntil(ctx context.Context, ask func() time.Duration) error {
	for {
		wait := ask()
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
	var wait int64
	l.update(func(s *windowState, now int64) {
		if now < s.PausedUntil {
			wait = s.PausedUntil - now
			return
		}
		budget := l.current(s, now)
		all := mergeSorted(s.Sent, s.Tokens)
		if len(s.Sent) < budget && len(all) < budget+tokenHeadroom {
			s.Sent = append(s.Sent, now)
			return
		}
		if len(s.Sent) >= budget {
			wait = s.Sent[len(s.Sent)-budget] + int64(counted) - now
		}
		if len(all) >= budget+tokenHeadroom {
			wait = max(wait, all[len(all)-budget-tokenHeadroom]+int64(counted)-now)
		}
	})
	return time.Duration(wait)
}

// takeToken counts a token request and returns 0 when it may go now; it waits out a 429's pause only.
func (l *windowLimiter) takeToken() time.Duration {
	var wait int64
	l.update(func(s *windowState, now int64) {
		if now < s.PausedUntil {
			wait = s.PausedUntil - now
			return
		}
		s.Tokens = append(s.Tokens, now)
	})
	return time.Duration(wait)
}

// mergeSorted is the times of a and b (each oldest first) in one list, oldest first.
func mergeSorted(a, b []int64) []int64 {
	out := make([]int64, 0, len(a)+len(b))
	for len(a) > 0 && len(b) > 0 {
		if a[0] <= b[0] {
			out, a = append(out, a[0]), a[1:]
		} else {
			out, b = append(out, b[0]), b[1:]
		}
	}
	return append(append(out, a...), b...)
}

// throttled is told of a 429: every goroutine waits out retryAfter, and until the window has passed the
// budget is half what it was, down to an eighth of it (15 at the default): lower, a process would wait minutes
// between requests, while the pause after each 429 already keeps it off a full account. The 429s of requests
// that were under way when a first one paused everybody are the same crowding: they may lengthen the pause but
// do not halve the budget again.
func (l *windowLimiter) throttled(retryAfter time.Duration) {
	l.update(func(s *windowState, now int64) {
		alreadyPaused := now < s.PausedUntil
		s.PausedUntil = max(s.PausedUntil, now+int64(retryAfter))
		if !alreadyPaused {
			s.Shrunk, s.ShrunkUntil = max(1, l.budget/8, l.current(s, now)/2), now+int64(window)
		}
	})
}

// beginWait and endWait count this process's waits, so that every wait sharing the budget polls at its share.
func (l *windowLimiter) beginWait() { l.addWaits(1) }
func (l *windowLimiter) endWait()   { l.addWaits(-1) }

func (l *windowLimiter) addWaits(n int) {
	l.mu.Lock()
	l.waits += n
	l.mu.Unlock()
	l.update(func(*windowState, int64) {})
}

// pollShare is the shortest interval at which each of the waits now polling (in every process sharing the
// count) may poll, so that together they spend no more than the budget: a single wait is never slowed by it
// (half a second at 120), fifteen at once poll every 7.5 s rather than every 6 s and ask for more than the
// account allows.
func (l *windowLimiter) pollShare() time.Duration {
	var share time.Duration
	l.update(func(s *windowState, now int64) {
		n := 0
		for _, w := range s.Waits {
			n += w.N
		}
		share = time.Duration(n) * window / time.Duration(l.current(s, now))
	})
	return share
}

// notSentError is a request given up while it waited for the budget: it never left, so its outcome is clear.
type notSentError struct{ err error }

func (e *notSentError) Error() string {
	return "not sent: the wait for the request budget ended: " + e.err.Error()
}

func (e *notSentError) Unwrap() error { return e.err }

// unbudgetedKey marks a request that the budget does not count: the token request, once an hour, which
// Aura's 125 leaves room for above the default budget of 120.
type unbudgetedKey struct{}

// limitedTransport waits for the limiter before every attempt, retries included, and tells it of a 429.
type limitedTransport struct {
	base    http.RoundTripper
	limiter *windowLimiter
	maxWait time.Duration // the longest Retry-After honoured
}

func (t *limitedTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	wait := t.limiter.Wait
	if r.Context().Value(unbudgetedKey{}) != nil {
		wait = t.limiter.WaitUnbudgeted
	}
	if err := wait(r.Context()); err != nil {
		return nil, &notSentError{err}
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
