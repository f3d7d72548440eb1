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

// startTestUpstreams starts moto_server and the proxies; without moto_server the
// test skips, except in CI where it fails.
func startTestUpstreams(t *testing.T) *upstreams {
	t.Helper()
	up, err := startUpstreams(testContext(t), t.TempDir(), "")
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
	p, err = startProcess(testContext(t), bin, []string{"AWS_LAMBDA_RUNTIME_API=" + api.Addr()}, nil)
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
		if err != nil && os.Getenv("CI") == "true" {
			t.Fatalf("no %s in CI: %v", path, err)
		}
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

// One moto_server for both bootstraps: it is the slow part. The function must fetch
// its credentials once, before lambda.Start, so that a thawed environment calls
// neither AWS (Secrets Manager, DynamoDB) nor AIM's service host; these are
// counts, not timings.
func TestScenariosCountTheFunctionsUpstreamTraffic(t *testing.T) {
	up := startTestUpstreams(t)
	fullCPU := lambdaSize{memoryMB: 1024}
	// Not in parallel: both count what AWS sees.
	t.Run("function", func(t *testing.T) {
		bin := buildForTest(t, functionPkg)
		w, err := runWarm(testContext(t), up, bin, fullCPU, 20)
		if err != nil {
			t.Fatalf("warm: %v", err)
		}
		if w.secretGets != 1 || w.endpointCalls != 1 || w.storeConns != 1 {
			t.Errorf("over 20 invocations: got %d GetSecretValue, %d GetEndPoint, %d store connections, want 1 each",
				w.secretGets, w.endpointCalls, w.storeConns)
		}
		if w.bare <= 0 || w.p50 <= 0 {
			t.Errorf("got bare round trip %v and p50 %v, want both positive", w.bare, w.p50)
		}
		c, err := runFrozen(testContext(t), up, bin, fullCPU, charges{}, 50*time.Millisecond)
		if err != nil {
			t.Fatalf("frozen: %v", err)
		}
		if c.after.service != (tally{}) || c.after.aws != (tally{}) || c.after.store.roundTrips() < 1 {
			t.Errorf("first answer after the freeze: got %+v, want traffic to the store host only", c.after)
		}
		if c.after.store.conns != 0 {
			t.Errorf("first answer after the freeze: got %d new connections to the store host, want 0 (opened at init)", c.after.store.conns)
		}
		// AWS's host serves Secrets Manager and DynamoDB: one connection or more.
		if c.trips.service.conns != 1 || c.trips.aws.conns < 1 || c.trips.store.conns != 1 {
			t.Errorf("init: got %+v, want one connection each to AIM's service host and the store host, and some to AWS", c.trips)
		}
	})
	t.Run("hello-world", func(t *testing.T) {
		bin := buildForTest(t, helloPkg)
		c, err := runWaiting(testContext(t), up, bin, fullCPU, charges{aim: time.Millisecond, aws: time.Millisecond})
		if err != nil || c.answer <= 0 {
			t.Fatalf("event waiting at exec: got %v, %v, want an answer", c.answer, err)
		}
		if c.trips != (hostTally{}) {
			t.Errorf("hello-world: got %+v, want no upstream traffic", c.trips)
		}
	})
}
