package localrun

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/aws/aws-lambda-go/events"

	"github.com/aimcards/customer-access-token/internal/dev/devserver"
)

// Answer is the function's answer to an API Gateway event, decoded from
// either payload format's response object.
type Answer struct {
	Status  int
	Headers http.Header // headers and multiValueHeaders, merged as API Gateway merges them
	Cookies []string    // the 2.0 cookies field (each becomes a Set-Cookie header)
	Body    string      // decoded when isBase64Encoded
	Raw     json.RawMessage
}

// Invoke sends event to the function and decodes its answer. Answer.Raw is
// set whenever the emulator answered, even when err is not nil.
func (s *Stack) Invoke(ctx context.Context, event []byte) (Answer, error) {
	body, _, err := s.Emulator.Invoke(ctx, event)
	if err != nil {
		return Answer{Raw: body}, fmt.Errorf("localrun: %w", err)
	}
	return DecodeAnswer(body)
}

// Respond sends event to the function and returns its response object as
// the function wrote it, which makes a Stack a devserver.Invoker.
func (s *Stack) Respond(ctx context.Context, event []byte) (events.APIGatewayV2HTTPResponse, error) {
	body, _, err := s.Emulator.Invoke(ctx, event)
	if err != nil {
		return events.APIGatewayV2HTTPResponse{}, fmt.Errorf("localrun: %w", err)
	}
	return decodeResponse(body)
}

// DecodeAnswer decodes a function's API Gateway response object.
func DecodeAnswer(raw []byte) (Answer, error) {
	a := Answer{Raw: json.RawMessage(raw)}
	r, err := decodeResponse(raw)
	if err != nil {
		return a, err
	}
	body, err := devserver.ResponseBody(r)
	if err != nil {
		return a, fmt.Errorf("localrun: decode answer body: %w", err)
	}
	a.Status, a.Headers, a.Cookies, a.Body = r.StatusCode, devserver.ResponseHeader(r), r.Cookies, string(body)
	return a, nil
}

// decodeResponse reads a response object of either payload format: the 2.0
// response's fields are those of 1.0 plus cookies.
func decodeResponse(raw []byte) (events.APIGatewayV2HTTPResponse, error) {
	var r events.APIGatewayV2HTTPResponse
	if err := json.Unmarshal(raw, &r); err != nil {
		return r, fmt.Errorf("localrun: decode answer: %w", err)
	}
	if r.StatusCode == 0 {
		return r, errors.New("localrun: decode answer: no statusCode")
	}
	return r, nil
}
