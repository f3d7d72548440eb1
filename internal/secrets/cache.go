// Package secrets caches the AIM ApiKey held in AWS Secrets Manager.
package secrets

import (
	"cmp"
	"context"
	"log/slog"

	"github.com/aimcards/customer-access-token/internal/stale"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
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
	// Policy is the cache's stale-on-error policy (TTL, STALE_MAX, ...).
	Policy stale.Options
}

// Cache holds the ApiKey read from one secret under the stale-on-error
// policy. It is safe for concurrent use.
type Cache struct {
	api   GetSecretValueAPI
	opts  Options
	cache *stale.Cache[string]
}

// NewCache returns a cache over api with opts. It does not call Secrets
// Manager until the key is first asked for.
func NewCache(api GetSecretValueAPI, opts Options) *Cache {
	opts.Policy.Name = "ApiKey"
	opts.Policy.Logger = cmp.Or(opts.Policy.Logger, slog.Default()).With("secret_id", opts.SecretID)
	return &Cache{api: api, opts: opts, cache: stale.New[string](opts.Policy)}
}

// APIKey returns the cached key, fetching it when absent or past its TTL.
// stale is set when the fetch failed and the older key is served. With no
// key to serve the error wraps *Error.
func (c *Cache) APIKey(ctx context.Context) (key string, stale bool, err error) {
	return c.cache.Get(ctx, nil, c.get)
}

// Refresh fetches the key again although it has not expired, as when AIM
// refuses it after a rotation. refreshed=false with a nil error means the
// cached key came back unchanged (the policy allowed no forced fetch).
func (c *Cache) Refresh(ctx context.Context) (key string, refreshed bool, err error) {
	return c.cache.Refresh(ctx, c.get)
}
