package aim_test

import (
	"context"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/aimcards/customer-access-token/internal/aim"
)

func TestNewClientValidates(t *testing.T) {
	valid := aim.Options{ServiceURL: "https://active-ewebservice.biz/aeservices30", AppID: appID}
	tests := []struct {
		name    string
		edit    func(*aim.Options)
		wantErr []string // each must appear in the error; nil: no error
	}{
		{"minimal", func(*aim.Options) {}, nil},
		{"http loopback and a pinned endpoint", func(o *aim.Options) {
			o.ServiceURL, o.EndpointURL = "http://127.0.0.1:8080/", "https://10846.active-e.net:7890"
		}, nil},
		{"empty ServiceURL", func(o *aim.Options) { o.ServiceURL = "" }, []string{"ServiceURL"}},
		{"relative ServiceURL", func(o *aim.Options) { o.ServiceURL = "aeservices30" }, []string{"ServiceURL"}},
		{"ftp ServiceURL", func(o *aim.Options) { o.ServiceURL = "ftp://a.example" }, []string{"ServiceURL"}},
		{"plain http ServiceURL to a public host", func(o *aim.Options) { o.ServiceURL = "http://active-ewebservice.biz/aeservices30" }, []string{"ServiceURL: plain http"}},
		{"ServiceURL with user info", func(o *aim.Options) { o.ServiceURL = "https://u:hunter2@a.example" }, []string{"ServiceURL"}},
		{"ServiceURL with a query", func(o *aim.Options) { o.ServiceURL = "https://a.example/?k=v" }, []string{"ServiceURL"}},
		{"bad EndpointURL", func(o *aim.Options) { o.EndpointURL = "10846.active-e.net" }, []string{"EndpointURL"}},
		{"ServiceURL on port 0", func(o *aim.Options) { o.ServiceURL = "https://a.example:0" }, []string{"ServiceURL: must have a port from 1 to 65535"}},
		{"host entries with a scheme, a path, user info", func(o *aim.Options) {
			o.EndpointHosts = []string{" ", ".active-e.net", "https://store.example", "store.example/x", "me@store.example"}
		}, []string{`EndpointHosts: "https://store.example" is not a host`, `"store.example/x"`, `"me@store.example"`}},
		{"EndpointURL outside EndpointHosts", func(o *aim.Options) {
			o.EndpointURL, o.EndpointHosts = "https://store.example:8443", []string{"store.example:443"}
		}, []string{"EndpointURL: host store.example is not an allowed endpoint host"}},
		{"no AppID", func(o *aim.Options) { o.AppID = " " }, []string{"AppID"}},
		{"negative Timeout", func(o *aim.Options) { o.Timeout = -1 }, []string{"Timeout"}},
		{"every problem at once", func(o *aim.Options) {
			*o = aim.Options{ServiceURL: "x", EndpointURL: "y", Timeout: -1}
		}, []string{"ServiceURL", "EndpointURL", "AppID", "Timeout"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := valid
			tt.edit(&opts)
			c, err := aim.NewClient(opts)
			if tt.wantErr == nil {
				if err != nil || c == nil {
					t.Fatalf("got (%v, %v), want a client", c, err)
				}
				return
			}
			if err == nil {
				t.Fatalf("got no error, want one naming %v", tt.wantErr)
			}
			for _, w := range tt.wantErr {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("got error %q, want it to name %s", err, w)
				}
			}
			if strings.Contains(err.Error(), "hunter2") {
				t.Errorf("got error %q, want no password in it", err)
			}
		})
	}
}

// roundTripFunc is a hand-written http.RoundTripper.
type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestNewClientUsesGivenHTTPClientWithoutChangingIt(t *testing.T) {
	f := newFakeAIM(t, reply{status: 302, header: map[string]string{"Location": "/moved"}})
	var trips atomic.Int32
	hc := &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		trips.Add(1)
		return http.DefaultTransport.RoundTrip(r)
	})}
	c := newClient(t, f.URL, func(o *aim.Options) { o.HTTPClient = hc })
	_, err := c.CustomerAccessToken(context.Background(), credsFor(f), aim.AccessTokenRequest{Token: custToken})
	checkError(t, err, aim.Error{Op: "CustomerAccessToken", Kind: aim.KindUpstream, HTTPStatus: 302})
	if got := trips.Load(); got != 1 {
		t.Errorf("got %d round trips through the given client, want 1 (redirect not followed)", got)
	}
	if hc.CheckRedirect != nil {
		t.Errorf("got the given client's CheckRedirect set, want it left alone")
	}
}
