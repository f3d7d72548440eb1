package aim_test

import (
	"context"
	"strings"
	"testing"

	"github.com/aimcards/customer-access-token/internal/aim"
)

// TestGetEndPointChecksDiscoveredEndpoint runs discovery against a real
// server that names each endpoint in turn: a refused one is an upstream
// error whose text names the host only. (That no request then goes to it is
// checked through the whole function, in internal/dev/localrun.)
func TestGetEndPointChecksDiscoveredEndpoint(t *testing.T) {
	store := newFakeAIM(t, reply{body: `{}`}) // a loopback endpoint
	storeHost := strings.TrimPrefix(store.URL, "http://")
	tests := []struct {
		name    string
		domain  string
		hosts   []string // Options.EndpointHosts
		wantURL string   // "": refused
	}{
		{"https public host", "https://10846.active-e.net:7890", nil, "https://10846.active-e.net:7890"},
		{"http public host", "http://10846.active-e.net:7890", nil, ""},
		{"http host that only looks local", "http://localhost.evil.example", nil, ""},
		{"http localhost", "http://LOCALHOST:7890", nil, "http://LOCALHOST:7890"},
		{"http 127.0.0.0/8", "http://127.3.4.5:7890", nil, "http://127.3.4.5:7890"},
		{"http ::1", "http://[::1]:7890", nil, "http://[::1]:7890"},
		{"http loopback server", store.URL, nil, store.URL},
		{"ws scheme", "ws://10846.active-e.net", nil, ""},
		{"exact host, any port", "https://10846.Active-E.net:7890", []string{"10846.active-e.net"}, "https://10846.Active-E.net:7890"},
		{"exact host, other host", "https://10847.active-e.net:7890", []string{"10846.active-e.net"}, ""},
		{"exact host is not a suffix", "https://a.10846.active-e.net", []string{"10846.active-e.net"}, ""},
		{"suffix", "https://10846.active-e.net:7890", []string{"other.example", ".ACTIVE-E.NET"}, "https://10846.active-e.net:7890"},
		{"suffix is not the bare domain", "https://active-e.net", []string{".active-e.net"}, ""},
		{"suffix needs a dot boundary", "https://evilactive-e.net", []string{".active-e.net"}, ""},
		{"port given, default port dropped", "https://store.example:443", []string{"store.example:443"}, "https://store.example:443"},
		{"port given, no port in URL", "https://store.example", []string{"store.example:443"}, "https://store.example"},
		{"port given, other port", "https://store.example:7890", []string{"store.example:443"}, ""},
		{"loopback outside the list", store.URL, []string{".active-e.net"}, ""},
		{"loopback in the list", store.URL, []string{storeHost}, store.URL},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			svc := newFakeAIM(t, reply{body: `{"NewEndpointDomain":"` + tt.domain + `","OAuthToken":"` + oauthToken + `"}`})
			c := newClient(t, svc.URL, func(o *aim.Options) { o.EndpointHosts = tt.hosts })
			got, err := c.GetEndPoint(context.Background(), apiKey)
			if tt.wantURL != "" {
				if err != nil || got.URL != tt.wantURL {
					t.Fatalf("got (%q, %v), want %q", got.URL, err, tt.wantURL)
				}
				return
			}
			checkError(t, err, aim.Error{Op: aim.OpGetEndPoint, Kind: aim.KindUpstream, HTTPStatus: 200})
			if got != (aim.Endpoint{}) {
				t.Errorf("got endpoint %+v, want none", got)
			}
			if err != nil && (!strings.Contains(err.Error(), "NewEndpointDomain refused") || strings.Contains(err.Error(), oauthToken)) {
				t.Errorf("got error %q, want it to say the endpoint was refused, without the OAuthToken", err)
			}
		})
	}
}

func TestNewClientChecksPinnedEndpoint(t *testing.T) {
	tests := []struct {
		name     string
		endpoint string
		hosts    []string
		wantErr  string // "": accepted
	}{
		{"https", "https://store.example", nil, ""},
		{"http loopback", "http://127.0.0.1:8080", nil, ""},
		{"http public", "http://store.example", nil, "EndpointURL: plain http to non-loopback host store.example"},
		{"in the list", "https://a.store.example", []string{".store.example"}, ""},
		{"outside the list", "https://evil.example", []string{".store.example"}, "EndpointURL: host evil.example is not an allowed endpoint host"},
		{"bad list entry", "", []string{"https://store.example/path"}, `EndpointHosts: "https://store.example/path" is not a host`},
		{"list entry with a path", "", []string{"store.example/x"}, "EndpointHosts"},
		{"empty list entries ignored", "https://store.example", []string{" ", "", "STORE.example"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := aim.NewClient(aim.Options{ServiceURL: "https://active-ewebservice.biz/aeservices30", AppID: appID,
				EndpointURL: tt.endpoint, EndpointHosts: tt.hosts})
			switch {
			case tt.wantErr == "" && err != nil:
				t.Errorf("got %v, want a client", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Errorf("got error %v, want one containing %q", err, tt.wantErr)
			}
		})
	}
}

func TestCustomerAccessTokenRefusesAnEndpointDiscoveryWould(t *testing.T) {
	store := newFakeAIM(t, reply{body: `{"AccountManagementUrl":"https://x.example/p"}`})
	tests := []struct {
		name  string
		url   string
		hosts []string
	}{
		{"plain http to a public host", "http://10846.active-e.net:7890", nil},
		{"loopback outside the list", store.URL, []string{".active-e.net"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newClient(t, "https://unused.invalid", func(o *aim.Options) { o.EndpointHosts = tt.hosts })
			creds := aim.Credentials{APIKey: apiKey, Endpoint: aim.Endpoint{URL: tt.url, OAuthToken: oauthToken}}
			_, err := c.CustomerAccessToken(context.Background(), creds, aim.AccessTokenRequest{Token: custToken})
			checkError(t, err, aim.Error{Op: aim.OpCustomerAccessToken, Kind: aim.KindUpstream})
		})
	}
	if n := store.calls(); n != 0 {
		t.Errorf("got %d requests to the refused endpoint, want 0", n)
	}
	c := newClient(t, "https://unused.invalid", func(o *aim.Options) { o.EndpointHosts = []string{strings.TrimPrefix(store.URL, "http://")} })
	if _, err := c.CustomerAccessToken(context.Background(), credsFor(store), aim.AccessTokenRequest{Token: custToken}); err != nil || store.calls() != 1 {
		t.Errorf("allowed endpoint: got %v after %d requests, want success after 1", err, store.calls())
	}
}
