package rie_test

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/aimcards/customer-access-token/internal/dev/devutil"
	"github.com/aimcards/customer-access-token/internal/dev/rie"
)

// findOrSkip returns the emulator binary, skipping the test when it is not
// installed, except in CI where a missing emulator is a failure.
func findOrSkip(t *testing.T) string {
	t.Helper()
	bin, err := rie.Find()
	if devutil.MaySkip(err) {
		t.Skipf("emulator not installed: %v", err)
	}
	if err != nil {
		t.Fatalf("CI=true and the emulator is missing: %v", err)
	}
	return bin
}

// startSelf starts the emulator with this test binary as the function.
func startSelf(t *testing.T, timeout time.Duration, out *devutil.Buffer) *rie.Emulator {
	t.Helper()
	bin := findOrSkip(t)
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("RIE_TEST_HOST_ONLY", "host")
	e, err := rie.Start(t.Context(), bin, rie.Options{
		Bootstrap: self,
		Env:       []string{functionEnv + "=1", "GREETING=hello"},
		Stdout:    out,
		Stderr:    out,
		Timeout:   timeout,
	})
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() { _ = e.Stop() })
	return e
}

// invokeReply invokes the function and decodes its reply.
func invokeReply(t *testing.T, e *rie.Emulator, req request) reply {
	t.Helper()
	body, status, err := e.Invoke(t.Context(), mustJSON(t, req))
	if err != nil {
		t.Fatalf("Invoke: %v (answer %s)", err, describe(body, status))
	}
	var got reply
	if err := json.Unmarshal(body, &got); err != nil {
		t.Fatalf("answer %s is not the function's JSON: %v", describe(body, status), err)
	}
	return got
}

func TestInvokeRunsTheFunction(t *testing.T) {
	var out devutil.Buffer
	e := startSelf(t, 0, &out)
	for _, tt := range []struct {
		name string
		req  request
		want reply
	}{
		{"echoes the event", request{Echo: "hi"}, reply{Echo: "hi", Deadline: true}},
		{"forwards Options.Env", request{Env: "GREETING"}, reply{Env: "hello", Deadline: true}},
		{"does not leak the host environment", request{Env: "RIE_TEST_HOST_ONLY"}, reply{Deadline: true}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := invokeReply(t, e, tt.req)
			got.PID = 0
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("reply mismatch (-want +got):\n%s", diff)
			}
		})
	}
	if !strings.Contains(out.String(), "START RequestId:") {
		t.Errorf("emulator output lacks its START line; got %q", out.String())
	}
}

func TestInvokeReportsFunctionError(t *testing.T) {
	e := startSelf(t, 0, &devutil.Buffer{})
	body, status, err := e.Invoke(t.Context(), mustJSON(t, request{Fail: true}))
	if !errors.Is(err, rie.ErrFunction) {
		t.Fatalf("Invoke of a failing function: got error %v, want rie.ErrFunction (answer %s)", err, describe(body, status))
	}
	var obj struct {
		ErrorMessage string `json:"errorMessage"`
	}
	if jerr := json.Unmarshal(body, &obj); jerr != nil || obj.ErrorMessage != "asked to fail" {
		t.Errorf("got answer %s, want the function's error object", describe(body, status))
	}
	if strings.Contains(err.Error(), "asked to fail") {
		t.Errorf("got error %q, want it not to quote the function's error text", err)
	}
}

func TestInvokeReportsTimeout(t *testing.T) {
	e := startSelf(t, time.Second, &devutil.Buffer{})
	body, status, err := e.Invoke(t.Context(), mustJSON(t, request{Sleep: "3s"}))
	if !errors.Is(err, rie.ErrTimeout) {
		t.Fatalf("got error %v (answer %s), want rie.ErrTimeout", err, describe(body, status))
	}
}

func TestStopEndsEmulatorAndFunction(t *testing.T) {
	e := startSelf(t, 0, &devutil.Buffer{})
	pid := invokeReply(t, e, request{Echo: "x"}).PID
	if err := e.Stop(); err != nil {
		t.Fatalf("Stop: %v", err)
	}
	if _, _, err := e.Invoke(t.Context(), []byte(`{}`)); err == nil {
		t.Errorf("Invoke after Stop: got no error, want one")
	}
	if err := e.Stop(); err != nil {
		t.Errorf("second Stop: got %v, want nil", err)
	}
	// The emulator gives the function its own process group; Stop must
	// still leave no function process behind.
	for range 100 {
		if syscall.Kill(pid, 0) != nil {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Errorf("function process %d still runs after Stop", pid)
}

// TestStartRetriesWhenTheRuntimePortIsTaken: a port picked for the Runtime
// API and taken before the emulator binds it (here as an open connection's
// local port) kills that emulator, which may already listen for invokes;
// Start must not return it but try new ports, and the function then runs.
// Not parallel: it changes how every Start picks its ports.
func TestStartRetriesWhenTheRuntimePortIsTaken(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	conn, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	picks := 0
	defer rie.SetFreeAddr(func(orig func() (string, error)) (string, error) {
		if picks++; picks == 2 { // the first attempt's Runtime API port
			return conn.LocalAddr().String(), nil
		}
		return orig()
	})()
	e := startSelf(t, 0, new(devutil.Buffer))
	if got := invokeReply(t, e, request{Echo: "ok"}); got.Echo != "ok" {
		t.Errorf("got echo %q, want ok", got.Echo)
	}
	if picks < 4 {
		t.Errorf("got %d ports picked, want a second attempt's two after the taken one", picks)
	}
}

func TestStartFails(t *testing.T) {
	t.Parallel()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name string
		bin  string
		opts rie.Options
		want error
	}{
		{"missing binary", "/nonexistent/aws-lambda-rie", rie.Options{Bootstrap: self}, os.ErrNotExist},
		{"binary that exits", "/bin/false", rie.Options{Bootstrap: self}, nil},
		{"no bootstrap", "/bin/false", rie.Options{}, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
			defer cancel()
			e, err := rie.Start(ctx, tt.bin, tt.opts)
			if err == nil {
				_ = e.Stop()
				t.Fatalf("Start: got no error, want one")
			}
			if tt.want != nil && !errors.Is(err, tt.want) {
				t.Errorf("got error %v, want one wrapping %v", err, tt.want)
			}
			if !strings.HasPrefix(err.Error(), "rie: ") {
				t.Errorf("got error %q, want the rie: prefix", err)
			}
		})
	}
}
