package handler

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/aimcards/customer-access-token/internal/aim"
)

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
