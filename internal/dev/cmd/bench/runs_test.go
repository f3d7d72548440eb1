package main

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aimcards/customer-access-token/internal/dev/aimsandbox"
	"github.com/aimcards/customer-access-token/internal/dev/runtimeapi"
)

func testContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// buildForTest builds pkg for this machine with the benchmark's flags.
func buildForTest(t *testing.T, pkg string) string {
	t.Helper()
	out := filepath.Join(t.TempDir(), "bootstrap")
	if err := build(testContext(t), "../../../..", pkg, out, runtime.GOOS, runtime.GOARCH); err != nil {
		t.Fatal(err)
	}
	return out
}

// startTestUpstreams starts moto_server and the proxy; without moto_server the test
// skips, except in CI where it fails.
func startTestUpstreams(t *testing.T) *upstreams {
	t.Helper()
	up, err := startUpstreams(testContext(t))
	if errors.Is(err, exec.ErrNotFound) {
		if os.Getenv("CI") == "true" {
			t.Fatalf("moto_server is required in CI: %v", err)
		}
		t.Skipf("moto_server not found: %v", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(up.close)
	return up
}

func TestFreezeStopsTheProcessUntilItsEvent(t *testing.T) {
	t.Parallel()
	bin := buildForTest(t, helloPkg)
	var p *process
	api, err := runtimeapi.Start(runtimeapi.Options{HandOut: func(string) { p.resume() }})
	if err != nil {
		t.Fatal(err)
	}
	defer api.Close()
	p, err = startProcess(testContext(t), bin, []string{"AWS_LAMBDA_RUNTIME_API=" + api.Addr()})
	if err != nil {
		t.Fatal(err)
	}
	defer p.kill()
	if _, err := api.WaitNext(p.ctx); err != nil {
		t.Fatalf("WaitNext: %v", err)
	}
	if err := p.stop(); err != nil {
		t.Fatal(err)
	}
	waitState(t, p, "T")
	res, err := api.Invoke(p.ctx, clickEvent())
	if res, err = checked(p.ctx, res, err); err != nil {
		t.Fatalf("first answer after the freeze: %v", err)
	}
	if res.Duration() <= 0 {
		t.Errorf("got duration %v, want > 0", res.Duration())
	}
	if rss, err := p.peakRSS(); err != nil || rss <= 0 {
		t.Errorf("peak RSS: got %d, %v, want > 0", rss, err)
	}
}

// waitState waits for the process's /proc state letter to become want.
func waitState(t *testing.T, p *process, want string) {
	t.Helper()
	path := filepath.Join("/proc", strconv.Itoa(p.cmd.Process.Pid), "status")
	var got string
	for range 100 {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Skipf("no %s: %v", path, err)
		}
		for line := range strings.Lines(string(b)) {
			if v, ok := strings.CutPrefix(line, "State:"); ok {
				got = strings.Fields(v)[0]
			}
		}
		if got == want {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("process state: got %q, want %q", got, want)
}

func TestScenariosRunHelloWorld(t *testing.T) {
	t.Parallel()
	up := startTestUpstreams(t)
	bin := buildForTest(t, helloPkg)
	w, err := runWarm(testContext(t), up, bin, 20)
	if err != nil {
		t.Fatalf("warm: %v", err)
	}
	if w.init <= 0 || w.p50 <= 0 || w.p99 < w.p50 || w.peakRSS <= 0 {
		t.Errorf("got init %v, p50 %v, p99 %v, peak RSS %d; want all positive and p99 ≥ p50", w.init, w.p50, w.p99, w.peakRSS)
	}
	if w.secretGets+w.endpointCalls+w.aimConns != 0 {
		t.Errorf("hello-world: got %d secret gets, %d GetEndPoint, %d AIM connections, want none", w.secretGets, w.endpointCalls, w.aimConns)
	}
	c, err := runWaiting(testContext(t), up, bin, 30*time.Millisecond)
	if err != nil || c.answer <= 0 {
		t.Errorf("event waiting at exec: got %v, %v, want an answer", c.answer, err)
	}
	c, err = runFrozen(testContext(t), up, bin, 30*time.Millisecond, 50*time.Millisecond)
	if err != nil || c.answer <= 0 {
		t.Errorf("frozen: got %v, %v, want an answer", c.answer, err)
	}
}

// The function must fetch its credentials once, before lambda.Start, so that a
// thawed environment answers with one AIM call; these are counts, not timings.
func TestFunctionFetchesCredentialsOnceAndBeforeItsFirstEvent(t *testing.T) {
	t.Parallel()
	up := startTestUpstreams(t)
	bin := buildForTest(t, functionPkg)
	w, err := runWarm(testContext(t), up, bin, 20)
	if err != nil {
		t.Fatalf("warm: %v", err)
	}
	if w.secretGets != 1 || w.endpointCalls != 1 || w.aimConns != 1 {
		t.Errorf("over 20 invocations: got %d GetSecretValue, %d GetEndPoint, %d AIM connections, want 1 each",
			w.secretGets, w.endpointCalls, w.aimConns)
	}
	c, err := runFrozen(testContext(t), up, bin, 0, 50*time.Millisecond)
	if err != nil {
		t.Fatalf("frozen: %v", err)
	}
	want := map[string]int{opGetSecretValue: 0, string(aimsandbox.OpGetEndPoint): 0, string(aimsandbox.OpCustomerAccessToken): 1}
	for op, n := range want {
		if got := c.calls.count[op]; got != n {
			t.Errorf("first answer after the freeze: got %d %s calls, want %d", got, op, n)
		}
	}
}
