package handler

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aimcards/customer-access-token/internal/aim"
)

// slowDiscovery is an AIM whose GetEndPoint, while slow is set, answers
// only when the caller gives up, as a slow AIM does.
type slowDiscovery struct {
	*fakeAIM
	slow bool
}

func (s *slowDiscovery) GetEndPoint(ctx context.Context, key string) (aim.Endpoint, error) {
	if s.slow {
		s.endpointCalls++
		<-ctx.Done()
		return aim.Endpoint{}, &aim.Error{Op: aim.OpGetEndPoint, Kind: aim.KindTimeout, Err: ctx.Err()}
	}
	return s.fakeAIM.GetEndPoint(ctx, key)
}

// TestPrefetchCutShortLeavesTheFirstRequestFree: a GetEndPoint that init's
// own budget cut short is not AIM's failure, so the first request calls
// GetEndPoint at once instead of answering from a back-off.
func TestPrefetchCutShortLeavesTheFirstRequestFree(t *testing.T) {
	client := &slowDiscovery{fakeAIM: &fakeAIM{}, slow: true}
	var logs bytes.Buffer
	h := testHandler(&fakeKeys{key: testAPIKey}, client.fakeAIM, &logs, func(o *Options) { o.AIM = client })
	h.Prefetch(context.Background(), 20*time.Millisecond)
	if !strings.Contains(logs.String(), "credential prefetch cut short by init's 20ms budget; the first request will try again") {
		t.Errorf("got log %s, want the prefetch cut short by init's budget", logs.String())
	}
	client.slow = false // AIM answers within the request's time
	if a := invoke(t, h, eventFile(t, "httpapi-add-customer-card.json")); a.Status != 302 || client.endpointCalls != 2 {
		t.Errorf("first request: got %d after %d GetEndPoint calls, want 302 after 2", a.Status, client.endpointCalls)
	}
}

// TestExpiredSessionDuringDiscoveryBackoff: AIM refuses an expired
// customer token while discovery is down and the previous endpoint is
// still serving. The forced refresh meets discovery's wait: that is no
// refresh, as under the rate limit, so the answer is 401 session_expired,
// not an outage.
func TestExpiredSessionDuringDiscoveryBackoff(t *testing.T) {
	clock := &fakeClock{t: time.Unix(1_800_000_000, 0)}
	client := &fakeAIM{accessFn: func(_ aim.Credentials, req aim.AccessTokenRequest) (aim.AccessToken, error) {
		if req.Token != testCustomer {
			return aim.AccessToken{}, &aim.Error{Op: aim.OpCustomerAccessToken, Kind: aim.KindUnauthorized, HTTPStatus: 401}
		}
		return aim.AccessToken{Token: testAccess, AccountManagementURL: testAccountURL}, nil
	}}
	h := testHandler(&fakeKeys{key: testAPIKey}, client, &bytes.Buffer{}, func(o *Options) { o.Now = clock.now })
	invoke(t, h, eventFile(t, "httpapi-add-customer-card.json"))
	client.endpointFn = discoveryDown
	clock.advance(6 * time.Minute)
	if a := invoke(t, h, eventFile(t, "httpapi-add-customer-card.json")); a.Status != 302 {
		t.Fatalf("got %d, want 302 from the previous endpoint", a.Status)
	}
	calls := client.endpointCalls
	a := invoke(t, h, eventFile(t, "httpapi-expired-token.json"))
	if a.Status != 401 || problemOf(t, a).Code != "session_expired" || client.endpointCalls != calls {
		t.Errorf("got %d %s after %d more GetEndPoint calls, want 401 session_expired after none", a.Status, a.Body, client.endpointCalls-calls)
	}
}

// TestEndpointPastStaleMaxIsUpstreamError: an endpoint stale for longer
// than STALE_MAX is 502 upstream_error whatever discovery's last failure
// was (here a timeout, which would be a 504 with nothing cached).
func TestEndpointPastStaleMaxIsUpstreamError(t *testing.T) {
	clock := &fakeClock{t: time.Unix(1_800_000_000, 0)}
	client := &fakeAIM{}
	h := testHandler(&fakeKeys{key: testAPIKey}, client, &bytes.Buffer{}, func(o *Options) { o.Now = clock.now })
	ev := eventFile(t, "httpapi-add-customer-card.json")
	invoke(t, h, ev)
	client.endpointFn = func(string) (aim.Endpoint, error) {
		return aim.Endpoint{}, &aim.Error{Op: aim.OpGetEndPoint, Kind: aim.KindTimeout}
	}
	clock.advance(6 * time.Minute)
	if a := invoke(t, h, ev); a.Status != 302 {
		t.Fatalf("got %d, want 302 from the stale endpoint", a.Status)
	}
	clock.advance(time.Hour) // past the default STALE_MAX
	for i := range 2 {       // the failed try, then its back-off
		if a := invoke(t, h, ev); a.Status != 502 || problemOf(t, a).Code != "upstream_error" {
			t.Errorf("answer %d past STALE_MAX: got %d %s, want 502 upstream_error", i, a.Status, a.Body)
		}
	}
}

// TestDiscoveryErrorCodeIsNotShown: GetEndPoint refusing the store's own
// ApiKey or AppId is no business of the customer's: 502 without AIM's
// code.
func TestDiscoveryErrorCodeIsNotShown(t *testing.T) {
	for _, kind := range []aim.Kind{aim.KindUnauthorized, aim.KindRejected, aim.KindUpstream} {
		client := &fakeAIM{endpointFn: func(string) (aim.Endpoint, error) {
			return aim.Endpoint{}, &aim.Error{Op: aim.OpGetEndPoint, Kind: kind, HTTPStatus: 401, Code: "InvalidAppId"}
		}}
		h := testHandler(&fakeKeys{key: testAPIKey}, client, &bytes.Buffer{}, nil)
		a := invoke(t, h, eventFile(t, "httpapi-json.json"))
		if p := problemOf(t, a); a.Status != 502 || p.AIMErrorCode != "" {
			t.Errorf("%v: got %d with aimErrorCode %q, want 502 without one", kind, a.Status, p.AIMErrorCode)
		}
	}
}
