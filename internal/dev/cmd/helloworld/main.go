// Command helloworld is the baseline of the benchmark: the smallest aws-lambda-go
// function that decodes an HTTP API event and answers a fixed 302, built with the same
// flags as the real function. Whatever the real function costs above it is ours.
package main

import (
	"context"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"
)

// Location is where every answer points.
const Location = "https://example.com/AccountManagement"

func handle(_ context.Context, _ events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
	return events.APIGatewayV2HTTPResponse{
		StatusCode: 302,
		Headers:    map[string]string{"Location": Location, "Cache-Control": "no-store"},
	}, nil
}

func main() {
	lambda.Start(handle)
}
