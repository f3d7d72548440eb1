package handler

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/aimcards/customer-access-token/internal/aim"
)

func TestRetryAfterRefresh(t *testing.T) {
	keys := &fakeKeys{key: "old-key", fresh: testAPIKey}
	client := &fakeAIM{accessFn: func(c aim.Credentials, _ aim.AccessTokenRequest) (aim.AccessToken, error) {
		if c.APIKey != testAPIKey {
			return aim.AccessToken{}, &aim.Error{Kind: aim.KindUnauthorized, HTTPStatus: 401}
		}
		return aim.AccessToken{Token: testAccess, AccountManagementURL: testAccountURL}, nil
	}}
	h := testHandler(keys, client, &bytes.Buffer{}, nil)
	a := invoke(t, h, eventFile(t, "httpapi-add-customer-card.json"))
	if a.Status != 302 || client.accessCalls != 2 || keys.refreshes != 1 || client.endpointCalls != 2 {
		t.Errorf("got %d after %d calls, %d refreshes, %d discoveries; want 302 after 2, 1, 2", a.Status, client.accessCalls, keys.refreshes, client.endpointCalls)
	}
}

func TestRateLimitedRefreshAnswersSessionExpired(t *testing.T) {
	keys := &fakeKeys{key: testAPIKey, limited: true}
	client := &fakeAIM{accessFn: func(aim.Credentials, aim.AccessTokenRequest) (aim.AccessToken, error) {
		return aim.AccessToken{}, &aim.Error{Kind: aim.KindUnauthorized, HTTPStatus: 401}
	}}
	h := testHandler(keys, client, &bytes.Buffer{}, nil)
	for i := 0; i < 5; i++ {
		if a := invoke(t, h, eventFile(t, "httpapi-expired-token.json")); a.Status != 401 {
			t.Fatalf("got %d, want 401", a.Status)
		}
	}
	if client.accessCalls != 5 {
		t.Errorf("AIM calls: got %d, want 5 (no retry without a refresh)", client.accessCalls)
	}
}

func TestEndpointCache(t *testing.T) {
	clock := &fakeClock{t: time.Unix(1_800_000_000, 0)}
	var logs bytes.Buffer
	fail := false
	client := &fakeAIM{endpointFn: func(string) (aim.Endpoint, error) {
		if fail {
			return aim.Endpoint{}, &aim.Error{Kind: aim.KindUpstream, HTTPStatus: 500}
		}
		return aim.Endpoint{URL: "https://e.example", OAuthToken: testOAuthToken}, nil
	}}
	h := testHandler(&fakeKeys{key: testAPIKey}, client, &logs, func(o *Options) { o.Now = clock.now })
	ev := eventFile(t, "httpapi-add-customer-card.json")

	invoke(t, h, ev)
	clock.advance(4 * time.Minute)
	invoke(t, h, ev)
	if client.endpointCalls != 1 {
		t.Fatalf("within TTL: got %d GetEndPoint calls, want 1", client.endpointCalls)
	}
	clock.advance(2 * time.Minute)
	fail = true
	if a := invoke(t, h, ev); a.Status != 302 {
		t.Fatalf("stale-on-error: got %d, want 302 with the previous endpoint", a.Status)
	}
	if !strings.Contains(logs.String(), "using the older endpoint") {
		t.Errorf("no stale warning logged")
	}
	invoke(t, h, ev)
	if client.endpointCalls != 2 {
		t.Errorf("during an outage: got %d GetEndPoint calls, want 2 (retried after %s)", client.endpointCalls, staleRetry)
	}
	fail = false
	clock.advance(staleRetry)
	invoke(t, h, ev)
	if client.endpointCalls != 3 {
		t.Errorf("recovery: got %d GetEndPoint calls, want 3", client.endpointCalls)
	}
	assertNoSecrets(t, logs.String())
}

func TestDiscoveryRefusedKeyIsRefreshed(t *testing.T) {
	keys := &fakeKeys{key: "rotated-away", fresh: testAPIKey}
	client := &fakeAIM{endpointFn: func(k string) (aim.Endpoint, error) {
		if k != testAPIKey {
			return aim.Endpoint{}, &aim.Error{Kind: aim.KindUnauthorized, HTTPStatus: 401}
		}
		return aim.Endpoint{URL: "https://e.example", OAuthToken: testOAuthToken}, nil
	}}
	h := testHandler(keys, client, &bytes.Buffer{}, nil)
	if a := invoke(t, h, eventFile(t, "httpapi-add-customer-card.json")); a.Status != 302 || keys.refreshes != 1 {
		t.Errorf("got %d after %d refreshes, want 302 after 1", a.Status, keys.refreshes)
	}
}

// staleRetry is the policy's wait before a failed refresh is tried again.
const staleRetry = 30 * time.Second
