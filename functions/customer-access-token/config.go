package main

import (
	"cmp"
	"errors"
	"fmt"
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
	EndpointHosts        []string      // AIM_ENDPOINT_HOSTS, as written
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
	c := config{
		SecretID:             p.required("AIM_API_KEY_SECRET_ID"),
		SecretField:          getenv("AIM_API_KEY_SECRET_FIELD"),
		AppID:                p.required("AIM_APP_ID"),
		ServiceURL:           cmp.Or(strings.TrimSpace(getenv("AIM_SERVICE_URL")), "https://active-ewebservice.biz/aeservices30"),
		EndpointURL:          strings.TrimSpace(getenv("AIM_ENDPOINT_URL")),
		AIMTimeout:           p.duration("AIM_TIMEOUT", 4*time.Second, 60*time.Second),
		CacheTTL:             p.duration("CACHE_TTL", 5*time.Minute, 24*time.Hour),
		TokenCookie:          p.cookieName("TOKEN_COOKIE"),
		AllowedOrigins:       p.list("ALLOWED_ORIGINS", origin),
		ErrorRedirectURL:     p.page("ERROR_REDIRECT_URL"),
		RedirectAllowedHosts: p.list("REDIRECT_ALLOWED_HOSTS", handler.AllowedHost),
		EndpointHosts:        p.list("AIM_ENDPOINT_HOSTS", func(h string) (string, error) { return h, nil }),
		StaleMax:             p.duration("STALE_MAX", time.Hour, 7*24*time.Hour),
		FailureBackoff:       p.duration("FAILURE_BACKOFF", 5*time.Second, time.Minute),
		ClientLimitTable:     p.tableName("CLIENT_LIMIT_TABLE"),
		ClientLimit:          p.count("CLIENT_LIMIT", 5, 1000),
		ClientLimitWindow:    p.duration("CLIENT_LIMIT_WINDOW", time.Minute, time.Hour),
		TrustedProxies:       p.list("TRUSTED_PROXIES", func(s string) (string, error) { n, err := netip.ParsePrefix(s); return n.Masked().String(), err }),
	}
	// The AIM client checks its URLs and hosts: configuration names the
	// variable behind each option it refuses (AIM_APP_ID is checked above).
	checked := c.aimOptions()
	checked.AppID = cmp.Or(c.AppID, "-")
	if _, err := aim.NewClient(checked); err != nil {
		list := []error{err}
		if joined, ok := err.(interface{ Unwrap() []error }); ok {
			list = joined.Unwrap()
		}
		for _, err := range list {
			// An error of no option is reported as it is, never dropped.
			if o := (*aim.OptionError)(nil); errors.As(err, &o) && aimVars[o.Option] != "" {
				p.fail(aimVars[o.Option], "%w", o.Err)
			} else {
				p.problems = append(p.problems, err)
			}
		}
	}
	return c, errors.Join(p.problems...)
}

// aimVars names the variable behind each AIM client option it sets.
var aimVars = map[string]string{"ServiceURL": "AIM_SERVICE_URL", "EndpointURL": "AIM_ENDPOINT_URL", "EndpointHosts": "AIM_ENDPOINT_HOSTS"}

// aimOptions are the AIM client's options.
func (c config) aimOptions() aim.Options {
	return aim.Options{ServiceURL: c.ServiceURL, EndpointURL: c.EndpointURL, EndpointHosts: c.EndpointHosts, AppID: c.AppID, Timeout: c.AIMTimeout}
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

// page reads the absolute http(s) URL of a web page, query and fragment
// allowed, no user-info; nil when unset or invalid.
func (p *parser) page(name string) *url.URL {
	v := strings.TrimSpace(p.getenv(name))
	if v == "" {
		return nil
	}
	u, err := url.Parse(v)
	switch {
	case err != nil, u.Host == "", u.Scheme != "https" && u.Scheme != "http":
		p.fail(name, "want an absolute http(s) URL")
	case u.User != nil:
		p.fail(name, "must not carry user-info")
	case !aim.ValidPort(u.Port()):
		p.fail(name, "want a port from 1 to 65535")
	default:
		return u
	}
	return nil
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
	if v != "" && (len(v) < 3 || len(v) > 255 || !dynamoDBTableName.MatchString(v)) {
		p.fail(name, "%q is not a DynamoDB table name (3 to 255 letters, digits, _ . -)", v)
	}
	return v
}

// dynamoDBTableName holds the characters; tableName checks the length
// beside it, since a {3,255} repeat compiles into 255 states at every
// start (0.66 ms of CPU, README: Where the CPU of init goes).
var dynamoDBTableName = regexp.MustCompile(`^[A-Za-z0-9_.-]+$`)

// cookieName reads a cookie name; "" is none.
func (p *parser) cookieName(name string) string {
	v := strings.TrimSpace(p.getenv(name))
	if v != "" && (&http.Cookie{Name: v, Value: "x"}).Valid() != nil {
		p.fail(name, "not a valid cookie name")
	}
	return v
}

// list reads a comma-separated variable: each entry trimmed, empty ones
// skipped, the others through check, which returns the entry as kept or
// why it is refused.
func (p *parser) list(name string, check func(string) (string, error)) []string {
	var out []string
	for _, v := range strings.Split(p.getenv(name), ",") {
		if v = strings.TrimSpace(v); v == "" {
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

// origin reads a scheme://host[:port] value, a trailing slash allowed,
// normalised as apigw compares it with a request's Origin. Plain http is
// refused unless the host is loopback (a local storefront): no browser on
// the internet should be trusted over clear text.
func origin(o string) (string, error) {
	norm, err := apigw.NormalizeOrigin(strings.TrimSuffix(o, "/"))
	if err != nil {
		return "", fmt.Errorf("%q is not an origin such as https://shop.example.com (scheme://host[:port], nothing else)", o)
	}
	if u, _ := url.Parse(norm); u.Scheme == "http" && !aim.IsLoopback(u.Hostname()) {
		return "", fmt.Errorf("%q is plain http to a host that is not loopback; use https", o)
	}
	return norm, nil
}
