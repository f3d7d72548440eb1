package aim_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/aimcards/customer-access-token/internal/aim"
)

func TestGetEndPointSendsRequest(t *testing.T) {
	f := newFakeAIM(t, reply{body: `{"NewEndpointDomain":"https://10846.active-e.net:7890/","NewEndpoint":"x","OAuthToken":"` + oauthToken + `","Status":{"StatusCode":"Success"}}`})
	got, err := newClient(t, f.URL+"/aeservices30/").GetEndPoint(context.Background(), apiKey)
	if err != nil {
		t.Fatalf("GetEndPoint: %v", err)
	}
	want := aim.Endpoint{URL: "https://10846.active-e.net:7890", OAuthToken: oauthToken}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("endpoint mismatch (-want +got):\n%s", diff)
	}
	reqs := f.requests()
	if len(reqs) != 1 {
		t.Fatalf("got %d requests, want 1", len(reqs))
	}
	wantReq := seen{Method: http.MethodGet, Path: "/aeservices30/api/GetEndPoint",
		Header: http.Header{"Accept": {"application/json"}, "Apikey": {apiKey}, "Appid": {appID}}}
	if diff := cmp.Diff(wantReq, seenOf(reqs[0]), cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("request mismatch (-want +got):\n%s", diff)
	}
}

func TestGetEndPointResults(t *testing.T) {
	tests := []struct {
		name        string
		body        string
		endpointURL string // Options.EndpointURL
		want        aim.Endpoint
	}{{
		name: "discovered domain",
		body: `{"NewEndpointDomain":"http://127.0.0.1:7890","OAuthToken":"o-1"}`,
		want: aim.Endpoint{URL: "http://127.0.0.1:7890", OAuthToken: "o-1"},
	}, {
		name: "bare host:port gets https",
		body: `{"newEndpointDomain":"10846.active-e.net:7890","oauthToken":"o-1"}`,
		want: aim.Endpoint{URL: "https://10846.active-e.net:7890", OAuthToken: "o-1"},
	}, {
		name:        "EndpointURL pin replaces NewEndpointDomain",
		body:        `{"NewEndpointDomain":"https://10846.active-e.net:7890","OAuthToken":"o-1"}`,
		endpointURL: "http://127.0.0.1:9/aim/",
		want:        aim.Endpoint{URL: "http://127.0.0.1:9/aim", OAuthToken: "o-1"},
	}, {
		name:        "EndpointURL pin needs no NewEndpointDomain",
		body:        `{"OAuthToken":"o-1","Status":{"StatusCode":"OK"}}`,
		endpointURL: "https://store.example",
		want:        aim.Endpoint{URL: "https://store.example", OAuthToken: "o-1"},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeAIM(t, reply{body: tt.body})
			c := newClient(t, f.URL, func(o *aim.Options) { o.EndpointURL = tt.endpointURL })
			got, err := c.GetEndPoint(context.Background(), apiKey)
			if err != nil {
				t.Fatalf("GetEndPoint: %v", err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("endpoint mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestGetEndPointFailures(t *testing.T) {
	tests := []struct {
		name        string
		reply       reply
		endpointURL string
		want        aim.Error
	}{
		{"missing OAuthToken", reply{body: `{"NewEndpointDomain":"https://a.example"}`}, "",
			aim.Error{Kind: aim.KindUpstream, HTTPStatus: 200}},
		{"missing OAuthToken with a pinned endpoint", reply{body: `{"NewEndpointDomain":"https://a.example"}`}, "https://b.example",
			aim.Error{Kind: aim.KindUpstream, HTTPStatus: 200}},
		{"missing NewEndpointDomain", reply{body: `{"OAuthToken":"o-1"}`}, "",
			aim.Error{Kind: aim.KindUpstream, HTTPStatus: 200}},
		{"NewEndpointDomain not http", reply{body: `{"NewEndpointDomain":"ftp://a.example","OAuthToken":"o-1"}`}, "",
			aim.Error{Kind: aim.KindUpstream, HTTPStatus: 200}},
		{"Status error", reply{body: `{"Status":{"StatusCode":"Error","ErrorCode":"InvalidApiKey","ErrorMessage":"unknown key"}}`}, "",
			aim.Error{Kind: aim.KindRejected, HTTPStatus: 200, Code: "InvalidApiKey", Message: "unknown key"}},
		{"401", reply{status: 401, body: `{"ResponseStatus":{"ErrorCode":"Unauthorized","Message":"bad ApiKey"}}`}, "",
			aim.Error{Kind: aim.KindUnauthorized, HTTPStatus: 401, Code: "Unauthorized", Message: "bad ApiKey"}},
		{"500", reply{status: 500, body: htmlPage}, "",
			aim.Error{Kind: aim.KindUpstream, HTTPStatus: 500}},
		{"HTML 200", reply{body: htmlPage}, "",
			aim.Error{Kind: aim.KindUpstream, HTTPStatus: 200}},
		{"server slower than Timeout", reply{hang: true}, "",
			aim.Error{Kind: aim.KindTimeout}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeAIM(t, tt.reply)
			c := newClient(t, f.URL, func(o *aim.Options) {
				o.EndpointURL = tt.endpointURL
				o.Timeout = 200 * time.Millisecond
			})
			got, err := c.GetEndPoint(context.Background(), apiKey)
			if diff := cmp.Diff(aim.Endpoint{}, got); diff != "" {
				t.Errorf("endpoint on failure is not zero (-want +got):\n%s", diff)
			}
			want := tt.want
			want.Op = "GetEndPoint"
			checkError(t, err, want)
		})
	}
}
