package apigw

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/url"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/google/go-cmp/cmp"
)

const shop = "https://shop.example.com"

// v2Payload builds an HTTP API (2.0) event.
func v2Payload(method string, headers map[string]string) []byte {
	ev := events.APIGatewayV2HTTPRequest{Version: "2.0", RawPath: "/customer-access-token", Headers: headers}
	ev.RequestContext.HTTP.Method = method
	ev.RequestContext.RequestID = "answer-test"
	b, _ := json.Marshal(ev)
	return b
}

func TestEncodeFormats(t *testing.T) {
	t.Parallel()
	m := NewMapper(Options{AllowedOrigins: []string{shop}})
	a := m.answer(Request{Format: FormatHTTP, Origin: shop}, Access("x", "https://aim.example/manage?at=x"))
	a.header.Add("Set-Cookie", "a=1")
	a.header.Add("Set-Cookie", "b=2")

	v2 := FormatHTTP.encode(a).(events.APIGatewayV2HTTPResponse)
	if v2.StatusCode != 302 || v2.Headers["Location"] != "https://aim.example/manage?at=x" {
		t.Errorf("2.0: got %d %q, want 302 and the Location", v2.StatusCode, v2.Headers["Location"])
	}
	if diff := cmp.Diff([]string{"a=1", "b=2"}, v2.Cookies); diff != "" {
		t.Errorf("2.0 cookies (-want +got):\n%s", diff)
	}
	if v2.Headers["Access-Control-Allow-Origin"] != shop || v2.Headers["Vary"] != "Origin" {
		t.Errorf("2.0 CORS: got %v", v2.Headers)
	}

	v1 := FormatREST.encode(a).(events.APIGatewayProxyResponse)
	if diff := cmp.Diff([]string{"a=1", "b=2"}, v1.MultiValueHeaders["Set-Cookie"]); diff != "" {
		t.Errorf("1.0 Set-Cookie (-want +got):\n%s", diff)
	}
	b, _ := json.Marshal(v1)
	var fields map[string]json.RawMessage
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

func TestDisallowedOriginGetsNoCORS(t *testing.T) {
	t.Parallel()
	m := NewMapper(Options{AllowedOrigins: []string{shop}})
	req := m.Parse(v2Payload("GET", map[string]string{"origin": "https://evil.example.net", "token": "t"}))
	if req.Err != nil || req.Origin != "" {
		t.Fatalf("got origin %q and error %v, want no origin and no error", req.Origin, req.Err)
	}
	a := m.answer(req, Access("t", "https://x"))
	if got := a.header.Get("Access-Control-Allow-Origin"); got != "" {
		t.Errorf("got Access-Control-Allow-Origin %q, want none", got)
	}
}

// problemDoc decodes a problem+json body, refusing any field the function
// does not send.
func problemDoc(t *testing.T, body string) problemBody {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader([]byte(body)))
	dec.DisallowUnknownFields()
	var p problemBody
	if err := dec.Decode(&p); err != nil {
		t.Fatalf("problem body %s: %v", body, err)
	}
	return p
}

func TestProblemAnswer(t *testing.T) {
	t.Parallel()
	m := NewMapper(Options{})
	a := m.answer(Request{Format: FormatHTTP}, Failure(Problem{Code: CodeAIMRejected, Detail: "That card is not on your account.", AIMErrorCode: "InvalidItemKey"}))
	want := problemBody{
		Type: "urn:aim-cards:problem:aim_rejected", Title: "Request refused", Status: 422,
		Detail: "That card is not on your account.", Code: "aim_rejected", AIMErrorCode: "InvalidItemKey",
	}
	if diff := cmp.Diff(want, problemDoc(t, a.body)); diff != "" {
		t.Errorf("body (-want +got):\n%s", diff)
	}
	if a.status != 422 || a.header.Get("Content-Type") != "application/problem+json" {
		t.Errorf("got %d %q, want 422 application/problem+json", a.status, a.header.Get("Content-Type"))
	}
	if a.outcome != outcomeError || a.code != CodeAIMRejected {
		t.Errorf("got outcome %q code %q, want error aim_rejected", a.outcome, a.code)
	}
	if a := m.answer(Request{Format: FormatHTTP}, Failure(Problem{Code: CodeMethodNotAllowed})); a.header.Get("Allow") != "GET, OPTIONS" {
		t.Errorf("405: got Allow %q, want GET, OPTIONS", a.header.Get("Allow"))
	}
}

// TestErrorRedirect checks redirect-mode errors go to the error page with
// error=<code> appended to its own query, kept as configured, and that JSON
// callers, unreadable events and method or origin refusals get the problem.
func TestErrorRedirect(t *testing.T) {
	t.Parallel()
	tests := []struct {
		page string
		req  Request
		code Code
		want string // Location; "" for a problem answer
	}{
		{page: "https://shop.example.com/cards-error?lang=en", req: Request{Format: FormatHTTP}, code: CodeSessionExpired,
			want: "https://shop.example.com/cards-error?lang=en&error=session_expired"},
		{page: "https://shop.example.com/cards/error", req: Request{Format: FormatREST}, code: CodeMissingToken,
			want: "https://shop.example.com/cards/error?error=missing_token"},
		{page: "https://shop.example.com/e?b=2&a=x%20y&", req: Request{Format: FormatHTTP}, code: CodeUnavailable,
			want: "https://shop.example.com/e?b=2&a=x%20y&error=unavailable"},
		{page: "https://shop.example.com/account#cards", req: Request{Format: FormatHTTP}, code: CodeAIMRejected,
			want: "https://shop.example.com/account?error=aim_rejected#cards"},
		{page: "https://shop.example.com/e", req: Request{Format: FormatHTTP, WantsJSON: true}, code: CodeMissingToken},
		{page: "https://shop.example.com/e", req: Request{}, code: CodeInvalidRequest},
		{page: "https://shop.example.com/e", req: Request{Format: FormatHTTP}, code: CodeMethodNotAllowed},
		{page: "https://shop.example.com/e", req: Request{Format: FormatHTTP}, code: CodeOriginNotAllowed},
	}
	for _, tt := range tests {
		t.Run(tt.page+" "+string(tt.code), func(t *testing.T) {
			t.Parallel()
			page, err := url.Parse(tt.page)
			if err != nil {
				t.Fatal(err)
			}
			a := NewMapper(Options{ErrorRedirectURL: page}).answer(tt.req, Failure(Problem{Code: tt.code, RetryAfter: "3"}))
			if a.outcome != outcomeError || a.code != tt.code || a.header.Get("Retry-After") != "3" {
				t.Errorf("got outcome %q code %q Retry-After %q, want error %s 3", a.outcome, a.code, a.header.Get("Retry-After"), tt.code)
			}
			if tt.want == "" {
				if want := problemKinds[tt.code].status; a.status != want || a.header.Get("Location") != "" {
					t.Errorf("got %d %q, want the %d problem", a.status, a.header.Get("Location"), want)
				}
				return
			}
			if got := a.header.Get("Location"); got != tt.want || a.status != 302 {
				t.Errorf("got %d %q, want 302 %q", a.status, got, tt.want)
			}
		})
	}
}

func TestDecodeNeither(t *testing.T) {
	t.Parallel()
	for _, payload := range []string{``, `null`, `[]`, `{}`, `{"version":"3.0"}`, `not json`, `{"version":"2.0","headers":7}`} {
		if _, err := decode([]byte(payload)); err == nil {
			t.Errorf("decode(%q): got nil error, want one", payload)
		}
	}
}

// TestUnreadableOutcome checks an answer to a payload that is no event
// reports the outcome unreadable, and any other request error error.
func TestUnreadableOutcome(t *testing.T) {
	t.Parallel()
	m := NewMapper(Options{})
	for _, tt := range []struct {
		payload, want string
	}{{"hello", outcomeUnreadable}, {`{}`, outcomeUnreadable}, {`{"version":"2.0","requestContext":{"http":{"method":"POST"}}}`, outcomeError}} {
		req := m.Parse([]byte(tt.payload))
		p := Problem{Code: CodeInvalidRequest}
		var re *RequestError
		if errors.As(req.Err, &re) {
			p = re.Problem()
		}
		if got := m.Answer(req, Failure(p)); got.Outcome != tt.want {
			t.Errorf("%s: got outcome %q, want %q", tt.payload, got.Outcome, tt.want)
		}
	}
}

// TestChallenge checks the 401 answers carry the WWW-Authenticate challenge
// RFC 9110 requires, in both payload formats, and that no other answer
// does: not another status, and not a 401 turned into a 302 to the error
// page.
func TestChallenge(t *testing.T) {
	t.Parallel()
	page, _ := url.Parse("https://shop.example.com/cards/error")
	const realm = `Bearer realm="customer-access-token"`
	tests := []struct {
		code      Code
		wantsJSON bool
		page      *url.URL
		want      string // "" for none
	}{
		{code: CodeMissingToken, want: realm},
		{code: CodeSessionExpired, want: realm + `, error="invalid_token"`},
		{code: CodeMissingToken, wantsJSON: true, page: page, want: realm},
		{code: CodeSessionExpired, page: page},
		{code: CodeMissingToken, page: page},
		{code: CodeInvalidRequest},
		{code: CodeAIMRejected},
	}
	for _, tt := range tests {
		m := NewMapper(Options{ErrorRedirectURL: tt.page})
		for _, f := range []Format{FormatREST, FormatHTTP} {
			raw, err := json.Marshal(m.Answer(Request{Format: f, WantsJSON: tt.wantsJSON}, Failure(Problem{Code: tt.code})).Payload)
			if err != nil {
				t.Fatal(err)
			}
			var out events.APIGatewayV2HTTPResponse
			if err := json.Unmarshal(raw, &out); err != nil {
				t.Fatal(err)
			}
			if got := out.Headers["WWW-Authenticate"]; got != tt.want {
				t.Errorf("%s in %v (JSON %v, page %v): got status %d WWW-Authenticate %q, want %q", tt.code, f, tt.wantsJSON, tt.page != nil, out.StatusCode, got, tt.want)
			}
		}
	}
}
