package handler

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/aimcards/customer-access-token/internal/aim"
	"github.com/aimcards/customer-access-token/internal/stale"
)

// errKeyUnavailable marks a failure to get the ApiKey from Secrets Manager.
var errKeyUnavailable = errors.New("api key unavailable")

// credUsage is what getting credentials cost one invocation, for its log
// line and metrics.
type credUsage struct {
	secrets   time.Duration // waiting for the ApiKey (a Secrets Manager call, or another invocation's)
	discovery time.Duration // in GetEndPoint calls
	stale     bool          // a stale ApiKey, endpoint or OAuthToken was used
}

// credentials caches the endpoint and OAuthToken that GetEndPoint returns
// for the current ApiKey, under the stale-on-error policy. An endpoint
// belongs to the key it was discovered with: a new key needs a new
// discovery, and while discovery fails the previous key, endpoint and
// OAuthToken keep serving together. The ApiKey itself is cached by keys.
type credentials struct {
	keys      KeySource
	aim       AIM
	now       func() time.Time
	endpoints *stale.Cache[aim.Credentials]
	// refused: discovery refused the store's credentials, and AIM has not accepted them since.
	refused atomic.Bool
}

func newCredentials(opts Options) *credentials {
	p := opts.Policy
	p.Name, p.Now, p.Logger = "endpoint", opts.Now, opts.Logger
	return &credentials{keys: opts.Keys, aim: opts.AIM, now: opts.Now, endpoints: stale.New[aim.Credentials](p)}
}

// get returns the ApiKey with its endpoint and OAuthToken, adding what it
// cost to u.
func (c *credentials) get(ctx context.Context, u *credUsage) (aim.Credentials, error) {
	start := c.now()
	key, staleKey, err := c.keys.APIKey(ctx)
	u.secrets += c.now().Sub(start)
	if err != nil {
		return aim.Credentials{}, keyErr(err)
	}
	creds, staleEndpoint, err := c.endpoints.Get(ctx,
		func(cached aim.Credentials) bool { return cached.APIKey == key },
		func(ctx context.Context) (aim.Credentials, error) { return c.discover(ctx, key, true, u) })
	u.stale = u.stale || staleKey || staleEndpoint
	return creds, err
}

// refresh forces new credentials after AIM refused them. refreshed is false
// with a nil error when the policy allowed no refresh; a refresh that
// failed (Secrets Manager, or discovery) is an error.
func (c *credentials) refresh(ctx context.Context, u *credUsage) (creds aim.Credentials, refreshed bool, err error) {
	start := c.now()
	key, refreshed, err := c.keys.Refresh(ctx)
	u.secrets += c.now().Sub(start)
	if err != nil || !refreshed {
		return aim.Credentials{}, false, keyErr(err)
	}
	return c.endpoints.Refresh(ctx, func(ctx context.Context) (aim.Credentials, error) {
		return c.discover(ctx, key, false, u)
	})
}

// keyErr marks a failure to get the ApiKey; nil stays nil.
func keyErr(err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%w: %w", errKeyUnavailable, err)
}

// discover calls GetEndPoint with key. When discovery refuses the key, the
// key may have been rotated: one forced key refresh (rate limited) is tried.
// The credentials carry the key the endpoint belongs to.
func (c *credentials) discover(ctx context.Context, key string, mayRefresh bool, u *credUsage) (aim.Credentials, error) {
	ep, err := c.getEndPoint(ctx, key, u)
	if isUnauthorized(err) && mayRefresh {
		start := c.now()
		fresh, refreshed, rerr := c.keys.Refresh(ctx)
		u.secrets += c.now().Sub(start)
		if rerr == nil && refreshed && fresh != key {
			key = fresh
			ep, err = c.getEndPoint(ctx, key, u)
		}
	}
	return aim.Credentials{APIKey: key, Endpoint: ep}, err
}

func (c *credentials) getEndPoint(ctx context.Context, key string, u *credUsage) (aim.Endpoint, error) {
	start := c.now()
	ep, err := c.aim.GetEndPoint(ctx, key)
	u.discovery += c.now().Sub(start)
	if err == nil || isUnauthorized(err) {
		c.refused.Store(err != nil)
	}
	return ep, shortCode(err)
}
