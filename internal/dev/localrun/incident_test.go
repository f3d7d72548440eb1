package localrun_test

import (
	"crypto/rand"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aimcards/customer-access-token/internal/dev/aimsandbox"
	"github.com/aimcards/customer-access-token/internal/dev/localrun"
)

// The incident cases run the real bootstrap under the emulator with the
// real SDK behind moto.FaultProxy and the real AIM client against the
// sandbox. Each starts its own instances with the production FAILURE_BACKOFF
// unless it says otherwise; the 30 s stale retry is not shortened, so these
// tests check what happens inside one retry window instead of waiting one out.

// burst sends n good requests one after the other (an instance serves one
// at a time) and returns the answers and how long they took.
func burst(t *testing.T, f *function, n int) ([]localrun.Answer, time.Duration) {
	t.Helper()
	start := time.Now()
	answers := make([]localrun.Answer, n)
	for i := range answers {
		answers[i] = f.invokeFile(t, goodEvent)
	}
	return answers, time.Since(start)
}

// sdkAttempts is how many HTTP attempts one GetSecretValue call of the SDK
// makes at most (its standard retryer).
const sdkAttempts = 3

// shortestBackoff is the least wait of the production FAILURE_BACKOFF (5s).
const shortestBackoff = time.Second

// TestIncidentSecretsManagerDownAtColdStart fails Secrets Manager before an
// instance has a key: a burst of ten requests answers 503 without asking
// Secrets Manager again within the back-off (not ten times three SDK
// attempts), and the instance recovers once the back-off is over.
func TestIncidentSecretsManagerDownAtColdStart(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	r.proxy.SetFault(500, "InternalServiceError", 0)
	f := r.start(t, map[string]string{"FAILURE_BACKOFF": "5s"}, 0)
	gets := func() int { return r.proxy.Calls("GetSecretValue") }

	answers, took := burst(t, f, 10)
	for _, a := range answers {
		wantProblem(t, a, 503, "unavailable")
	}
	// One fetch per back-off window at most: the prefetch at init, then one
	// more for every full shortest back-off the burst took.
	fetches := 1 + int(took/shortestBackoff)
	t.Logf("10 requests in %v: %d GetSecretValue attempts", took, gets())
	if n := gets(); n < 1 || n > fetches*sdkAttempts {
		t.Errorf("10 requests in %v: got %d GetSecretValue attempts, want 1 to %d (%d fetch(es))", took, n, fetches*sdkAttempts, fetches)
	}
	if n := r.sb.Calls(aimsandbox.OpGetEndPoint); n != 0 {
		t.Errorf("got %d GetEndPoint calls without an ApiKey, want 0", n)
	}
	if !strings.Contains(r.out.String(), "backing off") {
		t.Errorf("got no back-off in the invocation log, want the cause to say it")
	}

	r.proxy.ClearFault()
	recovered := waitFor(t, f, 7*time.Second)
	f.wantRedirect(t, recovered)
	r.checkNoLeaks(t)
}

// TestIncidentGetEndPointDownAtColdStart is the same for discovery: with no
// endpoint cached, a burst makes no GetEndPoint call within the back-off.
func TestIncidentGetEndPointDownAtColdStart(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	r.sb.SetFault(aimsandbox.OpGetEndPoint, aimsandbox.ServerError())
	f := r.start(t, map[string]string{"FAILURE_BACKOFF": "5s"}, 0)

	answers, took := burst(t, f, 10)
	for _, a := range answers {
		wantProblem(t, a, 502, "upstream_error")
	}
	t.Logf("10 requests in %v: %d GetEndPoint calls", took, r.sb.Calls(aimsandbox.OpGetEndPoint))
	if n, max := r.sb.Calls(aimsandbox.OpGetEndPoint), 1+int(took/shortestBackoff); n < 1 || n > max {
		t.Errorf("10 requests in %v: got %d GetEndPoint calls, want 1 to %d", took, n, max)
	}
	if n := r.sb.Calls(aimsandbox.OpCustomerAccessToken); n != 0 {
		t.Errorf("got %d CustomerAccessToken calls without an endpoint, want 0", n)
	}
	r.sb.ClearFaults()
	f.wantRedirect(t, waitFor(t, f, 7*time.Second))
	r.checkNoLeaks(t)
}

// waitFor invokes f every 250 ms until it answers below 500, for at most
// limit, and returns that answer.
func waitFor(t *testing.T, f *function, limit time.Duration) localrun.Answer {
	t.Helper()
	deadline := time.Now().Add(limit)
	for {
		a := f.invokeFile(t, goodEvent)
		if a.Status < 500 || time.Now().After(deadline) {
			return a
		}
		time.Sleep(250 * time.Millisecond)
	}
}

// recorder stands in for every host that is not loopback: the function's
// HTTP_PROXY and HTTPS_PROXY point at it, so any request the function
// makes to such a host shows up here (as a CONNECT for https) and fails.
type recorder struct {
	mu    sync.Mutex
	hosts []string
}

func (rc *recorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rc.mu.Lock()
	rc.hosts = append(rc.hosts, r.Host)
	rc.mu.Unlock()
	http.Error(w, "no route", http.StatusBadGateway)
}

func (rc *recorder) seen() []string {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]string(nil), rc.hosts...)
}

// TestIncidentDiscoveredEndpointChecks has the sandbox name endpoints the
// function must refuse: 502 upstream_error and no request to them. The
// last case is allowed and shows the recorder would have seen a request.
func TestIncidentDiscoveredEndpointChecks(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	rec := &recorder{}
	proxyURL := serve(t, &http.Server{Handler: rec})
	tests := []struct {
		name   string
		domain string
		hosts  string // AIM_ENDPOINT_HOSTS
		sent   bool   // whether the function may send to it
	}{
		{"plain http to a public host", "http://aim-store.example:7890", "", false},
		{"https host outside AIM_ENDPOINT_HOSTS", "https://evil.example", ".active-e.net", false},
		{"http to a public host inside AIM_ENDPOINT_HOSTS", "http://10846.active-e.net:7890", ".active-e.net", false},
		{"allowed https host", "https://10846.active-e.net:7890", ".active-e.net", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := `{"NewEndpointDomain":"` + tt.domain + `","OAuthToken":"` + r.oauth + `","Status":{"StatusCode":"Success"}}`
			r.sb.SetFault(aimsandbox.OpGetEndPoint, aimsandbox.Fault{Body: body})
			defer r.sb.ClearFaults()
			f := r.start(t, map[string]string{"AIM_ENDPOINT_HOSTS": tt.hosts, "HTTP_PROXY": proxyURL, "HTTPS_PROXY": proxyURL}, 0)
			before, calls := len(rec.seen()), r.sb.Calls(aimsandbox.OpCustomerAccessToken)
			wantProblem(t, f.invokeFile(t, goodEvent), 502, "upstream_error")
			seen := rec.seen()[before:]
			if tt.sent != (len(seen) > 0) {
				t.Errorf("got requests to %v, want a request: %v", seen, tt.sent)
			}
			if n := r.sb.Calls(aimsandbox.OpCustomerAccessToken) - calls; n != 0 {
				t.Errorf("got %d CustomerAccessToken calls to the sandbox, want 0", n)
			}
			if !tt.sent && !strings.Contains(r.out.String(), "NewEndpointDomain refused") {
				t.Errorf("got no refusal in the log, want the cause")
			}
		})
	}
	t.Run("nothing leaked", func(t *testing.T) { r.checkNoLeaks(t) })
}

// TestIncidentRotationDuringDiscoveryOutage puts a new ApiKey in Secrets
// Manager while GetEndPoint is down: once the cached key expires, the
// instance reads the new key but keeps serving the previous key, endpoint
// and OAuthToken, and tries discovery once, not on every request.
func TestIncidentRotationDuringDiscoveryOutage(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	f := r.start(t, map[string]string{"CACHE_TTL": "2s"}, 0)
	f.wantRedirect(t, f.invokeFile(t, goodEvent))

	newKey := "sentinel-apikey-rotated-" + rand.Text()
	mustPut(t, r, localrun.SecretID, newKey)
	r.sb.SetFault(aimsandbox.OpGetEndPoint, aimsandbox.ServerError())
	time.Sleep(2100 * time.Millisecond) // past CACHE_TTL: key and endpoint expire
	discoveries, gets := r.sb.Calls(aimsandbox.OpGetEndPoint), r.proxy.Calls("GetSecretValue")
	for range 10 {
		f.wantRedirect(t, f.invokeFile(t, goodEvent))
		if got := r.sb.LastHeaders(aimsandbox.OpCustomerAccessToken).Get("ApiKey"); got != r.apiKey {
			t.Fatalf("got a CustomerAccessToken call without the previous ApiKey, want the key its OAuthToken belongs to")
		}
		time.Sleep(200 * time.Millisecond)
	}
	if n := r.sb.Calls(aimsandbox.OpGetEndPoint) - discoveries; n != 1 {
		t.Errorf("10 requests in 2s after a rotation with GetEndPoint down: got %d GetEndPoint calls, want 1 (then one per 30s)", n)
	}
	if n := r.proxy.Calls("GetSecretValue") - gets; n < 1 {
		t.Errorf("got %d GetSecretValue calls, want the new key read", n)
	}
	if got := r.out.String(); !strings.Contains(got, "using the older endpoint") || !strings.Contains(got, `"stale_credentials":true`) {
		t.Errorf("got no stale warning or stale_credentials in the log, want both")
	}
	r.checkNoLeaks(t, newKey)
}

// TestIncidentStaleMax lets Secrets Manager fail past STALE_MAX: the older
// key serves (stale_credentials on the invocation line) until it has been
// stale for STALE_MAX, then the answer is 503.
func TestIncidentStaleMax(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	f := r.start(t, map[string]string{"CACHE_TTL": "2s", "STALE_MAX": "2s"}, 0)
	f.wantRedirect(t, f.invokeFile(t, goodEvent))

	r.proxy.SetFault(500, "InternalServiceError", 0)
	time.Sleep(2100 * time.Millisecond) // past CACHE_TTL
	f.wantRedirect(t, f.invokeFile(t, goodEvent))
	if got := r.out.String(); !strings.Contains(got, "using the older ApiKey") || !strings.Contains(got, `"stale_credentials":true`) {
		t.Errorf("got no stale warning or stale_credentials in the log, want both")
	}
	time.Sleep(2100 * time.Millisecond) // stale for longer than STALE_MAX
	wantProblem(t, f.invokeFile(t, goodEvent), 503, "unavailable")
	if !strings.Contains(r.out.String(), "older ApiKey stale for longer than 2s") {
		t.Errorf("got no stale-limit cause in the log, want it")
	}
	r.checkNoLeaks(t)
}
