package synthetic

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/codedeploy"
	cdtypes "github.com/aws/aws-sdk-go-v2/service/codedeploy/types"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
)

// invokeFunc is a fake Lambda client: it answers each payload.
type invokeFunc func(in *lambda.InvokeInput) (*lambda.InvokeOutput, error)

func (f invokeFunc) Invoke(_ context.Context, in *lambda.InvokeInput, _ ...func(*lambda.Options)) (*lambda.InvokeOutput, error) {
	return f(in)
}

// reports records what the gate tells CodeDeploy.
type reports struct {
	got []codedeploy.PutLifecycleEventHookExecutionStatusInput
	err error
}

func (r *reports) PutLifecycleEventHookExecutionStatus(_ context.Context, in *codedeploy.PutLifecycleEventHookExecutionStatusInput, _ ...func(*codedeploy.Options)) (*codedeploy.PutLifecycleEventHookExecutionStatusOutput, error) {
	r.got = append(r.got, *in)
	return &codedeploy.PutLifecycleEventHookExecutionStatusOutput{}, r.err
}

// version answers the probe and the click as the function would, with the
// given probe outcome and click answer.
func version(probe string, clickStatus int, clickBody string) invokeFunc {
	return func(in *lambda.InvokeInput) (*lambda.InvokeOutput, error) {
		if bytes.Equal(in.Payload, probeEvent) {
			return &lambda.InvokeOutput{StatusCode: 200, Payload: []byte(`{"probe":"` + probe + `"}`)}, nil
		}
		b, _ := json.Marshal(map[string]any{"statusCode": clickStatus, "body": clickBody})
		return &lambda.InvokeOutput{StatusCode: 200, Payload: b}, nil
	}
}

const refusedBody = `{"type":"about:blank","title":"Session expired","status":401,"code":"session_expired"}`

func TestGateReportsOnce(t *testing.T) {
	t.Parallel()
	fnErr := "Unhandled"
	for _, tc := range []struct {
		name   string
		lambda invokeFunc
		want   cdtypes.LifecycleEventStatus
		cause  string
	}{
		{"good version", version("ok", 401, refusedBody), cdtypes.LifecycleEventStatusSucceeded, ""},
		{"probe failed", version("failed", 401, refusedBody), cdtypes.LifecycleEventStatusFailed, "probe"},
		{"click 502", version("ok", 502, `{"status":502,"code":"upstream_error"}`), cdtypes.LifecycleEventStatusFailed, "upstream_error"},
		{"click 401 missing_token", version("ok", 401, `{"status":401,"code":"missing_token"}`), cdtypes.LifecycleEventStatusFailed, "missing_token"},
		{"click 302", version("ok", 302, ``), cdtypes.LifecycleEventStatusFailed, "click"},
		{"function error", func(*lambda.InvokeInput) (*lambda.InvokeOutput, error) {
			return &lambda.InvokeOutput{StatusCode: 200, FunctionError: &fnErr, Payload: []byte(`{"errorType":"Runtime.ExitError"}`)}, nil
		}, cdtypes.LifecycleEventStatusFailed, "Unhandled"},
		{"invoke failed", func(*lambda.InvokeInput) (*lambda.InvokeOutput, error) {
			return nil, errors.New("throttled")
		}, cdtypes.LifecycleEventStatusFailed, "throttled"},
		{"gate panics", func(*lambda.InvokeInput) (*lambda.InvokeOutput, error) {
			panic("boom")
		}, cdtypes.LifecycleEventStatusFailed, "panic"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var logs bytes.Buffer
			var calls []lambda.InvokeInput
			rep := &reports{}
			g, err := NewGate(GateOptions{
				Lambda: invokeFunc(func(in *lambda.InvokeInput) (*lambda.InvokeOutput, error) {
					calls = append(calls, *in)
					return tc.lambda(in)
				}),
				CodeDeploy: rep, FunctionName: "cat-fn", Version: "7",
				Logger: slog.New(slog.NewJSONHandler(&logs, nil)),
			})
			if err != nil {
				t.Fatal(err)
			}
			if err := g.Run(t.Context(), HookEvent{DeploymentID: "d-1", ExecutionID: "e-1"}); err != nil {
				t.Fatalf("got %v, want the verdict reported", err)
			}
			if len(rep.got) != 1 {
				t.Fatalf("got %d reports, want exactly 1", len(rep.got))
			}
			r := rep.got[0]
			if r.Status != tc.want || *r.DeploymentId != "d-1" || *r.LifecycleEventHookExecutionId != "e-1" {
				t.Errorf("got %s for %s/%s, want %s for d-1/e-1", r.Status, *r.DeploymentId, *r.LifecycleEventHookExecutionId, tc.want)
			}
			for _, c := range calls {
				if *c.FunctionName != "cat-fn" || c.Qualifier == nil || *c.Qualifier != "7" {
					t.Errorf("got an invoke of %s:%v, want cat-fn version 7, never the alias", *c.FunctionName, c.Qualifier)
				}
			}
			if !strings.Contains(logs.String(), tc.cause) {
				t.Errorf("got log %s, want the cause %q", logs.String(), tc.cause)
			}
			if strings.Contains(logs.String(), unknownToken) {
				t.Errorf("got the click's token in the log: %s", logs.String())
			}
		})
	}
}

// TestGateOff: the emergency setting passes a version untried, with one
// report, and says so in its log line.
func TestGateOff(t *testing.T) {
	t.Parallel()
	var logs bytes.Buffer
	rep := &reports{}
	g, err := NewGate(GateOptions{Lambda: invokeFunc(func(*lambda.InvokeInput) (*lambda.InvokeOutput, error) {
		t.Error("got an invoke, want none with the gate off")
		return nil, errors.New("unexpected")
	}), CodeDeploy: rep, FunctionName: "f", Version: "1", Off: true, Logger: slog.New(slog.NewJSONHandler(&logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	if err := g.Run(t.Context(), HookEvent{DeploymentID: "d", ExecutionID: "e"}); err != nil || len(rep.got) != 1 || rep.got[0].Status != cdtypes.LifecycleEventStatusSucceeded {
		t.Fatalf("got %v and reports %+v, want one Succeeded", err, rep.got)
	}
	if !strings.Contains(logs.String(), "gate is off") {
		t.Errorf("got log %s, want it to say the gate is off", logs.String())
	}
}

// TestGateReportFailure: when CodeDeploy cannot be told, Run says so, and
// the hook invocation fails rather than pretending.
func TestGateReportFailure(t *testing.T) {
	t.Parallel()
	rep := &reports{err: errors.New("AccessDenied")}
	g, err := NewGate(GateOptions{Lambda: version("ok", 401, refusedBody), CodeDeploy: rep, FunctionName: "f", Version: "1", Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	if err := g.Run(t.Context(), HookEvent{DeploymentID: "d", ExecutionID: "e"}); err == nil || len(rep.got) != 1 {
		t.Fatalf("got %v after %d reports, want the report's error after 1", err, len(rep.got))
	}
}

// TestGateClickIsMarkedAndAddressless checks the click the gate sends: a
// storefront script's JSON request with the unknown token, marked
// deploy-gate, with no source address for the per-client limit to count.
func TestGateClickIsMarkedAndAddressless(t *testing.T) {
	t.Parallel()
	var ev struct {
		RawQueryString string            `json:"rawQueryString"`
		Headers        map[string]string `json:"headers"`
		RequestContext struct {
			HTTP map[string]any `json:"http"`
		} `json:"requestContext"`
	}
	if err := json.Unmarshal(gateClick, &ev); err != nil {
		t.Fatal(err)
	}
	if ev.RawQueryString != "format=json" || ev.Headers["token"] != unknownToken || ev.Headers["synthetic-check"] != markGate {
		t.Errorf("got query %q headers %v, want format=json, the unknown token and Synthetic-Check: %s", ev.RawQueryString, ev.Headers, markGate)
	}
	if ip, ok := ev.RequestContext.HTTP["sourceIp"]; ok {
		t.Errorf("got sourceIp %v, want none", ip)
	}
}
