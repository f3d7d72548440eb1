//go:build synthetic_fault

package main

import (
	"context"

	"github.com/aimcards/customer-access-token/internal/synthetic"
	awslambda "github.com/aws/aws-sdk-go-v2/service/lambda"
)

// A test build only (go build -tags synthetic_fault): the gate's Lambda
// client panics, so the tests can show the gate reports Failed on its own
// panic. The template's build never sets the tag.
func init() {
	wrapInvoker = func(synthetic.Invoker) synthetic.Invoker { return panicking{} }
}

type panicking struct{}

func (panicking) Invoke(context.Context, *awslambda.InvokeInput, ...func(*awslambda.Options)) (*awslambda.InvokeOutput, error) {
	panic("synthetic_fault: the gate's Lambda client panics")
}
