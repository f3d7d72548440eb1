package secrets_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aimcards/customer-access-token/internal/secrets"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/smithy-go"
)

// throttled is Secrets Manager's answer during an incident.
var throttled = &smithy.GenericAPIError{Code: "ThrottlingException", Message: "Rate exceeded"}

// maxJitter draws the largest value: the shortest TTL, the longest back-off.
func maxJitter(n int64) int64 { return n - 1 }

func TestAPIKeyFailureBackoffBounds(t *testing.T) {
	tests := []struct {
		name string
		rand func(int64) int64
		wait time.Duration // the back-off these draws give
	}{
		{"shortest draw", noJitter, time.Second},
		{"longest draw", maxJitter, 5 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sm := &scripted{t: t, id: "aim", err: throttled}
			clock := newFakeClock()
			c := secrets.NewCache(sm.api(), secrets.Options{SecretID: "aim", Now: clock.Now, Rand: tt.rand})
			get := func(wantCalls int) {
				t.Helper()
				_, _, err := c.APIKey(context.Background())
				var se *secrets.Error
				if !errors.As(err, &se) || se.Reason != "throttled" || sm.calls != wantCalls {
					t.Errorf("got %v after %d calls, want the throttled *secrets.Error after %d", err, sm.calls, wantCalls)
				}
			}
			get(1)
			clock.Advance(tt.wait - time.Millisecond)
			get(1) // answered at once from the back-off
			clock.Advance(time.Millisecond)
			get(2)
		})
	}
}

func TestAPIKeyFailureBackoffIsJittered(t *testing.T) {
	clock := newFakeClock()
	waits := map[time.Duration]bool{}
	for range 20 {
		sm := &scripted{t: t, id: "aim", err: throttled}
		c := secrets.NewCache(sm.api(), secrets.Options{SecretID: "aim", Now: clock.Now})
		_, _, _ = c.APIKey(context.Background())
		var wait time.Duration
		for wait = 0; sm.calls == 1 && wait <= 6*time.Second; wait += 100 * time.Millisecond {
			clock.Advance(100 * time.Millisecond)
			_, _, _ = c.APIKey(context.Background())
		}
		if wait < 900*time.Millisecond || wait > 5*time.Second {
			t.Errorf("got a back-off of about %s, want 1s to 5s", wait)
		}
		waits[wait] = true
	}
	if len(waits) < 3 {
		t.Errorf("got %d distinct back-offs in 20 caches, want them spread out", len(waits))
	}
}

func TestAPIKeyBurstDuringOutageMakesOneCall(t *testing.T) {
	var calls atomic.Int32
	api := getSecretFunc(func(context.Context, *secretsmanager.GetSecretValueInput, ...func(*secretsmanager.Options)) (*secretsmanager.GetSecretValueOutput, error) {
		calls.Add(1)
		time.Sleep(20 * time.Millisecond) // the others queue up meanwhile
		return nil, throttled
	})
	c := secrets.NewCache(api, secrets.Options{SecretID: "aim"})
	var wg sync.WaitGroup
	var failed atomic.Int32
	for range 10 {
		wg.Go(func() {
			if _, _, err := c.APIKey(context.Background()); err != nil {
				failed.Add(1)
			}
		})
	}
	wg.Wait()
	if calls.Load() != 1 || failed.Load() != 10 {
		t.Errorf("got %d calls and %d errors for 10 requests, want 1 call and 10 errors", calls.Load(), failed.Load())
	}
}

func TestTTLJitterBounds(t *testing.T) {
	tests := []struct {
		name    string
		rand    func(int64) int64
		expires time.Duration
	}{
		{"no jitter", noJitter, 5 * time.Minute},
		{"most jitter", maxJitter, 4*time.Minute + 30*time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sm := &scripted{t: t, id: "aim", value: "key-1"}
			clock := newFakeClock()
			c := secrets.NewCache(sm.api(), secrets.Options{SecretID: "aim", Now: clock.Now, Rand: tt.rand})
			wantKey(t, c, sm, "key-1", 1)
			clock.Advance(tt.expires - time.Millisecond)
			wantKey(t, c, sm, "key-1", 1)
			clock.Advance(time.Millisecond)
			wantKey(t, c, sm, "key-1", 2)
		})
	}
}

func TestTTLJitterSpreadsRefreshes(t *testing.T) {
	clock := newFakeClock()
	var caches []*scripted
	var all []*secrets.Cache
	for range 40 {
		sm := &scripted{t: t, id: "aim", value: "key-1"}
		c := secrets.NewCache(sm.api(), secrets.Options{SecretID: "aim", Now: clock.Now})
		wantKey(t, c, sm, "key-1", 1)
		caches, all = append(caches, sm), append(all, c)
	}
	count := func() (refreshed int) {
		for i, c := range all {
			_, _, _ = c.APIKey(context.Background())
			if caches[i].calls > 1 {
				refreshed++
			}
		}
		return refreshed
	}
	clock.Advance(4*time.Minute + 30*time.Second - time.Millisecond)
	if n := count(); n != 0 {
		t.Errorf("before 90%% of the TTL: got %d of 40 refreshed, want 0", n)
	}
	clock.Advance(15 * time.Second)
	if n := count(); n == 0 || n == 40 {
		t.Errorf("at 95%% of the TTL: got %d of 40 refreshed, want some but not all", n)
	}
	clock.Advance(15*time.Second + time.Millisecond) // the full TTL
	if n := count(); n != 40 {
		t.Errorf("at the TTL: got %d of 40 refreshed, want all", n)
	}
}

func TestStaleMax(t *testing.T) {
	const key = "sk-live-stale-max"
	sm := &scripted{t: t, id: "aim", value: key}
	clock := newFakeClock()
	logger, logs := newLogger()
	c := secrets.NewCache(sm.api(), secrets.Options{SecretID: "aim", Now: clock.Now, Logger: logger, Rand: noJitter})
	wantKey(t, c, sm, key, 1)
	sm.err = throttled

	stale := func(after time.Duration, wantLevel string) {
		t.Helper()
		clock.Advance(after)
		before := logs.Len()
		got, isStale, err := c.APIKey(context.Background())
		if got != key || !isStale || err != nil {
			t.Fatalf("got (%q, %v, %v), want the older key, stale", got, isStale, err)
		}
		line := logs.String()[before:]
		if !strings.Contains(line, `"level":"`+wantLevel+`"`) || !strings.Contains(line, "using the older ApiKey") {
			t.Errorf("got log %q, want a %s about the older key", line, wantLevel)
		}
	}
	stale(5*time.Minute, "WARN")   // just expired
	stale(29*time.Minute, "WARN")  // stale for 29m of 1h
	stale(time.Minute, "ERROR")    // 30m: half of STALE_MAX
	stale(29*time.Minute, "ERROR") // 59m

	clock.Advance(time.Minute) // 60m: past STALE_MAX
	got, isStale, err := c.APIKey(context.Background())
	var se *secrets.Error
	if got != "" || isStale || !errors.As(err, &se) || !strings.Contains(err.Error(), "stale for longer than 1h0m0s") {
		t.Fatalf("past STALE_MAX: got (%q, %v, %v), want an error naming the limit", got, isStale, err)
	}
	if !strings.Contains(logs.String(), "past STALE_MAX") {
		t.Errorf("got log %q, want an ERROR saying the older key is no longer served", logs)
	}
	calls := sm.calls
	_, _, err = c.APIKey(context.Background()) // within the short back-off now
	if sm.calls != calls || err == nil || !strings.Contains(err.Error(), "backing off") {
		t.Errorf("got %d more calls and %v, want none and the back-off error", sm.calls-calls, err)
	}
	sm.err, sm.value = nil, "key-2"
	clock.Advance(time.Second)
	wantKey(t, c, sm, "key-2", calls+1)
	if strings.Contains(logs.String(), key) {
		t.Errorf("log contains the key: %s", logs)
	}
}

func TestCallerOutOfTimeStartsNoBackoff(t *testing.T) {
	sm := &scripted{t: t, id: "aim", value: "key-1"}
	clock := newFakeClock()
	c := secrets.NewCache(sm.api(), secrets.Options{SecretID: "aim", Now: clock.Now})
	done, cancel := context.WithCancel(context.Background())
	cancel()
	if _, _, err := c.APIKey(done); err == nil || sm.calls != 0 {
		t.Fatalf("got %v after %d calls, want an error and no call", err, sm.calls)
	}
	wantKey(t, c, sm, "key-1", 1) // no back-off started
	clock.Advance(time.Minute)
	if _, _, err := c.Refresh(done); err == nil || sm.calls != 1 {
		t.Fatalf("Refresh: got %v after %d calls, want an error and no call", err, sm.calls)
	}
	if _, refreshed, err := c.Refresh(context.Background()); !refreshed || err != nil || sm.calls != 2 {
		t.Errorf("got (%v, %v) after %d calls, want a forced fetch: the rate limit was not used up", refreshed, err, sm.calls)
	}
}
