// Package aim is a small client for Tri-Tech AIM's AeServices30 web service (a
// ServiceStack API): endpoint discovery (GetEndPoint) and CustomerAccessToken.
//
// Every failure is an *Error whose Kind tells the caller how to answer. Error
// texts never carry the ApiKey, OAuthToken, customer token or a request URL.
package aim

import (
	"cmp"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Header names AIM reads, spelled as AIM's metadata pages spell them. They are
// set without canonicalization so the wire shows that spelling; HTTP itself
// compares header names case-insensitively.
const (
	headerAPIKey     = "ApiKey"
	headerAppID      = "AppId"
	headerOAuthToken = "OAuthToken"
	headerToken      = "Token"
	headerDeviceID   = "DeviceId"
)

// maxBodyBytes bounds an answer's body; a larger body is an upstream error.
const maxBodyBytes = 1 << 20

// Options configures a Client.
type Options struct {
	// HTTPClient sends the requests. Nil: NewClient builds one over its own
	// keep-alive Transport (see newTransport) with no client-level Timeout
	// (per-call timeouts come from Timeout and ctx). The Client never
	// follows redirects, whichever HTTPClient it uses: a redirect would
	// carry the ApiKey, OAuthToken and Token headers to another host.
	HTTPClient *http.Client
	// ServiceURL is the AeServices30 base, e.g.
	// "https://active-ewebservice.biz/aeservices30"; GetEndPoint is
	// ServiceURL+"/api/GetEndPoint". It must be an absolute https URL (plain
	// http only to a loopback host) without user info, query or fragment.
	ServiceURL string
	// EndpointURL, when set, replaces the discovered NewEndpointDomain (the
	// OAuthToken still comes from GetEndPoint). It must pass the same checks
	// as a discovered endpoint (see EndpointHosts).
	EndpointURL string
	// EndpointHosts, when not empty, lists the hosts an endpoint may have:
	// "host" (or "host:port") exactly, ".example.com" for every host below
	// example.com, case-insensitively; an entry without a port allows any
	// port. Whatever the list, an endpoint must be https (plain http only to
	// localhost, 127.0.0.0/8 or ::1); a discovered endpoint that fails is an
	// upstream error and gets no request.
	EndpointHosts []string
	// AppID is the AIM AppId of this integration. Required.
	AppID string
	// Timeout bounds one call, the transport's replay included (default
	// 4s); the ctx deadline wins if sooner.
	Timeout time.Duration
}

// Client calls AIM. It is safe for concurrent use; build one and share it.
type Client struct {
	httpClient    *http.Client
	serviceURL    string
	endpointURL   string
	endpointHosts []hostPattern
	appID         string
	timeout       time.Duration
	dialled       sync.Map // scheme://host → chan struct{} closed when DialAhead's handshake is over
}

// NewClient returns a Client for opts, or one error joining an *OptionError
// for every invalid option: it is where the URL, port and host rules of
// AIM's hosts are checked.
func NewClient(opts Options) (*Client, error) {
	hosts, err := opts.validate()
	if err != nil {
		return nil, err
	}
	timeout := cmp.Or(opts.Timeout, 4*time.Second)
	hc := http.Client{Transport: newTransport(timeout)}
	if opts.HTTPClient != nil {
		hc = *opts.HTTPClient
	}
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &Client{
		httpClient:    &hc,
		serviceURL:    strings.TrimRight(opts.ServiceURL, "/"),
		endpointURL:   strings.TrimRight(opts.EndpointURL, "/"),
		endpointHosts: hosts,
		appID:         opts.AppID,
		timeout:       timeout,
	}, nil
}

// validate reports every problem of o at once, each an *OptionError, and
// returns the parsed EndpointHosts.
func (o Options) validate() ([]hostPattern, error) {
	var errs []error
	fail := func(option string, err error) { errs = append(errs, &OptionError{Option: option, Err: err}) }
	// ServiceURL is AIM's host, not the store's: no allow-list.
	if _, err := checkEndpoint(o.ServiceURL, nil); err != nil {
		fail("ServiceURL", err)
	}
	hosts, err := parseHostPatterns(o.EndpointHosts)
	if err != nil {
		fail("EndpointHosts", err)
	}
	if o.EndpointURL != "" {
		if _, err := checkEndpoint(o.EndpointURL, hosts); err != nil {
			fail("EndpointURL", err)
		}
	}
	if strings.TrimSpace(o.AppID) == "" {
		fail("AppID", errors.New("required"))
	}
	if o.Timeout < 0 {
		fail("Timeout", errors.New("must not be negative"))
	}
	return hosts, errors.Join(errs...)
}

// OptionError is an option NewClient refuses, named as Options names it.
type OptionError struct {
	Option string
	Err    error
}

func (e *OptionError) Error() string { return "aim: option " + e.Option + ": " + e.Err.Error() }

func (e *OptionError) Unwrap() error { return e.Err }

// parseBaseURL accepts an absolute http or https URL with a host and without
// user info, query or fragment. Its errors do not repeat the URL.
func parseBaseURL(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	switch {
	case err != nil, u.Scheme != "http" && u.Scheme != "https", u.Host == "":
		return nil, errors.New("must be an absolute http or https URL")
	case u.User != nil, u.RawQuery != "", u.Fragment != "":
		return nil, errors.New("must not have user info, a query or a fragment")
	case !ValidPort(u.Port()):
		return nil, errors.New("must have a port from 1 to 65535, if any")
	}
	return u, nil
}

// ValidPort reports whether port, from a URL, is empty or 1-65535: any
// other can never be dialled. It is the one port rule of the function.
func ValidPort(port string) bool {
	n, err := strconv.Atoi(port)
	return port == "" || err == nil && n >= 1 && n <= 65535 && strings.Trim(port, "0123456789") == ""
}

// newTransport is http.DefaultTransport (HTTP/2 when the server offers it,
// proxies from the environment) keeping one connection per host, idle for
// at most 90 s by the wall clock, so time spent frozen counts: below the
// idle timeouts that drop a connection on the way to AIM without a word. A
// connection that stops answering without a word costs one call: over
// HTTP/1.1 the call that times out closes it; over HTTP/2, where a call
// that times out leaves it open, a PING unanswered within half the call's
// timeout of the last frame read closes it, before that call ends. The
// Client adds no replay to net/http's, so with one connection per host a
// call reaches AIM at most twice. See the README's "Credentials over time"
// (Connections, At most one replay).
func newTransport(timeout time.Duration) *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxConnsPerHost = 1
	t.MaxIdleConnsPerHost = 1
	t.IdleConnTimeout = 90 * time.Second
	t.HTTP2 = &http.HTTP2Config{SendPingTimeout: timeout / 4, PingTimeout: timeout / 4}
	return t
}
