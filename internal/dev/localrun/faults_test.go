package localrun_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/aimcards/customer-access-token/internal/dev/aimsandbox"
	"github.com/aimcards/customer-access-token/internal/dev/localrun"
)

// The fault matrix runs through the real parts: the bootstrap under the
// emulator, the real SDK against moto (behind moto.FaultProxy where moto
// cannot play the fault) and the real AIM client against the sandbox. Every
// case checks status, code and headers, that no Lambda function error is
// raised, and that the next good request works.

// TestFaultSecretsManager starts a cold instance per case, so the ApiKey is
// not cached yet, and fails Secrets Manager in each way it can fail.
func TestFaultSecretsManager(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	tests := []secretFault{
		{name: "secret missing",
			breakIt: func(*testing.T, string) {},
			mend:    func(t *testing.T, id string) { mustCreate(t, r, id, r.apiKey) }},
		proxyFault(r, "access denied", 400, "AccessDeniedException", 0),
		proxyFault(r, "throttled", 400, "ThrottlingException", 0),
		proxyFault(r, "5xx", 500, "InternalServiceError", 0),
		proxyFault(r, "slow past the deadline", 0, "", 20*time.Second),
		{name: "empty string",
			breakIt: func(t *testing.T, id string) { mustCreate(t, r, id, "") },
			mend:    func(t *testing.T, id string) { mustPut(t, r, id, r.apiKey) }},
		{name: "JSON without the configured field", env: map[string]string{"AIM_API_KEY_SECRET_FIELD": "StoreKey"},
			breakIt: func(t *testing.T, id string) { mustCreate(t, r, id, `{"ApiKey":"`+r.apiKey+`"}`) },
			mend:    func(t *testing.T, id string) { mustPut(t, r, id, `{"StoreKey":"`+r.apiKey+`"}`) }},
		{name: "binary-only secret",
			breakIt: func(t *testing.T, id string) {
				if _, err := r.moto.CreateBinarySecret(t.Context(), id, []byte(r.apiKey)); err != nil {
					t.Fatal(err)
				}
			},
			mend: func(t *testing.T, id string) { mustPut(t, r, id, r.apiKey) }},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id := "faults/key-" + string(rune('a'+i))
			env := map[string]string{"AIM_API_KEY_SECRET_ID": id, "AIM_TIMEOUT": "2s"}
			for k, v := range tt.env {
				env[k] = v
			}
			tt.breakIt(t, id)
			defer r.proxy.ClearFault()
			f := r.start(t, env, 0)
			before := r.sb.Calls(aimsandbox.OpCustomerAccessToken)
			wantProblem(t, f.invokeFile(t, goodEvent), 503, "unavailable")
			wantProblem(t, f.invokeFile(t, "httpapi-json.json"), 503, "unavailable")
			if got := r.sb.Calls(aimsandbox.OpCustomerAccessToken) - before; got != 0 {
				t.Errorf("got %d CustomerAccessToken calls without an ApiKey, want 0", got)
			}
			tt.mend(t, id)
			f.wantRedirect(t, f.invokeFile(t, goodEvent))
		})
	}
	t.Run("nothing leaked", func(t *testing.T) { r.checkNoLeaks(t) })
}

// secretFault makes the ApiKey secret unusable for one case, then good again.
type secretFault struct {
	name    string
	env     map[string]string
	breakIt func(t *testing.T, id string) // make the secret unusable
	mend    func(t *testing.T, id string) // make it good again
}

// proxyFault is a good secret whose reads fail at the proxy with an AWS
// error (status, errType) or a delay.
func proxyFault(r *rig, name string, status int, errType string, delay time.Duration) secretFault {
	return secretFault{name: name,
		breakIt: func(t *testing.T, id string) {
			mustCreate(t, r, id, r.apiKey)
			r.proxy.SetFault(status, errType, delay)
		},
		mend: func(*testing.T, string) { r.proxy.ClearFault() }}
}

func mustCreate(t *testing.T, r *rig, id, v string) {
	t.Helper()
	if _, err := r.moto.CreateSecret(t.Context(), id, v); err != nil {
		t.Fatal(err)
	}
}

func mustPut(t *testing.T, r *rig, id, v string) {
	t.Helper()
	if err := r.moto.PutSecret(t.Context(), id, v); err != nil {
		t.Fatal(err)
	}
}

// TestFaultGetEndPoint fails discovery for a cold instance, which has no
// endpoint to fall back on.
func TestFaultGetEndPoint(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	tests := []struct {
		name   string
		fault  aimsandbox.Fault
		env    map[string]string
		status int
		code   string
	}{
		{"5xx", aimsandbox.ServerError(), nil, 502, "upstream_error"},
		{"HTML", aimsandbox.HTMLPage(), nil, 502, "upstream_error"},
		{"truncated JSON", aimsandbox.TruncatedJSON(), nil, 502, "upstream_error"},
		{"missing OAuthToken", aimsandbox.Fault{DropOAuthToken: true}, nil, 502, "upstream_error"},
		{"missing domain", aimsandbox.Fault{DropEndpointDomain: true}, nil, 502, "upstream_error"},
		{"ApiKey refused", aimsandbox.Unauthorized(), nil, 502, "credentials_refused"},
		{"slow", aimsandbox.Slow(10 * time.Second), map[string]string{"AIM_TIMEOUT": "1s"}, 504, "upstream_timeout"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r.sb.SetFault(aimsandbox.OpGetEndPoint, tt.fault)
			defer r.sb.ClearFaults()
			f := r.start(t, tt.env, 0)
			before := r.sb.Calls(aimsandbox.OpCustomerAccessToken)
			a := f.invokeFile(t, goodEvent)
			wantProblem(t, a, tt.status, tt.code)
			var p problemBody
			if _ = json.Unmarshal([]byte(a.Body), &p); p.AIMErrorCode != "" {
				t.Errorf("got aimErrorCode %q, want none: discovery's code is the store's own problem", p.AIMErrorCode)
			}
			if got := r.sb.Calls(aimsandbox.OpCustomerAccessToken) - before; got != 0 {
				t.Errorf("got %d CustomerAccessToken calls without an endpoint, want 0", got)
			}
			r.sb.ClearFaults()
			f.wantRedirect(t, f.invokeFile(t, goodEvent))
		})
	}
	t.Run("nothing leaked", func(t *testing.T) { r.checkNoLeaks(t) })
}

// TestFaultCustomerAccessToken fails AIM's CustomerAccessToken for a warm
// instance in every way the README's Failure behaviour table names.
func TestFaultCustomerAccessToken(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	url := func(u string) aimsandbox.Fault { return aimsandbox.ManagementURL(u) }
	unsafe := []string{ // each carries a sentinel that must not be logged
		"javascript:alert(document.cookie)//sentinel-unsafe-js",
		"http://aim.example.com/AccountManagement?at=sentinel-unsafe-http",
		"https://user:sentinel-unsafe-pw@aim.example.com/AccountManagement",
		"https://aim.example.com/AccountManagement?at=sentinel-unsafe-crlf\r\nSet-Cookie: a=b",
		"https://aim.example.com/Account\x00Management?at=sentinel-unsafe-nul",
	}
	tests := []struct {
		name       string
		event      string
		fault      aimsandbox.Fault
		status     int
		code       string
		calls      int // CustomerAccessToken requests AIM gets; 0: not checked
		detail     string
		aimCode    string
		retryAfter string
	}{
		{name: "5xx with ResponseStatus", fault: aimsandbox.ServerError(), status: 502, code: "upstream_error"},
		{name: "HTML", fault: aimsandbox.HTMLPage(), status: 502, code: "upstream_error"},
		{name: "truncated JSON", fault: aimsandbox.TruncatedJSON(), status: 502, code: "upstream_error"},
		{name: "oversize body", fault: aimsandbox.Fault{Oversize: 2 << 20}, status: 502, code: "upstream_error"},
		{name: "200 with Status error", fault: aimsandbox.Rejected("InvalidMode", "That card cannot be added here."),
			status: 422, code: "aim_rejected", calls: 1, detail: "That card cannot be added here.", aimCode: "InvalidMode"},
		{name: "200 without AccountManagementUrl", fault: url(""), status: 502, code: "upstream_error"},
		{name: "javascript URL", fault: url(unsafe[0]), status: 502, code: "upstream_error"},
		{name: "http to a public host", fault: url(unsafe[1]), status: 502, code: "upstream_error"},
		{name: "user-info", fault: url(unsafe[2]), status: 502, code: "upstream_error"},
		{name: "CR LF in URL", fault: url(unsafe[3]), status: 502, code: "upstream_error"},
		{name: "NUL in URL", fault: url(unsafe[4]), status: 502, code: "upstream_error"},
		// The one replay: the connection came from the pool (see the README's
		// Credentials over time), so a click reaches AIM twice, not more.
		{name: "connection reset", fault: aimsandbox.Fault{Reset: true}, status: 502, code: "upstream_error", calls: 2},
		{name: "429", fault: aimsandbox.Throttled("7"), status: 503, code: "unavailable", retryAfter: "7"},
		// Only AIM's answer to the customer's input is aim_rejected: another
		// 4xx is about the request the function built.
		{name: "404", fault: aimsandbox.Fault{Status: 404, Code: "NotFound", Message: "sentinel-aim-internal"}, status: 502, code: "upstream_error", aimCode: "NotFound"},
		{name: "400", fault: aimsandbox.Fault{Status: 400, Code: "SerializationException", Message: "sentinel-aim-internal"}, status: 502, code: "upstream_error", calls: 1},
		{name: "409", fault: aimsandbox.Fault{Status: 409, Code: "Conflict", Message: "sentinel-aim-internal"}, status: 502, code: "upstream_error", calls: 1},
		{name: "refused customer token", event: "httpapi-expired-token.json", status: 401, code: "session_expired"},
		{name: "502 is not retried", fault: aimsandbox.Fault{Times: 1, Status: 502, Code: "BadGateway"}, status: 502, code: "upstream_error", calls: 1},
		{name: "503 is not retried", fault: aimsandbox.Fault{Times: 1, Status: 503, Code: "Unavailable"}, status: 502, code: "upstream_error", calls: 1},
		{name: "one connection reset then 200", fault: aimsandbox.Fault{Times: 1, Reset: true}, status: 302, calls: 2},
	}
	f := r.start(t, nil, 0)
	f.wantRedirect(t, f.invokeFile(t, goodEvent))
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r.sb.SetFault(aimsandbox.OpCustomerAccessToken, tt.fault)
			defer r.sb.ClearFaults()
			event := tt.event
			if event == "" {
				event = goodEvent
			}
			before := r.sb.Calls(aimsandbox.OpCustomerAccessToken)
			a := f.invokeFile(t, event)
			if tt.status == 302 {
				f.wantRedirect(t, a)
			} else {
				wantProblem(t, a, tt.status, tt.code)
				checkDetail(t, a, tt.detail, tt.aimCode)
			}
			if got := r.sb.Calls(aimsandbox.OpCustomerAccessToken) - before; tt.calls != 0 && got != tt.calls {
				t.Errorf("got %d CustomerAccessToken requests, want %d", got, tt.calls)
			}
			if got := a.Headers.Get("Retry-After"); got != tt.retryAfter {
				t.Errorf("got Retry-After %q, want %q", got, tt.retryAfter)
			}
			r.sb.ClearFaults()
			f.wantRedirect(t, f.invokeFile(t, goodEvent))
		})
	}
	t.Run("host outside REDIRECT_ALLOWED_HOSTS", func(t *testing.T) {
		g := r.start(t, map[string]string{"REDIRECT_ALLOWED_HOSTS": "aim.example.com"}, 0)
		wantProblem(t, g.invokeFile(t, goodEvent), 502, "upstream_error")
		r.sb.SetFault(aimsandbox.OpCustomerAccessToken, url("https://aim.example.com/AccountManagement?at=sentinel-allowed"))
		defer r.sb.ClearFaults()
		a := g.invokeFile(t, goodEvent)
		if a.Status != 302 || a.Headers.Get("Location") != "https://aim.example.com/AccountManagement?at=sentinel-allowed" {
			t.Errorf("allowed host: got %d, want 302 to it", a.Status)
		}
	})
	t.Run("no answer past AIM_TIMEOUT", func(t *testing.T) {
		g := r.start(t, map[string]string{"AIM_TIMEOUT": "1s"}, 0)
		g.wantRedirect(t, g.invokeFile(t, goodEvent))
		r.sb.SetFault(aimsandbox.OpCustomerAccessToken, aimsandbox.Slow(10*time.Second))
		defer r.sb.ClearFaults()
		wantProblem(t, g.invokeFile(t, goodEvent), 504, "upstream_timeout")
		r.sb.ClearFaults()
		g.wantRedirect(t, g.invokeFile(t, goodEvent))
	})
	t.Run("Lambda deadline shorter than AIM_TIMEOUT", func(t *testing.T) {
		g := r.start(t, map[string]string{"AIM_TIMEOUT": "4s"}, 2*time.Second)
		g.wantRedirect(t, g.invokeFile(t, goodEvent))
		r.sb.SetFault(aimsandbox.OpCustomerAccessToken, aimsandbox.Slow(5*time.Second))
		defer r.sb.ClearFaults()
		wantProblem(t, g.invokeFile(t, goodEvent), 504, "upstream_timeout")
		r.sb.ClearFaults()
		g.wantRedirect(t, g.invokeFile(t, goodEvent))
	})
	t.Run("nothing leaked", func(t *testing.T) {
		extra := []string{"sentinel-unsafe", "sentinel-allowed"}
		r.checkNoLeaks(t, extra...)
	})
}

// checkDetail checks the problem's detail and aimErrorCode when given, and
// that AIM's internal message stayed out of the answer.
func checkDetail(t *testing.T, a localrun.Answer, detail, aimCode string) {
	t.Helper()
	var p problemBody
	_ = json.Unmarshal([]byte(a.Body), &p)
	if detail != "" && p.Detail != detail {
		t.Errorf("got detail %q, want %q", p.Detail, detail)
	}
	if aimCode != "" && p.AIMErrorCode != aimCode {
		t.Errorf("got aimErrorCode %q, want %q", p.AIMErrorCode, aimCode)
	}
	if strings.Contains(a.Body, "sentinel-aim-internal") || strings.Contains(a.Body, "Object reference") {
		t.Errorf("got body %s, want AIM's internal message kept out of it", a.Body)
	}
}
