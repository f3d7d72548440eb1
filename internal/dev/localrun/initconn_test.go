package localrun_test

import (
	"testing"

	"github.com/aimcards/customer-access-token/internal/dev/aimsandbox"
)

// TestConnectionAtInit: init opens the connection to AIM (the sandbox plays
// the service host and the store's) without a request of its own, and every
// request then uses that one connection.
func TestConnectionAtInit(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	f := r.start(t, nil, 0)
	f.wantRedirect(t, f.invokeFile(t, goodEvent))
	f.wantRedirect(t, f.invokeFile(t, goodEvent))
	if got := r.sb.Calls(aimsandbox.OpBaseURL); got != 0 {
		t.Errorf("got %d requests to the service's root, want none (no warm-up request)", got)
	}
	if got := [2]int{r.sb.Calls(aimsandbox.OpGetEndPoint), r.sb.Connections()}; got != [2]int{1, 1} {
		t.Errorf("got %d GetEndPoint calls on %d connections to AIM, want 1 on 1", got[0], got[1])
	}
}
