package apigw

import (
	"encoding/json"
	"net/url"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/google/go-cmp/cmp"
)

func TestEncodeFormats(t *testing.T) {
	a := Finish(Redirect("https://aim.example/manage?at=x"), Event{Headers: map[string][]string{"origin": {"https://shop.example.com"}}}, []string{"https://shop.example.com"})
	a.Header.Add("Set-Cookie", "a=1")
	a.Header.Add("Set-Cookie", "b=2")

	v2 := FormatHTTP.Encode(a).(events.APIGatewayV2HTTPResponse)
	if v2.StatusCode != 302 || v2.Headers["Location"] != "https://aim.example/manage?at=x" {
		t.Errorf("2.0: got %d %q, want 302 and the Location", v2.StatusCode, v2.Headers["Location"])
	}
	if diff := cmp.Diff([]string{"a=1", "b=2"}, v2.Cookies); diff != "" {
		t.Errorf("2.0 cookies (-want +got):\n%s", diff)
	}
	if v2.Headers["Access-Control-Allow-Origin"] != "https://shop.example.com" || v2.Headers["Vary"] != "Origin" {
		t.Errorf("2.0 CORS: got %v", v2.Headers)
	}

	v1 := FormatREST.Encode(a).(events.APIGatewayProxyResponse)
	if diff := cmp.Diff([]string{"a=1", "b=2"}, v1.MultiValueHeaders["Set-Cookie"]); diff != "" {
		t.Errorf("1.0 Set-Cookie (-want +got):\n%s", diff)
	}
	b, _ := json.Marshal(v1)
	var fields map[string]any
	_ = json.Unmarshal(b, &fields)
	if _, ok := fields["cookies"]; ok {
		t.Errorf("1.0 answer has a cookies field, which REST APIs turn into a 502: %s", b)
	}
	for _, h := range []string{"Cache-Control", "Referrer-Policy", "X-Content-Type-Options"} {
		if v1.Headers[h] == "" {
			t.Errorf("1.0 answer lacks %s", h)
		}
	}
}

func TestFinishDisallowedOrigin(t *testing.T) {
	a := Finish(Redirect("https://x"), Event{Headers: map[string][]string{"origin": {"https://evil.example.net"}}}, []string{"https://shop.example.com"})
	if got := a.Header.Get("Access-Control-Allow-Origin"); got != "" {
		t.Errorf("got Access-Control-Allow-Origin %q, want none", got)
	}
}

func TestProblemAnswer(t *testing.T) {
	a := ProblemAnswer(Problem{Code: CodeAIMRejected, Detail: "That card is not on your account.", AIMErrorCode: "InvalidItemKey"})
	var got map[string]any
	if err := json.Unmarshal([]byte(a.Body), &got); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"type": "urn:aim-cards:problem:aim_rejected", "title": "Request refused", "status": 422.0,
		"detail": "That card is not on your account.", "code": "aim_rejected", "aimErrorCode": "InvalidItemKey",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("body (-want +got):\n%s", diff)
	}
	if a.Status != 422 || a.Header.Get("Content-Type") != "application/problem+json" {
		t.Errorf("got %d %q, want 422 application/problem+json", a.Status, a.Header.Get("Content-Type"))
	}
	if a := ProblemAnswer(Problem{Code: CodeMethodNotAllowed}); a.Header.Get("Allow") != "GET, OPTIONS" {
		t.Errorf("405: got Allow %q, want GET, OPTIONS", a.Header.Get("Allow"))
	}
}

func TestErrorRedirect(t *testing.T) {
	page, _ := url.Parse("https://shop.example.com/cards-error?lang=en")
	a := ErrorRedirect(page, Problem{Code: CodeSessionExpired})
	if got, want := a.Header.Get("Location"), "https://shop.example.com/cards-error?error=session_expired&lang=en"; got != want || a.Status != 302 {
		t.Errorf("got %d %q, want 302 %q", a.Status, got, want)
	}
}

func TestDecodeNeither(t *testing.T) {
	for _, payload := range []string{``, `null`, `[]`, `{}`, `{"version":"3.0"}`, `not json`, `{"version":"2.0","headers":7}`} {
		if _, err := Decode([]byte(payload)); err == nil {
			t.Errorf("Decode(%q): got nil error, want one", payload)
		}
	}
}
