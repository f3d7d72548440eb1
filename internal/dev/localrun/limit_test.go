package localrun_test

import (
	"crypto/rand"
	"maps"
	"net/http"
	"strings"
	"testing"

	"github.com/aimcards/customer-access-token/internal/dev/aimsandbox"
)

// shippedLimitEnv turns the shipped per-client limit on (CLIENT_LIMIT's
// default of 5 refusals a minute), each environment counting on its own.
var shippedLimitEnv = map[string]string{"CLIENT_LIMIT": "", "CLIENT_LIMIT_WINDOW": ""}

// TestLimitCountsOnlyTheCustomers runs the per-client limit's cases of the
// README's "Per-client limits" through the bootstrap under the emulator,
// moto and the sandbox: what the store or AIM got wrong never counts, a
// store's server is not blocked by its customers' expired sessions, a
// trusted server's customers count apart, and a cross-site navigation in
// cookie mode spends nothing. Each case uses its own addresses and
// function instance (counts are per environment without a table).
func TestLimitCountsOnlyTheCustomers(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	withLimit := func(extra map[string]string) map[string]string {
		env := maps.Clone(shippedLimitEnv)
		maps.Copy(env, extra)
		return env
	}

	t.Run("AIM refusing the store's ApiKey is the store's failure", func(t *testing.T) {
		f := r.start(t, withLimit(nil), 0)
		f.wantRedirect(t, f.invoke(t, eventFrom(t, goodEvent, "203.0.113.21", "-", nil))) // key and endpoint cached
		r.sb.RotateAPIKey("revoked-" + rand.Text())                                       // AIM no longer takes the key the secret holds
		defer r.sb.RotateAPIKey(r.apiKey)
		click := eventFrom(t, goodEvent, "203.0.113.22", "-", nil)
		logged := len(r.out.String())
		for range 8 { // past the limit, within the 30 s forced-refresh limit
			wantProblem(t, f.invoke(t, click), http.StatusBadGateway, "credentials_refused")
		}
		if line := r.invocationLine(logged); !strings.Contains(line, "store credentials refused by AIM") && !strings.Contains(line, "GetEndPoint: unauthorized") {
			t.Errorf("got invocation line %s, want its cause to name the store's credentials", line)
		}
		r.sb.RotateAPIKey(r.apiKey) // AIM takes the key again
		f.wantRedirect(t, f.invoke(t, click))
	})

	t.Run("another AIM 4xx is upstream_error, not counted", func(t *testing.T) {
		f := r.start(t, withLimit(nil), 0)
		click := eventFrom(t, goodEvent, "203.0.113.23", "-", nil)
		defer r.sb.ClearFaults()
		for i, status := range []int{404, 405, 400, 409, 404, 405, 400, 409} {
			r.sb.SetFault(aimsandbox.OpCustomerAccessToken, aimsandbox.Fault{Status: status, Code: "Moved", Message: "route moved"})
			logged := len(r.out.String())
			wantProblem(t, f.invoke(t, click), http.StatusBadGateway, "upstream_error")
			if line := r.invocationLine(logged); !strings.Contains(line, "code Moved") {
				t.Errorf("click %d (AIM %d): got invocation line %s, want AIM's code in it", i+1, status, line)
			}
		}
		r.sb.ClearFaults()
		f.wantRedirect(t, f.invoke(t, click))
	})

	t.Run("a trusted server's customers count apart", func(t *testing.T) {
		const server = "198.51.100.7"
		f := r.start(t, withLimit(map[string]string{"TRUSTED_PROXIES": "198.51.100.0/24"}), 0)
		// The server names its customer; API Gateway appends the server.
		junk := eventFrom(t, "httpapi-expired-token.json", server, "-", map[string]string{"x-forwarded-for": "203.0.113.31, " + server})
		customer := eventFrom(t, goodEvent, server, "-", map[string]string{"x-forwarded-for": "203.0.113.32, " + server})
		blocked := false
		for i := 0; i < 12 && !blocked; i++ { // at most 11 when a minute's boundary falls in between
			blocked = f.invoke(t, junk).Status == http.StatusTooManyRequests
		}
		if !blocked {
			t.Fatalf("got no 429 for the refused customer behind the server, want it blocked")
		}
		f.wantRedirect(t, f.invoke(t, customer))
	})

	t.Run("a cross-site navigation in cookie mode spends nothing", func(t *testing.T) {
		f := r.start(t, withLimit(nil), 0)
		// Another site sends the signed-in customer's browser with a bogus ItemKey.
		bogus := eventFrom(t, "httpapi-cookie-token.json", "203.0.113.41", "Mode=UPDATE_CARD&ItemKey=9999", map[string]string{"sec-fetch-site": "cross-site"})
		for range 7 {
			wantProblem(t, f.invoke(t, bogus), http.StatusUnprocessableEntity, "aim_rejected")
		}
		f.wantRedirect(t, f.invoke(t, eventFrom(t, "httpapi-cookie-token.json", "203.0.113.41", "-", map[string]string{"sec-fetch-site": "same-site"})))
		// The same refusals sent same-site do count.
		sameSite := eventFrom(t, "httpapi-cookie-token.json", "203.0.113.42", "Mode=UPDATE_CARD&ItemKey=9999", map[string]string{"sec-fetch-site": "same-site"})
		blocked := false
		for i := 0; i < 12 && !blocked; i++ {
			blocked = f.invoke(t, sameSite).Status == http.StatusTooManyRequests
		}
		if !blocked {
			t.Errorf("got no 429 for same-site refusals, want them counted")
		}
	})

	t.Run("AIM's ErrorCode is cut in the log", func(t *testing.T) {
		f := r.start(t, nil, 0)
		r.sb.SetFault(aimsandbox.OpCustomerAccessToken, aimsandbox.Fault{Status: 500, Code: strings.Repeat("E", 5000), Message: "boom"})
		defer r.sb.ClearFaults()
		logged := len(r.out.String())
		wantProblem(t, f.invoke(t, eventFrom(t, goodEvent, "203.0.113.51", "-", nil)), http.StatusBadGateway, "upstream_error")
		if line := r.invocationLine(logged); line == "" || strings.Contains(line, strings.Repeat("E", 101)) {
			t.Errorf("got invocation line of %d bytes, want one with AIM's ErrorCode cut to 100 bytes", len(line))
		}
	})

	// Last: it ends every session the sandbox issued.
	var fresh string
	t.Run("a store's server is not blocked by its customers' expired sessions", func(t *testing.T) {
		const server = "198.51.100.50" // no TRUSTED_PROXIES: the server is the client
		f := r.start(t, withLimit(nil), 0)
		f.wantRedirect(t, f.invoke(t, eventFrom(t, goodEvent, server, "-", nil)))
		r.sb.ExpireSessions() // AIM restarts and drops every session
		for range 7 {
			wantProblem(t, f.invoke(t, eventFrom(t, goodEvent, server, "-", nil)), http.StatusUnauthorized, "session_expired")
		}
		var err error
		if fresh, err = r.sb.Login(aimsandbox.TestUsername, aimsandbox.TestPassword); err != nil {
			t.Fatal(err)
		}
		f.wantRedirect(t, f.invoke(t, eventFrom(t, goodEvent, server, "-", map[string]string{"token": fresh})))
	})
	t.Run("nothing leaked", func(t *testing.T) { r.checkNoLeaks(t, fresh) })
}
