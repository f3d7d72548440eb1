package main

import (
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
		AIMTimeout: 4 * time.Second, CacheTTL: 5 * time.Minute,
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
	}))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.ServiceURL != "http://127.0.0.1:9/aeservices30" || cfg.AIMTimeout != 2500*time.Millisecond || cfg.CacheTTL != time.Minute ||
		cfg.ErrorRedirectURL.String() != "https://shop.example.com/error/?x=1" {
		t.Errorf("got %+v", cfg)
	}
	if diff := cmp.Diff([]string{"https://shop.example.com", "http://localhost:3000"}, cfg.AllowedOrigins); diff != "" {
		t.Errorf("origins (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"10846.active-e.net"}, cfg.RedirectAllowedHosts); diff != "" {
		t.Errorf("hosts (-want +got):\n%s", diff)
	}
}

// TestParseConfigReportsAllProblems checks every bad variable is named at once.
func TestParseConfigReportsAllProblems(t *testing.T) {
	t.Parallel()
	_, err := parseConfig(env(map[string]string{
		"AIM_SERVICE_URL": "ftp://x", "AIM_ENDPOINT_URL": "https://x/?q=1", "AIM_TIMEOUT": "soon", "CACHE_TTL": "-1s",
		"TOKEN_COOKIE": "a b", "ALLOWED_ORIGINS": "https://shop.example.com/path", "ERROR_REDIRECT_URL": "/relative",
	}))
	if err == nil {
		t.Fatal("got no error, want every problem")
	}
	for _, name := range []string{"AIM_API_KEY_SECRET_ID", "AIM_APP_ID", "AIM_SERVICE_URL", "AIM_ENDPOINT_URL", "AIM_TIMEOUT", "CACHE_TTL", "TOKEN_COOKIE", "ALLOWED_ORIGINS", "ERROR_REDIRECT_URL"} {
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
