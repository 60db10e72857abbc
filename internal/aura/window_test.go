package aura

import (
	"context"
	"testing"
	"time"
)

// A request waits for the oldest of the last budget requests to leave the window: a sliding window, not a
// fixed minute.
func TestWindowLimiter_slides(t *testing.T) {
	clk := newFakeClock()
	l := newWindowLimiter(clk, 3)
	t0 := clk.Now()
	wait := func() time.Duration {
		t.Helper()
		if err := l.Wait(context.Background()); err != nil {
			t.Fatal(err)
		}
		return clk.Now().Sub(t0)
	}
	wait()
	_ = clk.Sleep(context.Background(), 30*time.Second)
	wait()
	wait()
	for i, want := range []time.Duration{window, window + 30*time.Second, window + 30*time.Second, 2 * window} {
		if got := wait(); got != want {
			t.Fatalf("request %d of the second window went at +%v, want +%v", i+4, got, want)
		}
	}
}

// A 429 means the account is spent by others too: every goroutine waits out the same Retry-After (one pause,
// not one each), and for the rest of the window the budget is halved, again on each further 429.
func TestWindowLimiter_a429PausesEveryGoroutineOnceAndHalvesTheBudget(t *testing.T) {
	clk := newFakeClock()
	l := newWindowLimiter(clk, 100)
	t0 := clk.Now()
	for i := 0; i < 40; i++ {
		if d := l.take(); d != 0 {
			t.Fatalf("request %d of 40 within a budget of 100 waited %v", i+1, d)
		}
	}
	_ = clk.Sleep(context.Background(), time.Second)
	l.throttled(30 * time.Second)
	for g := 0; g < 5; g++ {
		if d := l.take(); d != 30*time.Second {
			t.Fatalf("goroutine %d told to wait %v, want the one pause of 30s", g, d)
		}
	}
	_ = clk.Sleep(context.Background(), 30*time.Second)
	for i := 40; i < 50; i++ { // a budget of 50 now: 10 more go at once
		if d := l.take(); d != 0 {
			t.Fatalf("request %d waited %v within the halved budget of 50", i+1, d)
		}
	}
	if d := l.take(); d != t0.Add(window).Sub(clk.Now()) {
		t.Fatalf("request 51 waits %v, want until the first leaves the window", d)
	}
	l.throttled(time.Second)
	_ = clk.Sleep(context.Background(), time.Second)
	if d := l.take(); d <= 0 {
		t.Fatal("a second 429 left the budget at 50")
	}
	if l.shrunk != 25 {
		t.Fatalf("budget after two 429s is %d, want 25", l.shrunk)
	}
	_ = clk.Sleep(context.Background(), window)
	for i := 0; i < 60; i++ { // a window later the whole budget is back
		if d := l.take(); d != 0 {
			t.Fatalf("a window after the 429s, request %d waited %v", i+1, d)
		}
	}
}
