package handler

import (
	"bytes"
	"testing"
	"time"
)

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
