package handler

import (
	"net"
	"net/url"
	"slices"
	"strings"
)

// checkAccountURL decides whether AccountManagementUrl may be followed: an
// absolute https URL with a host, no user-info, no control characters and,
// when hosts are configured, an exact allowed host. Plain http is allowed
// for loopback hosts only (local runs). It returns the host it found, the
// one part of the URL that may be logged, and an errUnsafeURL when the URL
// may not be followed.
func checkAccountURL(raw string, allowedHosts []string) (host string, err error) {
	for i := 0; i < len(raw); i++ {
		if raw[i] < 0x20 || raw[i] == 0x7f {
			return "", errUnsafeURL{"control character"}
		}
	}
	u, err := url.Parse(raw)
	if err != nil {
		return "", errUnsafeURL{"not a URL"}
	}
	host = strings.ToLower(u.Hostname())
	switch {
	case host == "":
		return host, errUnsafeURL{"no host"}
	case u.User != nil:
		return host, errUnsafeURL{"user-info in URL"}
	case u.Scheme == "http" && !isLoopback(host):
		return host, errUnsafeURL{"plain http to a non-loopback host"}
	case u.Scheme != "https" && u.Scheme != "http":
		return host, errUnsafeURL{"scheme not allowed"}
	case len(allowedHosts) > 0 && !slices.ContainsFunc(allowedHosts, func(h string) bool { return strings.EqualFold(h, host) }):
		return host, errUnsafeURL{"host " + host + " not in REDIRECT_ALLOWED_HOSTS"}
	}
	return host, nil
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
