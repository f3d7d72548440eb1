// Package secrets caches the AIM ApiKey held in AWS Secrets Manager.
package secrets

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
)

// Defaults for Options.
const (
	DefaultTTL                = 5 * time.Minute
	DefaultMinRefreshInterval = 30 * time.Second
	DefaultField              = "ApiKey"
)

// GetSecretValueAPI is the one Secrets Manager call the cache needs.
// *secretsmanager.Client implements it.
type GetSecretValueAPI interface {
	GetSecretValue(ctx context.Context, in *secretsmanager.GetSecretValueInput, optFns ...func(*secretsmanager.Options)) (*secretsmanager.GetSecretValueOutput, error)
}

// Options configures a Cache.
type Options struct {
	// SecretID is the secret's name or ARN (required).
	SecretID string
	// Field is the JSON field holding the key. When empty, the key is the
	// whole SecretString, or its "ApiKey" field when the string is a JSON
	// object (starts with "{").
	Field string
	// TTL is how long a fetched key is used before fetching again; default 5m.
	TTL time.Duration
	// MinRefreshInterval spaces Secrets Manager calls that Refresh forces, and
	// retries after a failed fetch while an older key is still at hand;
	// default 30s.
	MinRefreshInterval time.Duration
	// Now is the clock; default time.Now.
	Now func() time.Time
	// Logger receives stale-on-error warnings; default slog.Default().
	Logger *slog.Logger
}

// Cache holds the ApiKey read from one secret. It is safe for concurrent use;
// callers wait for one another while a fetch is in flight.
type Cache struct {
	api  GetSecretValueAPI
	opts Options

	mu          sync.Mutex
	key         string
	fetchedAt   time.Time // last successful fetch
	attemptedAt time.Time // last fetch, successful or not
	forcedAt    time.Time // last fetch that Refresh forced
	failed      bool      // whether the last fetch failed
}

// NewCache returns a cache over api with opts, defaults filled in. It does
// not call Secrets Manager until the key is first asked for.
func NewCache(api GetSecretValueAPI, opts Options) *Cache {
	if opts.TTL <= 0 {
		opts.TTL = DefaultTTL
	}
	if opts.MinRefreshInterval <= 0 {
		opts.MinRefreshInterval = DefaultMinRefreshInterval
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	return &Cache{api: api, opts: opts}
}

// APIKey returns the cached key, fetching it when absent or older than TTL.
// When that fetch fails and an older key is at hand, APIKey returns the older
// key, logs a warning (without the key), and does not call Secrets Manager
// again until MinRefreshInterval has passed, so an outage costs one call per
// interval rather than one per request. With no older key it returns *Error.
func (c *Cache) APIKey(ctx context.Context) (string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.opts.Now()
	if c.key != "" && (now.Sub(c.fetchedAt) < c.opts.TTL || c.backingOff(now)) {
		return c.key, nil
	}
	key, _, err := c.fetch(ctx, now)
	return key, err
}

// Refresh fetches the key again although it has not expired, as when AIM
// refuses it after a rotation. Forced fetches happen at most once per
// MinRefreshInterval, so clients with bad tokens cannot turn into a flood
// of Secrets Manager calls: refreshed=false with a nil error means the
// cached key came back unchanged, either because a forced fetch (or a
// failed one) happened too recently or because this fetch failed and the
// older key is used (stale-on-error, as in APIKey).
func (c *Cache) Refresh(ctx context.Context) (key string, refreshed bool, err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.opts.Now()
	if c.key != "" && (now.Sub(c.forcedAt) < c.opts.MinRefreshInterval || c.backingOff(now)) {
		return c.key, false, nil
	}
	c.forcedAt = now
	return c.fetch(ctx, now)
}

// backingOff reports whether the last fetch failed so recently that
// Secrets Manager should not be asked again yet.
func (c *Cache) backingOff(now time.Time) bool {
	return c.failed && now.Sub(c.attemptedAt) < c.opts.MinRefreshInterval
}

// fetch reads the key from Secrets Manager, falling back on the older key
// when there is one. c.mu must be held.
func (c *Cache) fetch(ctx context.Context, now time.Time) (key string, refreshed bool, err error) {
	c.attemptedAt = now
	key, err = c.get(ctx)
	if err != nil {
		c.failed = true
		if c.key == "" {
			return "", false, err
		}
		c.opts.Logger.WarnContext(ctx, "secrets: using the older ApiKey, refresh failed",
			"secret_id", c.opts.SecretID,
			"key_age", now.Sub(c.fetchedAt).Round(time.Second).String(),
			"retry_in", c.opts.MinRefreshInterval.String(),
			"error", err.Error())
		return c.key, false, nil
	}
	c.key, c.fetchedAt, c.failed = key, now, false
	return key, true, nil
}
