package apigw

import (
	"net/http"
	"net/netip"
	"net/url"
	"slices"
	"strings"
)

// Options are the rules from configuration that parsing and answering follow.
type Options struct {
	TokenCookie      string   // cookie carrying the customer token; "" for none
	AllowedOrigins   []string // origins answered with CORS headers and preflights, compared normalised
	ErrorRedirectURL *url.URL // page redirect-mode errors go to; nil: problem+json
	TrustedProxies   []string // CIDR networks of callers whose X-Forwarded-For names the client
}

// Mapper parses events into requests and builds the answers to them, under
// one set of Options. Build it with NewMapper.
type Mapper struct {
	opts    Options
	origins []string // the allowed origins, normalised
}

// NewMapper builds a Mapper. The allowed origins are compared as
// NormalizeOrigin writes them; one it refuses can never match and is left
// out (configuration refuses such a value before it gets here).
func NewMapper(opts Options) *Mapper {
	m := &Mapper{opts: opts}
	for _, o := range opts.AllowedOrigins {
		if n, err := NormalizeOrigin(o); err == nil {
			m.origins = append(m.origins, n)
		}
	}
	return m
}

// SyntheticHeader marks the stack's own checks (README, Safe rollout). Anyone
// may send it: a forger only takes his own click out of the click metrics.
const SyntheticHeader = "Synthetic-Check"

// Request is everything the handler needs from one event, read once.
type Request struct {
	Format    Format // the payload format, answered in
	Method    string // upper-case
	RequestID string // API Gateway's requestContext.requestId
	Client    string // the address the client limit counts, see client
	CrossSite bool   // a browser marked the request cross-site (Sec-Fetch-Site)
	Origin    string // the Origin header when it is an allowed origin; "" otherwise
	WantsJSON bool   // the caller asked for JSON rather than a redirect
	Synthetic bool   // sent SyntheticHeader: one of the stack's own checks, no customer
	Call      Call   // the AIM call a GET asks for
	// Err is why the request cannot be served, to be answered: a
	// *RequestError, or an error wrapping ErrUnknownFormat when the payload
	// is no API Gateway event. Nil for a GET to call AIM with and for a
	// preflight from an allowed origin.
	Err error
}

// Parse reads an event once: its format, method and origin, then for a
// GET whether JSON is wanted and the AIM call, for an OPTIONS whether the
// origin may preflight. It does no I/O and never panics on any input.
func (m *Mapper) Parse(payload []byte) Request {
	ev, err := decode(payload)
	if err != nil {
		return Request{Format: ev.Format, Err: err}
	}
	site, _ := ev.Header("sec-fetch-site")
	req := Request{Format: ev.Format, Method: ev.Method, RequestID: ev.RequestID, Client: m.client(ev), CrossSite: site == "cross-site", Origin: m.allowedOrigin(ev)}
	_, n := ev.Header(SyntheticHeader)
	req.Synthetic = n > 0
	switch req.Method {
	case http.MethodGet:
		req.WantsJSON, req.Err = wantsJSON(ev)
		if req.Err != nil {
			// A broken format parameter is answered as JSON was asked.
			req.WantsJSON = true
			return req
		}
		req.Call, req.Err = parseCall(ev, m.opts.TokenCookie)
	case http.MethodOptions:
		if req.Origin == "" {
			req.Err = &RequestError{Code: CodeOriginNotAllowed, Param: "Origin"}
		}
	default:
		req.Err = &RequestError{Code: CodeMethodNotAllowed, Param: "method"}
	}
	return req
}

// allowedOrigin returns the request's Origin, as sent, when it was sent
// once and is one of the allowed origins once both are normalised.
func (m *Mapper) allowedOrigin(ev event) string {
	origin, n := ev.Header("origin")
	if norm, err := NormalizeOrigin(origin); n != 1 || err != nil || !slices.Contains(m.origins, norm) {
		return ""
	}
	return origin
}

// client is sourceIp or, behind trusted proxies (which, like HTTP APIs,
// append their caller), the rightmost X-Forwarded-For entry not one of them.
func (m *Mapper) client(ev event) string {
	addr := ev.SourceIP
	hops := strings.FieldsFunc(strings.Join(ev.Headers["x-forwarded-for"], ","), func(r rune) bool { return r == ',' || r == ' ' })
	for i := len(hops) - 1; addr != "" && i >= 0 && m.trusted(addr); i-- {
		addr = hops[i]
	}
	return addr
}

func (m *Mapper) trusted(addr string) bool {
	a, err := netip.ParseAddr(addr)
	return err == nil && slices.ContainsFunc(m.opts.TrustedProxies, func(n string) bool {
		p, err := netip.ParsePrefix(n)
		return err == nil && p.Contains(a.Unmap())
	})
}
