package handler

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/aimcards/customer-access-token/internal/aim"
)

// errKeyUnavailable marks a failure to get the ApiKey from Secrets Manager.
var errKeyUnavailable = errors.New("api key unavailable")

// staleRetry is how long a stale endpoint is used before discovery is tried
// again, so an AIM outage does not add a GetEndPoint call to every request.
const staleRetry = 30 * time.Second

// credentials caches the endpoint and OAuthToken that GetEndPoint returns
// for the current ApiKey, for ttl, keeping the last good ones when a
// refresh fails (stale-on-error). The ApiKey itself is cached by keys.
type credentials struct {
	keys KeySource
	aim  AIM
	ttl  time.Duration
	now  func() time.Time
	log  *slog.Logger

	mu      sync.Mutex
	cached  aim.Credentials
	expires time.Time
}

func newCredentials(keys KeySource, client AIM, ttl time.Duration, now func() time.Time, log *slog.Logger) *credentials {
	return &credentials{keys: keys, aim: client, ttl: ttl, now: now, log: log}
}

// get returns the ApiKey with its endpoint and OAuthToken.
func (c *credentials) get(ctx context.Context) (aim.Credentials, error) {
	key, err := c.keys.APIKey(ctx)
	if err != nil {
		return aim.Credentials{}, fmt.Errorf("%w: %w", errKeyUnavailable, err)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if key == c.cached.APIKey && c.now().Before(c.expires) {
		return c.cached, nil
	}
	return c.discover(ctx, key, true)
}

// refresh forces new credentials after AIM refused them. refreshed is false
// when the key source's rate limit allowed no refresh.
func (c *credentials) refresh(ctx context.Context) (creds aim.Credentials, refreshed bool, err error) {
	key, refreshed, err := c.keys.Refresh(ctx)
	if err != nil || !refreshed {
		return aim.Credentials{}, false, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	creds, err = c.discover(ctx, key, false)
	return creds, err == nil, err
}

// discover calls GetEndPoint with key. When discovery refuses the key, the
// key may have been rotated: one forced key refresh (rate limited) is tried.
func (c *credentials) discover(ctx context.Context, key string, mayRefresh bool) (aim.Credentials, error) {
	ep, err := c.aim.GetEndPoint(ctx, key)
	if isUnauthorized(err) && mayRefresh {
		if fresh, refreshed, rerr := c.keys.Refresh(ctx); rerr == nil && refreshed && fresh != key {
			key = fresh
			ep, err = c.aim.GetEndPoint(ctx, key)
		}
	}
	if err != nil {
		if c.cached.Endpoint.URL == "" {
			return aim.Credentials{}, err
		}
		c.log.Warn("endpoint discovery failed; using the previous endpoint", "error", err.Error())
		c.expires = c.now().Add(staleRetry)
		return c.cached, nil
	}
	c.cached = aim.Credentials{APIKey: key, Endpoint: ep}
	c.expires = c.now().Add(c.ttl)
	return c.cached, nil
}
