package localrun

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"

	"github.com/aimcards/customer-access-token/internal/dev/aimsandbox"
	"github.com/aimcards/customer-access-token/internal/dev/devutil"
	"github.com/aimcards/customer-access-token/internal/dev/moto"
	"github.com/aimcards/customer-access-token/internal/dev/rie"
)

// Options configures Start.
type Options struct {
	// Bootstrap is the function's executable; empty: Start builds it.
	Bootstrap string
	// Env overrides variables of the function's environment.
	Env map[string]string
	// Output receives the function's and the emulator's output; nil
	// discards it.
	Output io.Writer
}

// Stack is a running local stack: moto with the ApiKey secret, the AIM
// sandbox, and the function under the emulator.
type Stack struct {
	Moto       *moto.Server        // holds the secret SecretID
	Sandbox    *aimsandbox.Sandbox // AIM; set faults on it to test failures
	SandboxURL string              // http://127.0.0.1:PORT, the sandbox's root (the store endpoint)
	Emulator   *rie.Emulator       // runs the function
	APIKey     string              // the ApiKey in the secret and the sandbox
	OAuthToken string              // the OAuthToken the sandbox hands out
	Bootstrap  string              // the function's executable

	sandboxServer *http.Server
	tempDir       string // removed by Close; holds a bootstrap Start built
}

// Start finds the emulator, builds the function when opts.Bootstrap is
// empty, starts moto and seeds the secret, serves the sandbox on loopback and
// starts the function under the emulator. When a step fails it stops what
// it already started. ctx bounds the start only; Close ends the stack.
func Start(ctx context.Context, opts Options) (*Stack, error) {
	bin, err := rie.Find()
	if err != nil {
		return nil, fmt.Errorf("localrun: %w", err)
	}
	s := &Stack{APIKey: "sbx-api-key-" + rand.Text(), OAuthToken: "sbx-oauth-" + rand.Text()}
	if err := s.start(ctx, bin, opts); err != nil {
		return nil, errors.Join(err, s.Close())
	}
	return s, nil
}

// start runs the steps of Start in order, recording each part in s.
func (s *Stack) start(ctx context.Context, bin string, opts Options) error {
	s.Bootstrap = opts.Bootstrap
	if s.Bootstrap == "" {
		if err := s.build(ctx); err != nil {
			return err
		}
	} else if _, err := os.Stat(s.Bootstrap); err != nil {
		// The emulator starts the bootstrap only at the first invoke.
		return fmt.Errorf("localrun: bootstrap: %w", err)
	}
	m, err := moto.Start(ctx)
	if err != nil {
		return fmt.Errorf("localrun: %w", err)
	}
	s.Moto = m
	if _, err := m.CreateSecret(ctx, SecretID, s.APIKey); err != nil {
		return fmt.Errorf("localrun: seed the ApiKey secret: %w", err)
	}
	if err := s.serveSandbox(); err != nil {
		return err
	}
	s.Emulator, err = rie.Start(ctx, bin, rie.Options{
		Bootstrap: s.Bootstrap,
		Env:       FunctionEnv(s.SandboxURL, m.Env(), opts.Env),
		Stdout:    opts.Output,
		Stderr:    opts.Output,
		Timeout:   FunctionTimeout,
	})
	if err != nil {
		return fmt.Errorf("localrun: %w", err)
	}
	return nil
}

// build compiles the function into a temporary directory Close removes.
func (s *Stack) build(ctx context.Context) error {
	dir, err := os.MkdirTemp("", "localrun-")
	if err != nil {
		return fmt.Errorf("localrun: %w", err)
	}
	s.tempDir = dir
	s.Bootstrap, err = Build(ctx, dir)
	return err
}

// serveSandbox serves the AIM sandbox on a free loopback port.
func (s *Stack) serveSandbox() error {
	sb := aimsandbox.New(aimsandbox.Config{APIKey: s.APIKey, AppID: AppID, OAuthToken: s.OAuthToken})
	srv := &http.Server{Handler: sb, ConnState: sb.ConnState}
	url, err := devutil.Serve(srv)
	if err != nil {
		return fmt.Errorf("localrun: serve the AIM sandbox: %w", err)
	}
	s.Sandbox, s.SandboxURL, s.sandboxServer = sb, url, srv
	return nil
}

// Close stops the emulator (and with it the function), the sandbox and moto,
// and removes a bootstrap Start built. It reports every failure.
func (s *Stack) Close() error {
	var errs []error
	if s.Emulator != nil {
		errs = append(errs, s.Emulator.Stop())
	}
	if s.sandboxServer != nil {
		errs = append(errs, s.sandboxServer.Close())
	}
	if s.Moto != nil {
		errs = append(errs, s.Moto.Stop())
	}
	if s.tempDir != "" {
		errs = append(errs, os.RemoveAll(s.tempDir))
	}
	return errors.Join(errs...)
}
