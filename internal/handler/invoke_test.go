package handler

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/aimcards/customer-access-token/internal/aim"
)

// TestInvokeRawPayload checks the runtime's entry point takes the raw
// payload: bytes that are not JSON at all are the documented 400, not an
// error for the runtime to turn into a Lambda function error.
func TestInvokeRawPayload(t *testing.T) {
	t.Parallel()
	for _, payload := range []string{"hello", "", "{", "\xff\xfe", `{"version":"2.0"`} {
		var logs bytes.Buffer
		client := &fakeAIM{}
		h := testHandler(&fakeKeys{key: testAPIKey}, client, &logs, nil)
		out, err := h.Invoke(t.Context(), []byte(payload))
		if err != nil {
			t.Fatalf("%q: got Lambda error %v, want an answer", payload, err)
		}
		var a struct {
			StatusCode int
			Body       string
		}
		if err := json.Unmarshal(out, &a); err != nil || a.StatusCode != 400 || !strings.Contains(a.Body, `"code":"invalid_request"`) {
			t.Errorf("%q: got %s (%v), want a 400 invalid_request answer", payload, out, err)
		}
		if client.endpointCalls+client.accessCalls != 0 {
			t.Errorf("%q: got AIM calls, want none", payload)
		}
		line := logLine(t, &logs)
		if line["outcome"] != "unreadable" || line["status"] != 400.0 || line["code"] != "invalid_request" {
			t.Errorf("%q: got log line %v, want outcome unreadable, status 400, code invalid_request", payload, line)
		}
	}
}

// TestInvokeEncodesLikeTheRuntime checks Invoke writes the answer as the
// runtime's encoder did: no HTML escaping, so a Location with & is plain.
func TestInvokeEncodesLikeTheRuntime(t *testing.T) {
	t.Parallel()
	const u = "https://aim.example.com/AccountManagement?a=1&at=sentinel-url-secret-y"
	client := &fakeAIM{accessFn: func(aim.Credentials, aim.AccessTokenRequest) (aim.AccessToken, error) {
		return aim.AccessToken{Token: testAccess, AccountManagementURL: u}, nil
	}}
	h := testHandler(&fakeKeys{key: testAPIKey}, client, &bytes.Buffer{}, nil)
	out, err := h.Invoke(t.Context(), eventFile(t, "httpapi-add-customer-card.json"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(out, []byte(`"Location":"`+u+`"`)) || bytes.HasSuffix(out, []byte("\n")) {
		t.Errorf("got %s, want Location written plainly and no trailing newline", out)
	}
}

// TestLogLineJoinsUp checks the invocation line carries API Gateway's
// request id, the outcome, and the time spent on credentials beside AIM's.
func TestLogLineJoinsUp(t *testing.T) {
	t.Parallel()
	clock := &fakeClock{}
	keys := &fakeKeys{key: testAPIKey}
	client := &fakeAIM{
		endpointFn: func(string) (aim.Endpoint, error) {
			clock.advance(30 * time.Millisecond) // in GetEndPoint
			return aim.Endpoint{URL: "https://10846.active-e.net:7890", OAuthToken: testOAuthToken}, nil
		},
		accessFn: func(aim.Credentials, aim.AccessTokenRequest) (aim.AccessToken, error) {
			clock.advance(120 * time.Millisecond) // in CustomerAccessToken
			return aim.AccessToken{Token: testAccess, AccountManagementURL: testAccountURL}, nil
		},
	}
	var logs bytes.Buffer
	h := testHandler(keys, client, &logs, func(o *Options) { o.Now = clock.now })
	invoke(t, h, eventFile(t, "httpapi-add-customer-card.json"))
	line := logLine(t, &logs)
	want := map[string]any{"outcome": "redirect", "status": 302.0, "aim_ms": 120.0, "discovery_ms": 30.0, "secrets_ms": 0.0, "payload_format": "2.0"}
	for k, v := range want {
		if line[k] != v {
			t.Errorf("got %s %v, want %v", k, line[k], v)
		}
	}
	if id := line["apigw_request_id"]; id != "8ecb03b4-9f38-6a08-8add-8f763fa81197" {
		t.Errorf("got apigw_request_id %v, want the event's requestContext.requestId", id)
	}
	logs.Reset()
	invoke(t, h, eventFile(t, "httpapi-add-customer-card.json"))
	if line := logLine(t, &logs); line["discovery_ms"] != 0.0 {
		t.Errorf("warm: got discovery_ms %v, want 0 (cached)", line["discovery_ms"])
	}
}

// logLine decodes the last invocation line in logs.
func logLine(t *testing.T, logs *bytes.Buffer) map[string]any {
	t.Helper()
	return lastLine(t, logs, "invocation")
}

// lastLine decodes the last line in logs whose msg is msg.
func lastLine(t *testing.T, logs *bytes.Buffer, msg string) map[string]any {
	t.Helper()
	var last map[string]any
	for _, l := range strings.Split(strings.TrimSpace(logs.String()), "\n") {
		var m map[string]any
		if json.Unmarshal([]byte(l), &m) == nil && m["msg"] == msg {
			last = m
		}
	}
	if last == nil {
		t.Fatalf("no %s line in %s", msg, logs.String())
	}
	return last
}
