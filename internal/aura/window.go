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
// share one count through a file (sharedWindow), so together they stay within one budget; processes on other
// machines share nothing, and their only signal is the server's 429. A 429 costs what the server asked, not
// more: every goroutine of every process sharing the count waits out its Retry-After (the account is full until
// then, so anything sent sooner would be refused too), and then the process sends one request, and one more
// for each answer that is not a 429 (doubling what is under way each round trip, and never fewer than Aura's
// own pace of 125 a minute), until it is back at its budget. Polls keep their interval.
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
	// The recovery after a pause, this process's own: pauseSeen is the end of the last pause it saw, and while
	// recovering it has sent sentSince requests since then, okSince of them answered without a 429.
	pauseSeen          int64
	recovering         bool
	sentSince, okSince int
	tally              waitTally
	log                func(ctx context.Context, level LogLevel, msg string, fields map[string]any)
}

// windowState is the count of one account, in this process or in the shared file. Times are Unix nanoseconds.
type windowState struct {
	Sent        []int64              `json:"sent"`             // the requests of the last window, oldest first
	Tokens      []int64              `json:"tokens,omitempty"` // the token requests of the last window, oldest first
	PausedUntil int64                `json:"paused_until,omitempty"`
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

// ticket is what a request was let go under: the pause whose recovery it belongs to, if any.
type ticket struct{ pause int64 }

// Wait returns when a request may be sent, having counted it, or with ctx's error.
func (l *windowLimiter) Wait(ctx context.Context) (ticket, error) {
	return l.sleepUntil(ctx, l.take)
}

// WaitUnbudgeted returns when a token request may be sent, having counted it: it waits out a 429's pause only,
// never the budget.
func (l *windowLimiter) WaitUnbudgeted(ctx context.Context) (ticket, error) {
	return l.sleepUntil(ctx, l.takeToken)
}

// tokenHeadroom is what Aura's limit (125) leaves above the default budget (120) for token requests. They go
// without waiting for the budget, but count: the API requests of a window wait once they and the token requests
// in it reach budget + tokenHeadroom, so that processes which each fetch a token do not together pass the
// server's count.
const tokenHeadroom = auraLimit - 120

// auraPace is how often Aura's limit lets one more request in, on average.
const auraPace = window / auraLimit

// waitCause is what a request waits for.
type waitCause int

const (
	forBudget     waitCause = iota // this machine's own budget: its requests of the last minute
	forRetryAfter                  // the pause a 429's Retry-After asked for
	forRecovery                    // after the pause, the answers that let the next requests go
)

// sleepUntil asks until a request may go, sleeping as told in between; each sleep is counted in the tally, and
// one longer than loggedWait is logged at INFO with its length and cause.
func (l *windowLimiter) sleepUntil(ctx context.Context, ask func() (time.Duration, waitCause, ticket)) (ticket, error) {
	for {
		wait, cause, t := ask()
		if wait <= 0 {
			return t, nil
		}
		now := l.clk.Now()
		l.tally.add(cause, now, now.Add(wait))
		if wait > loggedWait && l.log != nil {
			l.log(ctx, LogInfo, l.describeWait(wait, cause), map[string]any{
				"wait_seconds": roundSeconds(wait), "cause": causeNames[cause], "sent_last_minute": l.sentLastMinute(),
			})
		}
		if err := l.clk.Sleep(ctx, wait); err != nil {
			return t, err
		}
	}
}

// take counts a request and returns 0 when one may go now, or else how long to wait before asking again, and
// for what.
func (l *windowLimiter) take() (time.Duration, waitCause, ticket) {
	var wait int64
	cause := forBudget
	var t ticket
	l.update(func(s *windowState, now int64) {
		if now < s.PausedUntil {
			wait, cause = s.PausedUntil-now, forRetryAfter
			return
		}
		if s.PausedUntil > l.pauseSeen {
			l.pauseSeen, l.recovering, l.sentSince, l.okSince = s.PausedUntil, true, 0, 0
		}
		if l.recovering {
			since := now - l.pauseSeen
			allowed := 1 + 2*l.okSince + int(since/int64(auraPace))
			switch {
			case allowed >= l.budget || since >= int64(window):
				l.recovering = false
			case l.sentSince >= allowed:
				// An answer may come sooner than Aura's pace adds one: ask again soon.
				wait, cause = min(int64(recoveryRecheck), int64(auraPace)-since%int64(auraPace)), forRecovery
				return
			}
		}
		budget := l.budget
		all := mergeSorted(s.Sent, s.Tokens)
		if len(s.Sent) < budget && len(all) < budget+tokenHeadroom {
			s.Sent = append(s.Sent, now)
			if l.recovering {
				l.sentSince++
				t.pause = l.pauseSeen
			}
			return
		}
		if len(s.Sent) >= budget {
			wait = s.Sent[len(s.Sent)-budget] + int64(counted) - now
		}
		if len(all) >= budget+tokenHeadroom {
			wait = max(wait, all[len(all)-budget-tokenHeadroom]+int64(counted)-now)
		}
	})
	return time.Duration(wait), cause, t
}

// recoveryRecheck is how soon a request held back after a pause asks again: answers free it sooner than the pace.
const recoveryRecheck = 50 * time.Millisecond

// takeToken counts a token request and returns 0 when it may go now; it waits out a 429's pause only.
func (l *windowLimiter) takeToken() (time.Duration, waitCause, ticket) {
	var wait int64
	l.update(func(s *windowState, now int64) {
		if now < s.PausedUntil {
			wait = s.PausedUntil - now
			return
		}
		s.Tokens = append(s.Tokens, now)
	})
	return time.Duration(wait), forRetryAfter, ticket{}
}

// answered is told of each answer but a 429: one to a request sent while recovering lets two more go.
func (l *windowLimiter) answered(t ticket) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.recovering && t.pause != 0 && t.pause == l.pauseSeen {
		l.okSince++
	}
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

// throttled is told of a 429: every goroutine of the processes sharing the count waits out retryAfter (the
// account is full until then: anything sent sooner would be refused as well), and then recovers as take says.
// The 429s of requests that were under way together may lengthen the pause; they are one crowding.
func (l *windowLimiter) throttled(retryAfter time.Duration) {
	l.tally.refused()
	l.update(func(s *windowState, now int64) {
		s.PausedUntil = max(s.PausedUntil, now+int64(retryAfter))
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
// account allows. It is the whole budget's share, 429 or not: a wait that is not refused keeps its interval.
func (l *windowLimiter) pollShare() time.Duration {
	var share time.Duration
	l.update(func(s *windowState, _ int64) {
		n := 0
		for _, w := range s.Waits {
			n += w.N
		}
		share = time.Duration(n) * window / time.Duration(l.budget)
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
	tk, err := wait(r.Context())
	if err != nil {
		return nil, &notSentError{err}
	}
	res, err := t.base.RoundTrip(r)
	switch {
	case err != nil:
	case res.StatusCode == http.StatusTooManyRequests:
		t.limiter.throttled(min(retryAfter(res, time.Second), t.maxWait))
	default:
		t.limiter.answered(tk)
	}
	return res, err
}

// retryAfter is the answer's Retry-After in seconds, or otherwise when it has none.
func retryAfter(res *http.Response, otherwise time.Duration) time.Duration {
	if s, err := strconv.Atoi(res.Header.Get("Retry-After")); err == nil && s >= 0 {
		return time.Duration(s) * time.Second
	}
	return otherwise
}
