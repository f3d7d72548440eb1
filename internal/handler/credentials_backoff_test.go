package handler

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aimcards/customer-access-token/internal/aim"
)

// discoveryDown is GetEndPoint during an AIM outage.
func discoveryDown(string) (aim.Endpoint, error) {
	return aim.Endpoint{}, &aim.Error{Op: aim.OpGetEndPoint, Kind: aim.KindUpstream, HTTPStatus: 503}
}

// noJitter draws 0: TTLs are exact and back-offs are a fifth of the bound.
func noJitter(int64) int64 { return 0 }

// maxJitter draws the largest value: the shortest TTL, the longest back-off.
func maxJitter(n int64) int64 { return n - 1 }

func TestDiscoveryFailureBackoffBounds(t *testing.T) {
	tests := []struct {
		name string
		rand func(int64) int64
		wait time.Duration
	}{
		{"shortest draw", noJitter, time.Second},
		{"longest draw", maxJitter, 5 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clock := &fakeClock{t: time.Unix(1_800_000_000, 0)}
			client := &fakeAIM{endpointFn: discoveryDown}
			h := testHandler(&fakeKeys{key: testAPIKey}, client, &bytes.Buffer{}, func(o *Options) { o.Now, o.Rand = clock.now, tt.rand })
			ev := eventFile(t, "httpapi-add-customer-card.json")
			want := func(calls int) {
				t.Helper()
				a := invoke(t, h, ev)
				if a.Status != 502 || problemOf(t, a)["code"] != "upstream_error" || client.endpointCalls != calls {
					t.Errorf("got %d after %d GetEndPoint calls, want 502 upstream_error after %d", a.Status, client.endpointCalls, calls)
				}
			}
			want(1)
			clock.advance(tt.wait - time.Millisecond)
			want(1) // answered at once from the back-off
			clock.advance(time.Millisecond)
			want(2)
			if client.accessCalls != 0 {
				t.Errorf("got %d CustomerAccessToken calls without an endpoint, want 0", client.accessCalls)
			}
		})
	}
}

func TestDiscoveryFailureBackoffKeepsTheKind(t *testing.T) {
	client := &fakeAIM{endpointFn: func(string) (aim.Endpoint, error) {
		return aim.Endpoint{}, &aim.Error{Op: aim.OpGetEndPoint, Kind: aim.KindTimeout}
	}}
	var logs bytes.Buffer
	h := testHandler(&fakeKeys{key: testAPIKey}, client, &logs, nil)
	for range 3 {
		if a := invoke(t, h, eventFile(t, "httpapi-add-customer-card.json")); a.Status != 504 {
			t.Errorf("got %d, want 504 from the discovery timeout, during its back-off too", a.Status)
		}
	}
	if client.endpointCalls != 1 || !strings.Contains(logs.String(), "backing off") {
		t.Errorf("got %d GetEndPoint calls, want 1 and the back-off in the log", client.endpointCalls)
	}
}

func TestDiscoveryBurstDuringOutageMakesOneCall(t *testing.T) {
	client := &fakeAIM{endpointFn: func(string) (aim.Endpoint, error) {
		time.Sleep(20 * time.Millisecond) // the others queue up meanwhile
		return discoveryDown("")
	}}
	h := testHandler(&fakeKeys{key: testAPIKey}, client, &bytes.Buffer{}, nil)
	ev := eventFile(t, "httpapi-add-customer-card.json")
	var wg sync.WaitGroup
	statuses := make([]int, 10)
	for i := range statuses {
		wg.Go(func() { statuses[i] = invoke(t, h, ev).Status })
	}
	wg.Wait()
	for i, s := range statuses {
		if s != 502 {
			t.Errorf("request %d: got %d, want 502", i, s)
		}
	}
	if client.endpointCalls != 1 {
		t.Errorf("10 requests during an outage: got %d GetEndPoint calls, want 1", client.endpointCalls)
	}
}

// TestStaleRetrySurvivesRotation rotates the ApiKey while GetEndPoint is
// down: the previous endpoint, OAuthToken and key keep serving, and
// discovery is tried once per StaleRetry, not on every request.
func TestStaleRetrySurvivesRotation(t *testing.T) {
	clock := &fakeClock{t: time.Unix(1_800_000_000, 0)}
	keys := &fakeKeys{key: testAPIKey}
	client := &fakeAIM{}
	var logs bytes.Buffer
	h := testHandler(keys, client, &logs, func(o *Options) { o.Now, o.Rand = clock.now, noJitter })
	ev := eventFile(t, "httpapi-add-customer-card.json")
	invoke(t, h, ev)

	keys.key = "sentinel-rotated-key-31c8"
	client.endpointFn = discoveryDown
	for i := range 10 {
		if a := invoke(t, h, ev); a.Status != 302 {
			t.Fatalf("request %d: got %d, want 302 with the previous credentials", i, a.Status)
		}
		if client.lastAccessCred.APIKey != testAPIKey || client.lastAccessCred.Endpoint.OAuthToken != testOAuthToken {
			t.Fatalf("request %d: want the previous key with its own OAuthToken", i)
		}
		clock.advance(2 * time.Second)
	}
	if client.endpointCalls != 2 {
		t.Errorf("10 requests in 20s after a rotation: got %d GetEndPoint calls, want 2 (1 before, 1 during)", client.endpointCalls)
	}
	clock.advance(10 * time.Second) // 30 s after the failed try
	client.endpointFn = nil
	invoke(t, h, ev)
	if client.endpointCalls != 3 || client.lastAccessCred.APIKey != keys.key {
		t.Errorf("after %s: got %d GetEndPoint calls, want 3 and the new key in use", defaultStaleRetry, client.endpointCalls)
	}
	assertNoSecrets(t, logs.String())
}

func TestStaleEndpointLimit(t *testing.T) {
	clock := &fakeClock{t: time.Unix(1_800_000_000, 0)}
	client := &fakeAIM{}
	var logs bytes.Buffer
	h := testHandler(&fakeKeys{key: testAPIKey}, client, &logs, func(o *Options) {
		o.Now, o.Rand, o.StaleMax = clock.now, noJitter, 10*time.Minute
	})
	ev := eventFile(t, "httpapi-add-customer-card.json")
	invoke(t, h, ev)
	client.endpointFn = discoveryDown

	stale := func(after time.Duration, wantLevel string) {
		t.Helper()
		clock.advance(after)
		before := logs.Len()
		if a := invoke(t, h, ev); a.Status != 302 {
			t.Fatalf("got %d, want 302 with the stale endpoint", a.Status)
		}
		line := logs.String()[before:]
		if !strings.Contains(line, `"level":"`+wantLevel+`","msg":"endpoint discovery failed; using the previous endpoint"`) {
			t.Errorf("got log %s, want a %s about the previous endpoint", line, wantLevel)
		}
		if rec := invocationLine(t, line); rec["stale_credentials"] != true {
			t.Errorf("got invocation line %v, want stale_credentials true", rec)
		}
	}
	stale(5*time.Minute, "WARN")  // just expired
	stale(4*time.Minute, "WARN")  // stale for 4m of 10m
	stale(time.Minute, "ERROR")   // 5m: half of StaleMax
	stale(4*time.Minute, "ERROR") // 9m

	clock.advance(time.Minute) // 10m: past StaleMax
	a := invoke(t, h, ev)
	if a.Status != 502 || !strings.Contains(logs.String(), "previous endpoint past STALE_MAX") {
		t.Fatalf("past StaleMax: got %d, want 502 and an ERROR saying the previous endpoint is not used", a.Status)
	}
	calls := client.endpointCalls
	if a := invoke(t, h, ev); a.Status != 502 || client.endpointCalls != calls {
		t.Errorf("got %d after %d more calls, want 502 from the short back-off, no call", a.Status, client.endpointCalls-calls)
	}
	client.endpointFn = nil
	clock.advance(time.Second)
	if a := invoke(t, h, ev); a.Status != 302 || client.endpointCalls != calls+1 {
		t.Errorf("recovery: got %d after %d more calls, want 302 after 1", a.Status, client.endpointCalls-calls)
	}
	assertNoSecrets(t, logs.String())
}

func TestEndpointTTLJitterBounds(t *testing.T) {
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
			clock := &fakeClock{t: time.Unix(1_800_000_000, 0)}
			client := &fakeAIM{}
			h := testHandler(&fakeKeys{key: testAPIKey}, client, &bytes.Buffer{}, func(o *Options) { o.Now, o.Rand = clock.now, tt.rand })
			ev := eventFile(t, "httpapi-add-customer-card.json")
			invoke(t, h, ev)
			clock.advance(tt.expires - time.Millisecond)
			invoke(t, h, ev)
			if client.endpointCalls != 1 {
				t.Errorf("just before %s: got %d GetEndPoint calls, want 1", tt.expires, client.endpointCalls)
			}
			clock.advance(time.Millisecond)
			invoke(t, h, ev)
			if client.endpointCalls != 2 {
				t.Errorf("at %s: got %d GetEndPoint calls, want 2", tt.expires, client.endpointCalls)
			}
		})
	}
}

func TestEndpointTTLJitterSpreadsRefreshes(t *testing.T) {
	clock := &fakeClock{t: time.Unix(1_800_000_000, 0)}
	ev := eventFile(t, "httpapi-add-customer-card.json")
	var clients []*fakeAIM
	var handlers []*Handler
	for range 40 {
		client := &fakeAIM{}
		h := testHandler(&fakeKeys{key: testAPIKey}, client, &bytes.Buffer{}, func(o *Options) { o.Now = clock.now })
		invoke(t, h, ev)
		clients, handlers = append(clients, client), append(handlers, h)
	}
	refreshed := func() (n int) {
		for i, h := range handlers {
			invoke(t, h, ev)
			if clients[i].endpointCalls > 1 {
				n++
			}
		}
		return n
	}
	clock.advance(4*time.Minute + 45*time.Second) // 95% of the TTL
	if n := refreshed(); n == 0 || n == 40 {
		t.Errorf("at 95%% of the TTL: got %d of 40 refreshed, want some but not all", n)
	}
}

// timedKeys is a KeySource that takes a set time on the handler's clock
// and may answer a stale key.
type timedKeys struct {
	clock *fakeClock
	took  time.Duration
	stale bool
}

func (k *timedKeys) APIKey(context.Context) (string, bool, error) {
	k.clock.advance(k.took)
	return testAPIKey, k.stale, nil
}

func (k *timedKeys) Refresh(context.Context) (string, bool, error) {
	return testAPIKey, false, nil
}

func TestInvocationLineTimesCredentials(t *testing.T) {
	clock := &fakeClock{t: time.Unix(1_800_000_000, 0)}
	keys := &timedKeys{clock: clock, took: 120 * time.Millisecond}
	client := &fakeAIM{endpointFn: func(string) (aim.Endpoint, error) {
		clock.advance(80 * time.Millisecond)
		return aim.Endpoint{URL: "https://e.example", OAuthToken: testOAuthToken}, nil
	}}
	var logs bytes.Buffer
	h := testHandler(&fakeKeys{}, client, &logs, func(o *Options) { o.Keys, o.Now = keys, clock.now })
	ev := eventFile(t, "httpapi-add-customer-card.json")
	tests := []struct {
		name                   string
		took                   time.Duration
		stale                  bool
		secretsMS, discoveryMS float64
	}{
		{"cold: key and discovery", 120 * time.Millisecond, false, 120, 80},
		{"warm, stale key", 0, true, 0, 0},
	}
	for _, tt := range tests {
		keys.took, keys.stale = tt.took, tt.stale
		before := logs.Len()
		invoke(t, h, ev)
		rec := invocationLine(t, logs.String()[before:])
		if rec["secrets_ms"] != tt.secretsMS || rec["discovery_ms"] != tt.discoveryMS || rec["stale_credentials"] != tt.stale {
			t.Errorf("%s: got secrets_ms %v discovery_ms %v stale_credentials %v, want %v %v %v", tt.name,
				rec["secrets_ms"], rec["discovery_ms"], rec["stale_credentials"], tt.secretsMS, tt.discoveryMS, tt.stale)
		}
	}
}

func TestRefreshDuringDiscoveryBackoffIsAnError(t *testing.T) {
	clock := &fakeClock{t: time.Unix(1_800_000_000, 0)}
	keys := &fakeKeys{key: testAPIKey}
	client := &fakeAIM{}
	c := newCredentials(Options{Keys: keys, AIM: client, CacheTTL: time.Minute, Now: clock.now, Logger: slog.New(slog.DiscardHandler)})
	var u credUsage
	if _, err := c.get(context.Background(), &u); err != nil {
		t.Fatal(err)
	}
	client.endpointFn = discoveryDown
	clock.advance(2 * time.Minute)
	if _, err := c.get(context.Background(), &u); err != nil || !u.stale {
		t.Fatalf("got %v (stale %v), want the stale endpoint", err, u.stale)
	}
	_, refreshed, err := c.refresh(context.Background(), &u)
	if refreshed || err == nil || !strings.Contains(err.Error(), "backing off") || client.endpointCalls != 2 {
		t.Errorf("got refreshed %v, %v after %d calls, want a back-off error after 2", refreshed, err, client.endpointCalls)
	}
	keys.err = errKeyUnavailable
	if _, _, err := c.refresh(context.Background(), &u); err == nil {
		t.Errorf("got no error from a failed key refresh, want one")
	}
}

// invocationLine decodes the "invocation" line among logs.
func invocationLine(t *testing.T, logs string) map[string]any {
	t.Helper()
	for _, line := range strings.Split(logs, "\n") {
		var rec map[string]any
		if json.Unmarshal([]byte(line), &rec) == nil && rec["msg"] == "invocation" {
			return rec
		}
	}
	t.Fatalf("no invocation line in %s", logs)
	return nil
}
