package aim

import (
	"cmp"
	"errors"
	"fmt"
	"net"
	"net/url"
	"slices"
	"strings"
)

// hostPattern is one entry of Options.EndpointHosts.
type hostPattern struct {
	host string // lower-case; a leading dot makes it a domain suffix
	port string // "": any port
}

// parseHostPatterns reads Options.EndpointHosts.
func parseHostPatterns(list []string) ([]hostPattern, error) {
	var out []hostPattern
	var errs []error
	for _, raw := range list {
		s := strings.ToLower(strings.TrimSpace(raw))
		if s == "" {
			continue
		}
		u, err := url.Parse("//" + strings.TrimPrefix(s, "."))
		if err != nil || u.Hostname() == "" || u.User != nil || u.Path != "" || u.RawQuery != "" || u.Fragment != "" || !ValidPort(u.Port()) {
			errs = append(errs, fmt.Errorf("%q is not a host, host:port or .domain", raw))
			continue
		}
		p := hostPattern{host: u.Hostname(), port: u.Port()}
		if strings.HasPrefix(s, ".") {
			p.host = "." + p.host
		}
		out = append(out, p)
	}
	return out, errors.Join(errs...)
}

// match reports whether host (lower-case) and port (the effective one)
// fit p.
func (p hostPattern) match(host, port string) bool {
	if p.port != "" && p.port != port {
		return false
	}
	if strings.HasPrefix(p.host, ".") {
		return strings.HasSuffix(host, p.host) && len(host) > len(p.host)
	}
	return host == p.host
}

// checkEndpoint decides whether the store's ApiKey, the OAuthToken and the
// customer's token may be sent to the base URL raw (see parseBaseURL):
// https, or plain http to a loopback host (local runs), and, when allowed
// is not empty, a host it lists. Its errors name the host, never the rest
// of the URL.
func checkEndpoint(raw string, allowed []hostPattern) (*url.URL, error) {
	u, err := parseBaseURL(raw)
	if err != nil {
		return nil, err
	}
	host := strings.ToLower(u.Hostname())
	if u.Scheme == "http" && !IsLoopback(host) {
		return nil, fmt.Errorf("plain http to non-loopback host %s", host)
	}
	port := cmp.Or(u.Port(), map[string]string{"https": "443", "http": "80"}[u.Scheme])
	if len(allowed) > 0 && !slices.ContainsFunc(allowed, func(p hostPattern) bool { return p.match(host, port) }) {
		return nil, fmt.Errorf("host %s is not an allowed endpoint host", host)
	}
	return u, nil
}

// IsLoopback reports whether host is localhost, in 127.0.0.0/8 or ::1: the
// hosts plain http may reach (local runs). It is the one loopback rule of
// the function.
func IsLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
