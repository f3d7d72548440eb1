package handler

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/aimcards/customer-access-token/internal/aim"
)

// failed records a failed discovery and reports whether the cached
// endpoint may be served instead. While it may, discovery is tried again
// after StaleRetry; otherwise after the short jittered FailureBackoff, and
// lastErr says why nothing is served. c.mu must be held.
func (c *credentials) failed(ctx context.Context, err error) (servable bool) {
	now := c.opts.Now()
	c.lastErr = err
	if c.servable(now) {
		c.retryAt = now.Add(c.opts.StaleRetry)
		c.logStale(ctx, now, err)
		return true
	}
	limit := int64(c.opts.FailureBackoff)
	c.retryAt = now.Add(time.Duration(limit/5 + c.opts.Rand(limit-limit/5+1)))
	if c.cached.Endpoint.URL != "" {
		c.lastErr = errStaleLimit{max: c.opts.StaleMax, err: err}
		c.log.ErrorContext(ctx, "endpoint discovery failed; previous endpoint past STALE_MAX, not used",
			"stale_max", c.opts.StaleMax.String(), "error", err.Error())
	}
	return false
}

// servable reports whether the cached endpoint may still be served at now:
// there is one and it has been stale for less than StaleMax.
func (c *credentials) servable(now time.Time) bool {
	return c.cached.Endpoint.URL != "" && now.Sub(c.expires) < c.opts.StaleMax
}

// fallback answers while a failed discovery is not to be repeated: the
// cached endpoint when it is servable, the failure otherwise.
func (c *credentials) fallback(now time.Time, u *credUsage) (aim.Credentials, error) {
	if c.servable(now) {
		u.stale = true
		return c.cached, nil
	}
	return aim.Credentials{}, c.backoffErr(now)
}

// backoffErr is the last failure, saying that discovery was not tried.
func (c *credentials) backoffErr(now time.Time) error {
	err := c.lastErr
	if _, ok := err.(errStaleLimit); !ok && c.cached.Endpoint.URL != "" && !c.servable(now) {
		err = errStaleLimit{max: c.opts.StaleMax, err: err}
	}
	return fmt.Errorf("%w (backing off, next discovery in %s)", err, c.retryAt.Sub(now).Round(time.Millisecond))
}

// errStaleLimit is a failed discovery with a previous endpoint past
// StaleMax.
type errStaleLimit struct {
	max time.Duration
	err error
}

func (e errStaleLimit) Error() string {
	return fmt.Sprintf("previous endpoint stale for longer than %s: %v", e.max, e.err)
}

func (e errStaleLimit) Unwrap() error { return e.err }

// logStale reports serving the previous endpoint: a warning, or an error
// once it has been stale for half of StaleMax, so the alarm comes before
// the function starts answering errors.
func (c *credentials) logStale(ctx context.Context, now time.Time, err error) {
	staleFor := max(now.Sub(c.expires), 0)
	level := slog.LevelWarn
	if staleFor >= c.opts.StaleMax/2 {
		level = slog.LevelError
	}
	c.log.Log(ctx, level, "endpoint discovery failed; using the previous endpoint",
		"stale_for", staleFor.Round(time.Second).String(),
		"stale_max", c.opts.StaleMax.String(),
		"retry_in", c.opts.StaleRetry.String(),
		"error", err.Error())
}
