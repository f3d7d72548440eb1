package main

import (
	"context"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/aimcards/customer-access-token/internal/dev/samtemplate"
)

var loadedTemplate = sync.OnceValues(func() (samtemplate.Template, error) {
	path, err := filepath.Abs(filepath.Join("..", "..", "template.yaml"))
	if err != nil {
		return samtemplate.Template{}, err
	}
	return samtemplate.Transform(context.Background(), path)
})

// templateParameters returns each variable the template sets on the
// function from a parameter, with that parameter.
func templateParameters(t *testing.T) map[string]samtemplate.Parameter {
	t.Helper()
	tpl, err := loadedTemplate()
	if errors.Is(err, exec.ErrNotFound) && os.Getenv("CI") != "true" {
		t.Skipf("skipped: %v (with CI=true this is a failure)", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	env, _ := tpl.Resources["CustomerAccessTokenFunction"].Properties["Environment"].(map[string]any)
	vars, _ := env["Variables"].(map[string]any)
	out := map[string]samtemplate.Parameter{}
	for name, v := range vars {
		m, _ := v.(map[string]any)
		if param, ok := m["Ref"].(string); ok {
			if p, ok := tpl.Parameters[param]; ok {
				out[name] = p
			}
		}
	}
	return out
}

// functionAccepts reports whether the function starts with name=v: its
// configuration parser and its metrics writer raise no problem naming it.
func functionAccepts(name, v string) bool {
	vars := map[string]string{"AIM_API_KEY_SECRET_ID": "aim/api-key", "AIM_APP_ID": "app", name: v}
	_, err := parseConfig(env(vars))
	if err != nil && strings.Contains(err.Error(), name+":") {
		return false
	}
	_, err = newMetrics(env(vars), io.Discard)
	return err == nil
}

// boundaries are values on either side of each pattern's edges, for the
// variables whose parameters have one.
var boundaries = map[string][]string{
	"AIM_API_KEY_SECRET_ID": {"aim/api-key", "a", "prod/aim_key+1=x.y@z-w", strings.Repeat("k", 512)},
	"AIM_APP_ID":            {"app", "A1B2-C3", "two words", " ", "  app", "app "},
	"AIM_TIMEOUT":           {"4s", "1ms", "60000ms", "60001ms", "0ms", "0s", "1s", "60s", "61s", "1m", "2m", "1h", "4", "-4s", "4.5s"},
	"FAILURE_BACKOFF":       {"5s", "1ms", "60000ms", "60001ms", "0s", "60s", "61s", "1m", "2m"},
	"CACHE_TTL":             {"5m", "1s", "86400s", "86401s", "0s", "1m", "1440m", "1441m", "1h", "24h", "25h", "48h", "0h", "5"},
	"CLIENT_LIMIT_WINDOW":   {"1m", "1s", "3600s", "3601s", "60m", "61m", "1h", "2h", "0s"},
	"STALE_MAX":             {"1h", "1s", "604800s", "604801s", "1m", "10080m", "10081m", "168h", "169h", "0m"},
	"METRICS_NAMESPACE":     {"AIMCards/CustomerAccessToken", "My Shop/Cards", "AWS/Lambda", "AWS/", "AWS", "AWSX/y", "Aws/x", "A", "AW/x", "a#b:c.d-e_f", "tab\there", "é", strings.Repeat("n", 255), strings.Repeat("n", 256)},
	"AIM_SERVICE_URL": {"https://active-ewebservice.biz/aeservices30", "https://aim.example.com", "https://aim.example.com:8443/x/",
		"http://aim.example.com/x", "https://user@aim.example.com", "https://aim.example.com/x?y=1", "https://aim.example.com/#f", "ftp://aim.example.com", "https://aim.example.com:0"},
	"AIM_ENDPOINT_URL":   {"", "https://store.aimsoftware.com", "https://store.aimsoftware.com:443/api", "http://store.aimsoftware.com", "https://store.aimsoftware.com?x=1"},
	"AIM_ENDPOINT_HOSTS": {"", "aim.example.com", ".aimsoftware.com", "aim.example.com:8443,.aimsoftware.com", "https://aim.example.com", "aim.example.com/x", "aim.example.com:99999"},
	"ALLOWED_ORIGINS": {"", "https://shop.example.com", "https://shop.example.com:8443", "https://a.example,https://b.example", "http://localhost:3001", "http://127.0.0.1",
		"http://shop.example.com", "https://shop.example.com/path", "shop.example.com", "https://shop.example.com:65536", "https://shop.example.com:65535", "https://user@shop.example.com"},
	"ERROR_REDIRECT_URL":     {"", "https://shop.example.com/cards-error", "https://shop.example.com/e?x=1#y", "http://shop.example.com", "https://user@shop.example.com", "shop.example.com/x", "https://shop.example.com:99999/"},
	"REDIRECT_ALLOWED_HOSTS": {"", "aim.example.com", "aim.example.com:8443", "a.example,b.example:444", "https://aim.example.com", "aim.example.com/x", "aim.example.com:0", "-bad.example"},
	"TOKEN_COOKIE":           {"", "aim_token", "aim-token.v2", "has space", "semi;colon", "quote\"", "a=b"},
	"TRUSTED_PROXIES": {"", "203.0.113.7/32", "10.0.0.0/8", "0.0.0.0/0", "198.51.100.0/24, 203.0.113.0/24", "255.255.255.255/32",
		"203.0.113.7", "256.0.0.0/8", "10.0.0.0/33", "010.0.0.0/8", "10.0.0.0/08", "cloudfront", "10.0.0/8", "2001:db8::/32"},
}

// narrower are values the function takes and the template refuses, each for
// a reason: a form the template does not offer, or a value the function
// should refuse too. Never the other way round.
var narrower = map[string]string{
	"AIM_APP_ID=  app":              "spaces the function trims",
	"AIM_APP_ID=app ":               "spaces the function trims",
	"AIM_TIMEOUT=4.5s":              "decimal and compound durations are not offered",
	"TRUSTED_PROXIES=2001:db8::/32": "IPv6 networks are not offered: the template's API has no dual-stack endpoint, so its callers are IPv4",
}

// TestTemplatePatternsAcceptWhatTheFunctionAccepts runs the function's own
// configuration parser over each pattern's boundary values: a value the
// template accepts but the function refuses deploys a version that cannot
// start; one the function accepts but the template refuses is a setting the
// operator cannot have.
func TestTemplatePatternsAcceptWhatTheFunctionAccepts(t *testing.T) {
	t.Parallel()
	params := templateParameters(t)
	for name, p := range params {
		if p.AllowedPattern == "" || len(p.AllowedValues) > 0 {
			continue
		}
		values, ok := boundaries[name]
		if !ok {
			t.Errorf("%s: its parameter has a pattern and no boundary values here; add them", name)
			continue
		}
		for _, v := range values {
			template, function := p.Check(v) == nil, functionAccepts(name, v)
			if reason, ok := narrower[name+"="+v]; ok {
				if template || !function {
					t.Errorf("%s=%q: template accepts %v, function accepts %v; listed as narrower (%s), want template false, function true", name, v, template, function, reason)
				}
				continue
			}
			if template != function {
				t.Errorf("%s=%q: template accepts %v, function accepts %v; want the same", name, v, template, function)
			}
		}
	}
	for name := range boundaries {
		if _, ok := params[name]; !ok {
			t.Errorf("%s: no template parameter sets it", name)
		}
	}
}
