package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/aimcards/customer-access-token/internal/dev/aimsandbox"
	"github.com/aws/aws-lambda-go/events"
)

func TestClickEventIsAnHTTPAPIGetWithTheCustomerToken(t *testing.T) {
	var ev events.APIGatewayV2HTTPRequest
	if err := json.Unmarshal(clickEvent(), &ev); err != nil {
		t.Fatalf("got %v, want a payload 2.0 event", err)
	}
	if ev.Version != "2.0" || ev.RequestContext.HTTP.Method != "GET" || ev.RawPath != "/customer-access-token" {
		t.Errorf("got version %q, %s %s, want 2.0 GET /customer-access-token", ev.Version, ev.RequestContext.HTTP.Method, ev.RawPath)
	}
	if got := ev.Headers["token"]; got != aimsandbox.TestCustomerToken {
		t.Errorf("token header: got %q, want the sandbox's test customer token", got)
	}
}

func TestCheckAnswer(t *testing.T) {
	tests := []struct {
		name    string
		body    string
		wantErr string // empty: accepted
	}{
		{"redirect", `{"statusCode":302,"headers":{"Location":"http://127.0.0.1:1/AccountManagement?at=x"}}`, ""},
		{"lower-case location", `{"statusCode":302,"headers":{"location":"http://127.0.0.1:1/x"}}`, ""},
		{"problem", `{"statusCode":502,"body":"{\"code\":\"upstream_error\"}"}`, "got status 502, want 302"},
		{"redirect without location", `{"statusCode":302}`, "without Location"},
		{"not JSON", `oops`, "not an API Gateway response"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := checkAnswer([]byte(tt.body))
			switch {
			case tt.wantErr == "" && err != nil:
				t.Errorf("got %v, want it accepted", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Errorf("got %v, want an error containing %q", err, tt.wantErr)
			}
			if err != nil && strings.Contains(err.Error(), "AccountManagement") {
				t.Errorf("error %q shows the Location, which carries a credential", err)
			}
		})
	}
}
