package aura

import (
	"context"
	"sort"
	"sync"
	"time"
)

// fakeClock jumps instead of sleeping, and runs what the test scheduled for the times it jumps past. A
// context deadline is honoured in its time, so a look cut off by its timeout fails here as it would for real.
type fakeClock struct {
	mu     sync.Mutex
	now    time.Time
	events []fakeEvent
}

type fakeEvent struct {
	at time.Time
	do func()
}

func newFakeClock() *fakeClock { return &fakeClock{now: time.Now()} }

func (f *fakeClock) Now() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.now
}

// at schedules do for when the clock passes t.
func (f *fakeClock) at(t time.Time, do func()) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.events = append(f.events, fakeEvent{t, do})
	sort.Slice(f.events, func(i, j int) bool { return f.events[i].at.Before(f.events[j].at) })
}

// WithTimeout sets the deadline in fake time, which is ahead of real time: only Sleep reaches it.
func (f *fakeClock) WithTimeout(ctx context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	return context.WithDeadline(ctx, f.Now().Add(d))
}

func (f *fakeClock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	f.mu.Lock()
	target, expired := f.now.Add(d), false
	if deadline, ok := ctx.Deadline(); ok && deadline.Before(target) {
		target, expired = deadline, true
	}
	f.now = target
	var due []fakeEvent
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
