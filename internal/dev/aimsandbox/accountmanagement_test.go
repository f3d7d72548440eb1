package aimsandbox

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// accessURL asks CustomerAccessToken for a link with the given query and
// returns its path and query, relative to srv.
func accessURL(t *testing.T, srv *httptest.Server, query string) string {
	t.Helper()
	_, body := call(t, srv, http.MethodGet, "/api/CustomerAccessToken?"+query, goodHeaders())
	u := decode[accessTokenReply](t, body).AccountManagementURL
	if !strings.HasPrefix(u, srv.URL) {
		t.Fatalf("got AccountManagementUrl %q, want one on %s", u, srv.URL)
	}
	return strings.TrimPrefix(u, srv.URL)
}

func TestAccountManagementPage(t *testing.T) {
	t.Parallel()
	tests := []struct {
		query    string
		wantText []string
	}{
		{"", []string{"Choose what to do"}},
		{"Mode=ADD_CUSTOMER_CARD", []string{"ADD_CUSTOMER_CARD"}},
		{"Mode=ADD_CONTRACT_CARD&ItemKey=5001", []string{"ADD_CONTRACT_CARD", "Contract 5001"}},
		{"Mode=ADD_STUDENT_CARD&ItemKey=7001", []string{"ADD_STUDENT_CARD", "Student 7001"}},
		{"Mode=UPDATE_CARD&ItemKey=9001", []string{"UPDATE_CARD", "Card ending 4242"}},
		{"Mode=UPDATE_CARD&ItemKey=9002", []string{"UPDATE_CARD", "Card ending 4444"}},
	}
	_, srv := newServer(t)
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			resp, body := call(t, srv, http.MethodGet, accessURL(t, srv, tt.query), nil)
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("got status %d, want 200 (body %s)", resp.StatusCode, body)
			}
			if got := resp.Header.Get("Content-Type"); got != "text/html; charset=utf-8" {
				t.Errorf("got Content-Type %q, want text/html", got)
			}
			want := append([]string{"<title>AIM sandbox — Manage cards</title>", "Manage your cards", "1001"}, tt.wantText...)
			for _, w := range want {
				if !strings.Contains(string(body), w) {
					t.Errorf("got page\n%s\nwant it to contain %q", body, w)
				}
			}
		})
	}
}

func TestAccountManagementLinkIsSingleUse(t *testing.T) {
	t.Parallel()
	_, srv := newServer(t)
	path := accessURL(t, srv, "")
	if resp, _ := call(t, srv, http.MethodGet, path, nil); resp.StatusCode != http.StatusOK {
		t.Fatalf("first use: got status %d, want 200", resp.StatusCode)
	}
	resp, body := call(t, srv, http.MethodGet, path, nil)
	wantExpiredPage(t, resp, body)
}

func TestAccountManagementLinkExpires(t *testing.T) {
	t.Parallel()
	sb, srv := newServer(t)
	path := accessURL(t, srv, "")
	later := time.Now().Add(accessTokenTTL + time.Second)
	sb.mu.Lock()
	sb.now = func() time.Time { return later }
	sb.mu.Unlock()
	resp, body := call(t, srv, http.MethodGet, path, nil)
	wantExpiredPage(t, resp, body)
}

func TestAccountManagementUnknownLink(t *testing.T) {
	t.Parallel()
	_, srv := newServer(t)
	for _, path := range []string{"/AccountManagement", "/AccountManagement?at=nope", "/accountmanagement?at=" + TestCustomerToken} {
		resp, body := call(t, srv, http.MethodGet, path, nil)
		wantExpiredPage(t, resp, body)
	}
}

func wantExpiredPage(t *testing.T, resp *http.Response, body []byte) {
	t.Helper()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("got status %d, want 403", resp.StatusCode)
	}
	if !strings.Contains(string(body), "This link has expired") || strings.Contains(string(body), "1001") {
		t.Errorf("got page\n%s\nwant the expired page without account details", body)
	}
}
