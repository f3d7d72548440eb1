package aim_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/aimcards/customer-access-token/internal/aim"
)

const okBody = `{"Token":"acc-1","AccountManagementUrl":"https://10846.active-e.net/manage?t=abc",
"Status":{"StatusCode":"Success","Login":"jane@example.com","ErrorCode":"","ErrorDisplayText":"",
"ErrorMessage":"","DomainName":"10846","IpAddress":"10.0.0.1"}}`

var okToken = aim.AccessToken{
	Token:                "acc-1",
	AccountManagementURL: "https://10846.active-e.net/manage?t=abc",
	Status:               aim.Status{StatusCode: "Success"},
}

func TestCustomerAccessTokenSendsRequest(t *testing.T) {
	tests := []struct {
		name     string
		base     string // appended to the server URL
		req      aim.AccessTokenRequest
		wantPath string
		want     seen
	}{{
		name:     "every field",
		req:      aim.AccessTokenRequest{Mode: "UPDATE_CARD", ItemKey: 9007199254740993, Acct: 2147483647, Token: custToken, DeviceID: "dev-1"},
		wantPath: "/api/CustomerAccessToken",
		want: seen{
			Query:  url.Values{"Mode": {"UPDATE_CARD"}, "ItemKey": {"9007199254740993"}, "Acct": {"2147483647"}},
			Header: http.Header{"Deviceid": {"dev-1"}},
		},
	}, {
		name:     "token only, endpoint with trailing slash",
		base:     "/",
		req:      aim.AccessTokenRequest{Token: custToken},
		wantPath: "/api/CustomerAccessToken",
	}, {
		name:     "endpoint with a path",
		base:     "/aim/",
		req:      aim.AccessTokenRequest{Mode: "ADD_CUSTOMER_CARD", Token: custToken},
		wantPath: "/aim/api/CustomerAccessToken",
		want:     seen{Query: url.Values{"Mode": {"ADD_CUSTOMER_CARD"}}},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeAIM(t, reply{body: okBody})
			creds := credsFor(f)
			creds.Endpoint.URL += tt.base
			got, err := newClient(t, "https://unused.invalid").CustomerAccessToken(context.Background(), creds, tt.req)
			if err != nil {
				t.Fatalf("CustomerAccessToken: %v", err)
			}
			if diff := cmp.Diff(okToken, got); diff != "" {
				t.Errorf("answer mismatch (-want +got):\n%s", diff)
			}
			want := tt.want
			want.Method, want.Path = http.MethodGet, tt.wantPath
			want.Header = mergeHeader(http.Header{
				"Accept": {"application/json"}, "Apikey": {apiKey}, "Appid": {appID},
				"Oauthtoken": {oauthToken}, "Token": {custToken},
			}, want.Header)
			reqs := f.requests()
			if len(reqs) != 1 {
				t.Fatalf("got %d requests, want 1", len(reqs))
			}
			if diff := cmp.Diff(want, seenOf(reqs[0]), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("request mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func mergeHeader(h, more http.Header) http.Header {
	for k, v := range more {
		h[k] = v
	}
	return h
}

func TestCustomerAccessTokenDecodesTolerantly(t *testing.T) {
	body := `{"token":"acc-2","accountmanagementurl":"https://h.example/m",
		"status":{"statuscode":200,"login":"jane","errorcode":null}}`
	f := newFakeAIM(t, reply{body: body})
	got, err := newClient(t, f.URL).CustomerAccessToken(context.Background(), credsFor(f), aim.AccessTokenRequest{Token: custToken})
	if err != nil {
		t.Fatalf("CustomerAccessToken: %v", err)
	}
	want := aim.AccessToken{Token: "acc-2", AccountManagementURL: "https://h.example/m",
		Status: aim.Status{StatusCode: "200"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("answer mismatch (-want +got):\n%s", diff)
	}
}

func TestCustomerAccessTokenReusesConnections(t *testing.T) {
	f := newFakeAIM(t,
		reply{body: okBody},
		reply{status: http.StatusUnprocessableEntity, body: `{"ResponseStatus":{"ErrorCode":"X","Message":"m"}}`},
		reply{body: `{"Status":{"StatusCode":"Error","ErrorCode":"E"}}`},
		reply{body: okBody},
	)
	c := newClient(t, f.URL)
	for range 4 {
		_, _ = c.CustomerAccessToken(context.Background(), credsFor(f), aim.AccessTokenRequest{Token: custToken})
	}
	if got := f.calls(); got != 4 {
		t.Errorf("got %d calls, want 4", got)
	}
	if got := f.conns.Load(); got != 1 {
		t.Errorf("got %d connections for 4 sequential calls, want 1", got)
	}
}

func TestCustomerAccessTokenWithoutEndpoint(t *testing.T) {
	c := newClient(t, "https://unused.invalid")
	_, err := c.CustomerAccessToken(context.Background(), aim.Credentials{APIKey: apiKey}, aim.AccessTokenRequest{Token: custToken})
	var e *aim.Error
	if !errors.As(err, &e) || e.Kind != aim.KindUpstream {
		t.Errorf("got %v, want an upstream *aim.Error", err)
	}
}

func BenchmarkCustomerAccessToken(b *testing.B) {
	f := newFakeAIM(b, reply{body: okBody})
	c, err := aim.NewClient(aim.Options{ServiceURL: f.URL, AppID: appID})
	if err != nil {
		b.Fatal(err)
	}
	req := aim.AccessTokenRequest{Mode: "UPDATE_CARD", ItemKey: 5, Token: custToken}
	for b.Loop() {
		if _, err := c.CustomerAccessToken(context.Background(), credsFor(f), req); err != nil {
			b.Fatal(err)
		}
	}
}
