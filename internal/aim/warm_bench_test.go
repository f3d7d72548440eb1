package aim_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/aimcards/customer-access-token/internal/aim"
)

// accessTokenBody is a CustomerAccessToken answer as AIM shapes it.
const accessTokenBody = `{"Token":"at-4f1c9e2b7a","AccountManagementUrl":"https://10846.active-e.net:7890/AccountManagement?at=at-4f1c9e2b7a",` +
	`"Status":{"StatusCode":"Success","Login":"","ErrorCode":"","ErrorDisplayText":"","ErrorMessage":"","DomainName":"10846.active-e.net","IpAddress":"203.0.113.7"}}`

// warmServer answers every request with accessTokenBody over keep-alive HTTP.
func warmServer(b *testing.B) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, accessTokenBody)
	}))
	b.Cleanup(srv.Close)
	return srv
}

// BenchmarkCustomerAccessTokenWarm is one warm CustomerAccessToken call:
// the client's own work plus a keep-alive round trip on loopback. Compare
// with BenchmarkBareRoundTrip: the difference is the client's own work.
func BenchmarkCustomerAccessTokenWarm(b *testing.B) {
	srv := warmServer(b)
	c, err := aim.NewClient(aim.Options{ServiceURL: srv.URL, AppID: appID, Timeout: 4 * time.Second})
	if err != nil {
		b.Fatal(err)
	}
	creds := aim.Credentials{APIKey: apiKey, Endpoint: aim.Endpoint{URL: srv.URL, OAuthToken: oauthToken}}
	req := aim.AccessTokenRequest{Mode: "ADD_CUSTOMER_CARD", Token: custToken, DeviceID: "device-1"}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.CustomerAccessToken(ctx, creds, req); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBareRoundTrip is the same GET with net/http alone: the floor a
// warm call cannot go below.
func BenchmarkBareRoundTrip(b *testing.B) {
	srv := warmServer(b)
	hc := &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}
	url := srv.URL + "/api/CustomerAccessToken?Mode=ADD_CUSTOMER_CARD"
	b.ReportAllocs()
	for b.Loop() {
		resp, err := hc.Get(url)
		if err != nil {
			b.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
}
