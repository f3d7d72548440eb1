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
	answers := make([]string, 10)
	for i := range answers {
		wg.Go(func() { // Handle, not invoke: t.Fatal must stay on the test's goroutine
			out, _ := h.Handle(context.Background(), ev)
			b, _ := json.Marshal(out)
			answers[i] = string(b)
		})
	}
	wg.Wait()
	for i, a := range answers {
		if !strings.Contains(a, `"statusCode":502`) {
			t.Errorf("request %d: got %.80s, want a 502", i, a)
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
	h := testHandler(keys, client, &logs, func(o *Options) { o.Now, o.Policy.Rand = clock.now, noJitter })
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
		t.Errorf("after %s: got %d GetEndPoint calls, want 3 and the new key in use", 30*time.Second, client.endpointCalls)
	}
	assertNoSecrets(t, logs.String())
}

func TestStaleEndpointLimit(t *testing.T) {
	clock := &fakeClock{t: time.Unix(1_800_000_000, 0)}
	client := &fakeAIM{}
	var logs bytes.Buffer
	h := testHandler(&fakeKeys{key: testAPIKey}, client, &logs, func(o *Options) {
		o.Now, o.Policy.Rand, o.Policy.StaleMax = clock.now, noJitter, 10*time.Minute
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
		if !strings.Contains(line, `"level":"`+wantLevel+`","msg":"using the older endpoint, refresh failed"`) {
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
	if a.Status != 502 || !strings.Contains(logs.String(), "older endpoint past STALE_MAX") {
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

func TestRequestOutOfTimeStartsNoDiscoveryBackoff(t *testing.T) {
	client := &fakeAIM{}
	c := newCredentials(Options{Keys: &fakeKeys{key: testAPIKey}, AIM: client, Now: time.Now, Logger: slog.New(slog.DiscardHandler)})
	done, cancel := context.WithCancel(context.Background())
	cancel()
	var u credUsage
	if _, err := c.get(done, &u); err == nil {
		t.Fatalf("got no error for a request out of time, want one")
	}
	if _, err := c.get(context.Background(), &u); err != nil || client.endpointCalls != 2 {
		t.Errorf("got %v after %d GetEndPoint calls, want discovery tried again at once", err, client.endpointCalls)
	}
}
