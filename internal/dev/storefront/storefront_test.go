package storefront_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/aimcards/customer-access-token/internal/dev/aimsandbox"
	"github.com/aimcards/customer-access-token/internal/dev/storefront"
)

const (
	testAPIKey  = "sbx-api-key-storefront-test"
	testAppID   = "sandbox-app"
	testCardAPI = "http://127.0.0.1:3000/customer-access-token"
)

// newStore serves a Storefront against a fresh AIM sandbox.
func newStore(t *testing.T) (*httptest.Server, *aimsandbox.Sandbox) {
	t.Helper()
	sb := aimsandbox.New(aimsandbox.Config{APIKey: testAPIKey, AppID: testAppID})
	aim := httptest.NewServer(sb)
	t.Cleanup(aim.Close)
	store, err := storefront.New(storefront.Config{
		CardAPIURL:  testCardAPI,
		ServiceURL:  aim.URL + aimsandbox.ServicePath,
		APIKey:      testAPIKey,
		AppID:       testAppID,
		TokenCookie: "aim_token",
	})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(store)
	t.Cleanup(srv.Close)
	return srv, sb
}

// problemBody is the part of a problem answer the page reads.
type problemBody struct {
	Status int
	Detail string
	Code   string
}

func login(t *testing.T, srv *httptest.Server, user, pass string) *http.Response {
	t.Helper()
	resp, err := http.PostForm(srv.URL+"/login", url.Values{"username": {user}, "password": {pass}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	return resp
}

func tokenCookie(resp *http.Response) *http.Cookie {
	for _, c := range resp.Cookies() {
		if c.Name == "aim_token" {
			return c
		}
	}
	return nil
}

func TestLoginSetsHttpOnlyTokenCookie(t *testing.T) {
	t.Parallel()
	srv, sb := newStore(t)
	resp := login(t, srv, aimsandbox.TestUsername, aimsandbox.TestPassword)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status: got %d, want 200", resp.StatusCode)
	}
	c := tokenCookie(resp)
	if c == nil || !strings.HasPrefix(c.Value, "sbx-login-") {
		t.Fatalf("aim_token cookie: got %v, want the AIM login token", c)
	}
	if !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Path != "/" {
		t.Errorf("cookie attributes: got HttpOnly=%v SameSite=%v Path=%q, want HttpOnly, Lax, /", c.HttpOnly, c.SameSite, c.Path)
	}
	body, _ := io.ReadAll(resp.Body)
	if strings.Contains(string(body), c.Value) || strings.Contains(string(body), testAPIKey) {
		t.Errorf("login body %s: want neither the token nor the ApiKey in it", body)
	}
	if got := sb.LastHeaders(aimsandbox.OpSecurity).Get("ApiKey"); got != testAPIKey {
		t.Errorf("Security call ApiKey header: got %q, want the store's ApiKey", got)
	}
}

func TestLoginErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, user, pass string
		want             problemBody
	}{
		{"wrong password", aimsandbox.TestUsername, "nope", problemBody{401, "The email or password you entered is incorrect.", "invalid_login"}},
		{"empty form", "", "", problemBody{400, "Enter your email and password.", "invalid_request"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, _ := newStore(t)
			resp := login(t, srv, tt.user, tt.pass)
			var got problemBody
			if err := json.NewDecoder(resp.Body).Decode(&got); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" || resp.StatusCode != tt.want.Status {
				t.Errorf("answer mismatch (-want +got), status %d:\n%s", resp.StatusCode, diff)
			}
			if c := tokenCookie(resp); c != nil {
				t.Errorf("cookie: got %v, want none", c)
			}
		})
	}
}

func getCards(t *testing.T, srv *httptest.Server, token string) (*http.Response, []byte) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/cards", nil)
	if token != "" {
		req.AddCookie(&http.Cookie{Name: "aim_token", Value: token})
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, body
}

func TestCardsListsSavedCards(t *testing.T) {
	t.Parallel()
	srv, _ := newStore(t)
	resp, body := getCards(t, srv, aimsandbox.TestCustomerToken)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status: got %d, want 200 (%s)", resp.StatusCode, body)
	}
	var got struct{ Cards []map[string]any }
	if err := json.Unmarshal(body, &got); err != nil {
		t.Fatal(err)
	}
	want := []map[string]any{
		{"tokenPk": "9001", "cardType": "VISA", "lastFour": "4242", "expiration": "12/29", "primary": true},
		{"tokenPk": "9002", "cardType": "MCARD", "lastFour": "4444", "expiration": "06/28", "primary": false},
	}
	if diff := cmp.Diff(want, got.Cards); diff != "" {
		t.Errorf("cards mismatch (-want +got):\n%s", diff)
	}
}

func TestCardsNeedsAValidSession(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		token     string
		expire    bool
		wantCode  string
		wantClear bool
	}{
		{"no cookie", "", false, "missing_token", false},
		{"expired session", aimsandbox.TestCustomerToken, true, "session_expired", true},
		{"unknown token", "sbx-unknown", false, "session_expired", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, sb := newStore(t)
			if tt.expire {
				sb.ExpireSessions()
			}
			resp, body := getCards(t, srv, tt.token)
			var got problemBody
			if err := json.Unmarshal(body, &got); err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != http.StatusUnauthorized || got.Code != tt.wantCode || got.Detail == "" {
				t.Errorf("answer: got %d %+v, want 401 %s with a detail", resp.StatusCode, got, tt.wantCode)
			}
			c := tokenCookie(resp)
			if cleared := c != nil && c.MaxAge < 0; cleared != tt.wantClear {
				t.Errorf("cookie cleared: got %v, want %v", cleared, tt.wantClear)
			}
		})
	}
}

func TestPageNamesTheFunctionNotTheAPIKey(t *testing.T) {
	t.Parallel()
	srv, _ := newStore(t)
	for _, path := range []string{"/", "/static/app.js", "/static/style.css"} {
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("GET %s: got %d, want 200", path, resp.StatusCode)
		}
		if strings.Contains(string(body), testAPIKey) {
			t.Errorf("GET %s: the body contains the ApiKey", path)
		}
		if path != "/" {
			continue
		}
		for _, want := range []string{`href="` + testCardAPI + `"`, `data-card-api="` + testCardAPI + `"`, `name="Mode" value="ADD_CUSTOMER_CARD"`} {
			if !strings.Contains(string(body), want) {
				t.Errorf("page: want it to contain %s", want)
			}
		}
		if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "connect-src 'self' http://127.0.0.1:3000") {
			t.Errorf("Content-Security-Policy: got %q, want connect-src to allow the function's origin", csp)
		}
	}
}

func TestNewReportsEveryProblem(t *testing.T) {
	t.Parallel()
	_, err := storefront.New(storefront.Config{CardAPIURL: "/relative"})
	if err == nil {
		t.Fatal("New with an empty config: got nil error, want one")
	}
	for _, want := range []string{"CardAPIURL", "ServiceURL", "APIKey", "AppID", "TokenCookie"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q: want it to name %s", err, want)
		}
	}
}
