package main

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/aimcards/customer-access-token/internal/dev/aimsandbox"
	"github.com/aws/aws-lambda-go/events"
)

// clickEvent is the HTTP API (payload 2.0) event of a signed-in customer's click on
// "Manage my cards": a GET with the customer's AIM token, answered with a redirect.
func clickEvent() []byte {
	ev := events.APIGatewayV2HTTPRequest{
		Version:        "2.0",
		RouteKey:       "GET /customer-access-token",
		RawPath:        "/customer-access-token",
		RawQueryString: "",
		Headers: map[string]string{
			"accept":     "text/html,application/xhtml+xml,*/*;q=0.8",
			"host":       "abc123.execute-api.us-east-1.amazonaws.com",
			"origin":     allowedOrigin,
			"token":      aimsandbox.TestCustomerToken,
			"user-agent": "bench",
		},
		RequestContext: events.APIGatewayV2HTTPRequestContext{
			AccountID:  "000000000000",
			APIID:      "abc123",
			DomainName: "abc123.execute-api.us-east-1.amazonaws.com",
			RequestID:  "bench",
			RouteKey:   "GET /customer-access-token",
			Stage:      "$default",
			HTTP: events.APIGatewayV2HTTPRequestContextHTTPDescription{
				Method: "GET", Path: "/customer-access-token", Protocol: "HTTP/1.1",
				SourceIP: "192.0.2.1", UserAgent: "bench",
			},
		},
	}
	b, err := json.Marshal(ev)
	if err != nil {
		panic(err) // a fixed value always marshals
	}
	return b
}

// checkAnswer makes sure the benchmark timed a redirect and not an error answer.
// It never prints the Location, which carries a credential.
func checkAnswer(body []byte) error {
	var resp events.APIGatewayV2HTTPResponse
	if err := json.Unmarshal(body, &resp); err != nil {
		return fmt.Errorf("check answer: not an API Gateway response: %w", err)
	}
	if resp.StatusCode != 302 {
		return fmt.Errorf("check answer: got status %d, want 302; body: %.300s", resp.StatusCode, resp.Body)
	}
	for k, v := range resp.Headers {
		if strings.EqualFold(k, "Location") && v != "" {
			return nil
		}
	}
	return fmt.Errorf("check answer: got a 302 without Location, want one")
}
