package rie

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"syscall"
	"time"

	"github.com/aimcards/customer-access-token/internal/dev/devutil"
)

// Options configures the emulator and the function it hosts.
type Options struct {
	// Bootstrap is the path of the function's executable.
	Bootstrap string
	// Env is the whole environment of the emulator, which forwards it to the
	// function. The host's environment is deliberately not inherited, so a
	// developer's real AWS credentials never reach a local run.
	Env []string
	// Stdout and Stderr receive the emulator's and the function's output;
	// nil discards it.
	Stdout, Stderr io.Writer
	// Timeout is the function timeout (AWS_LAMBDA_FUNCTION_TIMEOUT, rounded
	// up to whole seconds). Zero keeps the emulator's default of 300 s.
	Timeout time.Duration
}

// Emulator is a running aws-lambda-rie process bound to loopback.
type Emulator struct {
	// URL is the base URL of the emulator's invoke API.
	URL string

	cmd      *exec.Cmd
	exited   chan struct{} // closed when the process has been reaped
	waitErr  error         // valid after exited is closed
	client   *http.Client
	stopOnce sync.Once
	stopErr  error
}

// startAttempts bounds retries when a free port is taken between picking
// it and the emulator binding it.
const startAttempts = 3

// startBudget bounds the wait for the emulator to listen when ctx has no
// deadline of its own.
const startBudget = 15 * time.Second

// stopGrace is how long Stop lets the emulator shut the function down after
// SIGTERM before it kills the process group.
const stopGrace = 3 * time.Second

// Start runs the emulator at bin hosting opts.Bootstrap on two free loopback
// ports and returns once its invoke API accepts connections. The emulator
// initialises the function lazily, on the first Invoke. ctx bounds only the
// start; call Stop to end the process.
func Start(ctx context.Context, bin string, opts Options) (*Emulator, error) {
	if opts.Bootstrap == "" {
		return nil, errors.New("rie: start: no bootstrap given")
	}
	bootstrap, err := filepath.Abs(opts.Bootstrap)
	if err != nil {
		return nil, fmt.Errorf("rie: start: %w", err)
	}
	opts.Bootstrap = bootstrap
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, startBudget)
		defer cancel()
	}
	for attempt := 1; ; attempt++ {
		e, err := startOnce(ctx, bin, opts)
		if err == nil || attempt == startAttempts || ctx.Err() != nil || !errors.Is(err, errExited) {
			return e, err
		}
	}
}

// errExited reports that the emulator ended before it listened.
var errExited = errors.New("emulator exited before listening")

// startOnce picks ports, starts the process and waits until it listens on
// both.
func startOnce(ctx context.Context, bin string, opts Options) (*Emulator, error) {
	invokeAddr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	runtimeAddr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	e := &Emulator{
		URL:    "http://" + invokeAddr,
		cmd:    command(bin, invokeAddr, runtimeAddr, opts),
		exited: make(chan struct{}),
		client: newHTTPClient(),
	}
	if err := e.cmd.Start(); err != nil {
		return nil, fmt.Errorf("rie: start %s: %w", bin, err)
	}
	go func() {
		e.waitErr = e.cmd.Wait()
		close(e.exited)
	}()
	// Both ports: the emulator binds the Runtime API's in a goroutine of its
	// own and dies when that port was taken meanwhile (by any connection's
	// local port), which may be after its invoke API listens.
	for _, addr := range []string{invokeAddr, runtimeAddr} {
		if err := e.waitListening(ctx, addr); err != nil {
			_ = e.Stop()
			return nil, err
		}
	}
	return e, nil
}

// command builds the emulator's command line, environment and process group.
func command(bin, invokeAddr, runtimeAddr string, opts Options) *exec.Cmd {
	cmd := exec.Command(bin,
		"--runtime-interface-emulator-address", invokeAddr,
		"--runtime-api-address", runtimeAddr,
		opts.Bootstrap)
	// Lambda runs the bootstrap from its own directory (/var/task).
	cmd.Dir = filepath.Dir(opts.Bootstrap)
	cmd.Env = slices.Clone(opts.Env)
	if cmd.Env == nil {
		cmd.Env = []string{}
	}
	if opts.Timeout > 0 {
		secs := int64((opts.Timeout + time.Second - 1) / time.Second)
		cmd.Env = append(cmd.Env, "AWS_LAMBDA_FUNCTION_TIMEOUT="+strconv.FormatInt(secs, 10))
	}
	cmd.Stdout, cmd.Stderr = opts.Stdout, opts.Stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	// The function inherits the output pipes; do not let it hold Wait forever.
	cmd.WaitDelay = stopGrace
	return cmd
}

// freeAddr returns a loopback address with a port that was free a moment
// ago. A variable, so that a test can hand out a taken one.
var freeAddr = func() (string, error) {
	port, err := devutil.FreePort()
	if err != nil {
		return "", fmt.Errorf("rie: %w", err)
	}
	return net.JoinHostPort("127.0.0.1", strconv.Itoa(port)), nil
}

// waitListening polls addr until it accepts a connection, the process ends
// or ctx is done.
func (e *Emulator) waitListening(ctx context.Context, addr string) error {
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	var d net.Dialer
	for {
		conn, err := d.DialContext(ctx, "tcp", addr)
		if err == nil {
			return conn.Close()
		}
		select {
		case <-e.exited:
			return fmt.Errorf("rie: start: %w (%v)", errExited, e.waitErr)
		case <-ctx.Done():
			return fmt.Errorf("rie: start: wait for %s: %w", addr, ctx.Err())
		case <-tick.C:
		}
	}
}

// Stop ends the emulator: SIGTERM, which makes it shut the function down,
// then SIGKILL to its process group if it is still running after a grace
// period. It waits for the process and is safe to call more than once.
func (e *Emulator) Stop() error {
	e.stopOnce.Do(func() { e.stopErr = e.stop() })
	return e.stopErr
}

// stop signals the process group and waits for the process to be reaped.
func (e *Emulator) stop() error {
	pgid := e.cmd.Process.Pid
	if err := syscall.Kill(-pgid, syscall.SIGTERM); err != nil && !errors.Is(err, syscall.ESRCH) {
		return fmt.Errorf("rie: stop: %w", err)
	}
	select {
	case <-e.exited:
		return nil
	case <-time.After(stopGrace):
	}
	if err := syscall.Kill(-pgid, syscall.SIGKILL); err != nil && !errors.Is(err, syscall.ESRCH) {
		return fmt.Errorf("rie: stop: %w", err)
	}
	<-e.exited
	return nil
}
