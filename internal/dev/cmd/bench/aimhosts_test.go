package main

import (
	"crypto/tls"
	"net/http"
	"net/http/httptrace"
	"testing"
	"time"

	"github.com/aimcards/customer-access-token/internal/aim"
	"github.com/aimcards/customer-access-token/internal/dev/aimsandbox"
)

// The AIM hosts are reached the way the function reaches them: discovery on the
// service host names the store host, both over TLS that trusts the test CA,
// over HTTP/2 (the default) or HTTP/1.1 only; the proxies count the same round
// trips either way.
func TestAIMHostsServeDiscoveryAndTheStore(t *testing.T) {
	t.Parallel()
	ca, err := newTestCA()
	if err != nil {
		t.Fatal(err)
	}
	for _, proto := range []string{"h2", "http/1.1"} {
		t.Run(proto, func(t *testing.T) {
			t.Parallel()
			a, err := startAIM(ca, "test-api-key", proto == "h2")
			if err != nil {
				t.Fatal(err)
			}
			defer a.close()
			// A round trip as on a network: the server's answer leaves before the
			// client's acknowledgement of what came first reaches the proxy.
			a.charge(20 * time.Millisecond)
			tr := &http.Transport{TLSClientConfig: ca.clientConfig(), ForceAttemptHTTP2: true}
			defer tr.CloseIdleConnections()
			c, err := aim.NewClient(aim.Options{HTTPClient: &http.Client{Transport: tr}, ServiceURL: a.service.url() + "/aeservices30", AppID: appID, Timeout: 5 * time.Second})
			if err != nil {
				t.Fatal(err)
			}
			var got string
			ctx := httptrace.WithClientTrace(t.Context(), &httptrace.ClientTrace{GotConn: func(i httptrace.GotConnInfo) {
				if tc, ok := i.Conn.(*tls.Conn); ok {
					got = tc.ConnectionState().NegotiatedProtocol
				}
			}})
			ep, err := c.GetEndPoint(ctx, "test-api-key")
			if err != nil {
				t.Fatal(err)
			}
			if got != proto {
				t.Errorf("negotiated %q, want %q", got, proto)
			}
			if ep.URL != a.store.url() {
				t.Errorf("NewEndpointDomain: got %q, want the store host %q", ep.URL, a.store.url())
			}
			creds := aim.Credentials{APIKey: "test-api-key", Endpoint: ep}
			for range 2 {
				if _, err := c.CustomerAccessToken(t.Context(), creds, aim.AccessTokenRequest{Token: aimsandbox.TestCustomerToken}); err != nil {
					t.Fatal(err)
				}
			}
			// A new HTTPS connection's first request is 3 round trips (TCP, TLS 1.3,
			// request), each later one on it 1.
			if got := a.service.rt.tally().roundTrips(); got != 3 {
				t.Errorf("service host: got %v round trips, want 3", got)
			}
			if got := a.store.rt.tally(); got.conns != 1 || got.roundTrips() != 4 {
				t.Errorf("store host: got %d connections and %v round trips, want 1 and 4", got.conns, got.roundTrips())
			}
		})
	}
}

func TestRenameDomain(t *testing.T) {
	tests := []struct{ name, body, want string }{
		{"renames both, keeps the rest",
			`{"NewEndpointDomain":"http://a","NewEndpoint":"http://a/api","OAuthToken":"t"}`,
			`{"NewEndpoint":"https://store/api","NewEndpointDomain":"https://store","OAuthToken":"t"}`},
		{"no domain: unchanged", `{"OAuthToken":"t"}`, `{"OAuthToken":"t"}`},
		{"not JSON: unchanged", `<html>`, `<html>`},
	}
	for _, tt := range tests {
		if got := string(renameDomain([]byte(tt.body), "https://store")); got != tt.want {
			t.Errorf("%s: got %s, want %s", tt.name, got, tt.want)
		}
	}
}
