package handler

import (
	"bytes"
	"encoding/json"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/aimcards/customer-access-token/internal/aim"
)

// TestStoreRefusalIsNotTheCustomers has AIM refuse the store's ApiKey
// (discovery refuses it on the forced refresh): the click and the ones after
// it, within the 30 s forced-refresh limit, are the store's failure, 502
// credentials_refused, never session_expired and never counted. Once AIM
// takes the key again the next click is served, and a refusal after that
// is the customer's again.
func TestStoreRefusalIsNotTheCustomers(t *testing.T) {
	t.Parallel()
	var revoked atomic.Bool
	unauthorized := func(op string) error {
		return &aim.Error{Op: op, Kind: aim.KindUnauthorized, HTTPStatus: 401, Code: "Unauthorized"}
	}
	client := &fakeAIM{
		endpointFn: func(string) (aim.Endpoint, error) {
			if revoked.Load() {
				return aim.Endpoint{}, unauthorized(aim.OpGetEndPoint)
			}
			return aim.Endpoint{URL: "https://10846.active-e.net:7890", OAuthToken: testOAuthToken}, nil
		},
		accessFn: func(aim.Credentials, aim.AccessTokenRequest) (aim.AccessToken, error) {
			if revoked.Load() {
				return aim.AccessToken{}, unauthorized(aim.OpCustomerAccessToken)
			}
			return aim.AccessToken{Token: testAccess, AccountManagementURL: testAccountURL}, nil
		},
	}
	limit := &fakeLimit{}
	var logs bytes.Buffer
	h := testHandler(&fakeKeys{key: testAPIKey}, client, &logs, func(o *Options) { o.Limit = limit })
	click := func() answer { return invoke(t, h, eventFile(t, "httpapi-add-customer-card.json")) }
	if a := click(); a.Status != 302 {
		t.Fatalf("before: got %d, want 302", a.Status)
	}
	revoked.Store(true)
	for i := range 8 {
		a := click()
		if p := problemOf(t, a); a.Status != 502 || p.Code != "credentials_refused" {
			t.Fatalf("click %d with the key refused: got %d %s, want 502 credentials_refused", i+1, a.Status, p.Code)
		}
	}
	if len(limit.refused) != 0 {
		t.Errorf("got refusals counted for %q, want none: the store's failure", limit.refused)
	}
	if !strings.Contains(logs.String(), "store credentials refused by AIM") {
		t.Errorf("got no log line naming the store's credentials, want one")
	}
	revoked.Store(false)
	if a := click(); a.Status != 302 {
		t.Fatalf("after AIM takes the key again: got %d, want 302", a.Status)
	}
	client.accessFn = func(aim.Credentials, aim.AccessTokenRequest) (aim.AccessToken, error) {
		return aim.AccessToken{}, unauthorized(aim.OpCustomerAccessToken)
	}
	if a := click(); a.Status != 401 || len(limit.refused) != 1 {
		t.Errorf("a refused token after recovery: got %d and %d counted, want 401 session_expired counted once", a.Status, len(limit.refused))
	}
	assertNoSecrets(t, logs.String())
}

// TestCrossSiteCountsOnlyTokenRefusals: a request a browser marks
// cross-site (another site's page sending a signed-in customer's browser
// with a bogus ItemKey) spends nothing when AIM refuses the card; a refused
// token still counts, so the header buys a script nothing.
func TestCrossSiteCountsOnlyTokenRefusals(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name    string
		err     *aim.Error
		status  int
		counted bool
	}{
		{"card refused", &aim.Error{Op: aim.OpCustomerAccessToken, Kind: aim.KindRejected, HTTPStatus: 200, Code: "InvalidItemKey"}, 422, false},
		{"token refused", &aim.Error{Op: aim.OpCustomerAccessToken, Kind: aim.KindUnauthorized, HTTPStatus: 401}, 401, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			limit := &fakeLimit{}
			client := &fakeAIM{accessFn: func(aim.Credentials, aim.AccessTokenRequest) (aim.AccessToken, error) {
				return aim.AccessToken{}, tt.err
			}}
			h := testHandler(&fakeKeys{key: testAPIKey}, client, &bytes.Buffer{}, func(o *Options) { o.Limit = limit })
			ev := withHeader(t, eventFile(t, "httpapi-cookie-token.json"), "sec-fetch-site", "cross-site")
			if a := invoke(t, h, ev); a.Status != tt.status || (len(limit.refused) == 1) != tt.counted {
				t.Errorf("got %d with refusals counted %q, want %d counted=%v", a.Status, limit.refused, tt.status, tt.counted)
			}
		})
	}
}

// withHeader returns a 2.0 event with one more header.
func withHeader(t *testing.T, event []byte, name, value string) []byte {
	t.Helper()
	var ev map[string]any
	if err := json.Unmarshal(event, &ev); err != nil {
		t.Fatal(err)
	}
	ev["headers"].(map[string]any)[name] = value
	b, err := json.Marshal(ev)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestCauseIsRedacted has AIM's error text echo the store's ApiKey and
// OAuthToken (a fake, so the AIM client's own scrubbing is not there): the
// log line's cause keeps the text with the secrets blanked. Its ErrorCode,
// any JSON value up to the body limit, is cut as its message is.
func TestCauseIsRedacted(t *testing.T) {
	t.Parallel()
	client := &fakeAIM{accessFn: func(creds aim.Credentials, _ aim.AccessTokenRequest) (aim.AccessToken, error) {
		return aim.AccessToken{}, &aim.Error{Op: aim.OpCustomerAccessToken, Kind: aim.KindUpstream, HTTPStatus: 500,
			Code: strings.Repeat("C", 5000), Message: "bad headers ApiKey=" + creds.APIKey + " OAuthToken=" + creds.Endpoint.OAuthToken}
	}}
	var logs bytes.Buffer
	invoke(t, testHandler(&fakeKeys{key: testAPIKey}, client, &logs, nil), eventFile(t, "httpapi-add-customer-card.json"))
	line := logLine(t, &logs)
	cause, _ := line["cause"].(string)
	if !strings.Contains(cause, "bad headers ApiKey=[redacted] OAuthToken=[redacted]") {
		t.Errorf("got cause %q, want AIM's text with both secrets redacted", cause)
	}
	if strings.Contains(cause, strings.Repeat("C", 101)) {
		t.Errorf("got AIM's ErrorCode longer than 100 bytes in the cause, want it cut")
	}
	assertNoSecrets(t, logs.String())
}
