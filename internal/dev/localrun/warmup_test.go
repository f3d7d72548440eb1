package localrun_test

import (
	"testing"

	"github.com/aimcards/customer-access-token/internal/dev/aimsandbox"
)

// TestWarmUpAtInit: init warms AIM's service host and the store's host up
// with a HEAD of each base URL that carries no credential, and leaves one
// connection (the sandbox plays both hosts) that every request then uses.
func TestWarmUpAtInit(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	f := r.start(t, nil, 0)
	f.wantRedirect(t, f.invokeFile(t, goodEvent))
	f.wantRedirect(t, f.invokeFile(t, goodEvent))
	if got := r.sb.Calls(aimsandbox.OpBaseURL); got != 2 {
		t.Errorf("got %d warm-up requests, want 2 (service host and store host)", got)
	}
	h := r.sb.LastHeaders(aimsandbox.OpBaseURL)
	for _, name := range []string{"ApiKey", "OAuthToken", "Token"} {
		if v := h.Get(name); v != "" {
			t.Errorf("warm-up sent header %s, want none", name)
		}
	}
	if got := r.sb.Connections(); got != 1 {
		t.Errorf("got %d connections to AIM, want 1", got)
	}
}
