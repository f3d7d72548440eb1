package localrun_test

import (
	"encoding/json"
	"io"
	"maps"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/aimcards/customer-access-token/internal/dev/localrun"
)

// restFields are the only response fields a REST API (payload 1.0) accepts;
// any other field, such as cookies, makes API Gateway answer 502.
var restFields = []string{"body", "headers", "isBase64Encoded", "multiValueHeaders", "statusCode"}

// checkFormat checks that the answer is in the event's payload format.
func checkFormat(t *testing.T, file string, a localrun.Answer) {
	t.Helper()
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(a.Raw, &fields); err != nil {
		t.Fatalf("answer is not a JSON object: %v", err)
	}
	if strings.HasPrefix(file, "rest-") {
		for k := range fields {
			if !slices.Contains(restFields, k) {
				t.Errorf("1.0 answer has field %q, want only %v", k, restFields)
			}
		}
		return
	}
	var multi map[string][]string
	_ = json.Unmarshal(fields["multiValueHeaders"], &multi)
	if len(multi) > 0 {
		t.Errorf("2.0 answer puts headers %v in multiValueHeaders, which HTTP APIs ignore", slices.Sorted(maps.Keys(multi)))
	}
}

// checkCommonHeaders checks the headers every answer carries, and CORS for
// the allowed origin every event but the bad-origin preflight sends.
func checkCommonHeaders(t *testing.T, a localrun.Answer, allowedOrigin bool) {
	t.Helper()
	want := map[string]string{
		"Cache-Control":          "no-store",
		"Referrer-Policy":        "no-referrer",
		"X-Content-Type-Options": "nosniff",
	}
	if allowedOrigin {
		want["Access-Control-Allow-Origin"] = localrun.AllowedOrigin
		want["Access-Control-Allow-Credentials"] = "true"
	}
	for k, v := range want {
		if got := a.Headers.Get(k); got != v {
			t.Errorf("got %s %q, want %q", k, got, v)
		}
	}
	if !allowedOrigin {
		if got := a.Headers.Get("Access-Control-Allow-Origin"); got != "" {
			t.Errorf("got Access-Control-Allow-Origin %q for a foreign origin, want none", got)
		}
		return
	}
	if !headerHasToken(a.Headers, "Vary", "Origin") {
		t.Errorf("got Vary %q, want it to include Origin", a.Headers.Values("Vary"))
	}
}

// headerHasToken reports whether a comma-separated header lists tok.
func headerHasToken(h http.Header, name, tok string) bool {
	for _, v := range h.Values(name) {
		for _, part := range strings.Split(v, ",") {
			if strings.EqualFold(strings.TrimSpace(part), tok) {
				return true
			}
		}
	}
	return false
}

// checkRedirect checks a 302 to the sandbox's card page and follows it.
func checkRedirect(t *testing.T, a localrun.Answer) {
	t.Helper()
	if a.Body != "" {
		t.Errorf("got body %q, want an empty body", a.Body)
	}
	checkCardPage(t, a.Headers.Get("Location"))
}

// checkCardPage checks that u is the sandbox's AccountManagement URL and
// that a browser following it sees the card page.
func checkCardPage(t *testing.T, u string) {
	t.Helper()
	s := needStack(t)
	p, err := url.Parse(u)
	if err != nil || p.Scheme+"://"+p.Host != s.SandboxURL || p.Path != "/AccountManagement" || p.Query().Get("at") == "" {
		t.Fatalf("got URL %.40q…, want %s/AccountManagement?at=…", u, s.SandboxURL)
	}
	resp, err := http.Get(u)
	if err != nil {
		t.Fatalf("follow the URL: %v", err)
	}
	defer resp.Body.Close()
	page, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(page), "<title>AIM sandbox — Manage cards</title>") {
		t.Errorf("following the URL: got %d %q, want 200 and the card page", resp.StatusCode, page)
	}
}

// checkJSON checks a 200 JSON answer with the access token and the URL.
func checkJSON(t *testing.T, a localrun.Answer) {
	t.Helper()
	checkMediaType(t, a, "application/json")
	var body map[string]string
	if err := json.Unmarshal([]byte(a.Body), &body); err != nil {
		t.Fatalf("body is not a JSON object of strings: %v", err)
	}
	if diff := cmp.Diff([]string{"AccountManagementUrl", "Token"}, slices.Sorted(maps.Keys(body))); diff != "" {
		t.Errorf("body fields mismatch (-want +got):\n%s", diff)
	}
	if body["Token"] == "" {
		t.Errorf("got an empty Token, want AIM's access token")
	}
	checkCardPage(t, body["AccountManagementUrl"])
}

// problemBody is the body of the function's RFC 9457 problem answer.
type problemBody struct {
	Type         string `json:"type"`
	Title        string `json:"title"`
	Status       int    `json:"status"`
	Detail       string `json:"detail"`
	Code         string `json:"code"`
	AIMErrorCode string `json:"aimErrorCode"`
}

// checkProblem checks an RFC 9457 problem answer with the given code.
func checkProblem(t *testing.T, a localrun.Answer, code string) {
	t.Helper()
	checkMediaType(t, a, "application/problem+json")
	var p problemBody
	if err := json.Unmarshal([]byte(a.Body), &p); err != nil {
		t.Fatalf("body %q is not a problem object: %v", a.Body, err)
	}
	if p.Code != code || p.Status != a.Status {
		t.Errorf("got code %q status %d, want %q %d", p.Code, p.Status, code, a.Status)
	}
	if p.Type == "" || p.Title == "" || p.Detail == "" {
		t.Errorf("got type %q title %q detail %q, want all three set", p.Type, p.Title, p.Detail)
	}
	if got, want := a.Headers.Get("WWW-Authenticate"), challenges[code]; got != want {
		t.Errorf("got WWW-Authenticate %q on %d %s, want %q", got, a.Status, code, want)
	}
}

// challenges are the WWW-Authenticate values of the 401 problems (RFC 9110
// requires one on a 401; RFC 6750's Bearer scheme, as the function reads
// Authorization: Bearer). Other problems carry none.
var challenges = map[string]string{
	"missing_token":   `Bearer realm="customer-access-token"`,
	"session_expired": `Bearer realm="customer-access-token", error="invalid_token"`,
}

// checkMediaType checks the answer's Content-Type, parameters aside.
func checkMediaType(t *testing.T, a localrun.Answer, want string) {
	t.Helper()
	got, _, err := mime.ParseMediaType(a.Headers.Get("Content-Type"))
	if err != nil || got != want {
		t.Errorf("got Content-Type %q, want %s", a.Headers.Get("Content-Type"), want)
	}
}

// checkPreflight checks a 204 CORS preflight answer.
func checkPreflight(t *testing.T, a localrun.Answer) {
	t.Helper()
	if !headerHasToken(a.Headers, "Access-Control-Allow-Methods", "GET") {
		t.Errorf("got Access-Control-Allow-Methods %q, want it to include GET", a.Headers.Values("Access-Control-Allow-Methods"))
	}
	for _, h := range []string{"Token", "Authorization", "DeviceId"} {
		if !headerHasToken(a.Headers, "Access-Control-Allow-Headers", h) {
			t.Errorf("got Access-Control-Allow-Headers %q, want it to include %s", a.Headers.Values("Access-Control-Allow-Headers"), h)
		}
	}
	if a.Headers.Get("Access-Control-Max-Age") == "" {
		t.Errorf("got no Access-Control-Max-Age, want one")
	}
	if a.Body != "" {
		t.Errorf("got body %q, want an empty body", a.Body)
	}
}
