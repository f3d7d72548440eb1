package aim

// The checks NewClient applies to the URLs and hosts in Options, one
// option at a time, for a caller that reports configuration problems
// itself before it builds a Client. They use NewClient's own rules, so a
// value they accept NewClient accepts too.

// CheckServiceURL reports whether raw may be Options.ServiceURL.
func CheckServiceURL(raw string) error {
	_, err := checkEndpoint(raw, nil)
	return err
}

// CheckEndpointHost reports whether entry may be in Options.EndpointHosts
// (an empty entry is ignored).
func CheckEndpointHost(entry string) error {
	_, err := parseHostPatterns([]string{entry})
	return err
}

// CheckEndpointURL reports whether raw may be Options.EndpointURL beside
// Options.EndpointHosts hosts. Entries CheckEndpointHost refuses are left
// out of the list.
func CheckEndpointURL(raw string, hosts []string) error {
	patterns, _ := parseHostPatterns(hosts)
	_, err := checkEndpoint(raw, patterns)
	return err
}
