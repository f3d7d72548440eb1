package aimsandbox

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const (
	testAPIKey = "test-api-key"
	testAppID  = "test-app-id"
	testOAuth  = "test-oauth-token"
)

// newServer serves a fresh sandbox on loopback with connection counting.
func newServer(t *testing.T) (*Sandbox, *httptest.Server) {
	t.Helper()
	sb := New(Config{APIKey: testAPIKey, AppID: testAppID, OAuthToken: testOAuth})
	srv := httptest.NewUnstartedServer(sb)
	srv.Config.ConnState = sb.ConnState
	srv.Start()
	t.Cleanup(srv.Close)
	return sb, srv
}

// goodHeaders are every credential header with accepted values.
func goodHeaders() http.Header {
	h := http.Header{}
	h.Set("ApiKey", testAPIKey)
	h.Set("AppId", testAppID)
	h.Set("OAuthToken", testOAuth)
	h.Set("Token", TestCustomerToken)
	h.Set("Accept", "application/json")
	return h
}

// call sends a request and returns the response with its body read.
func call(t *testing.T, srv *httptest.Server, method, path string, h http.Header) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, srv.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header = h
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: read body: %v", method, path, err)
	}
	return resp, body
}

// serviceStackError is the body of a non-2xx API answer.
type serviceStackError struct {
	ResponseStatus struct{ ErrorCode, Message string }
}

// decode unmarshals body into a new T.
func decode[T any](t *testing.T, body []byte) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(body, &v); err != nil {
		t.Fatalf("decode %q: %v", body, err)
	}
	return v
}

// wantError checks a ServiceStack error answer.
func wantError(t *testing.T, resp *http.Response, body []byte, status int, message string) {
	t.Helper()
	if resp.StatusCode != status {
		t.Errorf("got status %d, want %d (body %s)", resp.StatusCode, status, body)
	}
	if got := resp.Header.Get("Content-Type"); got != jsonType {
		t.Errorf("got Content-Type %q, want %q", got, jsonType)
	}
	if got := decode[serviceStackError](t, body).ResponseStatus.Message; got != message {
		t.Errorf("got ResponseStatus.Message %q, want %q", got, message)
	}
}

func TestUnknownPathIs404(t *testing.T) {
	t.Parallel()
	_, srv := newServer(t)
	resp, body := call(t, srv, http.MethodGet, "/api/NoSuchOp", goodHeaders())
	wantError(t, resp, body, http.StatusNotFound, "Handler for Request not found")
}

func TestWrongMethodIs405(t *testing.T) {
	t.Parallel()
	_, srv := newServer(t)
	resp, body := call(t, srv, http.MethodDelete, "/api/CustomerAccessToken", goodHeaders())
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("got status %d, want 405 (body %s)", resp.StatusCode, body)
	}
	if got := resp.Header.Get("Allow"); got != "GET" {
		t.Errorf("got Allow %q, want GET", got)
	}
}

func TestPathsMatchWithoutCase(t *testing.T) {
	t.Parallel()
	_, srv := newServer(t)
	for _, path := range []string{"/AeServices30/api/GetEndPoint", "/aeservices30/API/getendpoint"} {
		resp, body := call(t, srv, http.MethodGet, path, goodHeaders())
		if resp.StatusCode != http.StatusOK {
			t.Errorf("GET %s: got status %d, want 200 (body %s)", path, resp.StatusCode, body)
		}
	}
}

func TestRecordsCallsHeadersAndQuery(t *testing.T) {
	t.Parallel()
	sb, srv := newServer(t)
	h := goodHeaders()
	h.Set("DeviceId", "device-1")
	call(t, srv, http.MethodGet, "/api/CustomerAccessToken?Mode=UPDATE_CARD&ItemKey=9001", h)
	call(t, srv, http.MethodGet, "/api/CustomerAccessToken?Mode=ADD_CUSTOMER_CARD", h)

	if got := sb.Calls(OpCustomerAccessToken); got != 2 {
		t.Errorf("got %d CustomerAccessToken calls, want 2", got)
	}
	if got := sb.Calls(OpGetEndPoint); got != 0 {
		t.Errorf("got %d GetEndPoint calls, want 0", got)
	}
	if got, other := sb.TokenCalls(h.Get("Token")), sb.TokenCalls("junk"); got != 2 || other != 0 {
		t.Errorf("got %d and %d CustomerAccessToken calls with the customer's and another token, want 2 and 0", got, other)
	}
	if got := sb.LastHeaders(OpCustomerAccessToken).Get("DeviceId"); got != "device-1" {
		t.Errorf("got DeviceId %q, want device-1", got)
	}
	want := map[string][]string{"Mode": {"ADD_CUSTOMER_CARD"}}
	if diff := cmp.Diff(want, map[string][]string(sb.LastQuery(OpCustomerAccessToken))); diff != "" {
		t.Errorf("LastQuery mismatch (-want +got):\n%s", diff)
	}
	if got := sb.LastHeaders(OpSecurity); got != nil {
		t.Errorf("got headers %v for an op never called, want nil", got)
	}
}

func TestLastHeadersIsACopy(t *testing.T) {
	t.Parallel()
	sb, srv := newServer(t)
	call(t, srv, http.MethodGet, "/api/GetCustomerTokens", goodHeaders())
	sb.LastHeaders(OpGetCustomerTokens).Set("ApiKey", "changed")
	sb.LastQuery(OpGetCustomerTokens).Set("x", "y")
	if got := sb.LastHeaders(OpGetCustomerTokens).Get("ApiKey"); got != testAPIKey {
		t.Errorf("got ApiKey %q after changing the copy, want %q", got, testAPIKey)
	}
	if got := sb.LastQuery(OpGetCustomerTokens).Get("x"); got != "" {
		t.Errorf("got query x=%q after changing the copy, want none", got)
	}
}

func TestConnStateCountsConnections(t *testing.T) {
	t.Parallel()
	sb, srv := newServer(t)
	for range 3 {
		call(t, srv, http.MethodGet, "/aeservices30/api/GetEndPoint", goodHeaders())
	}
	if got := sb.Connections(); got != 1 {
		t.Errorf("got %d connections for 3 keep-alive requests, want 1", got)
	}
	noKeepAlive := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	for range 2 {
		req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, srv.URL+"/aeservices30/api/GetEndPoint", nil)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := noKeepAlive.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	if got := sb.Connections(); got != 3 {
		t.Errorf("got %d connections after 2 more without keep-alive, want 3", got)
	}
}

func TestRotateAPIKeyRefusesOldKeyEverywhere(t *testing.T) {
	t.Parallel()
	sb, srv := newServer(t)
	sb.RotateAPIKey("new-key")
	paths := []struct{ method, path string }{
		{http.MethodGet, "/aeservices30/api/GetEndPoint"},
		{http.MethodPost, "/api/Security?Username=pat@example.com&Password=sandbox-password&AppId=" + testAppID},
		{http.MethodGet, "/api/CustomerAccessToken"},
		{http.MethodGet, "/api/GetCustomerTokens"},
	}
	for _, p := range paths {
		resp, body := call(t, srv, p.method, p.path, goodHeaders())
		wantError(t, resp, body, http.StatusUnauthorized, "Invalid ApiKey")

		h := goodHeaders()
		h.Set("ApiKey", "new-key")
		if resp, body := call(t, srv, p.method, p.path, h); resp.StatusCode != http.StatusOK {
			t.Errorf("%s with the new key: got status %d, want 200 (body %s)", p.path, resp.StatusCode, body)
		}
	}
}

func TestExpireSessions(t *testing.T) {
	t.Parallel()
	sb, srv := newServer(t)
	issued, err := sb.Login(TestUsername, TestPassword)
	if err != nil {
		t.Fatal(err)
	}
	sb.ExpireSessions()
	for _, tok := range []string{TestCustomerToken, issued} {
		h := goodHeaders()
		h.Set("Token", tok)
		resp, body := call(t, srv, http.MethodGet, "/api/CustomerAccessToken", h)
		wantError(t, resp, body, http.StatusUnauthorized, "Token expired, please log in again")
	}
	fresh, err := sb.Login(TestUsername, TestPassword)
	if err != nil {
		t.Fatal(err)
	}
	h := goodHeaders()
	h.Set("Token", fresh)
	if resp, body := call(t, srv, http.MethodGet, "/api/CustomerAccessToken", h); resp.StatusCode != http.StatusOK {
		t.Errorf("login after ExpireSessions: got status %d, want 200 (body %s)", resp.StatusCode, body)
	}
}

func TestLogin(t *testing.T) {
	t.Parallel()
	sb := New(Config{APIKey: testAPIKey, AppID: testAppID})
	tests := []struct {
		user, password string
		wantErr        error
	}{
		{TestUsername, TestPassword, nil},
		{strings.ToUpper(TestUsername), TestPassword, nil},
		{TestUsername, "wrong", ErrInvalidLogin},
		{"someone@example.com", TestPassword, ErrInvalidLogin},
		{"", "", ErrInvalidLogin},
	}
	for _, tt := range tests {
		tok, err := sb.Login(tt.user, tt.password)
		if err != tt.wantErr {
			t.Errorf("Login(%q, %q): got error %v, want %v", tt.user, tt.password, err, tt.wantErr)
		}
		if (tok != "") != (tt.wantErr == nil) {
			t.Errorf("Login(%q, %q): got token %q with error %v", tt.user, tt.password, tok, err)
		}
	}
}

func TestNewDefaultsOAuthTokenToRandom(t *testing.T) {
	t.Parallel()
	a := New(Config{APIKey: "k", AppID: "a"})
	b := New(Config{APIKey: "k", AppID: "a"})
	if a.oauthToken == "" || a.oauthToken == b.oauthToken {
		t.Errorf("got OAuthTokens %q and %q, want two different non-empty values", a.oauthToken, b.oauthToken)
	}
}
