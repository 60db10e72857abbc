package aura

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"
)

// unclearAttempts bounds how often a mutation is sent after each unclear outcome was checked to have done
// nothing.
const unclearAttempts = 4

// lookRequestTime is what the requests of one look may take, retries and Retry-After waits included.
const lookRequestTime = 60 * time.Second

// lookWindow is how long to keep looking for what an unclear request did. A server that answered (a 5xx) is
// done with the request: a short look settles it. After a transport error or our own deadline the request may
// still be running on the server, which can take effect after we gave up: look for ten poll intervals.
func (c *Client) lookWindow(unclear *UnclearError) time.Duration {
	var apiErr *APIError
	if errors.As(unclear.Err, &apiErr) && apiErr.Status != http.StatusBadGateway && apiErr.Status != http.StatusGatewayTimeout {
		return c.cfg.PollMin
	}
	// A 502 or 504 comes from a gateway in front of Aura, whose backend may still take the request.
	return 10 * c.cfg.PollMax
}

// lookTimeout bounds a look of the given window. The last look may start one poll interval after the window
// ends and then needs time for its own requests; a shorter bound would cut the look off before it could
// conclude, which is an error instead of an answer.
func (c *Client) lookTimeout(window time.Duration) time.Duration {
	return window + c.cfg.PollMax + lookRequestTime
}

// resolveUnclear sends a mutation that must not be sent blindly twice. When its outcome is unclear, look is
// repeated for the look window until it sees the mutation's effect, which is then the answer. Only when the
// window shows that nothing happened is the mutation sent again, at most unclearAttempts times in all; after
// the last, or once ctx ended, nothing(err) says so.
func resolveUnclear[T any](ctx context.Context, c *Client, send func() (T, error), look func(context.Context) (T, bool, error), nothing func(error) error) (T, error) {
	var zero T
	for attempt := 1; ; attempt++ {
		v, err := send()
		var unclear *UnclearError
		if !errors.As(err, &unclear) {
			return v, err
		}
		c.log(ctx, LogDebug, "Aura request outcome unclear; looking for its effect instead of sending it again",
			map[string]any{"method": unclear.Method, "path": unclear.Path})
		window := c.lookWindow(unclear)
		// The caller's deadline may be what cut the answer off: look with a context of our own.
		lookCtx, cancel := c.clk.WithTimeout(context.WithoutCancel(ctx), c.lookTimeout(window))
		found, ok, lerr := lookFor(lookCtx, c, window, look)
		cancel()
		switch {
		case lerr != nil:
			return zero, fmt.Errorf("%w; looking for it failed too: %v", err, lerr)
		case ok:
			return found, nil
		case attempt >= unclearAttempts || ctx.Err() != nil:
			return zero, nothing(err)
		}
	}
}

// lookFor repeats look, spaced by the poller, until it sees the effect or the window has passed.
func lookFor[T any](ctx context.Context, c *Client, window time.Duration, look func(context.Context) (T, bool, error)) (T, bool, error) {
	deadline := c.clk.Now().Add(window)
	p := c.newPoller()
	defer p.done()
	for {
		v, ok, err := look(ctx)
		if err != nil || ok {
			return v, ok, err
		}
		if c.clk.Now().After(deadline) {
			return v, false, nil
		}
		if err := p.wait(ctx); err != nil {
			return v, false, err
		}
	}
}
