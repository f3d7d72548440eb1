package rie

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// invokePath is the emulator's Lambda Invoke API route for its one function.
const invokePath = "/2015-03-31/functions/function/invocations"

// maxResponse is Lambda's synchronous response payload limit.
const maxResponse = 6 << 20

// timeoutPrefix starts the plain-text body the emulator answers, with status
// 200, when the function runs past its timeout.
const timeoutPrefix = "Task timed out after"

// ErrFunction reports that the function returned an error or panicked; the
// emulator then answers 200 with Lambda's error object
// ({"errorMessage": …, "errorType": …}) as the body.
var ErrFunction = errors.New("function returned an error")

// ErrTimeout reports that the function ran past its timeout.
var ErrTimeout = errors.New("function timed out")

// newHTTPClient returns the client for the invoke API. It has no timeout of
// its own: the function's timeout and the caller's ctx bound an invoke.
func newHTTPClient() *http.Client {
	return &http.Client{Transport: &http.Transport{Proxy: nil}}
}

// Invoke posts event to the function, the way API Gateway's Lambda
// integration does, and returns the emulator's answer: the function's JSON
// result, or Lambda's error object when the function failed. err is non-nil
// when the emulator could not be reached or answered with an error status,
// and wraps ErrFunction or ErrTimeout when the function failed or timed out;
// body and status are returned whenever the emulator answered.
func (e *Emulator) Invoke(ctx context.Context, event []byte) (body []byte, status int, err error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, e.URL+invokePath, bytes.NewReader(event))
	if err != nil {
		return nil, 0, fmt.Errorf("rie: invoke: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := e.client.Do(req)
	if err != nil {
		return nil, 0, fmt.Errorf("rie: invoke: %w", err)
	}
	defer resp.Body.Close()
	body, err = io.ReadAll(io.LimitReader(resp.Body, maxResponse+1))
	if err != nil {
		return nil, resp.StatusCode, fmt.Errorf("rie: invoke: read answer: %w", err)
	}
	return body, resp.StatusCode, checkAnswer(body, resp.StatusCode)
}

// checkAnswer turns the emulator's ways of reporting a failed invoke into an
// error. It never quotes the body: a function's error text may carry data
// that does not belong in a log.
func checkAnswer(body []byte, status int) error {
	switch {
	case len(body) > maxResponse:
		return fmt.Errorf("rie: invoke: answer larger than %d bytes", maxResponse)
	case status/100 != 2:
		return fmt.Errorf("rie: invoke: emulator answered %d %s", status, http.StatusText(status))
	case strings.HasPrefix(string(body), timeoutPrefix):
		return fmt.Errorf("rie: invoke: %w", ErrTimeout)
	}
	if typ, ok := errorObject(body); ok {
		return fmt.Errorf("rie: invoke: %w (errorType %s)", ErrFunction, typ)
	}
	return nil
}

// errorObject reports whether body is Lambda's function error object, and
// its errorType. Only that object has both errorMessage and errorType.
func errorObject(body []byte) (errorType string, ok bool) {
	var obj map[string]json.RawMessage
	if json.Unmarshal(body, &obj) != nil {
		return "", false
	}
	_, hasMessage := obj["errorMessage"]
	rawType, hasType := obj["errorType"]
	if !hasMessage || !hasType {
		return "", false
	}
	_ = json.Unmarshal(rawType, &errorType)
	return errorType, true
}
