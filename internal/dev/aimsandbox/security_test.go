package aimsandbox

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// securityPath is a login URL with the given username and password.
func securityPath(user, password string) string {
	q := url.Values{"Username": {user}, "Password": {password}, "AppId": {testAppID}, "DeviceId": {"device-1"}}
	return "/api/Security?" + q.Encode()
}

func TestSecurityLogsIn(t *testing.T) {
	t.Parallel()
	_, srv := newServer(t)
	resp, body := call(t, srv, http.MethodPost, securityPath(TestUsername, TestPassword), goodHeaders())
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("got status %d, want 200 (body %s)", resp.StatusCode, body)
	}
	got := decode[securityResponse](t, body)
	if got.Token == "" || got.Token == TestCustomerToken {
		t.Errorf("got Token %q, want a new token", got.Token)
	}
	want := securityResponse{
		Token:          got.Token,
		OAuthToken:     testOAuth,
		Domain:         srv.Listener.Addr().String(),
		UserDetails:    &userDetails{Firstname: "Pat", LastName: "Example", Email: TestUsername, Type: "Customer", AccountNumber: "1001"},
		AccountDetails: []accountDetails{{Acct: TestAcct, AcctType: "C", Name: "Pat Example"}},
		Status:         Status{StatusCode: "Success", Login: TestUsername},
	}
	if diff := cmp.Diff(want, got, cmpopts.IgnoreFields(Status{}, "DomainName", "IpAddress")); diff != "" {
		t.Errorf("Security mismatch (-want +got):\n%s", diff)
	}

	// The new token opens CustomerAccessToken.
	h := goodHeaders()
	h.Set("Token", got.Token)
	if resp, body := call(t, srv, http.MethodGet, "/api/CustomerAccessToken", h); resp.StatusCode != http.StatusOK {
		t.Errorf("CustomerAccessToken with the new token: got status %d, want 200 (body %s)", resp.StatusCode, body)
	}
}

func TestSecurityBadPasswordIsStatusError(t *testing.T) {
	t.Parallel()
	_, srv := newServer(t)
	resp, body := call(t, srv, http.MethodPost, securityPath(TestUsername, "wrong"), goodHeaders())
	if resp.StatusCode != http.StatusOK {
		t.Errorf("got status %d, want 200 with a Status error", resp.StatusCode)
	}
	got := decode[securityResponse](t, body)
	if got.Token != "" {
		t.Errorf("got Token %q, want none", got.Token)
	}
	if got.Status.ErrorCode != "InvalidLogin" || got.Status.ErrorDisplayText == "" {
		t.Errorf("got Status %+v, want ErrorCode InvalidLogin with a display text", got.Status)
	}
}

func TestSecurityRefusesBadCredentials(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		drop, set  string
		path       string
		wantStatus int
		wantMsg    string
	}{
		{name: "no ApiKey", drop: "ApiKey", wantStatus: http.StatusUnauthorized, wantMsg: "ApiKey required"},
		{name: "no OAuthToken", drop: "OAuthToken", wantStatus: http.StatusUnauthorized, wantMsg: "OAuthToken required"},
		{name: "wrong OAuthToken", set: "OAuthToken", wantStatus: http.StatusUnauthorized, wantMsg: "Invalid OAuthToken"},
		{name: "no AppId", path: "/api/Security?Username=a&Password=b", wantStatus: http.StatusBadRequest, wantMsg: "AppId required"},
		{name: "wrong AppId", path: "/api/Security?Username=a&Password=b&AppId=nope", wantStatus: http.StatusUnauthorized, wantMsg: "Invalid AppId"},
		{name: "bad Acct", path: securityPath(TestUsername, TestPassword) + "&Acct=x", wantStatus: http.StatusBadRequest, wantMsg: "Acct must be a 32-bit integer"},
	}
	_, srv := newServer(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := goodHeaders()
			h.Del(tt.drop)
			if tt.set != "" {
				h.Set(tt.set, "nope")
			}
			path := tt.path
			if path == "" {
				path = securityPath(TestUsername, TestPassword)
			}
			resp, body := call(t, srv, http.MethodPost, path, h)
			wantError(t, resp, body, tt.wantStatus, tt.wantMsg)
		})
	}
}
