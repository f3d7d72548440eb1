package handler

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aimcards/customer-access-token/internal/aim"
	"github.com/aws/aws-lambda-go/events"
	"github.com/google/go-cmp/cmp"
)

func TestRedirectAndJSON(t *testing.T) {
	t.Parallel()
	var logs bytes.Buffer
	client := &fakeAIM{}
	h := testHandler(&fakeKeys{key: testAPIKey}, client, &logs, nil)

	a := invoke(t, h, eventFile(t, "httpapi-update-card.json"))
	if a.Status != 302 || a.Headers["Location"] != testAccountURL || a.Body != "" {
		t.Fatalf("got %d Location %q body %q, want 302 to the AIM URL, empty body", a.Status, a.Headers["Location"], a.Body)
	}
	for k, want := range map[string]string{
		"Cache-Control": "no-store", "Referrer-Policy": "no-referrer", "X-Content-Type-Options": "nosniff",
		"Access-Control-Allow-Origin": "https://shop.example.com", "Access-Control-Allow-Credentials": "true", "Vary": "Origin",
	} {
		if a.Headers[k] != want {
			t.Errorf("header %s: got %q, want %q", k, a.Headers[k], want)
		}
	}
	wantReq := aim.AccessTokenRequest{Mode: "UPDATE_CARD", ItemKey: 9001, Token: testCustomer}
	if diff := cmp.Diff(wantReq, client.lastAccessReq); diff != "" {
		t.Errorf("AIM request (-want +got):\n%s", diff)
	}
	if client.lastAccessCred.APIKey != testAPIKey || client.lastAccessCred.Endpoint.OAuthToken != testOAuthToken {
		t.Errorf("AIM credentials: got key/oauth mismatch")
	}

	a = invoke(t, h, eventFile(t, "rest-json.json"))
	want := `{"Token":"` + testAccess + `","AccountManagementUrl":"` + testAccountURL + `"}`
	if a.Status != 200 || a.Headers["Content-Type"] != "application/json" || a.Body != want {
		t.Errorf("got %d %q %s, want 200 application/json %s", a.Status, a.Headers["Content-Type"], a.Body, want)
	}
	if client.endpointCalls != 1 {
		t.Errorf("GetEndPoint calls: got %d, want 1 (cached)", client.endpointCalls)
	}
}

// TestErrorTable walks the error table of the README's Failure behaviour
// section, one answer per failure.
func TestErrorTable(t *testing.T) {
	t.Parallel()
	aimErr := func(kind aim.Kind, status int, edit func(*aim.Error)) func(aim.Credentials, aim.AccessTokenRequest) (aim.AccessToken, error) {
		return func(aim.Credentials, aim.AccessTokenRequest) (aim.AccessToken, error) {
			e := &aim.Error{Op: aim.OpCustomerAccessToken, Kind: kind, HTTPStatus: status}
			if edit != nil {
				edit(e)
			}
			return aim.AccessToken{}, e
		}
	}
	withURL := func(u string) func(aim.Credentials, aim.AccessTokenRequest) (aim.AccessToken, error) {
		return func(aim.Credentials, aim.AccessTokenRequest) (aim.AccessToken, error) {
			return aim.AccessToken{Token: testAccess, AccountManagementURL: u}, nil
		}
	}
	tests := []struct {
		name       string
		event      string
		keys       fakeKeys
		endpointFn func(string) (aim.Endpoint, error)
		accessFn   func(aim.Credentials, aim.AccessTokenRequest) (aim.AccessToken, error)
		allowed    []string
		status     int
		code       string
		detail     string
		aimCode    string
		retryAfter string
		challenge  string // WWW-Authenticate
	}{
		{name: "bad mode", event: "httpapi-bad-mode.json", status: 400, code: "invalid_request"},
		{name: "repeated mode 1.0", event: "rest-repeated-mode.json", status: 400, code: "invalid_request"},
		{name: "token in query", event: "httpapi-token-in-query.json", status: 400, code: "invalid_request"},
		{name: "no token", event: "httpapi-missing-token.json", status: 401, code: "missing_token", challenge: `Bearer realm="customer-access-token"`},
		{name: "no token 1.0", event: "rest-missing-token.json", status: 401, code: "missing_token", challenge: `Bearer realm="customer-access-token"`},
		{name: "long token", event: "httpapi-long-token.json", status: 400, code: "invalid_request"},
		{name: "POST", event: "httpapi-method-post.json", status: 405, code: "method_not_allowed"},
		{name: "preflight from elsewhere", event: "httpapi-preflight-bad-origin.json", status: 403, code: "origin_not_allowed"},
		{name: "status error", event: "httpapi-update-card.json", status: 422, code: "aim_rejected",
			accessFn: aimErr(aim.KindRejected, 200, func(e *aim.Error) {
				e.Code, e.DisplayText, e.Message = "InvalidItemKey", "That card is not on your account.", "internal text"
			}),
			detail: "That card is not on your account.", aimCode: "InvalidItemKey"},
		{name: "AIM 404", event: "httpapi-update-card.json", status: 502, code: "upstream_error",
			accessFn: aimErr(aim.KindRejected, 404, func(e *aim.Error) { e.Code, e.Message = "NotFound", "NullReferenceException at line 7" }),
			detail:   "The store's system did not answer as expected. Please try again later.", aimCode: "NotFound"},
		{name: "discovery refuses the ApiKey", event: "httpapi-update-card.json", status: 502, code: "credentials_refused",
			endpointFn: func(string) (aim.Endpoint, error) {
				return aim.Endpoint{}, &aim.Error{Op: aim.OpGetEndPoint, Kind: aim.KindUnauthorized, HTTPStatus: 401, Code: "Unauthorized"}
			}},
		{name: "AIM 429", event: "httpapi-update-card.json", status: 503, code: "unavailable", accessFn: aimErr(aim.KindThrottled, 429, func(e *aim.Error) { e.RetryAfter = "7" }), retryAfter: "7"},
		{name: "AIM 500", event: "httpapi-update-card.json", status: 502, code: "upstream_error",
			accessFn: aimErr(aim.KindUpstream, 500, func(e *aim.Error) { e.Code, e.Message = "ServerError", "internal text" }), aimCode: "ServerError"},
		{name: "AIM timeout", event: "httpapi-update-card.json", status: 504, code: "upstream_timeout", accessFn: aimErr(aim.KindTimeout, 0, nil)},
		{name: "discovery 5xx", event: "httpapi-update-card.json", status: 502, code: "upstream_error",
			endpointFn: func(string) (aim.Endpoint, error) {
				return aim.Endpoint{}, &aim.Error{Op: aim.OpGetEndPoint, Kind: aim.KindUpstream, HTTPStatus: 503}
			}},
		{name: "discovery status error", event: "httpapi-update-card.json", status: 502, code: "upstream_error",
			endpointFn: func(string) (aim.Endpoint, error) {
				return aim.Endpoint{}, &aim.Error{Op: aim.OpGetEndPoint, Kind: aim.KindRejected, HTTPStatus: 200, Code: "InvalidApiKey"}
			}}, // the store's own ApiKey: AIM's code not shown
		{name: "discovery timeout", event: "httpapi-update-card.json", status: 504, code: "upstream_timeout",
			endpointFn: func(string) (aim.Endpoint, error) { return aim.Endpoint{}, &aim.Error{Kind: aim.KindTimeout} }},
		{name: "no api key", event: "httpapi-update-card.json", keys: fakeKeys{err: errors.New("secrets: get x: not found")}, status: 503, code: "unavailable"},
		{name: "session expired", event: "httpapi-update-card.json", status: 401, code: "session_expired", accessFn: aimErr(aim.KindUnauthorized, 401, nil),
			challenge: `Bearer realm="customer-access-token", error="invalid_token"`},
		{name: "session expired 1.0", event: "rest-update-card.json", status: 401, code: "session_expired", accessFn: aimErr(aim.KindUnauthorized, 401, nil),
			challenge: `Bearer realm="customer-access-token", error="invalid_token"`},
		{name: "javascript URL", event: "httpapi-update-card.json", status: 502, code: "upstream_error", accessFn: withURL("javascript:alert(1)")},
		{name: "http public host", event: "httpapi-update-card.json", status: 502, code: "upstream_error", accessFn: withURL("http://aim.example.com/x")},
		{name: "user-info", event: "httpapi-update-card.json", status: 502, code: "upstream_error", accessFn: withURL("https://u:p@aim.example.com/x")},
		{name: "control character", event: "httpapi-update-card.json", status: 502, code: "upstream_error", accessFn: withURL("https://aim.example.com/x\r\nSet-Cookie: a=b")},
		{name: "relative URL", event: "httpapi-update-card.json", status: 502, code: "upstream_error", accessFn: withURL("/AccountManagement")},
		{name: "host not allowed", event: "httpapi-update-card.json", status: 502, code: "upstream_error", accessFn: withURL("https://evil.example.net/x"), allowed: []string{"10846.active-e.net"}},
		{name: "host allowed", event: "httpapi-update-card.json", status: 302, accessFn: withURL(testAccountURL), allowed: []string{"10846.active-e.net"}},
		{name: "http loopback", event: "httpapi-update-card.json", status: 302, accessFn: withURL("http://127.0.0.1:8080/AccountManagement?at=x")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var logs bytes.Buffer
			keys := tt.keys
			if keys.key == "" && keys.err == nil {
				keys.key = testAPIKey
			}
			client := &fakeAIM{endpointFn: tt.endpointFn, accessFn: tt.accessFn}
			h := testHandler(&keys, client, &logs, func(o *Options) { o.RedirectAllowedHosts = tt.allowed })
			a := invoke(t, h, eventFile(t, tt.event))
			if a.Status != tt.status {
				t.Fatalf("status: got %d, want %d (body %s)", a.Status, tt.status, a.Body)
			}
			if tt.code == "" {
				return
			}
			p := problemOf(t, a)
			if p.Code != tt.code || p.Status != tt.status || p.Title == "" || p.Type == "" {
				t.Errorf("problem: got %+v, want code %s status %d with type and title", p, tt.code, tt.status)
			}
			if p.Detail == "" || (tt.detail != "" && p.Detail != tt.detail) {
				t.Errorf("detail: got %q, want %q", p.Detail, tt.detail)
			}
			if p.AIMErrorCode != tt.aimCode {
				t.Errorf("aimErrorCode: got %q, want %q", p.AIMErrorCode, tt.aimCode)
			}
			if a.Headers["Retry-After"] != tt.retryAfter {
				t.Errorf("Retry-After: got %q, want %q", a.Headers["Retry-After"], tt.retryAfter)
			}
			if a.Headers["WWW-Authenticate"] != tt.challenge {
				t.Errorf("WWW-Authenticate: got %q, want %q", a.Headers["WWW-Authenticate"], tt.challenge)
			}
			if strings.Contains(a.Body, "internal text") || strings.Contains(a.Body, "NullReference") {
				t.Errorf("body carries AIM's internal message: %s", a.Body)
			}
			assertNoSecrets(t, logs.String()+a.Body)
		})
	}
}

func TestPreflight(t *testing.T) {
	t.Parallel()
	h := testHandler(&fakeKeys{key: testAPIKey}, &fakeAIM{}, &bytes.Buffer{}, nil)
	for _, ev := range []string{"httpapi-preflight.json", "rest-preflight.json"} {
		a := invoke(t, h, eventFile(t, ev))
		if a.Status != 204 || a.Headers["Access-Control-Allow-Origin"] != "https://shop.example.com" {
			t.Fatalf("%s: got %d %v, want 204 with CORS", ev, a.Status, a.Headers)
		}
		for _, want := range []string{"Token", "Authorization", "DeviceId"} {
			if !strings.Contains(a.Headers["Access-Control-Allow-Headers"], want) {
				t.Errorf("%s: Access-Control-Allow-Headers %q lacks %s", ev, a.Headers["Access-Control-Allow-Headers"], want)
			}
		}
		if !strings.Contains(a.Headers["Access-Control-Allow-Methods"], "GET") || a.Headers["Access-Control-Max-Age"] == "" {
			t.Errorf("%s: got methods %q max-age %q", ev, a.Headers["Access-Control-Allow-Methods"], a.Headers["Access-Control-Max-Age"])
		}
	}
	if a := invoke(t, h, eventFile(t, "httpapi-method-post.json")); a.Headers["Allow"] != "GET, OPTIONS" {
		t.Errorf("405 Allow: got %q, want GET, OPTIONS", a.Headers["Allow"])
	}
}

func TestErrorRedirectURL(t *testing.T) {
	t.Parallel()
	page, _ := url.Parse("https://shop.example.com/cards/error")
	h := testHandler(&fakeKeys{key: testAPIKey}, &fakeAIM{}, &bytes.Buffer{}, func(o *Options) { o.Mapping.ErrorRedirectURL = page })
	a := invoke(t, h, eventFile(t, "httpapi-missing-token.json"))
	if a.Status != 302 || a.Headers["Location"] != "https://shop.example.com/cards/error?error=missing_token" || a.Headers["WWW-Authenticate"] != "" {
		t.Errorf("redirect mode: got %d %q WWW-Authenticate %q, want 302 to the error page and no challenge", a.Status, a.Headers["Location"], a.Headers["WWW-Authenticate"])
	}
	a = invoke(t, h, []byte(strings.Replace(string(eventFile(t, "httpapi-missing-token.json")), `"rawQueryString": "`, `"rawQueryString": "format=json&`, 1)))
	if a.Status != 401 || a.Headers["WWW-Authenticate"] == "" {
		t.Errorf("JSON mode: got %d WWW-Authenticate %q, want the 401 problem with a challenge", a.Status, a.Headers["WWW-Authenticate"])
	}
}

func TestNeitherFormat(t *testing.T) {
	t.Parallel()
	var logs bytes.Buffer
	h := testHandler(&fakeKeys{key: testAPIKey}, &fakeAIM{}, &logs, nil)
	for _, payload := range []string{`{}`, `"hello"`, `{"version":"2.0","rawQueryString":7}`} {
		a := invoke(t, h, []byte(payload))
		if a.Status != 400 || problemOf(t, a).Code != "invalid_request" {
			t.Errorf("%s: got %d %s, want a 400 invalid_request", payload, a.Status, a.Body)
		}
	}
	if !strings.Contains(logs.String(), "neither") {
		t.Errorf("log does not say the payload was of neither format: %s", logs.String())
	}
}

// TestALBEvent checks an Application Load Balancer event is a plain 400 in
// the 1.0 shape, AIM is not called, and the log line says why.
func TestALBEvent(t *testing.T) {
	t.Parallel()
	var logs bytes.Buffer
	client := &fakeAIM{}
	h := testHandler(&fakeKeys{key: testAPIKey}, client, &logs, nil)
	out, err := h.Invoke(t.Context(), []byte(`{"requestContext":{"elb":{"targetGroupArn":"arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/t/1"}},"httpMethod":"GET","headers":{"token":"`+testCustomer+`"}}`))
	if err != nil {
		t.Fatal(err)
	}
	var a events.APIGatewayProxyResponse
	if err := json.Unmarshal(out, &a); err != nil || a.StatusCode != 400 || !strings.Contains(a.Body, `"code":"invalid_request"`) || bytes.Contains(out, []byte("statusDescription")) {
		t.Errorf("got %s (%v), want a plain 400 invalid_request", out, err)
	}
	if client.accessCalls+client.endpointCalls != 0 {
		t.Errorf("got %d AIM calls, want none", client.accessCalls+client.endpointCalls)
	}
	if line := logLine(t, &logs); line["outcome"] != "error" || !strings.Contains(fmt.Sprint(line["cause"]), "Application Load Balancer") {
		t.Errorf("got log line %v, want outcome error and a cause naming the Application Load Balancer", line)
	}
}

func TestPanicBecomesAnswer(t *testing.T) {
	t.Parallel()
	client := &fakeAIM{accessFn: func(aim.Credentials, aim.AccessTokenRequest) (aim.AccessToken, error) { panic("boom") }}
	h := testHandler(&fakeKeys{key: testAPIKey}, client, &bytes.Buffer{}, nil)
	a := invoke(t, h, eventFile(t, "httpapi-json.json"))
	if a.Status != 500 || problemOf(t, a).Detail != "Internal error." {
		t.Errorf("got %d %s, want a 500 'Internal error.' problem", a.Status, a.Body)
	}
}

func assertNoSecrets(t *testing.T, out string) {
	t.Helper()
	for _, s := range []string{testAPIKey, testOAuthToken, testCustomer, testAccess, testAccountURL, "sentinel-url-secret"} {
		if strings.Contains(out, s) {
			t.Errorf("output contains secret %q:\n%s", s, out)
		}
	}
}

func TestDeadlineLeavesTimeToAnswer(t *testing.T) {
	t.Parallel()
	client := &fakeAIM{}
	h := testHandler(&fakeKeys{key: testAPIKey}, client, &bytes.Buffer{}, nil)
	deadline := time.Now().Add(3 * time.Second)
	ctx, cancel := context.WithDeadline(t.Context(), deadline)
	defer cancel()
	if _, err := h.Handle(ctx, eventFile(t, "httpapi-json.json")); err != nil {
		t.Fatal(err)
	}
	if want := deadline.Add(-answerMargin); client.lastDeadline.After(want) {
		t.Errorf("AIM call deadline: got %v, want at most %v (the Lambda deadline less %v)", client.lastDeadline, want, answerMargin)
	}
}

// TestQueryReadParameterByParameter checks a broken escape in a parameter
// the function does not read is ignored, and one in a parameter it reads is
// a 400 naming it, answered in 2.0.
func TestQueryReadParameterByParameter(t *testing.T) {
	t.Parallel()
	client := &fakeAIM{}
	h := testHandler(&fakeKeys{key: testAPIKey}, client, &bytes.Buffer{}, nil)
	query := func(q string) []byte {
		return []byte(strings.Replace(string(eventFile(t, "httpapi-add-customer-card.json")), `"rawQueryString": "Mode=ADD_CUSTOMER_CARD"`, `"rawQueryString": "`+q+`"`, 1))
	}
	if a := invoke(t, h, query("Mode=ADD_CUSTOMER_CARD&utm_content=50%off")); a.Status != 302 || client.accessCalls != 1 {
		t.Errorf("unrelated broken parameter: got %d after %d AIM calls, want 302 after 1", a.Status, client.accessCalls)
	}
	out, err := h.Handle(t.Context(), query("Mode=%zz"))
	if err != nil {
		t.Fatal(err)
	}
	v2, ok := out.(events.APIGatewayV2HTTPResponse)
	if !ok || v2.StatusCode != 400 || !strings.Contains(v2.Body, "Mode") {
		t.Errorf("got %#v, want a 2.0 answer 400 naming Mode", out)
	}
}
