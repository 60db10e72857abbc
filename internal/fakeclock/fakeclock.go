// Package fakeclock is a clock for tests of code that waits (aura.Clock): Sleep jumps instead of sleeping, so the
// default poll settings and windows of minutes run in milliseconds.
package fakeclock

import (
	"context"
	"sort"
	"sync"
	"time"
)

// Clock jumps instead of sleeping, and runs what the test scheduled for the times it jumps past. A
// context deadline is honoured in its time, so a look cut off by its timeout fails here as it would for real.
type Clock struct {
	mu     sync.Mutex
	now    time.Time
	events []event
}

type event struct {
	at time.Time
	do func()
}

// New is a fake clock at the real time now.
func New() *Clock { return &Clock{now: time.Now()} }

func (f *Clock) Now() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.now
}

// At schedules do for when the clock passes t.
func (f *Clock) At(t time.Time, do func()) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.events = append(f.events, event{t, do})
	sort.Slice(f.events, func(i, j int) bool { return f.events[i].at.Before(f.events[j].at) })
}

// WithTimeout sets the deadline in fake time, which is ahead of real time: only Sleep reaches it.
func (f *Clock) WithTimeout(ctx context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	return context.WithDeadline(ctx, f.Now().Add(d))
}

func (f *Clock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	f.mu.Lock()
	target, expired := f.now.Add(d), false
	if deadline, ok := ctx.Deadline(); ok && deadline.Before(target) {
		target, expired = deadline, true
	}
	f.now = target
	var due []event
	for len(f.events) > 0 && !f.events[0].at.After(target) {
		due, f.events = append(due, f.events[0]), f.events[1:]
	}
	f.mu.Unlock()
	for _, e := range due {
		e.do()
	}
	if expired {
		return context.DeadlineExceeded
	}
	return nil
}
