package apigw

import (
	"errors"
	"net"
	"net/url"
	"strconv"
	"strings"
)

// errNotOrigin is a value that is not scheme://host[:port].
var errNotOrigin = errors.New("not an origin such as https://shop.example.com")

// defaultPorts are the ports an origin leaves out.
var defaultPorts = map[string]string{"https": "443", "http": "80"}

// NormalizeOrigin returns an http(s) origin as the function compares
// origins: scheme and host in lower case, the scheme's default port
// dropped (https://Shop.example.com:443 is https://shop.example.com). A
// value that is not scheme://host[:port] in printable ASCII (a path, a
// query, user-info, a port that is not 1-65535, "null") is an error.
func NormalizeOrigin(s string) (string, error) {
	if strings.ContainsFunc(s, func(r rune) bool { return r <= 0x20 || r >= 0x7f }) {
		return "", errNotOrigin
	}
	u, err := url.Parse(s)
	if err != nil || u.Opaque != "" || u.User != nil || u.Path != "" || u.RawQuery != "" || u.ForceQuery || u.Fragment != "" || strings.HasSuffix(s, "#") {
		return "", errNotOrigin
	}
	scheme := strings.ToLower(u.Scheme)
	host := strings.ToLower(u.Hostname())
	if _, ok := defaultPorts[scheme]; !ok || host == "" {
		return "", errNotOrigin
	}
	port := u.Port()
	if strings.HasSuffix(u.Host, ":") {
		return "", errNotOrigin // a colon with no port
	}
	if port != "" {
		n, err := strconv.Atoi(port)
		if err != nil || n < 1 || n > 65535 {
			return "", errNotOrigin
		}
		port = strconv.Itoa(n)
	}
	if port == "" || port == defaultPorts[scheme] {
		if strings.Contains(host, ":") {
			host = "[" + host + "]"
		}
		return scheme + "://" + host, nil
	}
	return scheme + "://" + net.JoinHostPort(host, port), nil
}
