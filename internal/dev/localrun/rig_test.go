package localrun_test

import (
	"context"
	"crypto/rand"
	"errors"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aimcards/customer-access-token/internal/dev/aimsandbox"
	"github.com/aimcards/customer-access-token/internal/dev/devutil"
	"github.com/aimcards/customer-access-token/internal/dev/localrun"
	"github.com/aimcards/customer-access-token/internal/dev/moto"
	"github.com/aimcards/customer-access-token/internal/dev/rie"
)

// rig is a fault-test bench: moto behind a moto.FaultProxy, an AIM sandbox
// with sentinel credentials, and any number of function instances (each its
// own emulator, so each starts cold with its own environment). Everything the
// processes print goes to out, every secret handed out goes to secrets.
type rig struct {
	moto     *moto.Server
	proxy    *moto.FaultProxy
	proxyURL string
	sb       *aimsandbox.Sandbox
	sbURL    string
	apiKey   string // sentinel ApiKey, in the secret and the sandbox
	oauth    string // sentinel OAuthToken the sandbox hands out
	out      devutil.Buffer
	secrets  secretSet
	bodies   []string // every error body answered
	emulator string
	boot     string
}

// newRig starts moto, the proxy and the sandbox for one test. It reuses the
// bootstrap the shared stack built.
func newRig(t *testing.T) *rig {
	t.Helper()
	shared := needStack(t)
	bin, err := rie.Find()
	if err != nil {
		t.Fatal(err)
	}
	r := &rig{
		apiKey:   "sentinel-apikey-" + rand.Text(),
		oauth:    "sentinel-oauth-" + rand.Text(),
		emulator: bin,
		boot:     shared.Bootstrap,
	}
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	r.moto, err = moto.Start(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = r.moto.Stop() })
	if _, err := r.moto.CreateSecret(ctx, localrun.SecretID, r.apiKey); err != nil {
		t.Fatal(err)
	}
	r.proxy = moto.NewFaultProxy(r.moto.URL)
	r.proxyURL = serve(t, &http.Server{Handler: r.proxy})
	r.sb = aimsandbox.New(aimsandbox.Config{APIKey: r.apiKey, AppID: localrun.AppID, OAuthToken: r.oauth})
	r.sbURL = serve(t, &http.Server{Handler: r.sb, ConnState: r.sb.ConnState})
	return r
}

// serve runs srv on a free loopback port until the test ends and returns
// its URL. Close, not Shutdown: a request a fault holds must not hold the test.
func serve(t *testing.T, srv *http.Server) string {
	t.Helper()
	url, err := devutil.Serve(srv)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	return url
}

// function is one function instance under its own emulator.
type function struct {
	r   *rig
	emu *rie.Emulator
}

// start runs a new function instance with the local defaults, env
// overrides and a Lambda timeout (0: localrun.FunctionTimeout). It starts
// cold on its first invoke.
func (r *rig) start(t *testing.T, env map[string]string, timeout time.Duration) *function {
	t.Helper()
	overrides := map[string]string{
		"AWS_ENDPOINT_URL_SECRETS_MANAGER": r.proxyURL,
		"FAILURE_BACKOFF":                  "1us", // fault cases check recovery at once; incident tests set their own
	}
	maps.Copy(overrides, env)
	list := localrun.FunctionEnv(r.sbURL, r.moto.Env(), overrides)
	if timeout == 0 {
		timeout = localrun.FunctionTimeout
	}
	emu, err := rie.Start(t.Context(), r.emulator, rie.Options{
		Bootstrap: r.boot, Env: list, Stdout: &r.out, Stderr: &r.out, Timeout: timeout,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = emu.Stop() })
	return &function{r: r, emu: emu}
}

// invoke sends event and decodes the answer; a Lambda function error or
// timeout fails the test, since the function must answer every fault.
func (f *function) invoke(t *testing.T, event []byte) localrun.Answer {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	f.r.secrets.addEvent(event)
	lines := strings.Count(f.r.out.String(), invocationMsg)
	body, _, err := f.emu.Invoke(ctx, event)
	if errors.Is(err, rie.ErrFunction) || errors.Is(err, rie.ErrTimeout) {
		t.Fatalf("got a Lambda function error, want an answer: %v", err)
	}
	if err != nil {
		t.Fatalf("invoke: %v", err)
	}
	a, err := localrun.DecodeAnswer(body)
	if err != nil {
		t.Fatalf("%v (raw %.200s)", err, body)
	}
	f.r.secrets.addAnswer(a)
	if a.Status >= 400 {
		f.r.bodies = append(f.r.bodies, a.Body)
	}
	f.r.waitForInvocationLines(t, lines+1)
	return a
}

// invocationMsg marks the one log line the function writes per invocation.
const invocationMsg = `"msg":"invocation"`

// waitForInvocationLines waits until the output holds n invocation lines:
// the emulator copies the function's output on its own time, after the
// answer may have arrived, and checks of the output must see it.
func (r *rig) waitForInvocationLines(t *testing.T, n int) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		if strings.Count(r.out.String(), invocationMsg) >= n {
			return
		}
	}
	t.Errorf("got no invocation line in the output within 5 s of the answer, want one per invocation")
}

// invokeFile sends the event in events/name.
func (f *function) invokeFile(t *testing.T, name string) localrun.Answer {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(eventsDir, name))
	if err != nil {
		t.Fatal(err)
	}
	return f.invoke(t, b)
}

// goodEvent is a signed-in customer adding a card: 302 when all is well.
const goodEvent = "httpapi-add-customer-card.json"

// wantRedirect checks a 302 to the sandbox's card page.
func (f *function) wantRedirect(t *testing.T, a localrun.Answer) {
	t.Helper()
	if a.Status != http.StatusFound || !strings.HasPrefix(a.Headers.Get("Location"), f.r.sbURL+"/AccountManagement?at=") {
		t.Fatalf("got %d Location %.40q… body %s, want 302 to the sandbox card page", a.Status, a.Headers.Get("Location"), a.Body)
	}
	checkCommonHeaders(t, a, true)
}

// wantProblem checks status, code and the headers of a problem answer.
func wantProblem(t *testing.T, a localrun.Answer, status int, code string) {
	t.Helper()
	if a.Status != status {
		t.Fatalf("got status %d (body %s), want %d %s", a.Status, a.Body, status, code)
	}
	checkProblem(t, a, code)
	checkCommonHeaders(t, a, true)
}

// checkNoLeaks fails when a sentinel or a handed-out secret appears in the
// processes' output or in an error body.
func (r *rig) checkNoLeaks(t *testing.T, extra ...string) {
	t.Helper()
	for _, v := range append([]string{r.apiKey, r.oauth}, extra...) {
		r.secrets.add(v)
	}
	if !strings.Contains(r.out.String(), `"level":`) {
		t.Errorf("captured output has no JSON log line of the function; the leak check would prove nothing")
	}
	if leaks := r.secrets.leaks(r.out.String()); len(leaks) > 0 {
		t.Errorf("got %d secret value(s) in the process output (%v), want none", len(leaks), leaks)
	}
	if leaks := r.secrets.leaks(strings.Join(r.bodies, "\n")); len(leaks) > 0 {
		t.Errorf("got %d secret value(s) in error bodies (%v), want none", len(leaks), leaks)
	}
}
