package handler

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/aimcards/customer-access-token/internal/aim"
)

// TestCheckAccountURL checks the URL rules, hosts and ports included.
func TestCheckAccountURL(t *testing.T) {
	t.Parallel()
	tests := []struct {
		url     string
		allowed []string // normalised with AllowedHost first
		ok      bool
	}{
		{url: "https://aim.example.com/AccountManagement?at=x", ok: true},
		{url: "https://aim.example.com:7890/AccountManagement?at=x", ok: true},
		{url: "https://aim.example.com/AccountManagement?at=x%20y&b=%7E~!$'()*,;=:@", ok: true},
		{url: "https://aim.example.com/Account Management?at=x"},
		{url: "https://aim.example.com/AccountManagement?at=a b"},
		{url: "https://aim.example.com/Kontoübersicht"},
		{url: "https://bücher.example/AccountManagement"},
		{url: "https://aim.example.com/\x80"},
		{url: "https://aim.example.com/\x7f"},
		{url: "https://aim.example.com:99999/AccountManagement"},
		{url: "https://aim.example.com:0/AccountManagement"},
		{url: "https://aim.example.com:/AccountManagement"},
		{url: "https://aim.example.com:https/AccountManagement"},
		{url: "https://aim.example.com:-1/AccountManagement"},
		{url: "https://aim.example.com/x", allowed: []string{"AIM.example.com"}, ok: true},
		{url: "https://AIM.EXAMPLE.COM/x", allowed: []string{"aim.example.com"}, ok: true},
		{url: "https://aim.example.com:7890/x", allowed: []string{"aim.example.com"}, ok: true},
		{url: "https://aim.example.com:7890/x", allowed: []string{"aim.example.com:7890"}, ok: true},
		{url: "https://aim.example.com:7891/x", allowed: []string{"aim.example.com:7890"}},
		{url: "https://aim.example.com/x", allowed: []string{"aim.example.com:7890"}},
		{url: "https://aim.example.com/x", allowed: []string{"aim.example.com:443"}, ok: true},
		{url: "https://aim.example.com:443/x", allowed: []string{"aim.example.com"}, ok: true},
		{url: "https://aim.example.com:443/x", allowed: []string{"aim.example.com:443"}, ok: true},
		{url: "https://evil.example/x", allowed: []string{"aim.example.com"}},
		{url: "https://aim.example.com.evil.example/x", allowed: []string{"aim.example.com"}},
		{url: "http://127.0.0.1:8080/x", allowed: []string{"127.0.0.1:8080"}, ok: true},
		{url: "http://[::1]:8080/x", allowed: []string{"[::1]:8080"}, ok: true},
		{url: "http://[::1]/x", allowed: []string{"[::1]"}, ok: true},
	}
	for _, tt := range tests {
		var allowed []string
		for _, entry := range tt.allowed {
			h, err := AllowedHost(entry)
			if err != nil {
				t.Fatalf("AllowedHost(%q): %v", entry, err)
			}
			allowed = append(allowed, h)
		}
		_, err := checkAccountURL(tt.url, allowed)
		if (err == nil) != tt.ok {
			t.Errorf("%q with %v: got %v, want allowed %v", tt.url, tt.allowed, err, tt.ok)
		}
	}
}

// TestAllowedHost checks the allow-list entries configuration accepts and
// how they are compared.
func TestAllowedHost(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{ // want "" for an error
		{"aim.example.com", "aim.example.com"},
		{" 10846.Active-E.net ", "10846.active-e.net"},
		{"aim.example.com:443", "aim.example.com"},
		{"aim.example.com:7890", "aim.example.com:7890"},
		{"aim.example.com:07890", "aim.example.com:7890"},
		{"127.0.0.1", "127.0.0.1"},
		{"[::1]", "::1"},
		{"[::1]:8443", "[::1]:8443"},
		{"https://aim.example.com", ""},
		{"aim.example.com/AccountManagement", ""},
		{"aim.example.com?x", ""},
		{"user@aim.example.com", ""},
		{"aim.example.com:", ""},
		{"aim.example.com:https", ""},
		{"aim.example.com:0", ""},
		{"aim.example.com:65536", ""},
		{"::1", ""},
		{"aim example.com", ""},
		{"aim_example.com", ""},
		{"-aim.example.com", ""},
		{"aim..example.com", ""},
		{"bücher.example", ""},
		{"*.example.com", ""},
		{"", ""},
	}
	for _, tt := range tests {
		got, err := AllowedHost(tt.in)
		if tt.want == "" {
			if err == nil {
				t.Errorf("AllowedHost(%q): got %q, want an error", tt.in, got)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("AllowedHost(%q): got %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}

// TestAccountURLUsedAsGiven checks the redirect and the JSON answer carry
// AccountManagementUrl byte for byte as AIM wrote it: nothing re-encoded,
// nothing decoded, the query's order kept.
func TestAccountURLUsedAsGiven(t *testing.T) {
	t.Parallel()
	const raw = "https://10846.active-e.net:7890/Account%4Danagement/;v=1?b=%2F%2f&a=x+y&c=%7E~&at=sentinel-url-secret-x#frag%20x"
	client := &fakeAIM{accessFn: func(aim.Credentials, aim.AccessTokenRequest) (aim.AccessToken, error) {
		return aim.AccessToken{Token: testAccess, AccountManagementURL: raw}, nil
	}}
	h := testHandler(&fakeKeys{key: testAPIKey}, client, &bytes.Buffer{}, nil)
	if a := invoke(t, h, eventFile(t, "httpapi-add-customer-card.json")); a.Status != 302 || a.Headers["Location"] != raw {
		t.Errorf("got %d Location %q, want 302 to %q", a.Status, a.Headers["Location"], raw)
	}
	a := invoke(t, h, eventFile(t, "httpapi-json.json"))
	var body struct{ AccountManagementUrl string }
	if err := json.Unmarshal([]byte(a.Body), &body); err != nil || body.AccountManagementUrl != raw {
		t.Errorf("got JSON %s (%v), want AccountManagementUrl %q", a.Body, err, raw)
	}
}
