package aimsandbox

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// accessTokenReply decodes a CustomerAccessToken answer.
type accessTokenReply struct {
	Token                string
	AccountManagementURL string `json:"AccountManagementUrl"`
	Status               Status
}

func TestCustomerAccessToken(t *testing.T) {
	t.Parallel()
	_, srv := newServer(t)
	resp, body := call(t, srv, http.MethodGet, "/api/CustomerAccessToken?Mode=UPDATE_CARD&ItemKey=9001&Acct=1001", goodHeaders())
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("got status %d, want 200 (body %s)", resp.StatusCode, body)
	}
	if got := resp.Header.Get("Content-Type"); got != jsonType {
		t.Errorf("got Content-Type %q, want %q", got, jsonType)
	}
	if cookies := resp.Header.Values("Set-Cookie"); len(cookies) != 0 {
		t.Errorf("got cookies %q, want none", cookies)
	}
	got := decode[accessTokenReply](t, body)
	if got.Status.StatusCode != "Success" || got.Status.ErrorCode != "" {
		t.Errorf("got Status %+v, want Success without ErrorCode", got.Status)
	}
	want := srv.URL + "/AccountManagement?at=" + url.QueryEscape(got.Token)
	if got.Token == "" || got.AccountManagementURL != want {
		t.Errorf("got Token %q and URL %q, want a token and %q", got.Token, got.AccountManagementURL, want)
	}
}

func TestCustomerAccessTokenGivesSingleUseTokens(t *testing.T) {
	t.Parallel()
	_, srv := newServer(t)
	_, body1 := call(t, srv, http.MethodGet, "/api/CustomerAccessToken", goodHeaders())
	_, body2 := call(t, srv, http.MethodGet, "/api/CustomerAccessToken", goodHeaders())
	if a, b := decode[accessTokenReply](t, body1).Token, decode[accessTokenReply](t, body2).Token; a == b {
		t.Errorf("got the same access token %q twice, want a new one per call", a)
	}
}

func TestCustomerAccessTokenRefusesBadCredentials(t *testing.T) {
	t.Parallel()
	tests := []struct {
		header, value string // value "" drops the header
		wantMsg       string
	}{
		{"ApiKey", "", "ApiKey required"},
		{"ApiKey", "nope", "Invalid ApiKey"},
		{"AppId", "", "AppId required"},
		{"AppId", "nope", "Invalid AppId"},
		{"OAuthToken", "", "OAuthToken required"},
		{"OAuthToken", "nope", "Invalid OAuthToken"},
		{"Token", "", "Token required"},
		{"Token", "nope", "Invalid Token"},
		{"Token", ExpiredToken, "Token expired, please log in again"},
	}
	_, srv := newServer(t)
	for _, tt := range tests {
		t.Run(tt.header+"="+tt.value, func(t *testing.T) {
			h := goodHeaders()
			h.Del(tt.header)
			if tt.value != "" {
				h.Set(tt.header, tt.value)
			}
			resp, body := call(t, srv, http.MethodGet, "/api/CustomerAccessToken", h)
			wantError(t, resp, body, http.StatusUnauthorized, tt.wantMsg)
			if strings.Contains(string(body), tt.value) && tt.value != "" {
				t.Errorf("got body %s, want it not to repeat the refused value", body)
			}
		})
	}
}

func TestCustomerAccessTokenIgnoresTokenInQuery(t *testing.T) {
	t.Parallel()
	_, srv := newServer(t)
	h := goodHeaders()
	h.Del("Token")
	resp, body := call(t, srv, http.MethodGet, "/api/CustomerAccessToken?Token="+TestCustomerToken, h)
	wantError(t, resp, body, http.StatusUnauthorized, "Token required")
}

func TestCustomerAccessTokenModeRules(t *testing.T) {
	t.Parallel()
	tests := []struct {
		query    string
		wantCode string // "" for success
	}{
		{"", ""},
		{"Mode=ADD_CUSTOMER_CARD", ""},
		{"Mode=ADD_CONTRACT_CARD&ItemKey=5001", ""},
		{"Mode=ADD_STUDENT_CARD&ItemKey=7001", ""},
		{"Mode=UPDATE_CARD&ItemKey=9001", ""},
		{"mode=UPDATE_CARD&itemkey=9002&acct=1001", ""}, // parameter names are not case-sensitive
		{"ItemKey=9001", "InvalidItemKey"},
		{"Mode=ADD_CUSTOMER_CARD&ItemKey=9001", "InvalidItemKey"},
		{"Mode=ADD_CONTRACT_CARD", "InvalidItemKey"},
		{"Mode=ADD_CONTRACT_CARD&ItemKey=7001", "InvalidItemKey"},
		{"Mode=ADD_STUDENT_CARD&ItemKey=5001", "InvalidItemKey"},
		{"Mode=UPDATE_CARD", "InvalidItemKey"},
		{"Mode=UPDATE_CARD&ItemKey=9003", "InvalidItemKey"},
		{"Mode=UPDATE_CARD&ItemKey=0", "InvalidItemKey"},
		{"Mode=DELETE_CARD", "InvalidMode"},
		{"Mode=update_card&ItemKey=9001", "InvalidMode"}, // AIM's values are upper-case
		{"Acct=2002", "InvalidAcct"},
	}
	_, srv := newServer(t)
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			resp, body := call(t, srv, http.MethodGet, "/api/CustomerAccessToken?"+tt.query, goodHeaders())
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("got status %d, want 200 (body %s)", resp.StatusCode, body)
			}
			got := decode[accessTokenReply](t, body)
			if got.Status.ErrorCode != tt.wantCode {
				t.Errorf("got ErrorCode %q, want %q", got.Status.ErrorCode, tt.wantCode)
			}
			if tt.wantCode == "" {
				return
			}
			if got.Status.ErrorDisplayText == "" || got.AccountManagementURL != "" || got.Status.StatusCode == "Success" {
				t.Errorf("got %+v, want a failure Status with a display text and no URL", got)
			}
		})
	}
}

func TestCustomerAccessTokenUnparsableNumbersAre400(t *testing.T) {
	t.Parallel()
	tests := []struct{ query, wantMsg string }{
		{"Mode=UPDATE_CARD&ItemKey=abc", "ItemKey must be a 64-bit integer"},
		{"Mode=UPDATE_CARD&ItemKey=99999999999999999999", "ItemKey must be a 64-bit integer"},
		{"Acct=4294967296", "Acct must be a 32-bit integer"},
	}
	_, srv := newServer(t)
	for _, tt := range tests {
		resp, body := call(t, srv, http.MethodGet, "/api/CustomerAccessToken?"+tt.query, goodHeaders())
		wantError(t, resp, body, http.StatusBadRequest, tt.wantMsg)
	}
}

func TestAccountManagementURLFault(t *testing.T) {
	t.Parallel()
	tests := []struct {
		url    string
		absent bool
	}{
		{url: "javascript:alert(1)"},
		{url: "https://evil.example/steal"},
		{url: "", absent: true},
	}
	sb, srv := newServer(t)
	for _, tt := range tests {
		sb.SetFault(OpCustomerAccessToken, ManagementURL(tt.url))
		_, body := call(t, srv, http.MethodGet, "/api/CustomerAccessToken", goodHeaders())
		got := decode[accessTokenReply](t, body)
		if got.AccountManagementURL != tt.url || got.Token == "" || got.Status.StatusCode != "Success" {
			t.Errorf("ManagementURL(%q): got %+v, want a good answer with that URL", tt.url, got)
		}
		if tt.absent && strings.Contains(string(body), "AccountManagementUrl") {
			t.Errorf("ManagementURL(%q): got %s, want no AccountManagementUrl field", tt.url, body)
		}
	}
}

func BenchmarkCustomerAccessToken(b *testing.B) {
	sb := New(Config{APIKey: testAPIKey, AppID: testAppID, OAuthToken: testOAuth})
	srv := httptest.NewServer(sb)
	defer srv.Close()
	client := srv.Client()
	for b.Loop() {
		req, err := http.NewRequestWithContext(b.Context(), http.MethodGet, srv.URL+catPath, nil)
		if err != nil {
			b.Fatal(err)
		}
		req.Header = goodHeaders()
		resp, err := client.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			b.Fatalf("got status %d, want 200", resp.StatusCode)
		}
	}
}
