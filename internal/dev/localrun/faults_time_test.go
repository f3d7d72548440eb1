package localrun_test

import (
	"crypto/rand"
	"strings"
	"testing"
	"time"

	"github.com/aimcards/customer-access-token/internal/dev/aimsandbox"
	"github.com/aimcards/customer-access-token/internal/dev/localrun"
)

// refreshInterval is the function's limit on Secrets Manager calls it
// forces (the stale-on-error policy's 30 s Retry), plus a margin.
const refreshInterval = 31 * time.Second

// TestFaultStaleOnError lets the cached ApiKey expire while Secrets Manager
// fails: the older key keeps serving, Secrets Manager is not asked again on
// every request, and the key is fetched again once it is back.
func TestFaultStaleOnError(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	f := r.start(t, map[string]string{"CACHE_TTL": "2s"}, 0)
	f.wantRedirect(t, f.invokeFile(t, goodEvent))
	gets := func() int { return r.proxy.Calls("GetSecretValue") }
	if gets() != 1 {
		t.Fatalf("got %d GetSecretValue calls after the first request, want 1 (the prefetch)", gets())
	}

	time.Sleep(2200 * time.Millisecond) // past CACHE_TTL
	r.proxy.SetFault(500, "InternalServiceError", 0)
	f.wantRedirect(t, f.invokeFile(t, goodEvent))
	failedAt := time.Now() // the 30 s start when the failed fetch returns: no earlier than this

	if !strings.Contains(r.out.String(), "using the older ApiKey") {
		t.Errorf("got no stale-on-error warning in the log, want one")
	}
	during := gets()
	if during < 2 {
		t.Fatalf("got %d GetSecretValue calls, want the expired key fetched again", during)
	}
	time.Sleep(2200 * time.Millisecond)
	f.wantRedirect(t, f.invokeFile(t, "httpapi-add-contract-card.json"))
	f.wantRedirect(t, f.invokeFile(t, goodEvent))
	if gets() != during {
		t.Errorf("got %d more GetSecretValue calls while Secrets Manager is down, want 0 (one try per %v)", gets()-during, refreshInterval)
	}

	r.proxy.ClearFault()
	time.Sleep(time.Until(failedAt.Add(refreshInterval)))
	f.wantRedirect(t, f.invokeFile(t, goodEvent))
	if gets() != during+1 {
		t.Errorf("after recovery: got %d more GetSecretValue calls, want 1", gets()-during)
	}
	warnings := strings.Count(r.out.String(), "using the older ApiKey")
	time.Sleep(2200 * time.Millisecond)
	f.wantRedirect(t, f.invokeFile(t, goodEvent))
	if n := strings.Count(r.out.String(), "using the older ApiKey"); n != warnings {
		t.Errorf("got %d new stale warnings after recovery, want 0", n-warnings)
	}
	r.checkNoLeaks(t)
}

// TestFaultRotation rotates the ApiKey (new secret version, AIM refusing the
// old key): the next request refreshes once, retries once and succeeds. A
// flood of refused customer tokens answers session_expired and costs at most
// one Secrets Manager call per interval.
func TestFaultRotation(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	rotating := r.start(t, nil, 0)
	flooded := r.start(t, nil, 0)
	rotating.wantRedirect(t, rotating.invokeFile(t, goodEvent))
	flooded.wantRedirect(t, flooded.invokeFile(t, goodEvent))
	gets := func() int { return r.proxy.Calls("GetSecretValue") }
	floodOf10 := func(f *function) int {
		t.Helper()
		before := gets()
		for range 10 {
			wantProblem(t, f.invokeFile(t, "httpapi-expired-token.json"), 401, "session_expired")
		}
		return gets() - before
	}
	if n := floodOf10(flooded); n > 1 {
		t.Errorf("10 refused customer tokens: got %d GetSecretValue calls, want at most 1", n)
	}
	flooded.wantRedirect(t, flooded.invokeFile(t, goodEvent))

	newKey := "sentinel-apikey-rotated-" + rand.Text()
	before, calls := gets(), r.sb.Calls(aimsandbox.OpCustomerAccessToken)
	mustPut(t, r, localrun.SecretID, newKey)
	r.sb.RotateAPIKey(newKey)
	rotating.wantRedirect(t, rotating.invokeFile(t, goodEvent))
	if n := gets() - before; n != 1 {
		t.Errorf("rotation: got %d GetSecretValue calls, want 1 refresh", n)
	}
	if n := r.sb.Calls(aimsandbox.OpCustomerAccessToken) - calls; n != 2 {
		t.Errorf("rotation: got %d CustomerAccessToken calls, want 2 (refused, then the retry)", n)
	}
	if got := r.sb.LastHeaders(aimsandbox.OpCustomerAccessToken).Get("ApiKey"); got != newKey {
		t.Errorf("rotation: the retry did not carry the new ApiKey")
	}
	if n := floodOf10(rotating); n != 0 {
		t.Errorf("10 refused customer tokens right after a refresh: got %d GetSecretValue calls, want 0", n)
	}
	rotating.wantRedirect(t, rotating.invokeFile(t, "httpapi-add-contract-card.json"))
	r.checkNoLeaks(t, newKey)
}
