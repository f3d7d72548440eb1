package aim_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/aimcards/customer-access-token/internal/aim"
)

func TestCustomerAccessTokenRejectsEndpointURL(t *testing.T) {
	f := newFakeAIM(t, reply{body: accessTokenBody})
	c := newClient(t, f.URL)
	for _, u := range []string{"", "ftp://h.example", "https://", "https://user:pw@h.example", "https://h.example/x?q=secret-q", "https://h.example/#secret-f", "https://h.example:bad"} {
		creds := aim.Credentials{APIKey: apiKey, Endpoint: aim.Endpoint{URL: u, OAuthToken: oauthToken}}
		_, err := c.CustomerAccessToken(context.Background(), creds, aim.AccessTokenRequest{Token: custToken})
		var e *aim.Error
		if !errors.As(err, &e) || e.Kind != aim.KindUpstream {
			t.Errorf("endpoint %q: got error %v, want an upstream *aim.Error", u, err)
			continue
		}
		if msg := err.Error(); strings.Contains(msg, "secret") || strings.Contains(msg, "h.example") {
			t.Errorf("endpoint %q: error %q repeats the URL", u, msg)
		}
	}
	if n := f.calls(); n != 0 {
		t.Errorf("got %d requests to AIM, want 0", n)
	}
}
