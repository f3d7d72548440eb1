package handler

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/aimcards/customer-access-token/internal/aim"
)

// errKeyUnavailable marks a failure to get the ApiKey from Secrets Manager.
var errKeyUnavailable = errors.New("api key unavailable")

// Defaults of the credential cache's incident behaviour (see Options).
const (
	defaultStaleMax       = time.Hour
	defaultFailureBackoff = 5 * time.Second
	defaultStaleRetry     = 30 * time.Second
)

// credUsage is what getting credentials cost one invocation, for its log
// line and metrics.
type credUsage struct {
	secrets   time.Duration // waiting for the ApiKey (a Secrets Manager call, or another invocation's)
	discovery time.Duration // in GetEndPoint calls
	stale     bool          // a stale ApiKey, endpoint or OAuthToken was used
}

// credentials caches the endpoint and OAuthToken that GetEndPoint returns
// for the current ApiKey, for a jittered TTL. When discovery fails it keeps
// the last good ones (stale-on-error) for at most StaleMax and tries again
// after StaleRetry, whatever the key meanwhile; with nothing to serve it
// answers the failure at once for a short jittered back-off. The ApiKey
// itself is cached by keys.
type credentials struct {
	keys KeySource
	aim  AIM
	opts Options
	log  *slog.Logger

	mu      sync.Mutex
	cached  aim.Credentials
	expires time.Time // end of the cached endpoint's jittered TTL
	retryAt time.Time // after a failed discovery: no call before then
	lastErr error     // the last discovery's failure, nil after a success
}

func newCredentials(opts Options) *credentials {
	if opts.StaleMax <= 0 {
		opts.StaleMax = defaultStaleMax
	}
	if opts.FailureBackoff <= 0 {
		opts.FailureBackoff = defaultFailureBackoff
	}
	if opts.StaleRetry <= 0 {
		opts.StaleRetry = defaultStaleRetry
	}
	if opts.Rand == nil {
		opts.Rand = rand.Int64N
	}
	return &credentials{keys: opts.Keys, aim: opts.AIM, opts: opts, log: opts.Logger}
}

// get returns the ApiKey with its endpoint and OAuthToken, adding what it
// cost to u.
func (c *credentials) get(ctx context.Context, u *credUsage) (aim.Credentials, error) {
	key, err := c.apiKey(ctx, u)
	if err != nil {
		return aim.Credentials{}, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.opts.Now()
	if key == c.cached.APIKey && now.Before(c.expires) {
		return c.cached, nil
	}
	if now.Before(c.retryAt) {
		return c.fallback(now, u)
	}
	late := ctx.Err() != nil // out of time before asking: not AIM's failure
	ep, key, err := c.discover(ctx, key, true, u)
	if err != nil {
		if late {
			return aim.Credentials{}, err
		}
		if c.failed(ctx, err) {
			u.stale = true
			return c.cached, nil
		}
		return aim.Credentials{}, c.lastErr
	}
	return c.store(key, ep), nil
}

// refresh forces new credentials after AIM refused them. refreshed is false
// with a nil error when the key source's rate limit allowed no refresh; a
// refresh that failed (Secrets Manager, or discovery now or so recently that
// it is backing off) is an error.
func (c *credentials) refresh(ctx context.Context, u *credUsage) (creds aim.Credentials, refreshed bool, err error) {
	start := c.opts.Now()
	key, refreshed, err := c.keys.Refresh(ctx)
	u.secrets += c.opts.Now().Sub(start)
	if err != nil {
		return aim.Credentials{}, false, fmt.Errorf("%w: %w", errKeyUnavailable, err)
	}
	if !refreshed {
		return aim.Credentials{}, false, nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if now := c.opts.Now(); now.Before(c.retryAt) {
		return aim.Credentials{}, false, c.backoffErr(now)
	}
	late := ctx.Err() != nil
	ep, key, err := c.discover(ctx, key, false, u)
	if err != nil {
		if !late {
			c.failed(ctx, err)
		}
		return aim.Credentials{}, false, err
	}
	return c.store(key, ep), true, nil
}

// apiKey asks the key source for the ApiKey, timing the wait.
func (c *credentials) apiKey(ctx context.Context, u *credUsage) (string, error) {
	start := c.opts.Now()
	key, stale, err := c.keys.APIKey(ctx)
	u.secrets += c.opts.Now().Sub(start)
	if err != nil {
		return "", fmt.Errorf("%w: %w", errKeyUnavailable, err)
	}
	u.stale = u.stale || stale
	return key, nil
}

// discover calls GetEndPoint with key. When discovery refuses the key, the
// key may have been rotated: one forced key refresh (rate limited) is tried.
// It returns the key the endpoint belongs to.
func (c *credentials) discover(ctx context.Context, key string, mayRefresh bool, u *credUsage) (aim.Endpoint, string, error) {
	ep, err := c.getEndPoint(ctx, key, u)
	if isUnauthorized(err) && mayRefresh {
		start := c.opts.Now()
		fresh, refreshed, rerr := c.keys.Refresh(ctx)
		u.secrets += c.opts.Now().Sub(start)
		if rerr == nil && refreshed && fresh != key {
			key = fresh
			ep, err = c.getEndPoint(ctx, key, u)
		}
	}
	return ep, key, err
}

func (c *credentials) getEndPoint(ctx context.Context, key string, u *credUsage) (aim.Endpoint, error) {
	start := c.opts.Now()
	ep, err := c.aim.GetEndPoint(ctx, key)
	u.discovery += c.opts.Now().Sub(start)
	return ep, err
}

// store caches a discovered endpoint for a TTL shortened at random by up
// to a tenth, so environments started together do not refresh together.
// c.mu must be held.
func (c *credentials) store(key string, ep aim.Endpoint) aim.Credentials {
	ttl := c.opts.CacheTTL
	ttl -= time.Duration(c.opts.Rand(int64(ttl/10) + 1))
	c.cached = aim.Credentials{APIKey: key, Endpoint: ep}
	c.expires = c.opts.Now().Add(ttl)
	c.retryAt, c.lastErr = time.Time{}, nil
	return c.cached
}
