package secrets_test

import (
	"context"
	"errors"
	"net"
	"os"
	"os/exec"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aimcards/customer-access-token/internal/dev/moto"
	"github.com/aimcards/customer-access-token/internal/secrets"
	"github.com/aimcards/customer-access-token/internal/stale"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/smithy-go"
)

// One moto_server serves every test in this binary.
var (
	motoOnce   sync.Once
	motoServer *moto.Server
	motoErr    error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if motoServer != nil {
		_ = motoServer.Stop()
	}
	os.Exit(code)
}

// motoClient returns a real SDK client talking to the shared moto_server,
// and the server. It skips when moto_server is not installed, except on CI.
func motoClient(t *testing.T) (*secretsmanager.Client, *moto.Server) {
	t.Helper()
	motoOnce.Do(func() { motoServer, motoErr = moto.Start(context.Background()) })
	if errors.Is(motoErr, exec.ErrNotFound) && os.Getenv("CI") != "true" {
		t.Skip(motoErr)
	}
	if motoErr != nil {
		t.Fatal(motoErr)
	}
	cfg := motoServer.AWSConfig()
	cfg.RetryMaxAttempts = 1 // a refused connection should fail at once
	return secretsmanager.NewFromConfig(cfg), motoServer
}

// counting wraps the real client, counts calls, and while down is set sends
// them to a closed loopback port, as if Secrets Manager were unreachable.
type counting struct {
	api   secrets.GetSecretValueAPI
	calls atomic.Int32
	down  atomic.Bool
	dead  string // URL of a closed port
}

func newCounting(t *testing.T, api secrets.GetSecretValueAPI) *counting {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := "http://" + l.Addr().String()
	l.Close()
	return &counting{api: api, dead: dead}
}

func (c *counting) GetSecretValue(ctx context.Context, in *secretsmanager.GetSecretValueInput, optFns ...func(*secretsmanager.Options)) (*secretsmanager.GetSecretValueOutput, error) {
	c.calls.Add(1)
	if c.down.Load() {
		optFns = append(optFns, func(o *secretsmanager.Options) { o.BaseEndpoint = aws.String(c.dead) })
	}
	return c.api.GetSecretValue(ctx, in, optFns...)
}

// check calls get and compares the key, the error reason and the call count.
func check(t *testing.T, sm *counting, get func() (string, error), wantKey, wantReason string, wantCalls int32) {
	t.Helper()
	key, err := get()
	var se *secrets.Error
	switch {
	case wantReason == "" && err != nil:
		t.Fatalf("got error %v, want key %q", err, wantKey)
	case wantReason != "" && !errors.As(err, &se):
		t.Fatalf("got (%q, %v), want *secrets.Error with Reason %q", key, err, wantReason)
	case wantReason != "" && se.Reason != wantReason:
		t.Errorf("got Reason %q (%v), want %q", se.Reason, err, wantReason)
	case key != wantKey:
		t.Errorf("got key %q, want %q", key, wantKey)
	}
	if got := sm.calls.Load(); got != wantCalls {
		t.Errorf("got %d GetSecretValue calls, want %d", got, wantCalls)
	}
}

func TestMotoTTL(t *testing.T) {
	client, srv := motoClient(t)
	ctx := context.Background()
	arn, err := srv.CreateSecret(ctx, "secrets-test/ttl", "key-1")
	if err != nil {
		t.Fatal(err)
	}
	sm, clock := newCounting(t, client), newFakeClock()
	c := secrets.NewCache(sm, secrets.Options{SecretID: arn, Policy: stale.Options{Now: clock.Now}})
	get := keyOf(ctx, c)

	check(t, sm, get, "key-1", "", 1)
	if err := srv.PutSecret(ctx, "secrets-test/ttl", "key-2"); err != nil {
		t.Fatal(err)
	}
	clock.Advance(4 * time.Minute)
	check(t, sm, get, "key-1", "", 1)
	clock.Advance(time.Minute)
	check(t, sm, get, "key-2", "", 2)
}

func TestMotoSecretShapes(t *testing.T) {
	client, srv := motoClient(t)
	ctx := context.Background()
	tests := []struct {
		name, value, field string
		binary             []byte
		want, wantReason   string
	}{
		{name: "plain", value: "sk-plain\n", want: "sk-plain"},
		{name: "json-default", value: `{"ApiKey":"sk-json"}`, want: "sk-json"},
		{name: "json-field", value: `{"ApiKey":"no","aim":"sk-field"}`, field: "aim", want: "sk-field"},
		{name: "json-missing", value: `{"Key":"sk-x"}`, field: "aim", wantReason: `field "aim" missing`},
		{name: "binary", binary: []byte("sk-bin"), wantReason: "binary-only secret"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			name := "secrets-test/shape-" + tt.name
			var err error
			if tt.binary != nil {
				_, err = srv.CreateBinarySecret(ctx, name, tt.binary)
			} else {
				_, err = srv.CreateSecret(ctx, name, tt.value)
			}
			if err != nil {
				t.Fatal(err)
			}
			sm := newCounting(t, client)
			c := secrets.NewCache(sm, secrets.Options{SecretID: name, Field: tt.field})
			check(t, sm, keyOf(ctx, c), tt.want, tt.wantReason, 1)
		})
	}
}

func TestMotoMissingSecret(t *testing.T) {
	client, _ := motoClient(t)
	sm := newCounting(t, client)
	c := secrets.NewCache(sm, secrets.Options{SecretID: "secrets-test/does-not-exist"})
	_, _, err := c.APIKey(context.Background())
	var se *secrets.Error
	if !errors.As(err, &se) || se.Reason != "not found" {
		t.Fatalf("got error %v, want *secrets.Error with Reason %q", err, "not found")
	}
	var apiErr smithy.APIError
	if !errors.As(err, &apiErr) || apiErr.ErrorCode() != "ResourceNotFoundException" {
		t.Errorf("got error %v, want it to wrap ResourceNotFoundException", err)
	}
}

func TestMotoRotationRefresh(t *testing.T) {
	client, srv := motoClient(t)
	ctx := context.Background()
	const name = "secrets-test/rotation"
	if _, err := srv.CreateSecret(ctx, name, "key-1"); err != nil {
		t.Fatal(err)
	}
	sm, clock := newCounting(t, client), newFakeClock()
	c := secrets.NewCache(sm, secrets.Options{SecretID: name, Policy: stale.Options{Now: clock.Now}})
	check(t, sm, keyOf(ctx, c), "key-1", "", 1)
	if err := srv.PutSecret(ctx, name, "key-2"); err != nil {
		t.Fatal(err)
	}

	// AIM refuses the old key: the first forced refresh reads the new one.
	clock.Advance(2 * time.Second)
	key, refreshed, err := c.Refresh(ctx)
	if key != "key-2" || !refreshed || err != nil {
		t.Fatalf("got (%q, %v, %v), want (%q, true, nil)", key, refreshed, err, "key-2")
	}
	if err := srv.PutSecret(ctx, name, "key-3"); err != nil {
		t.Fatal(err)
	}
	for range 10 { // bad tokens in a row: no more than one forced call per 30 s
		clock.Advance(2 * time.Second)
		key, refreshed, err := c.Refresh(ctx)
		if key != "key-2" || refreshed || err != nil {
			t.Fatalf("got (%q, %v, %v), want (%q, false, nil)", key, refreshed, err, "key-2")
		}
	}
	check(t, sm, keyOf(ctx, c), "key-2", "", 2)
	clock.Advance(10 * time.Second)
	key, refreshed, err = c.Refresh(ctx)
	if key != "key-3" || !refreshed || err != nil {
		t.Errorf("got (%q, %v, %v), want (%q, true, nil)", key, refreshed, err, "key-3")
	}
	check(t, sm, keyOf(ctx, c), "key-3", "", 3)
}

func TestMotoStaleOnError(t *testing.T) {
	client, srv := motoClient(t)
	ctx := context.Background()
	const name, key = "secrets-test/stale", "sk-stale-4b1d"
	if _, err := srv.CreateSecret(ctx, name, key); err != nil {
		t.Fatal(err)
	}
	sm, clock := newCounting(t, client), newFakeClock()
	logger, logs := newLogger()
	c := secrets.NewCache(sm, secrets.Options{SecretID: name, Policy: stale.Options{Now: clock.Now, Logger: logger}})
	get := keyOf(ctx, c)

	check(t, sm, get, key, "", 1)
	sm.down.Store(true)
	clock.Advance(5 * time.Minute)
	check(t, sm, get, key, "", 2)
	if got := logs.String(); !strings.Contains(got, `"level":"WARN"`) || !strings.Contains(got, "unreachable") {
		t.Errorf("got log %q, want a WARN saying Secrets Manager is unreachable", got)
	}
	if strings.Contains(logs.String(), key) {
		t.Errorf("log contains the key: %s", logs)
	}
	clock.Advance(20 * time.Second)
	check(t, sm, get, key, "", 2) // no call before MinRefreshInterval

	sm.down.Store(false)
	if err := srv.PutSecret(ctx, name, "key-2"); err != nil {
		t.Fatal(err)
	}
	clock.Advance(10 * time.Second)
	check(t, sm, get, "key-2", "", 3)
}
