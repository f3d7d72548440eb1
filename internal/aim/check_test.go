package aim_test

import (
	"errors"
	"testing"

	"github.com/aimcards/customer-access-token/internal/aim"
)

// TestChecksAgreeWithNewClient checks each exported check against the
// same value given to NewClient: both accept it or both refuse it, so a
// configuration the checks pass cannot fail at NewClient.
func TestChecksAgreeWithNewClient(t *testing.T) {
	const service = "https://active-ewebservice.biz/aeservices30"
	tests := []struct {
		name     string
		service  string
		endpoint string
		hosts    []string
		ok       bool
	}{
		{"https service", service, "", nil, true},
		{"http loopback service", "http://127.0.0.1:8080/aeservices30", "", nil, true},
		{"http public service", "http://active-ewebservice.biz/aeservices30", "", nil, false},
		{"service with a query", service + "?x=1", "", nil, false},
		{"ws service", "ws://active-ewebservice.biz", "", nil, false},
		{"host list", service, "", []string{".active-e.net", "store.example:8443", "[::1]", " "}, true},
		{"host entry with a scheme", service, "", []string{"https://store.example"}, false},
		{"host entry with a path", service, "", []string{"store.example/x"}, false},
		{"host entry with user info", service, "", []string{"me@store.example"}, false},
		{"pinned https", service, "https://store.example", nil, true},
		{"pinned http loopback", service, "http://localhost:9", nil, true},
		{"pinned http public", service, "http://store.example", nil, false},
		{"pinned inside the list", service, "https://10846.Active-E.net:7890", []string{".active-e.net"}, true},
		{"pinned outside the list", service, "https://evil.example", []string{".active-e.net"}, false},
		{"pinned on another port", service, "https://store.example:8443", []string{"store.example:443"}, false},
		{"pinned http inside the list", service, "http://store.example", []string{"store.example"}, false},
		{"pinned with a fragment", service, "https://store.example/#x", nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			errs := []error{aim.CheckServiceURL(tt.service)}
			for _, h := range tt.hosts {
				errs = append(errs, aim.CheckEndpointHost(h))
			}
			if tt.endpoint != "" {
				errs = append(errs, aim.CheckEndpointURL(tt.endpoint, tt.hosts))
			}
			checked := errors.Join(errs...)
			_, built := aim.NewClient(aim.Options{ServiceURL: tt.service, EndpointURL: tt.endpoint, EndpointHosts: tt.hosts, AppID: appID})
			if (checked == nil) != tt.ok {
				t.Errorf("checks: got %v, want accepted: %v", checked, tt.ok)
			}
			if (built == nil) != tt.ok {
				t.Errorf("NewClient: got %v, want accepted: %v", built, tt.ok)
			}
		})
	}
}
