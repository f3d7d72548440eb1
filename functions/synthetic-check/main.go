// Command synthetic-check is the customer-access-token function's deploy
// gate (CodeDeploy's PreTraffic hook) and its outside-in check (on a
// schedule): see internal/synthetic and the README's Safe rollout.
package main

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"os"
	"time"

	"github.com/aimcards/customer-access-token/internal/synthetic"
	"github.com/aws/aws-lambda-go/lambda"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/codedeploy"
	awslambda "github.com/aws/aws-sdk-go-v2/service/lambda"
)

// checkTimeout bounds the outside-in request: above the function's 10 s
// Timeout, below API Gateway's 30 s and this function's 60 s.
const checkTimeout = 25 * time.Second

// wrapInvoker is where a test build (the synthetic_fault tag) swaps the
// Lambda client for one that panics; it changes nothing otherwise.
var wrapInvoker = func(i synthetic.Invoker) synthetic.Invoker { return i }

func main() {
	log := slog.New(slog.NewJSONHandler(os.Stdout, nil))
	h, err := build(context.Background(), os.Getenv, log)
	if err != nil {
		log.Error("cannot start", "error", err.Error())
		os.Exit(1)
	}
	lambda.Start(h)
}

// build makes the SDK clients, the gate and the check, once. The template
// sets CHECKED_FUNCTION_NAME and CHECKED_FUNCTION_VERSION (the version
// being deployed), DEPLOY_GATE (On or Off) and METRICS_NAMESPACE.
func build(ctx context.Context, getenv func(string) string, log *slog.Logger) (*synthetic.Handler, error) {
	awsCfg, err := awsconfig.LoadDefaultConfig(ctx)
	if err != nil {
		return nil, err
	}
	name := getenv("CHECKED_FUNCTION_NAME")
	gate, gateErr := synthetic.NewGate(synthetic.GateOptions{
		Lambda:       wrapInvoker(awslambda.NewFromConfig(awsCfg)),
		CodeDeploy:   codedeploy.NewFromConfig(awsCfg),
		FunctionName: name,
		Version:      getenv("CHECKED_FUNCTION_VERSION"),
		Off:          getenv("DEPLOY_GATE") == "Off",
		Logger:       log,
	})
	check, checkErr := synthetic.NewCheck(synthetic.CheckOptions{
		Client:       &http.Client{Timeout: checkTimeout},
		Namespace:    getenv("METRICS_NAMESPACE"),
		FunctionName: name,
		Metrics:      os.Stdout,
		Logger:       log,
	})
	if err := errors.Join(gateErr, checkErr); err != nil {
		return nil, err
	}
	return &synthetic.Handler{Gate: gate, Check: check}, nil
}
