package rie_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/lambda"
)

// functionEnv makes the test binary act as a Lambda function: the tests
// start the emulator with this binary as its bootstrap.
const functionEnv = "RIE_TEST_AS_FUNCTION"

// TestMain runs the test function instead of the tests when the emulator
// started this binary as the bootstrap.
func TestMain(m *testing.M) {
	if os.Getenv(functionEnv) == "1" {
		lambda.Start(handle)
		return
	}
	os.Exit(m.Run())
}

// request is the test function's event.
type request struct {
	Echo  string `json:"echo"`
	Env   string `json:"env"`   // name of a variable to report
	Fail  bool   `json:"fail"`  // return an error
	Sleep string `json:"sleep"` // duration to sleep first
}

// reply is the test function's result.
type reply struct {
	Echo     string `json:"echo"`
	Env      string `json:"env"`
	PID      int    `json:"pid"`
	Deadline bool   `json:"deadline"`
}

// handle echoes the event, reports an environment variable and its PID, and
// fails or sleeps when asked.
func handle(ctx context.Context, req request) (reply, error) {
	if req.Sleep != "" {
		d, err := time.ParseDuration(req.Sleep)
		if err != nil {
			return reply{}, err
		}
		time.Sleep(d)
	}
	if req.Fail {
		return reply{}, errors.New("asked to fail")
	}
	_, hasDeadline := ctx.Deadline()
	return reply{Echo: req.Echo, Env: os.Getenv(req.Env), PID: os.Getpid(), Deadline: hasDeadline}, nil
}

// mustJSON encodes v or fails the test.
func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// describe is a short form of an emulator answer for failure messages.
func describe(body []byte, status int) string {
	return fmt.Sprintf("%d %q", status, body)
}
