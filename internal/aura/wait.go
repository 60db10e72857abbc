package aura

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// poller spaces polls by max(PollMin, a tenth of the time waited so far), capped at PollMax: a change is
// noticed within about 10 % of the elapsed time, a 60 s wait costs 10 polls at the 6 s default, and a long
// one grows its interval instead of polling every few seconds for minutes. When many waits share the budget
// (in this process and the others on this machine that use the account), each polls no more often than its
// share of it, so that polls do not ask for more than the account allows and leave the rest waiting on 429s.
type poller struct {
	clk      Clock
	limiter  *windowLimiter
	began    time.Time
	min, max time.Duration
	polls    int
}

// newPoller counts a wait until done is called.
func (c *Client) newPoller() *poller {
	c.limiter.beginWait()
	return &poller{clk: c.clk, limiter: c.limiter, began: c.clk.Now(), min: c.cfg.PollMin, max: c.cfg.PollMax}
}

func (p *poller) done() { p.limiter.endWait() }

func (p *poller) interval() time.Duration {
	return max(min(p.max, max(p.min, p.clk.Now().Sub(p.began)/10)), p.limiter.pollShare())
}

func (p *poller) wait(ctx context.Context) error {
	p.polls++
	return p.clk.Sleep(ctx, p.interval())
}

// Failure statuses end a wait at once.
var instanceFailures = []string{"loading failed", "suspended"}

// WaitForInstance polls, from now, until the instance has one of the statuses. It fails fast on a failure
// status and, when ctx ends, reports the last status seen.
func (c *Client) WaitForInstance(ctx context.Context, id string, statuses ...string) (*Instance, error) {
	return c.waitForInstance(ctx, id, false, statuses)
}

// AwaitInstance is WaitForInstance right after an action: the answer to the action already said the instance
// is busy, so the first poll comes one interval later.
func (c *Client) AwaitInstance(ctx context.Context, id string, statuses ...string) (*Instance, error) {
	return c.waitForInstance(ctx, id, true, statuses)
}

// WaitEndedError is a wait that ctx ended (an interrupt or a timeout) before what it awaited: Unwrap gives
// ctx's error, so errors.Is tells context.Canceled from context.DeadlineExceeded, and Status is the last
// status seen ("unknown" before the first answer).
type WaitEndedError struct {
	What, Status string
	Cause        error
}

func (e *WaitEndedError) Error() string {
	return fmt.Sprintf("%s in time; last status %q", e.What, e.Status)
}

func (e *WaitEndedError) Unwrap() error { return e.Cause }

// oneOf words statuses for a message: "running" or "paused".
func oneOf(statuses []string) string {
	q := make([]string, len(statuses))
	for i, s := range statuses {
		q[i] = fmt.Sprintf("%q", s)
	}
	return strings.Join(q, " or ")
}

// waitFor polls get until done says so (or fails). After an action the first poll comes one interval later.
// When ctx ends, the error (a *WaitEndedError) says what was awaited and the last status seen.
func waitFor[T any](ctx context.Context, c *Client, afterAction bool, what string, get func() (T, string, error), done func(T, string) (bool, error)) (T, error) {
	p := c.newPoller()
	defer p.done()
	var last T
	status := "unknown"
	late := func() error { return &WaitEndedError{What: what, Status: status, Cause: ctx.Err()} }
	if afterAction && p.wait(ctx) != nil {
		return last, late()
	}
	for {
		v, st, err := get()
		if err != nil {
			if ctx.Err() != nil {
				return last, late()
			}
			return last, err
		}
		last, status = v, st
		if ok, err := done(v, st); ok || err != nil {
			return v, err
		}
		if p.wait(ctx) != nil {
			return v, late()
		}
	}
}

func (c *Client) waitForInstance(ctx context.Context, id string, afterAction bool, statuses []string) (*Instance, error) {
	return waitFor(ctx, c, afterAction, fmt.Sprintf("instance %s did not become %s", id, oneOf(statuses)),
		func() (*Instance, string, error) {
			in, err := c.GetInstance(ctx, id)
			if err != nil {
				return nil, "", err
			}
			return in, in.Status, nil
		},
		func(in *Instance, status string) (bool, error) {
			if slices.Contains(instanceFailures, status) {
				return false, fmt.Errorf("instance %s is %q while waiting for %s", id, status, oneOf(statuses))
			}
			return slices.Contains(statuses, status), nil
		})
}

// instanceOrGone gets the instance for waitFor; a deleted one has the status "gone".
func (c *Client) instanceOrGone(ctx context.Context, id string) func() (*Instance, string, error) {
	return func() (*Instance, string, error) {
		in, err := c.GetInstance(ctx, id)
		if errors.Is(err, ErrNotFound) {
			return nil, "gone", nil
		}
		if err != nil {
			return nil, "", err
		}
		return in, in.Status, nil
	}
}

// WaitForInstanceGone polls, after a delete, until the instance answers 404.
func (c *Client) WaitForInstanceGone(ctx context.Context, id string) error {
	_, err := waitFor(ctx, c, true, fmt.Sprintf("instance %s was not deleted", id),
		c.instanceOrGone(ctx, id),
		func(_ *Instance, status string) (bool, error) { return status == "gone", nil })
	return err
}

// settledStatuses are those in which no operation runs, so that Aura accepts a delete (destroying accepts a
// repeated one).
var settledStatuses = []string{"running", "paused", "loading failed", "suspended", "destroying"}

// awaitSettled polls, after a refused action, until the instance is settled or gone. Failure statuses are
// settled here: a failed instance may be deleted.
func (c *Client) awaitSettled(ctx context.Context, id string) error {
	_, err := waitFor(ctx, c, true, fmt.Sprintf("instance %s did not settle", id),
		c.instanceOrGone(ctx, id),
		func(_ *Instance, status string) (bool, error) {
			return status == "gone" || slices.Contains(settledStatuses, status), nil
		})
	return err
}

// WaitForSnapshot polls, after the snapshot was requested, until it is Completed; Failed ends the wait with
// an error.
func (c *Client) WaitForSnapshot(ctx context.Context, instanceID, snapshotID string) (*Snapshot, error) {
	return waitFor(ctx, c, true, fmt.Sprintf("snapshot %s did not complete", snapshotID),
		func() (*Snapshot, string, error) {
			s, err := c.GetSnapshot(ctx, instanceID, snapshotID)
			if err != nil {
				return nil, "", err
			}
			return s, s.Status, nil
		},
		func(_ *Snapshot, status string) (bool, error) {
			if status == "Failed" {
				return false, fmt.Errorf("snapshot %s of instance %s failed (status %q)", snapshotID, instanceID, status)
			}
			return status == "Completed", nil
		})
}
