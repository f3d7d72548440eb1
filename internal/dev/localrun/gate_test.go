package localrun_test

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aimcards/customer-access-token/internal/dev/aimsandbox"
	"github.com/aimcards/customer-access-token/internal/dev/devutil"
	"github.com/aimcards/customer-access-token/internal/dev/localrun"
	"github.com/aimcards/customer-access-token/internal/dev/rie"
)

// TestDeployGateUnderTheEmulator runs the PreTraffic hook's real bootstrap
// under the emulator. Through the AWS SDK's Lambda client it invokes the
// function's real bootstrap under a second emulator (AWS_ENDPOINT_URL_LAMBDA;
// the emulator serves Invoke for the function named "function", whatever
// the Qualifier) against moto and the AIM sandbox, and reports to a
// recording CodeDeploy (AWS_ENDPOINT_URL_CODEDEPLOY). A version that can
// serve a click gets Succeeded; one that cannot, for any of the reasons a
// deploy meets, gets Failed, and so does the hook's own panic: one report
// each, for the deployment and hook execution CodeDeploy named.
func TestDeployGateUnderTheEmulator(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	hook := buildHook(t, nil)
	panicking := buildHook(t, []string{"synthetic_fault"})
	for _, tc := range []struct {
		name  string
		env   map[string]string // the version's settings
		fault bool              // the store host resets every CustomerAccessToken call
		off   bool              // DEPLOY_GATE=Off, the emergency setting
		hook  string
		want  string
		cause string // in the hook's log line
	}{
		{"good version", nil, false, false, hook, "Succeeded", `"outcome":"succeeded"`},
		{"wrong AppId", map[string]string{"AIM_APP_ID": "not-this-store"}, false, false, hook, "Failed", `probe: answered \"failed\"`},
		{"secret it cannot read", map[string]string{"AIM_API_KEY_SECRET_ID": "aim/not-this-secret"}, false, false, hook, "Failed", `probe: answered \"failed\"`},
		{"AIM's store host down", nil, true, false, hook, "Failed", `click: answered 502 \"upstream_error\"`},
		{"version fails init", map[string]string{"AIM_TIMEOUT": "forever"}, false, false, hook, "Failed", `probe: operation error Lambda: Invoke`},
		{"the hook panics", nil, false, false, panicking, "Failed", `gate panic`},
		{"gate off, AIM down", nil, true, true, hook, "Succeeded", `the gate is off`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.fault {
				r.sb.SetFault(aimsandbox.OpCustomerAccessToken, aimsandbox.Fault{Reset: true})
				defer r.sb.ClearFaults()
			}
			version := r.start(t, tc.env, 0)
			calls := r.sb.Calls(aimsandbox.OpCustomerAccessToken)
			cd := &codeDeploy{}
			var out devutil.Buffer
			h := startHook(t, r, tc.hook, version.emu.URL, serve(t, &http.Server{Handler: cd}), tc.off, &out)
			id := fmt.Sprint(time.Now().UnixNano())
			ev := `{"DeploymentId":"d-` + id + `","LifecycleEventHookExecutionId":"e-` + id + `"}`
			ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
			defer cancel()
			if _, _, err := h.Invoke(ctx, []byte(ev)); err != nil {
				t.Fatalf("hook: got %v, want an answer after its report\n%s", err, out.String())
			}
			want := hookReport{"d-" + id, "e-" + id, tc.want}
			if got := cd.all(); !slices.Equal(got, []hookReport{want}) {
				t.Fatalf("got reports %+v, want exactly %+v\nhook output:\n%s", got, want, out.String())
			}
			waitForOutput(t, &out, tc.cause)
			if tc.name != "good version" {
				if tc.off && r.sb.Calls(aimsandbox.OpCustomerAccessToken) != calls {
					t.Error("got CustomerAccessToken calls with the gate off, want the version untried")
				}
				return
			}
			// The function answers AIM's 401 after one credential refresh and retry.
			if got := r.sb.Calls(aimsandbox.OpCustomerAccessToken) - calls; got < 1 || got > 2 {
				t.Errorf("got %d CustomerAccessToken calls, want the gate's click (and its one retry)", got)
			}
			// The first case: the rig's output so far is this version's alone.
			waitForOutput(t, &r.out, `"synthetic":true`)
			if strings.Contains(r.out.String(), `"Clicks"`) {
				t.Errorf("got a metric record with Clicks from the gate's click, want none:\n%s", r.out.String())
			}
		})
	}
	t.Run("nothing leaked", func(t *testing.T) { r.checkNoLeaks(t) })
}

// waitForOutput waits until out holds want: the emulator copies a
// function's output on its own time, after the answer may have arrived.
func waitForOutput(t *testing.T, out *devutil.Buffer, want string) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if strings.Contains(out.String(), want) {
			return
		}
	}
	t.Errorf("got output\n%s\nwant %s in it within 10 s", out.String(), want)
}

// buildHook builds the synthetic check's bootstrap with the given extra
// build tags.
func buildHook(t *testing.T, tags []string) string {
	t.Helper()
	needStack(t)
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Minute)
	defer cancel()
	path, err := localrun.BuildPackage(ctx, t.TempDir(), localrun.SyntheticPackage, tags...)
	if err != nil {
		t.Fatal(err)
	}
	return path
}

// startHook runs the hook's bootstrap under its own emulator, pointed at
// the version's emulator and at CodeDeploy's fake, with the template's
// variables and a 60 s timeout as in the template.
func startHook(t *testing.T, r *rig, bootstrap, lambdaURL, codeDeployURL string, off bool, out *devutil.Buffer) *rie.Emulator {
	t.Helper()
	env := map[string]string{
		"CHECKED_FUNCTION_NAME":       "function", // the one name the emulator serves
		"CHECKED_FUNCTION_VERSION":    "7",
		"METRICS_NAMESPACE":           "AIMCards/Test",
		"AWS_LAMBDA_FUNCTION_NAME":    "SyntheticCheckFunction",
		"AWS_ENDPOINT_URL_LAMBDA":     lambdaURL,
		"AWS_ENDPOINT_URL_CODEDEPLOY": codeDeployURL,
		"AWS_CONFIG_FILE":             "/dev/null",
		"AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
		"DEPLOY_GATE":                 map[bool]string{false: "On", true: "Off"}[off],
	}
	for _, kv := range r.moto.Env() {
		if k, v, ok := strings.Cut(kv, "="); ok && strings.HasPrefix(k, "AWS_") && !strings.HasPrefix(k, "AWS_ENDPOINT_URL") {
			env[k] = v
		}
	}
	list := make([]string, 0, len(env))
	for _, k := range slices.Sorted(maps.Keys(env)) {
		list = append(list, k+"="+env[k])
	}
	emu, err := rie.Start(t.Context(), r.emulator, rie.Options{Bootstrap: bootstrap, Env: list, Stdout: out, Stderr: out, Timeout: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = emu.Stop() })
	return emu
}

// hookReport is one PutLifecycleEventHookExecutionStatus request.
type hookReport struct {
	DeploymentID string `json:"deploymentId"`
	ExecutionID  string `json:"lifecycleEventHookExecutionId"`
	Status       string `json:"status"`
}

// codeDeploy records PutLifecycleEventHookExecutionStatus calls, speaking
// the AWS JSON 1.1 protocol the SDK's CodeDeploy client uses; any other
// operation is refused as CodeDeploy refuses an unknown one.
type codeDeploy struct {
	mu      sync.Mutex
	reports []hookReport
}

func (c *codeDeploy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	var rep hookReport
	if r.Header.Get("X-Amz-Target") != "CodeDeploy_20141006.PutLifecycleEventHookExecutionStatus" || json.NewDecoder(r.Body).Decode(&rep) != nil {
		w.WriteHeader(http.StatusBadRequest)
		_, _ = w.Write([]byte(`{"__type":"UnknownOperationException"}`))
		return
	}
	c.mu.Lock()
	c.reports = append(c.reports, rep)
	c.mu.Unlock()
	_ = json.NewEncoder(w).Encode(map[string]string{"lifecycleEventHookExecutionId": rep.ExecutionID})
}

func (c *codeDeploy) all() []hookReport {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.reports)
}
