package secrets_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aimcards/customer-access-token/internal/secrets"
	"github.com/aimcards/customer-access-token/internal/stale"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager/types"
	"github.com/aws/smithy-go"
)

// throttled is Secrets Manager's answer during an incident.
var throttled = &smithy.GenericAPIError{Code: "ThrottlingException", Message: "Rate exceeded"}

// scripted is a fake Secrets Manager whose answer the test changes between
// calls; it counts calls and checks the secret asked for.
type scripted struct {
	t     *testing.T
	id    string
	calls int
	value string // SecretString to return
	err   error  // returned instead when set
	hang  bool   // answer only when the caller gives up
}

func (s *scripted) api() getSecretFunc {
	return func(ctx context.Context, in *secretsmanager.GetSecretValueInput, _ ...func(*secretsmanager.Options)) (*secretsmanager.GetSecretValueOutput, error) {
		s.calls++
		if got := aws.ToString(in.SecretId); got != s.id {
			s.t.Errorf("got SecretId %q, want %q", got, s.id)
		}
		if s.hang {
			<-ctx.Done()
			return nil, ctx.Err()
		}
		if s.err != nil {
			return nil, s.err
		}
		return &secretsmanager.GetSecretValueOutput{SecretString: aws.String(s.value)}, nil
	}
}

// keyOf returns a call of c.APIKey that drops the stale flag.
func keyOf(ctx context.Context, c *secrets.Cache) func() (string, error) {
	return func() (string, error) {
		key, _, err := c.APIKey(ctx)
		return key, err
	}
}

// noJitter draws 0: TTLs are exact and back-offs are a fifth of the bound.
func noJitter(int64) int64 { return 0 }

// wantKey calls APIKey and checks the key and the number of calls so far.
func wantKey(t *testing.T, c *secrets.Cache, sm *scripted, key string, calls int) {
	t.Helper()
	got, _, err := c.APIKey(context.Background())
	if err != nil {
		t.Fatalf("APIKey: %v", err)
	}
	if got != key {
		t.Errorf("got key %q, want %q", got, key)
	}
	if sm.calls != calls {
		t.Errorf("got %d Secrets Manager calls, want %d", sm.calls, calls)
	}
}

func TestAPIKeyTTL(t *testing.T) {
	sm := &scripted{t: t, id: "aim/api-key", value: "key-1"}
	clock := newFakeClock()
	c := secrets.NewCache(sm.api(), secrets.Options{SecretID: "aim/api-key", Policy: stale.Options{Now: clock.Now, Rand: noJitter}})

	wantKey(t, c, sm, "key-1", 1)
	sm.value = "key-2"
	clock.Advance(5*time.Minute - time.Second)
	wantKey(t, c, sm, "key-1", 1) // within the default 5m TTL
	clock.Advance(time.Second)
	wantKey(t, c, sm, "key-2", 2)
	wantKey(t, c, sm, "key-2", 2)
}

func TestAPIKeyNoOlderKey(t *testing.T) {
	notFound := &types.ResourceNotFoundException{Message: aws.String("Secrets Manager can't find the specified secret.")}
	sm := &scripted{t: t, id: "missing", err: notFound}
	clock := newFakeClock()
	c := secrets.NewCache(sm.api(), secrets.Options{SecretID: "missing", Policy: stale.Options{Now: clock.Now, Rand: noJitter}})

	for i := 1; i <= 2; i++ {
		_, _, err := c.APIKey(context.Background())
		var se *secrets.Error
		if !errors.As(err, &se) {
			t.Fatalf("got error %v, want *secrets.Error", err)
		}
		if se.Reason != "not found" || se.SecretID != "missing" {
			t.Errorf("got Reason %q SecretID %q, want %q %q", se.Reason, se.SecretID, "not found", "missing")
		}
		if !errors.Is(err, notFound) {
			t.Errorf("got error %v, want it to wrap the SDK error", err)
		}
		if sm.calls != i {
			t.Errorf("got %d calls, want %d", sm.calls, i)
		}
		clock.Advance(time.Second) // past the shortest failure back-off
	}
}

func TestAPIKeyStaleOnError(t *testing.T) {
	const key = "sk-live-7f3a9c"
	sm := &scripted{t: t, id: "aim", value: key}
	clock := newFakeClock()
	logger, logs := newLogger()
	c := secrets.NewCache(sm.api(), secrets.Options{SecretID: "aim", Policy: stale.Options{Now: clock.Now, Logger: logger, Rand: noJitter}})

	wantKey(t, c, sm, key, 1)
	sm.err = &types.InternalServiceError{Message: aws.String("boom")}
	clock.Advance(6 * time.Minute)
	wantKey(t, c, sm, key, 2) // the older key, after one failed call
	if got := logs.String(); !strings.Contains(got, `"level":"WARN"`) || !strings.Contains(got, "service error") {
		t.Errorf("got log %q, want a WARN naming the reason", got)
	}
	if strings.Contains(logs.String(), key) {
		t.Errorf("log contains the key: %s", logs)
	}

	clock.Advance(29 * time.Second)
	wantKey(t, c, sm, key, 2) // no second call before MinRefreshInterval
	clock.Advance(time.Second)
	wantKey(t, c, sm, key, 3) // retried, failed again
	sm.err, sm.value = nil, "key-2"
	clock.Advance(30 * time.Second)
	wantKey(t, c, sm, "key-2", 4)
	clock.Advance(time.Minute)
	wantKey(t, c, sm, "key-2", 4) // fresh again: TTL counts from the success
}

// TestRefreshFailureIsAnError: a forced fetch that fails is an error; while
// the cache then waits with the older key still usable, a forced refresh
// answers as the rate limit does (no call, no error), so the handler
// answers an expired session as one, not as Secrets Manager being down.
func TestRefreshFailureIsAnError(t *testing.T) {
	sm := &scripted{t: t, id: "aim", value: "key-1"}
	clock := newFakeClock()
	logger, logs := newLogger()
	c := secrets.NewCache(sm.api(), secrets.Options{SecretID: "aim", Policy: stale.Options{Now: clock.Now, Logger: logger}})

	wantKey(t, c, sm, "key-1", 1)
	sm.err = &types.DecryptionFailure{Message: aws.String("kms")}
	clock.Advance(time.Minute)
	key, refreshed, err := c.Refresh(context.Background())
	var se *secrets.Error
	if key != "" || refreshed || !errors.As(err, &se) || sm.calls != 2 {
		t.Errorf("got (%q, %v, %v) after %d calls, want (\"\", false, *secrets.Error) after 2", key, refreshed, err, sm.calls)
	}
	wantKey(t, c, sm, "key-1", 2) // still within its TTL
	if !strings.Contains(logs.String(), "decryption failure") {
		t.Errorf("got log %q, want the reason", logs)
	}
	if strings.Contains(logs.String(), "key-1") {
		t.Errorf("log contains the key: %s", logs)
	}
}

func TestRefreshDuringBackoffWithAnOlderKey(t *testing.T) {
	sm := &scripted{t: t, id: "aim", value: "key-1"}
	clock := newFakeClock()
	c := secrets.NewCache(sm.api(), secrets.Options{SecretID: "aim", Policy: stale.Options{Now: clock.Now}})
	wantKey(t, c, sm, "key-1", 1)
	sm.err = throttled
	clock.Advance(6 * time.Minute)
	wantKey(t, c, sm, "key-1", 2) // stale: the next try waits 30 s
	clock.Advance(5 * time.Second)
	if key, refreshed, err := c.Refresh(context.Background()); key != "key-1" || refreshed || err != nil || sm.calls != 2 {
		t.Errorf("got (%q, %v, %v) after %d calls, want (\"key-1\", false, nil) after 2", key, refreshed, err, sm.calls)
	}
}

// TestFetchCutShortByInit: a GetSecretValue that init's own budget
// (stale.ErrCutShort) cut short starts no back-off: the first request asks
// Secrets Manager at once.
func TestFetchCutShortByInit(t *testing.T) {
	sm := &scripted{t: t, id: "aim", value: "key-1", hang: true}
	c := secrets.NewCache(sm.api(), secrets.Options{SecretID: "aim"})
	ctx, cancel := context.WithTimeoutCause(context.Background(), 10*time.Millisecond, stale.ErrCutShort)
	defer cancel()
	if _, _, err := c.APIKey(ctx); err == nil {
		t.Fatalf("got no error from a fetch cut short, want one")
	}
	sm.hang = false
	wantKey(t, c, sm, "key-1", 2)
}

func TestCallerOutOfTimeMakesNoCall(t *testing.T) {
	sm := &scripted{t: t, id: "aim", value: "key-1"}
	c := secrets.NewCache(sm.api(), secrets.Options{SecretID: "aim"})
	done, cancel := context.WithCancel(context.Background())
	cancel()
	if _, _, err := c.APIKey(done); err == nil || sm.calls != 0 {
		t.Fatalf("got %v after %d calls, want an error and no call", err, sm.calls)
	}
	wantKey(t, c, sm, "key-1", 1) // no back-off started
}

func TestErrorString(t *testing.T) {
	tests := []struct {
		err  *secrets.Error
		want string
	}{
		{&secrets.Error{SecretID: "aim", Reason: "empty secret"}, "secrets: get aim: empty secret"},
		{&secrets.Error{SecretID: "aim", Reason: "timeout", Err: context.DeadlineExceeded}, "secrets: get aim: timeout: context deadline exceeded"},
	}
	for _, tt := range tests {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("got %q, want %q", got, tt.want)
		}
	}
}
