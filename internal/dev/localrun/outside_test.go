package localrun_test

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aimcards/customer-access-token/internal/dev/aimsandbox"
	"github.com/aimcards/customer-access-token/internal/dev/devserver"
	"github.com/aimcards/customer-access-token/internal/dev/devutil"
	"github.com/aimcards/customer-access-token/internal/dev/rie"
	"github.com/aimcards/customer-access-token/internal/synthetic"
)

// TestOutsideInCheckAgainstTheLocalAPI runs the synthetic check's real
// bootstrap under the emulator with the schedule's payload, pointed at
// `make serve`'s local API in front of the shared stack: it records
// PublicCheckSuccess 1 while the button works, 0 while the function fails
// every click, and 0 when nothing answers at the URL. It sets sandbox
// faults on the shared stack, so it does not run in parallel.
func TestOutsideInCheckAgainstTheLocalAPI(t *testing.T) {
	s := needStack(t)
	api := httptest.NewServer(devserver.New(s, slog.New(slog.DiscardHandler)))
	defer api.Close()
	down := httptest.NewServer(http.NotFoundHandler())
	down.Close()
	check := buildHook(t, nil)
	var out devutil.Buffer
	emu := startCheck(t, check, &out)
	for _, tc := range []struct {
		name   string
		url    string
		fault  bool // every CustomerAccessToken call answers 500
		want   string
		answer string
	}{
		{"working", api.URL + devserver.Path, false, `"PublicCheckSuccess":1`, `{"check":"ok"}`},
		{"function failing", api.URL + devserver.Path, true, `"PublicCheckSuccess":0`, `{"check":"failed"}`},
		{"API down", down.URL + devserver.Path, false, `"PublicCheckSuccess":0`, `{"check":"failed"}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.fault {
				s.Sandbox.SetFault(aimsandbox.OpCustomerAccessToken, aimsandbox.ServerError())
				defer s.Sandbox.ClearFaults()
			}
			records := strings.Count(out.String(), synthetic.MetricPublicCheckSuccess+`":`)
			access, discovery := s.Sandbox.Calls(aimsandbox.OpCustomerAccessToken), s.Sandbox.Calls(aimsandbox.OpGetEndPoint)
			// What one check costs at AIM (README, Safe rollout): the refused
			// click, and after AIM's 401 the function's one forced credential
			// refresh (GetEndPoint) and retry, at most every 30 s; the first
			// run here also pays the cold start's discovery.
			defer func() {
				a, d := s.Sandbox.Calls(aimsandbox.OpCustomerAccessToken)-access, s.Sandbox.Calls(aimsandbox.OpGetEndPoint)-discovery
				t.Logf("AIM calls: CustomerAccessToken %d, GetEndPoint %d", a, d)
				if a > 2 || d > 2 {
					t.Errorf("got %d CustomerAccessToken and %d GetEndPoint calls, want at most 2 of each", a, d)
				}
			}()
			ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
			defer cancel()
			body, _, err := emu.Invoke(ctx, []byte(`{"checkUrl":"`+tc.url+`"}`))
			if err != nil || string(body) != tc.answer {
				t.Fatalf("got %s, %v, want %s", body, err, tc.answer)
			}
			for deadline := time.Now().Add(10 * time.Second); strings.Count(out.String(), synthetic.MetricPublicCheckSuccess+`":`) == records; time.Sleep(10 * time.Millisecond) {
				if time.Now().After(deadline) {
					t.Fatalf("got no new metric record within 10 s:\n%s", out.String())
				}
			}
			lines := strings.Split(strings.TrimSpace(out.String()), "\n")
			var last string
			for _, l := range lines {
				if strings.Contains(l, synthetic.MetricPublicCheckSuccess+`":`) {
					last = l
				}
			}
			if !strings.Contains(last, tc.want) || !strings.Contains(last, `"FunctionName":"CustomerAccessTokenFunction"`) {
				t.Errorf("got record %s, want %s by FunctionName CustomerAccessTokenFunction", last, tc.want)
			}
		})
	}
	if strings.Contains(out.String(), "synthetic-check-no-customer") {
		t.Error("got the check's token in its output, want none")
	}
}

// startCheck runs the synthetic check's bootstrap under its own emulator
// with the template's variables, for the schedule's payload.
func startCheck(t *testing.T, bootstrap string, out *devutil.Buffer) *rie.Emulator {
	t.Helper()
	bin, err := rie.Find()
	if err != nil {
		t.Fatal(err)
	}
	env := []string{
		"CHECKED_FUNCTION_NAME=CustomerAccessTokenFunction",
		"CHECKED_FUNCTION_VERSION=1",
		"METRICS_NAMESPACE=AIMCards/Test",
		"AWS_REGION=us-east-1",
		"AWS_ACCESS_KEY_ID=test",
		"AWS_SECRET_ACCESS_KEY=test",
		"AWS_EC2_METADATA_DISABLED=true",
		"AWS_CONFIG_FILE=/dev/null",
		"AWS_SHARED_CREDENTIALS_FILE=/dev/null",
	}
	emu, err := rie.Start(t.Context(), bin, rie.Options{Bootstrap: bootstrap, Env: env, Stdout: out, Stderr: out, Timeout: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = emu.Stop() })
	return emu
}
