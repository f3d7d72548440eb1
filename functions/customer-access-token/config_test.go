package main

import (
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestParseConfigDefaults(t *testing.T) {
	t.Parallel()
	cfg, err := parseConfig(env(map[string]string{"AIM_API_KEY_SECRET_ID": "aim/api-key", "AIM_APP_ID": "app"}))
	if err != nil {
		t.Fatal(err)
	}
	want := config{
		SecretID: "aim/api-key", AppID: "app", ServiceURL: "https://active-ewebservice.biz/aeservices30",
		AIMTimeout: 4 * time.Second, CacheTTL: 5 * time.Minute, StaleMax: time.Hour, FailureBackoff: 5 * time.Second,
		ClientLimit: 5, ClientLimitWindow: time.Minute,
	}
	if diff := cmp.Diff(want, cfg); diff != "" {
		t.Errorf("config (-want +got):\n%s", diff)
	}
}

func TestParseConfigAll(t *testing.T) {
	t.Parallel()
	cfg, err := parseConfig(env(map[string]string{
		"AIM_API_KEY_SECRET_ID": "arn:aws:secretsmanager:us-east-1:123456789012:secret:aim-AbCdEf", "AIM_API_KEY_SECRET_FIELD": "key",
		"AIM_APP_ID": "app", "AIM_SERVICE_URL": "http://127.0.0.1:9/aeservices30/", "AIM_ENDPOINT_URL": "https://10846.active-e.net:7890",
		"AIM_TIMEOUT": "2500ms", "CACHE_TTL": "1m", "TOKEN_COOKIE": "aim_token",
		"ALLOWED_ORIGINS": "https://shop.example.com, http://localhost:3000/", "ERROR_REDIRECT_URL": "https://shop.example.com/error/?x=1",
		"REDIRECT_ALLOWED_HOSTS": "10846.Active-E.net",
		"AIM_ENDPOINT_HOSTS":     " .Active-E.net, store.example:443 ,", "STALE_MAX": "2h", "FAILURE_BACKOFF": "250ms",
		"CLIENT_LIMIT_TABLE": "prod-Client_Limits.v1", "CLIENT_LIMIT": "0", "CLIENT_LIMIT_WINDOW": "10m",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.ServiceURL != "http://127.0.0.1:9/aeservices30/" || cfg.AIMTimeout != 2500*time.Millisecond || cfg.CacheTTL != time.Minute ||
		cfg.ErrorRedirectURL.String() != "https://shop.example.com/error/?x=1" {
		t.Errorf("got %+v", cfg)
	}
	if diff := cmp.Diff([]string{"https://shop.example.com", "http://localhost:3000"}, cfg.AllowedOrigins); diff != "" {
		t.Errorf("origins (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"10846.active-e.net"}, cfg.RedirectAllowedHosts); diff != "" {
		t.Errorf("hosts (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{".Active-E.net", "store.example:443"}, cfg.EndpointHosts); diff != "" { // as written: the AIM client reads them
		t.Errorf("endpoint hosts (-want +got):\n%s", diff)
	}
	if cfg.StaleMax != 2*time.Hour || cfg.FailureBackoff != 250*time.Millisecond {
		t.Errorf("got STALE_MAX %s FAILURE_BACKOFF %s, want 2h 250ms", cfg.StaleMax, cfg.FailureBackoff)
	}
	if cfg.ClientLimitTable != "prod-Client_Limits.v1" || cfg.ClientLimit != 0 || cfg.ClientLimitWindow != 10*time.Minute {
		t.Errorf("got CLIENT_LIMIT_TABLE %q CLIENT_LIMIT %d CLIENT_LIMIT_WINDOW %s, want prod-Client_Limits.v1 0 10m",
			cfg.ClientLimitTable, cfg.ClientLimit, cfg.ClientLimitWindow)
	}
}

// TestParseConfigClientLimit checks the per-client limit's variables are
// refused out of range, each named.
func TestParseConfigClientLimit(t *testing.T) {
	t.Parallel()
	for _, bad := range []map[string]string{
		{"CLIENT_LIMIT": "-1"}, {"CLIENT_LIMIT": "five"}, {"CLIENT_LIMIT": "1001"}, {"CLIENT_LIMIT": "2.5"},
		{"CLIENT_LIMIT_WINDOW": "0s"}, {"CLIENT_LIMIT_WINDOW": "2h"}, {"CLIENT_LIMIT_WINDOW": "60"},
		{"CLIENT_LIMIT_TABLE": "ab"}, {"CLIENT_LIMIT_TABLE": "limits table"}, {"CLIENT_LIMIT_TABLE": "arn:aws:dynamodb:us-east-1:123456789012:table/limits"},
		{"CLIENT_LIMIT_TABLE": strings.Repeat("t", 256)},
		{"TRUSTED_PROXIES": "203.0.113.7"}, {"TRUSTED_PROXIES": "10.0.0.0/8, cloudfront"}, {"TRUSTED_PROXIES": "10.0.0.0/33"},
	} {
		bad["AIM_API_KEY_SECRET_ID"], bad["AIM_APP_ID"] = "s", "app"
		_, err := parseConfig(env(bad))
		for name := range bad {
			if strings.HasPrefix(name, "CLIENT_") && (err == nil || !strings.Contains(err.Error(), name+": ")) {
				t.Errorf("%s=%.20q: got %v, want a problem naming %s", name, bad[name], err, name)
			}
		}
	}
	for _, good := range []string{"1", "1000", " 7 "} {
		if cfg, err := parseConfig(env(map[string]string{"AIM_API_KEY_SECRET_ID": "s", "AIM_APP_ID": "app", "CLIENT_LIMIT": good})); err != nil || cfg.ClientLimit == 0 {
			t.Errorf("CLIENT_LIMIT=%q: got %d, %v, want it accepted", good, cfg.ClientLimit, err)
		}
	}
}

// TestParseConfigChecksAIMEndpoints checks that AIM_SERVICE_URL,
// AIM_ENDPOINT_URL and AIM_ENDPOINT_HOSTS meet the AIM client's rules at
// parse time (parseConfig asks the client), so they are named with every
// other problem.
func TestParseConfigChecksAIMEndpoints(t *testing.T) {
	t.Parallel()
	tests := []struct{ service, endpoint, hosts, want string }{ // want "": accepted
		{"", "http://store.example", "", "AIM_ENDPOINT_URL: plain http to non-loopback host store.example"},
		{"", "https://evil.example", ".active-e.net", "AIM_ENDPOINT_URL: host evil.example is not an allowed endpoint host"},
		{"", "https://store.example:8443", "store.example", ""},
		{"", "https://store.example:8443", "store.example:443", "AIM_ENDPOINT_URL: host store.example is not an allowed endpoint host"},
		{"", "", "https://store.example", `AIM_ENDPOINT_HOSTS: "https://store.example" is not a host`},
		{"", "", ".active-e.net, store.example/x", `AIM_ENDPOINT_HOSTS: "store.example/x" is not a host`},
		{"http://active-ewebservice.biz/aeservices30", "", "", "AIM_SERVICE_URL: plain http to non-loopback host active-ewebservice.biz"},
		{"http://localhost:9/aeservices30", "http://127.0.0.1:9/", "", ""},
	}
	for _, tt := range tests {
		_, err := parseConfig(env(map[string]string{"AIM_API_KEY_SECRET_ID": "aim", "AIM_APP_ID": "app",
			"AIM_SERVICE_URL": tt.service, "AIM_ENDPOINT_URL": tt.endpoint, "AIM_ENDPOINT_HOSTS": tt.hosts}))
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("%q %q %q: got %v, want no problem", tt.service, tt.endpoint, tt.hosts, err)
		case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
			t.Errorf("%q %q %q: got %v, want a problem containing %q", tt.service, tt.endpoint, tt.hosts, err, tt.want)
		}
	}
}

// TestBuildRefusesAPinnedEndpointThatFailsTheChecks checks the backstop:
// configuration that did not come through parseConfig still cannot send
// credentials to an endpoint the AIM client's rules refuse.
func TestBuildRefusesAPinnedEndpointThatFailsTheChecks(t *testing.T) {
	t.Setenv("AWS_REGION", "us-east-1")
	t.Setenv("AWS_CONFIG_FILE", "/dev/null")
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
	tests := []struct {
		endpoint string
		hosts    []string
		want     string
	}{
		{"http://store.example", nil, "plain http"},
		{"https://evil.example", []string{".active-e.net"}, "not an allowed endpoint host"},
		{"https://store.example", []string{"https://store.example"}, "EndpointHosts"},
	}
	for _, tt := range tests {
		cfg := config{SecretID: "aim", AppID: "app", ServiceURL: "https://active-ewebservice.biz/aeservices30",
			EndpointURL: tt.endpoint, EndpointHosts: tt.hosts, AIMTimeout: time.Second, CacheTTL: time.Minute}
		if _, err := build(t.Context(), cfg, slog.New(slog.DiscardHandler), nil); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s with %q: got %v, want an error containing %q", tt.endpoint, tt.hosts, err, tt.want)
		}
	}
}

// TestParseConfigReportsAllProblems checks every bad variable is named at once.
func TestParseConfigReportsAllProblems(t *testing.T) {
	t.Parallel()
	_, err := parseConfig(env(map[string]string{
		"AIM_SERVICE_URL": "ftp://x", "AIM_ENDPOINT_URL": "http://store.example", "AIM_ENDPOINT_HOSTS": "https://store.example",
		"AIM_TIMEOUT": "soon", "CACHE_TTL": "-1s",
		"TOKEN_COOKIE": "a b", "ALLOWED_ORIGINS": "https://shop.example.com/path", "ERROR_REDIRECT_URL": "/relative",
		"STALE_MAX": "0s", "FAILURE_BACKOFF": "2m", "CLIENT_LIMIT": "x", "CLIENT_LIMIT_WINDOW": "x", "CLIENT_LIMIT_TABLE": "x",
	}))
	if err == nil {
		t.Fatal("got no error, want every problem")
	}
	for _, name := range []string{"AIM_API_KEY_SECRET_ID", "AIM_APP_ID", "AIM_SERVICE_URL", "AIM_ENDPOINT_URL", "AIM_ENDPOINT_HOSTS",
		"AIM_TIMEOUT", "CACHE_TTL", "TOKEN_COOKIE", "ALLOWED_ORIGINS", "ERROR_REDIRECT_URL", "STALE_MAX", "FAILURE_BACKOFF",
		"CLIENT_LIMIT:", "CLIENT_LIMIT_WINDOW", "CLIENT_LIMIT_TABLE"} {
		if !strings.Contains(err.Error(), name) {
			t.Errorf("error does not name %s: %v", name, err)
		}
	}
}

// TestParseConfigCookieName checks TOKEN_COOKIE is refused unless it is a
// cookie name a browser can send.
func TestParseConfigCookieName(t *testing.T) {
	t.Parallel()
	for name, ok := range map[string]bool{"aim_token": true, "__Host-aim": true, "a b": false, "a;b": false, "a=b": false, "tök": false, "a,b": false} {
		_, err := parseConfig(env(map[string]string{"AIM_API_KEY_SECRET_ID": "s", "AIM_APP_ID": "app", "TOKEN_COOKIE": name}))
		if (err == nil) != ok {
			t.Errorf("TOKEN_COOKIE=%q: got error %v, want valid %v", name, err, ok)
		}
	}
}

// TestParseConfigOrigins checks origins are normalised as requests' Origin
// headers are, and refused when they can never match or are clear text to
// a public host.
func TestParseConfigOrigins(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want []string // nil: refused
	}{
		{"HTTPS://Shop.Example.com:443", []string{"https://shop.example.com"}},
		{"https://shop.example.com:8443, https://b.example/", []string{"https://shop.example.com:8443", "https://b.example"}},
		{"http://localhost:3000, http://127.0.0.1:80, http://[::1]:5173", []string{"http://localhost:3000", "http://127.0.0.1", "http://[::1]:5173"}},
		{"http://shop.example.com", nil},
		{"http://10.0.0.8:3000", nil},
		{"https://shop.example.com/cards", nil},
		{"https://shop.example.com?x=1", nil},
		{"https://shop.example.com:", nil},
		{"shop.example.com", nil},
		{"*", nil},
		{"null", nil},
	}
	for _, tt := range tests {
		cfg, err := parseConfig(env(map[string]string{"AIM_API_KEY_SECRET_ID": "s", "AIM_APP_ID": "app", "ALLOWED_ORIGINS": tt.in}))
		if tt.want == nil {
			if err == nil || !strings.Contains(err.Error(), "ALLOWED_ORIGINS") {
				t.Errorf("ALLOWED_ORIGINS=%q: got %v, want an error naming it", tt.in, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("ALLOWED_ORIGINS=%q: %v", tt.in, err)
			continue
		}
		if diff := cmp.Diff(tt.want, cfg.AllowedOrigins); diff != "" {
			t.Errorf("ALLOWED_ORIGINS=%q (-want +got):\n%s", tt.in, diff)
		}
	}
}

// TestParseConfigRedirectHosts checks REDIRECT_ALLOWED_HOSTS entries are
// hosts: a scheme, a path or an empty port can never match.
func TestParseConfigRedirectHosts(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want []string // nil: refused
	}{
		{"10846.Active-E.net, aim.example.com:443, aim.example.com:7890", []string{"10846.active-e.net", "aim.example.com", "aim.example.com:7890"}},
		{"https://aim.example.com", nil},
		{"aim.example.com/AccountManagement", nil},
		{"aim.example.com:", nil},
		{"aim.example.com:abc", nil},
		{"aim example.com", nil},
	}
	for _, tt := range tests {
		cfg, err := parseConfig(env(map[string]string{"AIM_API_KEY_SECRET_ID": "s", "AIM_APP_ID": "app", "REDIRECT_ALLOWED_HOSTS": tt.in}))
		if tt.want == nil {
			if err == nil || !strings.Contains(err.Error(), "REDIRECT_ALLOWED_HOSTS") || !strings.Contains(err.Error(), strings.TrimSpace(tt.in)) {
				t.Errorf("REDIRECT_ALLOWED_HOSTS=%q: got %v, want an error naming it and the entry", tt.in, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("REDIRECT_ALLOWED_HOSTS=%q: %v", tt.in, err)
			continue
		}
		if diff := cmp.Diff(tt.want, cfg.RedirectAllowedHosts); diff != "" {
			t.Errorf("REDIRECT_ALLOWED_HOSTS=%q (-want +got):\n%s", tt.in, diff)
		}
	}
}

// TestErrorRedirectURLKeepsItsQuery checks ERROR_REDIRECT_URL is kept as
// configured, so answers can append error=<code> to its own query.
func TestErrorRedirectURLKeepsItsQuery(t *testing.T) {
	t.Parallel()
	const page = "https://shop.example.com/account?b=2&a=x%20y#cards"
	cfg, err := parseConfig(env(map[string]string{"AIM_API_KEY_SECRET_ID": "s", "AIM_APP_ID": "app", "ERROR_REDIRECT_URL": page}))
	if err != nil {
		t.Fatal(err)
	}
	if got := cfg.ErrorRedirectURL.String(); got != page || cfg.ErrorRedirectURL.RawQuery != "b=2&a=x%20y" {
		t.Errorf("got %q with query %q, want %q as configured", got, cfg.ErrorRedirectURL.RawQuery, page)
	}
}

// TestParseConfigTrustedProxies checks TRUSTED_PROXIES is read as a list
// of networks, host bits dropped.
func TestParseConfigTrustedProxies(t *testing.T) {
	t.Parallel()
	cfg, err := parseConfig(env(map[string]string{"AIM_API_KEY_SECRET_ID": "s", "AIM_APP_ID": "app",
		"TRUSTED_PROXIES": " 203.0.113.7/32, 10.1.2.3/8 ,2001:db8::/32,"}))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"203.0.113.7/32", "10.0.0.0/8", "2001:db8::/32"}, cfg.TrustedProxies); diff != "" {
		t.Errorf("trusted proxies (-want +got):\n%s", diff)
	}
}
