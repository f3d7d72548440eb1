package localrun_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aimcards/customer-access-token/internal/dev/aimsandbox"
)

// initBudget is the function's budget for fetching credentials at init.
const initBudget = 2 * time.Second

// TestIncidentSlowInit makes Secrets Manager or GetEndPoint slow but
// working (2.5 s: past init's 2 s budget, within AIM_TIMEOUT's 4 s). The
// prefetch is cut short by init's own budget, which is not the upstream's
// failure: the click that caused the cold start fetches at once and lands
// on the card page, instead of meeting a back-off.
func TestIncidentSlowInit(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	slow := 2500 * time.Millisecond
	tests := []struct {
		name    string
		breakIt func()
	}{
		{"Secrets Manager", func() { r.proxy.SetFault(0, "", slow) }},
		{"GetEndPoint", func() { r.sb.SetFault(aimsandbox.OpGetEndPoint, aimsandbox.Slow(slow)) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.breakIt()
			defer r.proxy.ClearFault()
			defer r.sb.ClearFaults()
			logged := len(r.out.String())
			f := r.start(t, map[string]string{"FAILURE_BACKOFF": "5s"}, 0) // production's, which a click would meet
			f.wantRedirect(t, f.invokeFile(t, goodEvent))
			if got := r.out.String()[logged:]; !strings.Contains(got, "credential prefetch cut short by init's "+initBudget.String()+" budget; the first request will try again") {
				t.Errorf("got no line saying the prefetch was cut short by init's budget, want one")
			}
		})
	}
	t.Run("nothing leaked", func(t *testing.T) { r.checkNoLeaks(t) })
}

// TestIncidentExpiredSessionDuringBackoff lets the cache expire while
// Secrets Manager or GetEndPoint is down, so the older value serves and the
// next try waits 30 s. An expired customer session then meets that wait in
// the forced refresh: no refresh, as under the 30 s limit, so the answer is
// 401 session_expired, not 503 or 502.
func TestIncidentExpiredSessionDuringBackoff(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	tests := []struct {
		name    string
		breakIt func()
	}{
		{"Secrets Manager", func() { r.proxy.SetFault(500, "InternalServiceError", 0) }},
		{"GetEndPoint", func() { r.sb.SetFault(aimsandbox.OpGetEndPoint, aimsandbox.ServerError()) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := r.start(t, map[string]string{"CACHE_TTL": "2s"}, 0)
			f.wantRedirect(t, f.invokeFile(t, goodEvent))
			defer r.proxy.ClearFault()
			defer r.sb.ClearFaults()
			tt.breakIt()
			time.Sleep(2100 * time.Millisecond) // past CACHE_TTL
			f.wantRedirect(t, f.invokeFile(t, goodEvent))
			cats := r.sb.Calls(aimsandbox.OpCustomerAccessToken)
			wantProblem(t, f.invokeFile(t, "httpapi-expired-token.json"), http.StatusUnauthorized, "session_expired")
			if n := r.sb.Calls(aimsandbox.OpCustomerAccessToken) - cats; n != 1 {
				t.Errorf("got %d CustomerAccessToken calls, want 1 (no retry without new credentials)", n)
			}
		})
	}
	t.Run("nothing leaked", func(t *testing.T) { r.checkNoLeaks(t) })
}

// TestIncidentEndpointPastStaleMax lets GetEndPoint time out past STALE_MAX:
// the previous endpoint serves, then the answer is 502 upstream_error (as
// for any endpoint stale past STALE_MAX), not the timeout's 504.
func TestIncidentEndpointPastStaleMax(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	f := r.start(t, map[string]string{"CACHE_TTL": "2s", "STALE_MAX": "2s", "AIM_TIMEOUT": "1s"}, 0)
	f.wantRedirect(t, f.invokeFile(t, goodEvent))
	r.sb.SetFault(aimsandbox.OpGetEndPoint, aimsandbox.Slow(10*time.Second))
	defer r.sb.ClearFaults()
	time.Sleep(2100 * time.Millisecond) // past CACHE_TTL
	f.wantRedirect(t, f.invokeFile(t, goodEvent))
	time.Sleep(2100 * time.Millisecond) // stale for longer than STALE_MAX
	wantProblem(t, f.invokeFile(t, goodEvent), http.StatusBadGateway, "upstream_error")
	if !strings.Contains(r.out.String(), "older endpoint stale for longer than 2s") {
		t.Errorf("got no stale-limit cause in the log, want it")
	}
	r.checkNoLeaks(t)
}
