package aura

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"
)

// poller spaces polls by max(PollMin, a tenth of the time waited so far), capped at PollMax: a change is
// noticed within about 10 % of the elapsed time, a 60 s wait costs 10 polls at the 6 s default, and a long
// one grows its interval instead of polling every few seconds for minutes.
type poller struct {
	began    time.Time
	min, max time.Duration
	polls    int
}

func (c *Client) newPoller() *poller {
	return &poller{began: time.Now(), min: c.cfg.PollMin, max: c.cfg.PollMax}
}

func (p *poller) wait(ctx context.Context) error {
	d := min(p.max, max(p.min, time.Since(p.began)/10))
	p.polls++
	return sleep(ctx, d)
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

func (c *Client) waitForInstance(ctx context.Context, id string, afterAction bool, statuses []string) (*Instance, error) {
	p := c.newPoller()
	last := "unknown"
	if afterAction {
		if err := p.wait(ctx); err != nil {
			return nil, fmt.Errorf("instance %s did not become %v in time; last status %q", id, statuses, last)
		}
	}
	for {
		in, err := c.GetInstance(ctx, id)
		switch {
		case err != nil && ctx.Err() != nil:
			return nil, fmt.Errorf("instance %s did not become %v in time; last status %q", id, statuses, last)
		case err != nil:
			return nil, err
		}
		last = in.Status
		if slices.Contains(statuses, in.Status) {
			return in, nil
		}
		if slices.Contains(instanceFailures, in.Status) {
			return in, fmt.Errorf("instance %s is %q while waiting for %v", id, in.Status, statuses)
		}
		if err := p.wait(ctx); err != nil {
			return in, fmt.Errorf("instance %s did not become %v in time; last status %q", id, statuses, last)
		}
	}
}

// WaitForInstanceGone polls, after a delete, until the instance answers 404.
func (c *Client) WaitForInstanceGone(ctx context.Context, id string) error {
	p := c.newPoller()
	last := "destroying"
	for {
		if err := p.wait(ctx); err != nil {
			return fmt.Errorf("instance %s was not deleted in time; last status %q", id, last)
		}
		in, err := c.GetInstance(ctx, id)
		if errors.Is(err, ErrNotFound) {
			return nil
		}
		if err != nil {
			if ctx.Err() != nil {
				return fmt.Errorf("instance %s was not deleted in time; last status %q", id, last)
			}
			return err
		}
		last = in.Status
	}
}

// WaitForSnapshot polls, after the snapshot was requested, until it is Completed; Failed ends the wait with
// an error.
func (c *Client) WaitForSnapshot(ctx context.Context, instanceID, snapshotID string) (*Snapshot, error) {
	p := c.newPoller()
	last := "Pending"
	if err := p.wait(ctx); err != nil {
		return nil, fmt.Errorf("snapshot %s did not complete in time; last status %q", snapshotID, last)
	}
	for {
		s, err := c.GetSnapshot(ctx, instanceID, snapshotID)
		if err != nil {
			if ctx.Err() != nil {
				return nil, fmt.Errorf("snapshot %s did not complete in time; last status %q", snapshotID, last)
			}
			return nil, err
		}
		last = s.Status
		switch s.Status {
		case "Completed":
			return s, nil
		case "Failed":
			return s, fmt.Errorf("snapshot %s of instance %s failed (status %q)", snapshotID, instanceID, s.Status)
		}
		if err := p.wait(ctx); err != nil {
			return s, fmt.Errorf("snapshot %s did not complete in time; last status %q", snapshotID, last)
		}
	}
}
