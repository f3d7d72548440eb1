package handler

import (
	"net"
	"net/url"
	"strings"
)

// checkAccountURL decides whether AccountManagementUrl may be followed: an
// absolute https URL with a host, no user-info, no control characters and,
// when hosts are configured, an exact allowed host. Plain http is allowed
// for loopback hosts only (local runs). Only the host is ever logged.
func checkAccountURL(raw string, allowedHosts []string, rec *record) error {
	for i := 0; i < len(raw); i++ {
		if raw[i] < 0x20 || raw[i] == 0x7f {
			return errUnsafeURL{"control character"}
		}
	}
	u, err := url.Parse(raw)
	if err != nil {
		return errUnsafeURL{"not a URL"}
	}
	host := strings.ToLower(u.Hostname())
	rec.urlHost = host
	switch {
	case host == "":
		return errUnsafeURL{"no host"}
	case u.User != nil:
		return errUnsafeURL{"user-info in URL"}
	case u.Scheme == "http" && !isLoopback(host):
		return errUnsafeURL{"plain http to a non-loopback host"}
	case u.Scheme != "https" && u.Scheme != "http":
		return errUnsafeURL{"scheme not allowed"}
	case len(allowedHosts) > 0 && !contains(allowedHosts, host):
		return errUnsafeURL{"host " + host + " not in REDIRECT_ALLOWED_HOSTS"}
	}
	return nil
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if strings.EqualFold(v, s) {
			return true
		}
	}
	return false
}
