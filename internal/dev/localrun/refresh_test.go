package localrun_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aimcards/customer-access-token/internal/dev/aimsandbox"
)

// TestFaultRefreshFails has AIM refuse a warm instance's call (401 for an
// expired customer session, or 403) and then fails the forced credential
// refresh that follows: Secrets Manager answering 5xx is 503 unavailable,
// GetEndPoint answering 5xx is discovery's 502 upstream_error. Neither is
// the customer's session_expired or aim_rejected, and AIM is not asked
// again. Forced refreshes are rate-limited per instance, so every case
// starts its own.
func TestFaultRefreshFails(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	refusals := []struct {
		name  string
		event string
		fault *aimsandbox.Fault // on CustomerAccessToken; nil: the event's token is expired
	}{
		{"401 for an expired session", "httpapi-expired-token.json", nil},
		{"403", goodEvent, &aimsandbox.Fault{Status: http.StatusForbidden, Code: "NotAllowed", Message: "sentinel-aim-internal"}},
	}
	failures := []struct {
		name    string
		breakIt func()
		status  int
		code    string
		cause   string // in the invocation line
		getEPs  int    // GetEndPoint calls the refusal's invocation makes
	}{
		{"Secrets Manager 5xx", func() { r.proxy.SetFault(500, "InternalServiceError", 0) },
			http.StatusServiceUnavailable, "unavailable", "credential refresh failed", 0},
		{"GetEndPoint 5xx", func() { r.sb.SetFault(aimsandbox.OpGetEndPoint, aimsandbox.ServerError()) },
			http.StatusBadGateway, "upstream_error", "GetEndPoint", 1},
	}
	for _, refusal := range refusals {
		for _, failure := range failures {
			t.Run(refusal.name+" then "+failure.name, func(t *testing.T) {
				f := r.start(t, nil, 0)
				f.wantRedirect(t, f.invokeFile(t, goodEvent)) // key and endpoint cached
				defer r.proxy.ClearFault()
				defer r.sb.ClearFaults()
				if refusal.fault != nil {
					r.sb.SetFault(aimsandbox.OpCustomerAccessToken, *refusal.fault)
				}
				failure.breakIt()
				cats, getEPs := r.sb.Calls(aimsandbox.OpCustomerAccessToken), r.sb.Calls(aimsandbox.OpGetEndPoint)
				gets, logged := r.proxy.Calls("GetSecretValue"), len(r.out.String())

				wantProblem(t, f.invokeFile(t, refusal.event), failure.status, failure.code)
				if n := r.sb.Calls(aimsandbox.OpCustomerAccessToken) - cats; n != 1 {
					t.Errorf("got %d CustomerAccessToken calls, want 1 (no retry without new credentials)", n)
				}
				if n := r.proxy.Calls("GetSecretValue") - gets; n < 1 {
					t.Errorf("got %d GetSecretValue calls, want the forced refresh to ask Secrets Manager", n)
				}
				if n := r.sb.Calls(aimsandbox.OpGetEndPoint) - getEPs; n != failure.getEPs {
					t.Errorf("got %d GetEndPoint calls, want %d", n, failure.getEPs)
				}
				if line := r.invocationLine(logged); !strings.Contains(line, failure.cause) {
					t.Errorf("got invocation line %s, want a cause naming %q", line, failure.cause)
				}

				r.proxy.ClearFault()
				r.sb.ClearFaults()
				f.wantRedirect(t, f.invokeFile(t, goodEvent))
			})
		}
	}
	t.Run("nothing leaked", func(t *testing.T) { r.checkNoLeaks(t) })
}

// invocationLine is the first invocation log line the rig's output holds
// past its first from bytes, or "" when none arrives within 5 s (the
// emulator copies the function's output on its own time).
func (r *rig) invocationLine(from int) string {
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		for line := range strings.Lines(r.out.String()[from:]) {
			if strings.Contains(line, `"msg":"invocation"`) {
				return strings.TrimSpace(line)
			}
		}
	}
	return ""
}
