package emulator

import (
	"encoding/json"
	"net/http"
	"regexp"
	"sort"
	"sync"
	"time"
)

// rateLimiter is Aura's limit: a sliding 60 s window over all API requests of the account.
type rateLimiter struct {
	mu     sync.Mutex
	limit  int
	served []time.Time // times of the requests served in the last window, oldest first
}

func newRateLimiter(perMinute int) *rateLimiter { return &rateLimiter{limit: perMinute} }

// allow admits a request at now, or says how long until the oldest request leaves the window.
func (l *rateLimiter) allow(now time.Time) (time.Duration, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.limit <= 0 {
		return 0, true
	}
	cut := 0
	for cut < len(l.served) && now.Sub(l.served[cut]) >= time.Minute {
		cut++
	}
	l.served = l.served[cut:]
	if len(l.served) >= l.limit {
		return time.Minute - now.Sub(l.served[0]), false
	}
	l.served = append(l.served, now)
	return 0, true
}

// duration is a Go duration in JSON ("5s").
type duration struct{ time.Duration }

func (d *duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return err
	}
	if v < 0 {
		return &json.UnsupportedValueError{Str: s}
	}
	d.Duration = v
	return nil
}

// fault is one rule of POST /_emulator/faults.
type fault struct {
	Method     string   `json:"method"`
	Path       string   `json:"path"`
	Status     int      `json:"status"`
	Count      int      `json:"count"`
	RetryAfter *int     `json:"retry_after"`
	Delay      duration `json:"delay"`
	After      int      `json:"after"`
	Drop       bool     `json:"drop"`
	Apply      bool     `json:"apply"`
	// CutAfter cuts the request's body after this many bytes and drops the connection (a PUT cut mid-body).
	CutAfter *int64 `json:"cut_after"`
	// ExpireToken ends the request's bearer token before the request is handled.
	ExpireToken bool `json:"expire_token"`

	re *regexp.Regexp
}

type faultTable struct {
	mu    sync.Mutex
	rules []*fault
}

// match consumes one use of the first rule matching the request, skipping its `after` first matches.
func (t *faultTable) match(method, path string) *fault {
	t.mu.Lock()
	defer t.mu.Unlock()
	for i, f := range t.rules {
		if f.Method != "" && f.Method != method || !f.re.MatchString(path) {
			continue
		}
		if f.After > 0 {
			f.After--
			continue
		}
		f.Count--
		if f.Count <= 0 {
			t.rules = append(t.rules[:i:i], t.rules[i+1:]...)
		}
		return f
	}
	return nil
}

func (t *faultTable) add(f *fault) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.rules = append(t.rules, f)
}

func (t *faultTable) clear() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.rules = nil
}

// statistics counts API requests by method, route template and status.
type statistics struct {
	mu      sync.Mutex
	counts  map[statKey]int
	limited int
	stored  int64 // bytes the signed storage received, cut requests included
}

type statKey struct {
	Method string
	Route  string
	Status int
}

func newStatistics() *statistics { return &statistics{counts: map[statKey]int{}} }

func (s *statistics) record(method, route string, status int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.counts[statKey{method, route, status}]++
}

func (s *statistics) storageBytes(n int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stored += n
}

func (s *statistics) rateLimited() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.limited++
}

type statRow struct {
	Method string `json:"method"`
	Route  string `json:"route"`
	Status int    `json:"status"`
	Count  int    `json:"count"`
}

type statsView struct {
	Requests    []statRow `json:"requests"`
	Total       int       `json:"total"`
	RateLimited int       `json:"rate_limited"`
	// StorageBytes is what the signed storage routes received, so a test can bound what a resume re-sent.
	StorageBytes int64 `json:"storage_bytes_received"`
}

func (s *statistics) snapshot() statsView {
	s.mu.Lock()
	defer s.mu.Unlock()
	v := statsView{Requests: []statRow{}, RateLimited: s.limited, StorageBytes: s.stored}
	for k, n := range s.counts {
		v.Requests = append(v.Requests, statRow{k.Method, k.Route, k.Status, n})
		v.Total += n
	}
	sort.Slice(v.Requests, func(i, j int) bool {
		a, b := v.Requests[i], v.Requests[j]
		if a.Route != b.Route {
			return a.Route < b.Route
		}
		if a.Method != b.Method {
			return a.Method < b.Method
		}
		return a.Status < b.Status
	})
	return v
}

func (s *statistics) reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.counts = map[statKey]int{}
	s.limited, s.stored = 0, 0
}

func (e *Emulator) handleAddFault(w http.ResponseWriter, r *http.Request) {
	f := &fault{}
	if err := decodeStrict(r, f); err != nil {
		writeError(w, err)
		return
	}
	re, err := regexp.Compile(f.Path)
	if err != nil {
		writeError(w, errorf(400, "invalid-value", "path", "path is not a valid regular expression."))
		return
	}
	f.re = re
	if f.Count == 0 {
		f.Count = 1
	}
	switch {
	case f.Count < 0 || f.After < 0 || (f.RetryAfter != nil && *f.RetryAfter < 0) || (f.CutAfter != nil && *f.CutAfter < 0):
		writeError(w, errorf(400, "invalid-value", "count", "count, after, retry_after and cut_after must not be negative."))
		return
	case f.Status != 0 && (f.Status < 100 || f.Status > 599):
		writeError(w, errorf(400, "invalid-value", "status", "status must be an HTTP status code."))
		return
	case f.Status == 0 && !f.Drop && f.Delay.Duration == 0 && f.CutAfter == nil && !f.ExpireToken:
		writeError(w, errorf(400, "invalid-value", "status", "A fault needs a status, a delay, drop, cut_after or expire_token."))
		return
	case f.CutAfter != nil && (f.Status != 0 || f.Drop):
		writeError(w, errorf(400, "invalid-value", "cut_after", "cut_after goes without status and drop."))
		return
	case f.Apply && !f.Drop:
		writeError(w, errorf(400, "invalid-value", "apply", "apply goes with drop."))
		return
	}
	e.faults.add(f)
	writeJSON(w, 200, map[string]any{"added": true})
}

func (e *Emulator) handleClearFaults(w http.ResponseWriter, _ *http.Request) {
	e.faults.clear()
	w.WriteHeader(http.StatusNoContent)
}

func (e *Emulator) handleGetStats(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, 200, e.stats.snapshot())
}

func (e *Emulator) handleResetStats(w http.ResponseWriter, _ *http.Request) {
	e.stats.reset()
	w.WriteHeader(http.StatusNoContent)
}
