package main

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/aimcards/customer-access-token/internal/aim"
	"github.com/aimcards/customer-access-token/internal/apigw"
	"github.com/aimcards/customer-access-token/internal/handler"
)

// config is the function's configuration, read once from the environment.
type config struct {
	SecretID             string
	SecretField          string
	AppID                string
	ServiceURL           string
	EndpointURL          string
	AIMTimeout           time.Duration // bound on each AIM call, and on fetching credentials
	CacheTTL             time.Duration
	TokenCookie          string
	AllowedOrigins       []string      // normalised: lower case, default port dropped
	ErrorRedirectURL     *url.URL      // parsed once; answers append error=<code> to it
	RedirectAllowedHosts []string      // hosts AccountManagementUrl may redirect to, as handler.AllowedHost writes them
	EndpointHosts        []string      // AIM_ENDPOINT_HOSTS, lower-case, as aim.CheckEndpointHost accepts them
	StaleMax             time.Duration // STALE_MAX
	FailureBackoff       time.Duration // FAILURE_BACKOFF
	ClientLimitTable     string        // CLIENT_LIMIT_TABLE; "": each environment counts on its own
	ClientLimit          int           // CLIENT_LIMIT: AIM refusals per client and window; 0: off
	ClientLimitWindow    time.Duration // CLIENT_LIMIT_WINDOW
	TrustedProxies       []string      // TRUSTED_PROXIES: CIDR networks, host bits dropped
}

// parseConfig reads every variable and reports all problems together.
func parseConfig(getenv func(string) string) (config, error) {
	p := &parser{getenv: getenv}
	// The pinned endpoint is checked against the allow-list, as the AIM
	// client will check it.
	endpointHosts := p.list("AIM_ENDPOINT_HOSTS", strings.ToLower, func(h string) (string, error) {
		return h, aim.CheckEndpointHost(h)
	})
	pinned := func(v string) error { return aim.CheckEndpointURL(v, endpointHosts) }
	c := config{
		SecretID:             p.required("AIM_API_KEY_SECRET_ID"),
		SecretField:          getenv("AIM_API_KEY_SECRET_FIELD"),
		AppID:                p.required("AIM_APP_ID"),
		ServiceURL:           p.apiBase("AIM_SERVICE_URL", "https://active-ewebservice.biz/aeservices30", aim.CheckServiceURL),
		EndpointURL:          p.apiBase("AIM_ENDPOINT_URL", "", pinned),
		AIMTimeout:           p.duration("AIM_TIMEOUT", 4*time.Second, 60*time.Second),
		CacheTTL:             p.duration("CACHE_TTL", 5*time.Minute, 24*time.Hour),
		TokenCookie:          p.cookieName("TOKEN_COOKIE"),
		AllowedOrigins:       p.list("ALLOWED_ORIGINS", func(s string) string { return strings.TrimSuffix(s, "/") }, origin),
		ErrorRedirectURL:     p.page("ERROR_REDIRECT_URL"),
		RedirectAllowedHosts: p.list("REDIRECT_ALLOWED_HOSTS", nil, handler.AllowedHost),
		EndpointHosts:        endpointHosts,
		StaleMax:             p.duration("STALE_MAX", time.Hour, 7*24*time.Hour),
		FailureBackoff:       p.duration("FAILURE_BACKOFF", 5*time.Second, time.Minute),
		ClientLimitTable:     p.tableName("CLIENT_LIMIT_TABLE"),
		ClientLimit:          p.count("CLIENT_LIMIT", 5, 1000),
		ClientLimitWindow:    p.duration("CLIENT_LIMIT_WINDOW", time.Minute, time.Hour),
		TrustedProxies:       p.list("TRUSTED_PROXIES", nil, func(s string) (string, error) { n, err := netip.ParsePrefix(s); return n.Masked().String(), err }),
	}
	return c, errors.Join(p.problems...)
}

type parser struct {
	getenv   func(string) string
	problems []error
}

func (p *parser) fail(name, format string, args ...any) {
	p.problems = append(p.problems, fmt.Errorf("%s: "+format, append([]any{name}, args...)...))
}

func (p *parser) required(name string) string {
	v := strings.TrimSpace(p.getenv(name))
	if v == "" {
		p.fail(name, "required")
	}
	return v
}

// absolute parses an absolute http(s) URL without user-info; nil when v
// is not one.
func (p *parser) absolute(name, v string) *url.URL {
	u, err := url.Parse(v)
	switch {
	case err != nil, u.Host == "", u.Scheme != "https" && u.Scheme != "http":
		p.fail(name, "want an absolute http(s) URL")
		return nil
	case u.User != nil:
		p.fail(name, "must not carry user-info")
		return nil
	case u.Port() != "" && !validPort(u.Port()):
		p.fail(name, "want a port from 1 to 65535")
		return nil
	}
	return u
}

// validPort reports whether port is 1-65535: any other can never be dialled.
func validPort(port string) bool {
	n, err := strconv.Atoi(port)
	return err == nil && n >= 1 && n <= 65535
}

// apiBase reads the base URL of an API: no query or fragment, no
// trailing slash. A URL that is well formed must also pass check (the AIM
// client's rules for it), so NewClient never refuses what passed here.
func (p *parser) apiBase(name, def string, check func(string) error) string {
	v := strings.TrimSpace(p.getenv(name))
	if v == "" {
		return def
	}
	base := strings.TrimRight(v, "/")
	switch u := p.absolute(name, v); {
	case u == nil:
	case u.RawQuery != "" || u.Fragment != "":
		p.fail(name, "must not carry a query or fragment")
	default:
		if err := check(base); err != nil {
			p.fail(name, "%w", err)
		}
	}
	return base
}

// page reads the URL of a web page, query and fragment allowed; nil when
// unset or invalid.
func (p *parser) page(name string) *url.URL {
	v := strings.TrimSpace(p.getenv(name))
	if v == "" {
		return nil
	}
	return p.absolute(name, v)
}

func (p *parser) duration(name string, def, max time.Duration) time.Duration {
	v := strings.TrimSpace(p.getenv(name))
	if v == "" {
		return def
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 || d > max {
		p.fail(name, "want a duration such as %s, above 0 and at most %s", def, max)
		return def
	}
	return d
}

// count reads a whole number from 0 to max.
func (p *parser) count(name string, def, max int) int {
	v := strings.TrimSpace(p.getenv(name))
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 || n > max {
		p.fail(name, "want a whole number from 0 to %d, such as %d", max, def)
		return def
	}
	return n
}

// tableName reads a DynamoDB table name; "" is none.
func (p *parser) tableName(name string) string {
	v := strings.TrimSpace(p.getenv(name))
	if v != "" && !dynamoDBTableName.MatchString(v) {
		p.fail(name, "%q is not a DynamoDB table name (3 to 255 letters, digits, _ . -)", v)
	}
	return v
}

var dynamoDBTableName = regexp.MustCompile(`^[A-Za-z0-9_.-]{3,255}$`)

// cookieName reads a cookie name; "" is none.
func (p *parser) cookieName(name string) string {
	v := strings.TrimSpace(p.getenv(name))
	if v != "" && (&http.Cookie{Name: v, Value: "x"}).Valid() != nil {
		p.fail(name, "not a valid cookie name")
	}
	return v
}

// list reads a comma-separated variable: each entry trimmed and put
// through norm when it is not nil, empty ones skipped, the others through
// check, which returns the entry as kept or why it is refused.
func (p *parser) list(name string, norm func(string) string, check func(string) (string, error)) []string {
	var out []string
	for _, v := range strings.Split(p.getenv(name), ",") {
		if v = strings.TrimSpace(v); norm != nil {
			v = norm(v)
		}
		if v == "" {
			continue
		}
		kept, err := check(v)
		if err != nil {
			p.fail(name, "%w", err)
			continue
		}
		out = append(out, kept)
	}
	return out
}

// origin reads a scheme://host[:port] value, normalised as apigw compares
// it with a request's Origin. Plain http is refused unless the host is
// loopback (a local storefront): no browser on the internet should be
// trusted over clear text.
func origin(o string) (string, error) {
	norm, err := apigw.NormalizeOrigin(o)
	if err != nil {
		return "", fmt.Errorf("%q is not an origin such as https://shop.example.com (scheme://host[:port], nothing else)", o)
	}
	if u, _ := url.Parse(norm); u.Scheme == "http" && !isLoopback(u.Hostname()) {
		return "", fmt.Errorf("%q is plain http to a host that is not loopback; use https", o)
	}
	return norm, nil
}

// isLoopback reports whether host is localhost or a loopback address.
func isLoopback(host string) bool {
	ip := net.ParseIP(host)
	return host == "localhost" || (ip != nil && ip.IsLoopback())
}
