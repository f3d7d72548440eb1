// Package moto runs a local moto_server (the moto project's AWS server) for
// tests and local runs, and seeds Secrets Manager secrets in it through the
// real AWS SDK.
package moto

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os/exec"
	"strconv"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"

	"github.com/aimcards/customer-access-token/internal/dev/devutil"
)

// InstallHint tells a developer how to get moto_server onto PATH.
const InstallHint = "pip install 'moto[server]==5.2.*'"

// startTimeout bounds how long Start waits for moto_server to answer.
const startTimeout = 15 * time.Second

// Server is a moto_server child process listening on 127.0.0.1.
type Server struct {
	// URL is the server's base URL, http://127.0.0.1:PORT.
	URL string

	cmd     *exec.Cmd
	out     *devutil.Tail // the last lines moto_server printed
	done    chan struct{} // closed when the process has exited
	waitErr error         // valid after done is closed
	client  *secretsmanager.Client
	stop    sync.Once
	stopErr error
}

// Start launches moto_server on a free loopback port and returns once it
// answers HTTP. ctx bounds the start-up only, which is also capped at about
// 15 s; the server runs until Stop. When moto_server is not on PATH the error
// wraps exec.ErrNotFound.
func Start(ctx context.Context) (*Server, error) {
	path, err := exec.LookPath("moto_server")
	if err != nil {
		return nil, fmt.Errorf("moto: start: moto_server not found on PATH (install it with %s): %w", InstallHint, err)
	}
	// A port picked free can be taken before moto_server binds it (any
	// connection's local port can take it); it then exits, and a new port
	// is tried.
	for attempt := 1; ; attempt++ {
		s, err := start(ctx, path)
		if err == nil || attempt == startAttempts || ctx.Err() != nil || !errors.Is(err, errExitedEarly) {
			return s, err
		}
	}
}

// startAttempts bounds the tries of Start.
const startAttempts = 3

// errExitedEarly reports that moto_server ended before it answered.
var errExitedEarly = errors.New("moto_server exited early")

// start launches moto_server at path on a free loopback port and waits until
// it answers.
func start(ctx context.Context, path string) (*Server, error) {
	port, err := devutil.FreePort()
	if err != nil {
		return nil, fmt.Errorf("moto: start: %w", err)
	}
	s := &Server{
		URL:  "http://127.0.0.1:" + strconv.Itoa(port),
		out:  devutil.NewTail(20),
		done: make(chan struct{}),
	}
	s.cmd = exec.Command(path, "-H", "127.0.0.1", "-p", strconv.Itoa(port))
	s.cmd.Stdout = s.out
	s.cmd.Stderr = s.out
	s.cmd.SysProcAttr = sysProcAttr()
	if err := s.cmd.Start(); err != nil {
		return nil, fmt.Errorf("moto: start %s: %w", path, err)
	}
	go func() {
		s.waitErr = s.cmd.Wait()
		close(s.done)
	}()
	if err := s.waitReady(ctx); err != nil {
		_ = s.Stop()
		return nil, fmt.Errorf("moto: start on port %d: %w; last output:\n%s", port, err, s.out)
	}
	s.client = secretsmanager.NewFromConfig(s.AWSConfig())
	return s, nil
}

// Stop kills moto_server and its process group and waits for it to exit.
// It is safe to call more than once.
func (s *Server) Stop() error {
	s.stop.Do(func() {
		// Kill the group even if moto_server exited on its own: its
		// launcher's children may outlive it.
		if err := killGroup(s.cmd); err != nil {
			s.stopErr = fmt.Errorf("moto: stop: %w", err)
		}
		<-s.done
	})
	return s.stopErr
}

// waitReady polls the server until it answers, exits, or time runs out.
func (s *Server) waitReady(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, startTimeout)
	defer cancel()
	client := &http.Client{Timeout: time.Second}
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		if answers(ctx, client, s.URL+"/moto-api/") {
			return nil
		}
		select {
		case <-s.done:
			return fmt.Errorf("%w: %v", errExitedEarly, s.waitErr)
		case <-ctx.Done():
			return fmt.Errorf("moto_server did not answer: %w", ctx.Err())
		case <-tick.C:
		}
	}
}

// answers reports whether url answers with any HTTP response.
func answers(ctx context.Context, client *http.Client, url string) bool {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return false
	}
	resp, err := client.Do(req)
	if err != nil {
		return false
	}
	resp.Body.Close()
	return true
}
