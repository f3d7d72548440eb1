// Package secrets caches the AIM ApiKey held in AWS Secrets Manager.
package secrets

import (
	"context"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
)

// Defaults for Options.
const (
	DefaultTTL                = 5 * time.Minute
	DefaultMinRefreshInterval = 30 * time.Second
	DefaultStaleMax           = time.Hour
	DefaultFailureBackoff     = 5 * time.Second
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
	// TTL is how long a fetched key is used before fetching again; default
	// 5m. Each fetch takes up to a tenth off it at random, so environments
	// started together do not refresh together.
	TTL time.Duration
	// MinRefreshInterval spaces Secrets Manager calls that Refresh forces, and
	// retries after a failed fetch while an older key is still served;
	// default 30s.
	MinRefreshInterval time.Duration
	// StaleMax is how long past its TTL an older key keeps being served
	// while fetches fail; default 1h. Past it the cache answers errors.
	StaleMax time.Duration
	// FailureBackoff bounds the wait after a failed fetch with no key to
	// serve; default 5s. The wait is drawn between a fifth of it and all of
	// it; meanwhile the cache answers the failure at once.
	FailureBackoff time.Duration
	// Now is the clock; default time.Now.
	Now func() time.Time
	// Rand draws the jitter: a number in [0, n); default rand.Int64N.
	Rand func(n int64) int64
	// Logger receives stale-on-error warnings; default slog.Default().
	Logger *slog.Logger
}

// Cache holds the ApiKey read from one secret. It is safe for concurrent use;
// callers wait for one another while a fetch is in flight.
type Cache struct {
	api  GetSecretValueAPI
	opts Options

	mu        sync.Mutex
	key       string
	fetchedAt time.Time // last successful fetch
	expires   time.Time // end of the key's jittered TTL
	retryAt   time.Time // after a failed fetch: no call before then
	lastErr   error     // the last fetch's failure, nil after a success
	forcedAt  time.Time // last fetch that Refresh forced
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
	if opts.StaleMax <= 0 {
		opts.StaleMax = DefaultStaleMax
	}
	if opts.FailureBackoff <= 0 {
		opts.FailureBackoff = DefaultFailureBackoff
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Rand == nil {
		opts.Rand = rand.Int64N
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	return &Cache{api: api, opts: opts}
}

// APIKey returns the cached key, fetching it when absent or past its TTL.
// When that fetch fails and an older key is at hand, APIKey returns the
// older key with stale set, logs a warning (without the key), and does not
// call Secrets Manager again until MinRefreshInterval has passed, so an
// outage costs one call per interval rather than one per request. With no
// key to serve (none fetched yet, or the older one stale for longer than
// StaleMax) it returns an error wrapping *Error, and for the failure
// back-off answers that error again without calling Secrets Manager.
func (c *Cache) APIKey(ctx context.Context) (key string, stale bool, err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.opts.Now()
	if c.key != "" && now.Before(c.expires) {
		return c.key, false, nil
	}
	if now.Before(c.retryAt) {
		return c.fallback(now)
	}
	if err := c.fetch(ctx); err != nil {
		if c.servable(c.opts.Now()) {
			return c.key, true, nil
		}
		return "", false, err
	}
	return c.key, false, nil
}

// Refresh fetches the key again although it has not expired, as when AIM
// refuses it after a rotation. Forced fetches happen at most once per
// MinRefreshInterval, so clients with bad tokens cannot turn into a flood
// of Secrets Manager calls: refreshed=false with a nil error means the
// cached key came back unchanged because a forced fetch happened too
// recently. A fetch that failed, now or so recently that the cache is
// backing off, is an error: the key could not be refreshed.
func (c *Cache) Refresh(ctx context.Context) (key string, refreshed bool, err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.opts.Now()
	if now.Before(c.retryAt) {
		return "", false, c.backoffErr(now)
	}
	if c.key != "" && now.Sub(c.forcedAt) < c.opts.MinRefreshInterval {
		return c.key, false, nil
	}
	if err := ctx.Err(); err != nil { // a request out of time does not use up the rate limit
		return "", false, &Error{SecretID: c.opts.SecretID, Reason: classify(err), Err: err}
	}
	c.forcedAt = now
	if err := c.fetch(ctx); err != nil {
		return "", false, err
	}
	return c.key, true, nil
}
