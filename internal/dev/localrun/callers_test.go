package localrun_test

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aimcards/customer-access-token/internal/dev/aimsandbox"
	"github.com/aimcards/customer-access-token/internal/dev/localrun"
)

// What callers send, through the real parts: the bootstrap under the
// emulator, the real AIM client against the sandbox, the SDK against moto.
// Each case checks the answer and that no Lambda function error is raised
// (function.invoke fails the test on one).

// albEvent is an Application Load Balancer request for the function, in
// single-value or multi-value header mode.
func albEvent(multi bool) []byte {
	if multi {
		return []byte(`{"requestContext":{"elb":{"targetGroupArn":"arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/cards/0123456789abcdef"}},` +
			`"httpMethod":"GET","path":"/customer-access-token","multiValueQueryStringParameters":{"Mode":["ADD_CUSTOMER_CARD"]},` +
			`"multiValueHeaders":{"token":["` + aimsandbox.TestCustomerToken + `"],"origin":["` + localrun.AllowedOrigin + `"]},"body":"","isBase64Encoded":false}`)
	}
	return []byte(`{"requestContext":{"elb":{"targetGroupArn":"arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/cards/0123456789abcdef"}},` +
		`"httpMethod":"GET","path":"/customer-access-token","queryStringParameters":{"Mode":"ADD_CUSTOMER_CARD"},` +
		`"headers":{"token":"` + aimsandbox.TestCustomerToken + `","origin":"` + localrun.AllowedOrigin + `"},"body":"","isBase64Encoded":false}`)
}

// goodEventWith is the good 2.0 event with its raw query string replaced
// (when query is not "-") and headers set ("" deletes one).
func goodEventWith(t *testing.T, query string, headers map[string]string) []byte {
	t.Helper()
	return eventFrom(t, goodEvent, "", query, headers)
}

// eventFrom is the 2.0 event in events/file sent from the address ip ("":
// the file's), with query unless it is "-", and headers set as
// goodEventWith sets them.
func eventFrom(t *testing.T, file, ip, query string, headers map[string]string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(eventsDir, file))
	if err != nil {
		t.Fatal(err)
	}
	var ev map[string]any
	if err := json.Unmarshal(b, &ev); err != nil {
		t.Fatal(err)
	}
	if query != "-" {
		ev["rawQueryString"] = query
		delete(ev, "queryStringParameters")
	}
	if ip != "" {
		ev["requestContext"].(map[string]any)["http"].(map[string]any)["sourceIp"] = ip
	}
	h := ev["headers"].(map[string]any)
	for k, v := range headers {
		if v == "" {
			delete(h, k)
			continue
		}
		h[k] = v
	}
	out, err := json.Marshal(ev)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// problemParam returns the detail of a problem answer.
func problemDetail(t *testing.T, a localrun.Answer) string {
	t.Helper()
	var p struct{ Detail string }
	if err := json.Unmarshal([]byte(a.Body), &p); err != nil {
		t.Fatalf("body %q: %v", a.Body, err)
	}
	return p.Detail
}

func TestCallers(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	f := r.start(t, nil, 0)
	f.wantRedirect(t, f.invokeFile(t, goodEvent))
	calls := func() int { return r.sb.Calls(aimsandbox.OpCustomerAccessToken) }

	t.Run("a payload that is not JSON is a 400", func(t *testing.T) {
		a := f.invoke(t, []byte("hello"))
		if a.Status != http.StatusBadRequest {
			t.Fatalf("got %d (%s), want 400", a.Status, a.Raw)
		}
		checkProblem(t, a, "invalid_request")
		checkCommonHeaders(t, a, false)
	})
	t.Run("a Token joined from two headers is a 400 and AIM is not called", func(t *testing.T) {
		before := calls()
		tok := aimsandbox.TestCustomerToken
		a := f.invoke(t, goodEventWith(t, "-", map[string]string{"token": tok + "," + tok}))
		wantProblem(t, a, http.StatusBadRequest, "invalid_request")
		if d := problemDetail(t, a); !strings.Contains(d, "Token") {
			t.Errorf("got detail %q, want it to name Token", d)
		}
		if got := calls() - before; got != 0 {
			t.Errorf("got %d CustomerAccessToken calls, want 0", got)
		}
	})
	t.Run("a broken escape in a parameter the function does not read is ignored", func(t *testing.T) {
		f.wantRedirect(t, f.invoke(t, goodEventWith(t, "Mode=ADD_CUSTOMER_CARD&utm_content=50%off", nil)))
	})
	t.Run("a broken escape in Mode is a 400 naming Mode, in the form Accept asks for", func(t *testing.T) {
		const page = "https://shop.example.com/cards/error?lang=en"
		g := r.start(t, map[string]string{"ERROR_REDIRECT_URL": page}, 0)
		a := g.invoke(t, goodEventWith(t, "Mode=%zz&utm_content=50%off", map[string]string{"accept": "application/json"}))
		wantProblem(t, a, http.StatusBadRequest, "invalid_request")
		if d := problemDetail(t, a); !strings.Contains(d, "Mode") {
			t.Errorf("got detail %q, want it to name Mode", d)
		}
		a = g.invoke(t, goodEventWith(t, "Mode=%zz", nil)) // a browser's Accept
		if want := page + "&error=invalid_request"; a.Status != http.StatusFound || a.Headers.Get("Location") != want {
			t.Errorf("browser: got %d Location %q, want 302 to %q", a.Status, a.Headers.Get("Location"), want)
		}
	})
	t.Run("a 403 that survives the refresh is aim_rejected, not an expired session", func(t *testing.T) {
		r.sb.SetFault(aimsandbox.OpCustomerAccessToken, aimsandbox.Fault{Status: http.StatusForbidden, Code: "NotAllowed", Message: "sentinel-aim-internal"})
		defer r.sb.ClearFaults()
		before := calls()
		a := f.invokeFile(t, goodEvent)
		wantProblem(t, a, http.StatusUnprocessableEntity, "aim_rejected")
		checkDetail(t, a, "", "NotAllowed")
		if got := calls() - before; got != 1 {
			t.Errorf("got %d CustomerAccessToken calls, want 1 (no retry: the refresh brought the same credentials)", got)
		}
		r.sb.ClearFaults()
		f.wantRedirect(t, f.invokeFile(t, goodEvent))
	})
	t.Run("a 401 that survives the refresh is still session_expired", func(t *testing.T) {
		wantProblem(t, f.invokeFile(t, "httpapi-expired-token.json"), http.StatusUnauthorized, "session_expired")
	})
	for _, multi := range []bool{false, true} {
		name := map[bool]string{false: "an ALB event is a plain 400", true: "an ALB event in multi-value mode is a plain 400"}[multi]
		t.Run(name, func(t *testing.T) {
			before := calls()
			a := f.invoke(t, albEvent(multi))
			if a.Status != http.StatusBadRequest {
				t.Fatalf("got %d (%s), want 400", a.Status, a.Raw)
			}
			checkProblem(t, a, "invalid_request")
			var raw map[string]json.RawMessage
			_ = json.Unmarshal(a.Raw, &raw)
			if raw["statusDescription"] != nil || raw["cookies"] != nil || raw["headers"] == nil {
				t.Errorf("got %s, want the 1.0 shape: headers, no statusDescription or cookies", a.Raw)
			}
			if got := calls() - before; got != 0 {
				t.Errorf("got %d CustomerAccessToken calls, want 0", got)
			}
		})
	}
	t.Run("nothing leaked", func(t *testing.T) { r.checkNoLeaks(t) })
}
