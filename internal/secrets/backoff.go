package secrets

import (
	"context"
	"fmt"
	"log/slog"
	"time"
)

// fetch reads the key from Secrets Manager and records the outcome: a new
// key with a jittered TTL, or the failure and when to try again (after
// MinRefreshInterval while an older key can be served, after the short
// jittered FailureBackoff otherwise). A deadline that passes during the
// call counts as a failure (Secrets Manager too slow); one already passed
// does not. c.mu must be held.
func (c *Cache) fetch(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		// The caller ran out of time before asking: Secrets Manager did
		// not fail, so nothing is recorded and no back-off starts.
		return &Error{SecretID: c.opts.SecretID, Reason: classify(err), Err: err}
	}
	key, err := c.get(ctx)
	now := c.opts.Now()
	if err == nil {
		ttl := c.opts.TTL - time.Duration(c.opts.Rand(int64(c.opts.TTL/10)+1))
		c.key, c.fetchedAt, c.expires = key, now, now.Add(ttl)
		c.retryAt, c.lastErr = time.Time{}, nil
		return nil
	}
	c.lastErr = err
	if c.servable(now) {
		c.retryAt = now.Add(c.opts.MinRefreshInterval)
		c.logStale(ctx, now, err)
		return err
	}
	limit := int64(c.opts.FailureBackoff)
	c.retryAt = now.Add(time.Duration(limit/5 + c.opts.Rand(limit-limit/5+1)))
	if c.key != "" {
		c.lastErr = c.staleLimitErr(err)
		c.opts.Logger.ErrorContext(ctx, "secrets: older ApiKey past STALE_MAX, not served; refresh failed",
			"secret_id", c.opts.SecretID, "stale_max", c.opts.StaleMax.String(), "error", err.Error())
	}
	return c.lastErr
}

// servable reports whether the older key may still be served at now: there
// is one and it has been stale for less than StaleMax.
func (c *Cache) servable(now time.Time) bool {
	return c.key != "" && now.Sub(c.expires) < c.opts.StaleMax
}

// fallback answers while a failed fetch is not to be repeated: the older
// key when it is servable, the failure otherwise.
func (c *Cache) fallback(now time.Time) (string, bool, error) {
	if c.servable(now) {
		return c.key, true, nil
	}
	return "", false, c.backoffErr(now)
}

// backoffErr is the last failure, saying that Secrets Manager was not
// asked again.
func (c *Cache) backoffErr(now time.Time) error {
	err := c.lastErr
	if c.key != "" && !c.servable(now) {
		err = c.staleLimitErr(err)
	}
	return fmt.Errorf("%w (backing off, next try in %s)", err, c.retryAt.Sub(now).Round(time.Millisecond))
}

// staleLimitErr wraps err when the older key may no longer be served.
func (c *Cache) staleLimitErr(err error) error {
	if _, ok := err.(staleLimit); ok {
		return err
	}
	return staleLimit{max: c.opts.StaleMax, err: err}
}

// staleLimit is a failed fetch with an older key past StaleMax.
type staleLimit struct {
	max time.Duration
	err error
}

func (e staleLimit) Error() string {
	return fmt.Sprintf("older ApiKey stale for longer than %s: %v", e.max, e.err)
}

func (e staleLimit) Unwrap() error { return e.err }

// logStale reports serving the older key: a warning, or an error once it
// has been stale for half of StaleMax, so the alarm comes before the
// function starts answering errors.
func (c *Cache) logStale(ctx context.Context, now time.Time, err error) {
	staleFor := max(now.Sub(c.expires), 0)
	level := slog.LevelWarn
	if staleFor >= c.opts.StaleMax/2 {
		level = slog.LevelError
	}
	c.opts.Logger.Log(ctx, level, "secrets: using the older ApiKey, refresh failed",
		"secret_id", c.opts.SecretID,
		"key_age", now.Sub(c.fetchedAt).Round(time.Second).String(),
		"stale_for", staleFor.Round(time.Second).String(),
		"stale_max", c.opts.StaleMax.String(),
		"retry_in", c.opts.MinRefreshInterval.String(),
		"error", err.Error())
}
