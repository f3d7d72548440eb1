// Package stale is the one stale-on-error cache policy of the function's
// credentials (the ApiKey, and the endpoint with its OAuthToken): refresh
// at a jittered TTL, serve the older value while refreshes fail (up to
// StaleMax), back off briefly when there is nothing to serve, and rate-limit
// forced refreshes. See the README's "Credentials over time".
package stale

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"
)

// ErrCutShort, as the cause of a context's end (context.WithTimeoutCause),
// marks a fetch cut short by the caller's own budget, such as init's: it is
// not the upstream's failure, so nothing is recorded and no back-off starts.
var ErrCutShort = errors.New("cut short by the caller's own budget")

// retry is the wait before retrying while stale, and between forced
// refreshes.
const retry = 30 * time.Second

// Options configures a Cache; zero fields take the defaults.
type Options struct {
	Name           string              // what is cached, for logs and errors: "ApiKey", "endpoint"
	TTL            time.Duration       // lifetime of a fetched value, less up to a tenth at random; default 5m
	StaleMax       time.Duration       // longest an older value serves past its TTL while refreshes fail; default 1h
	FailureBackoff time.Duration       // bound of the wait (a fifth of it to all of it) after a failure with nothing to serve; default 5s
	Now            func() time.Time    // default time.Now; read by its wall clock (see New)
	Rand           func(n int64) int64 // draws jitter in [0, n); default rand.Int64N
	Logger         *slog.Logger        // default slog.Default()
}

// Cache holds one value of type T under the policy. It is safe for
// concurrent use; callers wait for one another while a fetch is in flight.
type Cache[T any] struct {
	opts Options

	mu        sync.Mutex
	val       T
	has       bool
	fetchedAt time.Time // last successful fetch
	expires   time.Time // end of val's jittered TTL
	retryAt   time.Time // after a failed fetch: no fetch before then
	lastErr   error     // the last failure, nil after a success
	forcedAt  time.Time // last fetch Refresh forced
}

// New returns an empty cache with opts, defaults filled in.
func New[T any](opts Options) *Cache[T] {
	opts.TTL = cmp.Or(opts.TTL, 5*time.Minute)
	opts.StaleMax = cmp.Or(opts.StaleMax, time.Hour)
	opts.FailureBackoff = cmp.Or(opts.FailureBackoff, 5*time.Second)
	// Ages are read by the wall clock, so that time spent frozen counts: a
	// time without its monotonic reading compares by the wall clock.
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	opts.Now = func() time.Time { return now().Round(0) }
	if opts.Rand == nil {
		opts.Rand = rand.Int64N
	}
	opts.Logger = cmp.Or(opts.Logger, slog.Default())
	return &Cache[T]{opts: opts}
}

// Get returns the cached value while it is fresh: within its TTL and, when
// current is not nil, current(value). Otherwise it fetches. When the fetch
// fails, or failed so recently that the cache is waiting, the older value
// is returned with stale set while it has been stale for less than
// StaleMax; otherwise the failure (a *PastMaxError once an older value has
// aged out).
func (c *Cache[T]) Get(ctx context.Context, current func(T) bool, fetch func(context.Context) (T, error)) (v T, stale bool, err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.opts.Now()
	if c.has && now.Before(c.expires) && (current == nil || current(c.val)) {
		return c.val, false, nil
	}
	if now.Before(c.retryAt) {
		err = c.backoffErr(now)
	} else {
		err = c.fetch(ctx, fetch)
		now = c.opts.Now()
	}
	switch {
	case err == nil:
		return c.val, false, nil
	case c.usable(now):
		return c.val, true, nil
	}
	return v, false, err
}

// Refresh fetches although the value may be fresh, as when AIM refuses it
// after a rotation. With a usable value at hand it fetches at most once
// per retry and not while waiting after a failure: refreshed=false with a
// nil error then means the cached value came back unchanged. A forced
// fetch that fails is an error.
func (c *Cache[T]) Refresh(ctx context.Context, fetch func(context.Context) (T, error)) (v T, refreshed bool, err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.opts.Now()
	switch {
	case c.usable(now) && (now.Before(c.retryAt) || now.Sub(c.forcedAt) < retry):
		return c.val, false, nil
	case now.Before(c.retryAt):
		return v, false, c.backoffErr(now)
	case ctx.Err() == nil: // a caller out of time does not use up the rate limit
		c.forcedAt = now
	}
	if err := c.fetch(ctx, fetch); err != nil {
		return v, false, err
	}
	return c.val, true, nil
}

// fetch calls f and records the outcome: a new value with a jittered TTL,
// or the failure and when to try again (after retry while an older value
// can be served, after the jittered FailureBackoff otherwise). A failure is
// not the upstream's when ctx was done before the call or ended with
// ErrCutShort: then nothing is recorded. c.mu must be held.
func (c *Cache[T]) fetch(ctx context.Context, f func(context.Context) (T, error)) error {
	late := ctx.Err() != nil
	v, err := f(ctx)
	now := c.opts.Now()
	switch {
	case err == nil:
		ttl := c.opts.TTL - time.Duration(c.opts.Rand(int64(c.opts.TTL/10)+1))
		c.val, c.has, c.fetchedAt, c.expires = v, true, now, now.Add(ttl)
		c.retryAt, c.lastErr = time.Time{}, nil
		return nil
	case late || errors.Is(context.Cause(ctx), ErrCutShort):
		return c.pastMax(now, err)
	case c.usable(now):
		c.retryAt, c.lastErr = now.Add(retry), err
		c.logStale(ctx, now, err)
		return err
	}
	limit := int64(c.opts.FailureBackoff)
	c.retryAt = now.Add(time.Duration(limit/5 + c.opts.Rand(limit-limit/5+1)))
	c.lastErr = c.pastMax(now, err)
	if c.has {
		c.opts.Logger.ErrorContext(ctx, "older "+c.opts.Name+" past STALE_MAX, not served; refresh failed",
			"stale_max", c.opts.StaleMax.String(), "error", err.Error())
	}
	return c.lastErr
}

// usable reports whether there is a value that has been stale for less
// than StaleMax at now.
func (c *Cache[T]) usable(now time.Time) bool {
	return c.has && now.Sub(c.expires) < c.opts.StaleMax
}

// backoffErr is the last failure, saying that no fetch was tried.
func (c *Cache[T]) backoffErr(now time.Time) error {
	return fmt.Errorf("%w (backing off, next try in %s)", c.pastMax(now, c.lastErr), c.retryAt.Sub(now).Round(time.Millisecond))
}

// pastMax wraps err in a *PastMaxError when an older value exists but may
// no longer be served.
func (c *Cache[T]) pastMax(now time.Time, err error) error {
	var p *PastMaxError
	if !c.has || c.usable(now) || errors.As(err, &p) {
		return err
	}
	return &PastMaxError{Name: c.opts.Name, Max: c.opts.StaleMax, Err: err}
}

// PastMaxError is a failed refresh whose older value has been stale for
// longer than StaleMax, so nothing is served.
type PastMaxError struct {
	Name string
	Max  time.Duration
	Err  error
}

func (e *PastMaxError) Error() string {
	return fmt.Sprintf("older %s stale for longer than %s: %v", e.Name, e.Max, e.Err)
}

func (e *PastMaxError) Unwrap() error { return e.Err }

// logStale reports serving the older value: a warning, or an error once it
// has been stale for half of StaleMax, so the alarm comes before the
// function starts answering errors.
func (c *Cache[T]) logStale(ctx context.Context, now time.Time, err error) {
	staleFor := max(now.Sub(c.expires), 0)
	level := slog.LevelWarn
	if staleFor >= c.opts.StaleMax/2 {
		level = slog.LevelError
	}
	c.opts.Logger.Log(ctx, level, "using the older "+c.opts.Name+", refresh failed",
		"age", now.Sub(c.fetchedAt).Round(time.Second).String(),
		"stale_for", staleFor.Round(time.Second).String(),
		"stale_max", c.opts.StaleMax.String(),
		"retry_in", retry.String(),
		"error", err.Error())
}
