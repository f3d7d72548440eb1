package synthetic

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/aimcards/customer-access-token/internal/apigw"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/service/codedeploy"
	cdtypes "github.com/aws/aws-sdk-go-v2/service/codedeploy/types"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
)

// Invoker invokes a Lambda function (see lambda.Client).
type Invoker interface {
	Invoke(ctx context.Context, in *lambda.InvokeInput, opts ...func(*lambda.Options)) (*lambda.InvokeOutput, error)
}

// Reporter tells CodeDeploy a lifecycle hook's verdict (see codedeploy.Client).
type Reporter interface {
	PutLifecycleEventHookExecutionStatus(ctx context.Context, in *codedeploy.PutLifecycleEventHookExecutionStatusInput, opts ...func(*codedeploy.Options)) (*codedeploy.PutLifecycleEventHookExecutionStatusOutput, error)
}

// GateOptions configures a Gate.
type GateOptions struct {
	Lambda       Invoker
	CodeDeploy   Reporter
	FunctionName string // the function being deployed
	Version      string // its version being deployed, the one the gate invokes
	// Off passes every version untried: the emergency way past the gate
	// while AIM is down (README, Safe rollout). It still reports once.
	Off    bool
	Logger *slog.Logger
}

// Gate is the PreTraffic hook: it invokes the version being deployed, by
// its number rather than through the alias, with the scheduled probe and
// with a click of unknownToken, and tells CodeDeploy Succeeded only when
// the probe is ok and the click is refused as AIM refuses that token.
type Gate struct{ opts GateOptions }

// NewGate builds a Gate.
func NewGate(opts GateOptions) (*Gate, error) {
	if opts.Lambda == nil || opts.CodeDeploy == nil || opts.FunctionName == "" || opts.Version == "" {
		return nil, errors.New("synthetic: the gate needs a Lambda and a CodeDeploy client, a function name and a version")
	}
	opts.Logger = cmp.Or(opts.Logger, slog.Default())
	return &Gate{opts}, nil
}

// HookEvent is the payload CodeDeploy invokes a lifecycle hook with.
type HookEvent struct {
	DeploymentID string `json:"DeploymentId"`
	ExecutionID  string `json:"LifecycleEventHookExecutionId"`
}

// reportBudget is kept back from the hook's own deadline for the report:
// a version that hangs fails the hook instead of leaving CodeDeploy to
// wait its hour.
const reportBudget = 10 * time.Second

// Run tries the version and reports the verdict to CodeDeploy exactly
// once, whatever happened, the gate's own panic included. It returns an
// error only when that report failed; CodeDeploy then fails the hook when
// its hour is up.
func (g *Gate) Run(ctx context.Context, ev HookEvent) error {
	status, outcome := cdtypes.LifecycleEventStatusSucceeded, "succeeded"
	var err error
	if g.opts.Off {
		outcome = "passed untried: the gate is off"
	} else {
		err = g.try(ctx)
	}
	attrs := []any{"deployment_id", ev.DeploymentID, "function", g.opts.FunctionName, "version", g.opts.Version}
	if err != nil {
		status, outcome, attrs = cdtypes.LifecycleEventStatusFailed, "failed", append(attrs, "cause", err.Error())
	}
	_, rerr := g.opts.CodeDeploy.PutLifecycleEventHookExecutionStatus(ctx, &codedeploy.PutLifecycleEventHookExecutionStatusInput{
		DeploymentId:                  &ev.DeploymentID,
		LifecycleEventHookExecutionId: &ev.ExecutionID,
		Status:                        status,
	})
	level := slog.LevelInfo
	if err != nil || rerr != nil {
		level = slog.LevelError
	}
	if rerr != nil {
		attrs = append(attrs, "report_error", rerr.Error())
	}
	g.opts.Logger.Log(ctx, level, "deploy gate", append(attrs, "outcome", outcome, "reported", rerr == nil)...)
	if rerr != nil {
		return fmt.Errorf("synthetic: report %s to CodeDeploy: %w", status, rerr)
	}
	return nil
}

// try runs the probe, then the click; any failure, its own panic included,
// is the error that fails the deploy.
func (g *Gate) try(ctx context.Context) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("gate panic: %s", slog.AnyValue(p).String())
		}
	}()
	if deadline, ok := ctx.Deadline(); ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithDeadline(ctx, deadline.Add(-reportBudget))
		defer cancel()
	}
	out, err := g.invoke(ctx, probeEvent)
	if err != nil {
		return fmt.Errorf("probe: %w", err)
	}
	var probe struct{ Probe string }
	if json.Unmarshal(out, &probe) != nil || probe.Probe != "ok" {
		return fmt.Errorf("probe: answered %q, want ok (the version's log says why)", probe.Probe)
	}
	out, err = g.invoke(ctx, gateClick)
	if err != nil {
		return fmt.Errorf("click: %w", err)
	}
	var resp events.APIGatewayV2HTTPResponse
	if err := json.Unmarshal(out, &resp); err != nil {
		return fmt.Errorf("click: the answer is no API Gateway response: %w", err)
	}
	if err := checkRefusal(resp.StatusCode, []byte(resp.Body)); err != nil {
		return fmt.Errorf("click: %w", err)
	}
	return nil
}

// invoke calls the version with payload and returns its answer; a function
// error (a crash, a timeout, a failed init) is an error.
func (g *Gate) invoke(ctx context.Context, payload []byte) ([]byte, error) {
	out, err := g.opts.Lambda.Invoke(ctx, &lambda.InvokeInput{
		FunctionName: &g.opts.FunctionName,
		Qualifier:    &g.opts.Version,
		Payload:      payload,
	})
	if err != nil {
		return nil, err
	}
	if out.FunctionError != nil {
		return nil, fmt.Errorf("function error %q", *out.FunctionError)
	}
	return out.Payload, nil
}

// probeEvent is the template's scheduled probe (events/scheduled-probe.json),
// which the function answers with {"probe":"ok"} when it got fresh credentials.
var probeEvent = []byte(`{"version":"0","detail-type":"Scheduled Event","source":"aws.events","detail":{}}`)

// gateClick is a storefront script's click with unknownToken, as API
// Gateway's HTTP API hands it over, marked as the gate's. It has no
// requestContext.http.sourceIp: a direct invocation has no caller address,
// so the per-client limit never counts it. (Marshalling maps of strings
// cannot fail.)
var gateClick, _ = json.Marshal(map[string]any{
	"version":        "2.0",
	"routeKey":       "GET /customer-access-token",
	"rawPath":        "/customer-access-token",
	"rawQueryString": "format=json",
	"headers": map[string]string{
		"accept":                               "application/json",
		"token":                                unknownToken,
		strings.ToLower(apigw.SyntheticHeader): markGate,
	},
	"queryStringParameters": map[string]string{"format": "json"},
	"requestContext": map[string]any{
		"requestId": "deploy-gate",
		"routeKey":  "GET /customer-access-token",
		"http":      map[string]string{"method": "GET", "path": "/customer-access-token"},
	},
	"isBase64Encoded": false,
})
