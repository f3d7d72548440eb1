package aimsandbox

import (
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestGetEndPoint(t *testing.T) {
	t.Parallel()
	_, srv := newServer(t)
	resp, body := call(t, srv, http.MethodGet, "/aeservices30/api/GetEndPoint", http.Header{
		"Apikey": {testAPIKey}, // header names are not case-sensitive
		"AppId":  {testAppID},
	})
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("got status %d, want 200 (body %s)", resp.StatusCode, body)
	}
	if got := resp.Header.Get("Content-Type"); got != jsonType {
		t.Errorf("got Content-Type %q, want %q", got, jsonType)
	}
	got := decode[endPointResponse](t, body)
	want := endPointResponse{
		NewEndpointDomain: srv.URL,
		NewEndpoint:       srv.URL + "/api",
		OAuthToken:        testOAuth,
		Status:            Status{StatusCode: "Success"},
	}
	if diff := cmp.Diff(want, got, cmpopts.IgnoreFields(Status{}, "DomainName", "IpAddress")); diff != "" {
		t.Errorf("GetEndPoint mismatch (-want +got):\n%s", diff)
	}
}

func TestGetEndPointRefusesBadCredentials(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		header     http.Header
		wantStatus int
		wantMsg    string
	}{
		{"no ApiKey", http.Header{"AppId": {testAppID}}, http.StatusUnauthorized, "ApiKey required"},
		{"wrong ApiKey", http.Header{"ApiKey": {"nope"}, "AppId": {testAppID}}, http.StatusUnauthorized, "Invalid ApiKey"},
		{"no AppId", http.Header{"ApiKey": {testAPIKey}}, http.StatusBadRequest, "AppId required"},
		{"wrong AppId", http.Header{"ApiKey": {testAPIKey}, "AppId": {"nope"}}, http.StatusUnauthorized, "Invalid AppId"},
	}
	_, srv := newServer(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := call(t, srv, http.MethodGet, "/aeservices30/api/GetEndPoint", tt.header)
			wantError(t, resp, body, tt.wantStatus, tt.wantMsg)
		})
	}
}

func TestGetEndPointDropFaults(t *testing.T) {
	t.Parallel()
	sb, srv := newServer(t)

	sb.SetFault(OpGetEndPoint, Fault{DropOAuthToken: true, Times: 1})
	_, body := call(t, srv, http.MethodGet, "/aeservices30/api/GetEndPoint", goodHeaders())
	if strings.Contains(string(body), "OAuthToken") {
		t.Errorf("DropOAuthToken: got %s, want no OAuthToken field", body)
	}
	if got := decode[endPointResponse](t, body).NewEndpointDomain; got != srv.URL {
		t.Errorf("DropOAuthToken: got NewEndpointDomain %q, want %q", got, srv.URL)
	}

	sb.SetFault(OpGetEndPoint, Fault{DropEndpointDomain: true, Times: 1})
	_, body = call(t, srv, http.MethodGet, "/aeservices30/api/GetEndPoint", goodHeaders())
	if strings.Contains(string(body), "NewEndpoint") {
		t.Errorf("DropEndpointDomain: got %s, want no NewEndpointDomain or NewEndpoint field", body)
	}
	if got := decode[endPointResponse](t, body).OAuthToken; got != testOAuth {
		t.Errorf("DropEndpointDomain: got OAuthToken %q, want %q", got, testOAuth)
	}
}
