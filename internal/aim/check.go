package aim

// The checks NewClient applies to the URLs and hosts in Options, one
// option at a time, for a caller that reports configuration problems
// itself before it builds a Client. They use NewClient's own rules, so a
// value they accept NewClient accepts too.

// CheckServiceURL reports whether raw may be Options.ServiceURL: an
// absolute https URL (plain http only to a loopback host) without user
// info, query or fragment.
func CheckServiceURL(raw string) error {
	_, err := checkEndpoint(raw, nil)
	return err
}

// CheckEndpointHost reports whether entry may be in Options.EndpointHosts:
// "host", "host:port" or ".domain" (an empty entry is ignored).
func CheckEndpointHost(entry string) error {
	_, err := parseHostPatterns([]string{entry})
	return err
}

// CheckEndpointURL reports whether raw may be Options.EndpointURL beside
// Options.EndpointHosts hosts: the rules of a discovered endpoint (https,
// plain http only to a loopback host, and a listed host when hosts is not
// empty). Entries CheckEndpointHost refuses are left out of the list.
func CheckEndpointURL(raw string, hosts []string) error {
	patterns, _ := parseHostPatterns(hosts)
	_, err := checkEndpoint(raw, patterns)
	return err
}
