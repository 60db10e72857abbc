package aura

import (
	"context"
	"time"
)

// Clock is the time the client waits by: polls, unclear-outcome looks and download retries. Tests inject a fake
// one to run the default poll settings (minutes of waiting) in milliseconds.
type Clock interface {
	Now() time.Time
	// Sleep waits d or until ctx ends, whichever comes first; it returns ctx's error in the second case.
	Sleep(ctx context.Context, d time.Duration) error
	// WithTimeout is context.WithTimeout in this clock's time, so that a fake clock's jumps reach the deadline.
	WithTimeout(ctx context.Context, d time.Duration) (context.Context, context.CancelFunc)
}

// SystemClock is the real time, the default of the clients of this package and of internal/auraupload.
var SystemClock Clock = realClock{}

type realClock struct{}

func (realClock) Now() time.Time { return time.Now() }

func (realClock) Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (realClock) WithTimeout(ctx context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, d)
}
