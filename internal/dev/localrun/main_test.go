package localrun_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/aimcards/customer-access-token/internal/dev/aimsandbox"
	"github.com/aimcards/customer-access-token/internal/dev/devutil"
	"github.com/aimcards/customer-access-token/internal/dev/localrun"
)

// One stack serves every test of this binary: building the bootstrap and
// starting moto take seconds, an invoke takes milliseconds. Tests that set
// sandbox faults clear them before they return and never run in parallel.
var (
	stack    *localrun.Stack
	stackErr error
	output   devutil.Buffer // the function's and the emulator's output
	seen     secretSet      // secrets handed out by answers, checked against output
)

// eventsDir is the repository's events/ folder.
var eventsDir = filepath.Join("..", "..", "..", "events")

func TestMain(m *testing.M) {
	os.Exit(runTests(m))
}

// runTests starts the stack, runs the tests, stops the stack and, last,
// checks the whole captured output for secrets.
func runTests(m *testing.M) int {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	stack, stackErr = localrun.Start(ctx, localrun.Options{Output: &output})
	cancel()
	code := m.Run()
	if stackErr != nil {
		return code
	}
	if err := stack.Close(); err != nil {
		fmt.Fprintf(os.Stderr, "FAIL: Close: %v\n", err)
		code = 1
	}
	if leaks := seen.leaks(output.String()); len(leaks) > 0 {
		fmt.Fprintf(os.Stderr, "FAIL: the process output contains %d secret value(s): %v\n", len(leaks), leaks)
		code = 1
	}
	return code
}

// needStack returns the shared stack. Without moto_server or the emulator it
// skips the test, except with CI=true, where a missing tool is a failure.
func needStack(t *testing.T) *localrun.Stack {
	t.Helper()
	if stackErr == nil {
		return stack
	}
	if devutil.MaySkip(stackErr) {
		t.Skipf("local stack unavailable: %v", stackErr)
	}
	t.Fatalf("local stack failed to start: %v", stackErr)
	return nil
}

// invokeFile posts the event in events/name and returns the decoded answer,
// remembering the secrets it carries.
func invokeFile(t *testing.T, name string) localrun.Answer {
	t.Helper()
	event, err := os.ReadFile(filepath.Join(eventsDir, name))
	if err != nil {
		t.Fatal(err)
	}
	return invoke(t, event)
}

// invoke posts event to the shared stack and returns the decoded answer.
func invoke(t *testing.T, event []byte) localrun.Answer {
	t.Helper()
	s := needStack(t)
	ctx, cancel := context.WithTimeout(t.Context(), localrun.FunctionTimeout+5*time.Second)
	defer cancel()
	seen.addEvent(event)
	a, err := s.Invoke(ctx, event)
	if err != nil {
		t.Fatalf("Invoke: %v (raw answer %s)", err, a.Raw)
	}
	seen.addAnswer(a)
	return a
}

// fixedSecrets are the secrets every run knows up front.
func fixedSecrets() []string {
	list := []string{aimsandbox.TestCustomerToken, aimsandbox.ExpiredToken}
	if stack != nil {
		list = append(list, stack.APIKey, stack.OAuthToken)
	}
	return list
}
