package aura

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/gofrs/flock"
)

// A request waits for the oldest of the last budget requests to leave the window: a sliding window, not a
// fixed minute.
func TestWindowLimiter_slides(t *testing.T) {
	clk := newFakeClock()
	l := newWindowLimiter(clk, 3, nil)
	t0 := clk.Now()
	wait := func() time.Duration {
		t.Helper()
		if _, err := l.Wait(context.Background()); err != nil {
			t.Fatal(err)
		}
		return clk.Now().Sub(t0)
	}
	wait()
	_ = clk.Sleep(context.Background(), 30*time.Second)
	wait()
	wait()
	for i, want := range []time.Duration{counted, counted + 30*time.Second, counted + 30*time.Second, 2 * counted} {
		if got := wait(); got != want {
			t.Fatalf("request %d of the second window went at +%v, want +%v", i+4, got, want)
		}
	}
}

// A 429 costs what the server asked: every goroutine waits out the same Retry-After (one pause, not one each;
// the account is full until then), and the budget is whole again as fast as Aura answers: one request, then one
// more for each answer that is not a 429, so two, four, eight are under way in the following round trips.
func TestWindowLimiter_a429PausesForItsRetryAfterAndRecoversWithTheAnswers(t *testing.T) {
	clk := newFakeClock()
	l := newWindowLimiter(clk, 120, nil)
	for i := 0; i < 40; i++ {
		if d, _, _ := l.take(); d != 0 {
			t.Fatalf("request %d of 40 within a budget of 120 waited %v", i+1, d)
		}
	}
	_ = clk.Sleep(context.Background(), time.Second)
	l.throttled(30 * time.Second)
	for g := 0; g < 5; g++ {
		if d, cause, _ := l.take(); d != 30*time.Second || cause != forRetryAfter {
			t.Fatalf("goroutine %d told to wait %v for %s, want the one pause of 30s for retry-after", g, d, causeNames[cause])
		}
	}
	_ = clk.Sleep(context.Background(), 30*time.Second)
	sent := 0
	for round, want := range []int{1, 2, 4, 8, 16, 32} {
		var tickets []ticket
		for {
			d, cause, tk := l.take()
			if d > 0 {
				if cause != forRecovery || d > recoveryRecheck {
					t.Fatalf("round %d: held %v for %s, want a recheck within %v while recovering", round, d, causeNames[cause], recoveryRecheck)
				}
				break
			}
			tickets = append(tickets, tk)
		}
		if len(tickets) != want {
			t.Fatalf("round trip %d after the pause let %d requests go, want %d", round+1, len(tickets), want)
		}
		sent += len(tickets)
		for _, tk := range tickets {
			l.answered(tk)
		}
	}
	// 40 + 63 sent: the rest of the whole budget of 120 goes at once.
	for i := 40 + sent; i < 120; i++ {
		if d, _, _ := l.take(); d != 0 {
			t.Fatalf("after the recovery, request %d waited %v within the whole budget of 120", i+1, d)
		}
	}
	if d, cause, _ := l.take(); d <= 0 || cause != forBudget {
		t.Fatalf("request 121 went (%v, %s): the budget of 120 in any window still holds", d, causeNames[cause])
	}
}

// Without answers (a slow server), the recovery still lets requests go at Aura's own pace, 125 a minute.
func TestWindowLimiter_recoveryKeepsAurasPaceWithoutAnswers(t *testing.T) {
	clk := newFakeClock()
	l := newWindowLimiter(clk, 120, nil)
	l.throttled(time.Second)
	_ = clk.Sleep(context.Background(), time.Second)
	t0 := clk.Now()
	for i := 0; i < 10; i++ {
		if _, err := l.Wait(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	if got, want := clk.Now().Sub(t0), 9*auraPace; got != want {
		t.Fatalf("10 unanswered requests after the pause took %v, want %v (one each %v)", got, want, auraPace)
	}
}

// 429s answered to requests that were under way together are one crowding: one pause, the longest asked.
func TestWindowLimiter_a429BurstIsOnePause(t *testing.T) {
	clk := newFakeClock()
	l := newWindowLimiter(clk, 120, nil)
	for i := 0; i < 10; i++ {
		l.throttled(time.Duration(i%3+1) * time.Second)
	}
	if d, _, _ := l.take(); d != 3*time.Second {
		t.Fatalf("ten 429s at once: a wait of %v, want the longest Retry-After, 3s", d)
	}
	_ = clk.Sleep(context.Background(), 3*time.Second)
	if d, _, _ := l.take(); d != 0 {
		t.Fatalf("after the pause the first request waits %v", d)
	}
}

// sharedPair is two terraform processes of one account on one machine: two limiters over one budget file.
func sharedPair(t *testing.T, clk Clock) (a, b *windowLimiter) {
	t.Helper()
	dir := t.TempDir()
	open := func() *windowLimiter {
		w, err := openSharedWindow(dir, "http://127.0.0.1:1", "client-id")
		if err != nil {
			t.Fatal(err)
		}
		return newWindowLimiter(clk, 120, w)
	}
	return open(), open()
}

// A 429 that one process sees pauses the other too, at once, before it is refused itself; after the pause each
// recovers with its own answers.
func TestWindowLimiter_a429PausesTheOtherProcessesOfTheAccount(t *testing.T) {
	clk := newFakeClock()
	a, b := sharedPair(t, clk)
	a.throttled(30 * time.Second)
	if d, _, _ := b.take(); d != 30*time.Second {
		t.Fatalf("the other process was told to wait %v, want the one pause of 30s", d)
	}
	if d, _, _ := b.takeToken(); d != 30*time.Second {
		t.Fatalf("the token request of the other process may go in %v, want after the pause of 30s", d)
	}
	_ = clk.Sleep(context.Background(), 30*time.Second)
	for _, l := range []*windowLimiter{a, b} {
		if d, _, _ := l.take(); d != 0 {
			t.Fatalf("the first request after the pause waited %v", d)
		}
		if d, cause, _ := l.take(); d <= 0 || cause != forRecovery {
			t.Fatalf("the second request after the pause, before an answer, went (%v, %s)", d, causeNames[cause])
		}
	}
}

// Each wait polls no more often than its share of the budget, counted over every process of the account on
// this machine: one wait is never slowed (its share is half a second), fifteen poll every 7.5 s so that
// together they ask for 120 a minute. A process that dies without saying so drops out of the count.
func TestWindowLimiter_waitsPollAtTheirShareOfTheBudget(t *testing.T) {
	clk := newFakeClock()
	a, b := sharedPair(t, clk)
	a.beginWait()
	if d := a.pollShare(); d != 500*time.Millisecond {
		t.Fatalf("one wait's share is %v, want 500ms", d)
	}
	for i := 0; i < 4; i++ {
		a.beginWait()
	}
	for i := 0; i < 10; i++ {
		b.beginWait()
	}
	for _, l := range []*windowLimiter{a, b} {
		if d := l.pollShare(); d != 7500*time.Millisecond {
			t.Fatalf("fifteen waits in two processes: a share of %v, want 7.5s", d)
		}
	}
	_ = clk.Sleep(context.Background(), waitsExpire) // b died with its ten waits
	if d := a.pollShare(); d != 2500*time.Millisecond {
		t.Fatalf("after the other process went silent, a share of %v, want 2.5s for five waits", d)
	}
	for i := 0; i < 5; i++ {
		a.endWait()
	}
	if d := a.pollShare(); d != 0 {
		t.Fatalf("no wait left, a share of %v", d)
	}
}

// The lock is the system's (flock): a process that hangs holding it costs the others one lock timeout, after
// which they count alone for a window; one that crashes leaves no lock at all.
func TestSharedWindow_aHungOrCrashedHolderNeverBlocks(t *testing.T) {
	if dir := os.Getenv("AURA_TEST_HOLD_BUDGET_LOCK"); dir != "" {
		lock := flock.New(filepath.Join(dir, "budget.lock"))
		if err := lock.Lock(); err != nil {
			panic(err)
		}
		fmt.Println("locked")
		time.Sleep(time.Minute)
		return
	}
	clk := newFakeClock()
	a, b := sharedPair(t, clk)
	a.shared.timeout, b.shared.timeout = 50*time.Millisecond, 50*time.Millisecond
	for i := 0; i < 100; i++ {
		a.take()
	}
	b.take() // b has read the count: 101
	holder := exec.Command(os.Args[0], "-test.run=^TestSharedWindow_aHungOrCrashedHolderNeverBlocks$")
	holder.Env = append(os.Environ(), "AURA_TEST_HOLD_BUDGET_LOCK="+filepath.Dir(a.shared.path))
	out, err := holder.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := holder.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = holder.Process.Kill(); _ = holder.Wait() })
	if line, err := bufio.NewReader(out).ReadString('\n'); err != nil || line != "locked\n" {
		t.Fatalf("the holder said %q, %v", line, err)
	}

	began := time.Now()
	for i := 0; i < 30; i++ { // b goes on with the count as it last read it: 19 more fit
		if d, _, _ := b.take(); d != 0 && i < 19 || d == 0 && i >= 19 {
			t.Fatalf("request %d of b under a hung lock: wait %v", i+1, d)
		}
	}
	if d := time.Since(began); d > 500*time.Millisecond {
		t.Fatalf("30 requests under a hung lock took %v, want one lock timeout", d)
	}

	if err := holder.Process.Kill(); err != nil { // the holder crashes
		t.Fatal(err)
	}
	_ = holder.Wait()
	_ = clk.Sleep(context.Background(), counted) // b tries the file again, when a's requests no longer count
	began = time.Now()
	if d, _, _ := b.take(); d != 0 {
		t.Fatalf("a window later b waited %v", d)
	}
	if d := time.Since(began); d >= b.shared.timeout {
		t.Fatalf("b waited %v for the lock the crashed holder had", d)
	}
	if n := len(a.stateOfFile(t)); n != 1 {
		t.Fatalf("the file holds %d requests of the last window, want b's one", n)
	}
}

// stateOfFile reads the account's count as the other processes see it.
func (l *windowLimiter) stateOfFile(t *testing.T) []int64 {
	t.Helper()
	s, ok := l.shared.update(func(s *windowState) { s.prune(l.clk.Now().UnixNano()) })
	if !ok {
		t.Fatal("the budget file cannot be used")
	}
	return s.Sent
}

// Without a usable directory the budget holds for the process alone.
func TestClient_worksWithoutABudgetDirectory(t *testing.T) {
	notADir := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(notADir, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	clk := newFakeClock()
	c, err := New(Config{BaseURL: "http://127.0.0.1:1", ClientID: "id", ClientSecret: "secret", Clock: clk, BudgetDir: filepath.Join(notADir, "budget")})
	if err != nil {
		t.Fatal(err)
	}
	if c.limiter.shared != nil {
		t.Fatal("a budget file under a regular file")
	}
	for i := 0; i < 120; i++ {
		if d, _, _ := c.limiter.take(); d != 0 {
			t.Fatalf("request %d waited %v", i+1, d)
		}
	}
	if d, _, _ := c.limiter.take(); d != counted {
		t.Fatalf("the 121st request waits %v, want %v", d, counted)
	}
}

// Token requests never wait for the budget, but they count toward Aura's 125: with six processes' tokens in the
// window, the API requests stop at 119, so the account's total stays at 125 and the server refuses none.
func TestWindowLimiter_tokenRequestsCountWithinTheHeadroom(t *testing.T) {
	clk := newFakeClock()
	l := newWindowLimiter(clk, 120, nil)
	ctx := context.Background()
	t0 := clk.Now()
	for range 6 {
		if _, err := l.WaitUnbudgeted(ctx); err != nil || clk.Now() != t0 {
			t.Fatalf("a token request waited %v (%v)", clk.Now().Sub(t0), err)
		}
	}
	_ = clk.Sleep(ctx, time.Second)
	for i := range 119 {
		if _, err := l.Wait(ctx); err != nil || clk.Now().Sub(t0) != time.Second {
			t.Fatalf("request %d went at +%v (%v), want +1s", i+1, clk.Now().Sub(t0), err)
		}
	}
	if _, err := l.Wait(ctx); err != nil || clk.Now().Sub(t0) != counted {
		t.Fatalf("the 120th request went at +%v (%v), want +%v, when the first token request left the window", clk.Now().Sub(t0), err, counted)
	}
	// One token request leaves room for all 120 of the budget, as in a refresh of 120 instances.
	l = newWindowLimiter(clk, 120, nil)
	t1 := clk.Now()
	_, _ = l.WaitUnbudgeted(ctx)
	for range 120 {
		_, _ = l.Wait(ctx)
	}
	if d := clk.Now().Sub(t1); d != 0 {
		t.Fatalf("with one token request, 120 requests took %v, want 0", d)
	}
}

// A budget above Aura's own limit (an emulator with its limit off) paces nothing an account shares: no file is
// kept, and the count stays in the process.
func TestClient_aBudgetAboveAurasLimitSharesNothing(t *testing.T) {
	dir := t.TempDir()
	for _, budget := range []int{auraLimit, auraLimit + 1} {
		c, err := New(Config{BaseURL: "http://127.0.0.1:1", ClientID: fmt.Sprint("id-", budget), ClientSecret: "s", RequestsPerMinute: budget, BudgetDir: dir})
		if err != nil {
			t.Fatal(err)
		}
		if shared := c.limiter.shared != nil; shared != (budget <= auraLimit) {
			t.Errorf("budget %d: shared %t", budget, shared)
		}
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("the budget directory holds %d files, want the one lock of the account within Aura's limit", len(entries))
	}
}
