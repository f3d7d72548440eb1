package localrun

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
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

// response holds the fields of both API Gateway response formats.
type response struct {
	StatusCode        int                 `json:"statusCode"`
	Headers           map[string]string   `json:"headers"`
	MultiValueHeaders map[string][]string `json:"multiValueHeaders"`
	Cookies           []string            `json:"cookies"`
	Body              string              `json:"body"`
	IsBase64Encoded   bool                `json:"isBase64Encoded"`
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

// DecodeAnswer decodes a function's API Gateway response object.
func DecodeAnswer(raw []byte) (Answer, error) {
	a := Answer{Raw: json.RawMessage(raw)}
	var r response
	if err := json.Unmarshal(raw, &r); err != nil {
		return a, fmt.Errorf("localrun: decode answer: %w", err)
	}
	if r.StatusCode == 0 {
		return a, fmt.Errorf("localrun: decode answer: no statusCode")
	}
	a.Status, a.Cookies, a.Body = r.StatusCode, r.Cookies, r.Body
	if r.IsBase64Encoded {
		b, err := base64.StdEncoding.DecodeString(r.Body)
		if err != nil {
			return a, fmt.Errorf("localrun: decode answer body: %w", err)
		}
		a.Body = string(b)
	}
	a.Headers = mergeHeaders(r.Headers, r.MultiValueHeaders)
	return a, nil
}

// mergeHeaders merges the way API Gateway does: every multiValueHeaders
// value, plus a headers value unless the same pair is already there.
func mergeHeaders(single map[string]string, multi map[string][]string) http.Header {
	h := http.Header{}
	for k, vs := range multi {
		for _, v := range vs {
			h.Add(k, v)
		}
	}
	for k, v := range single {
		if !slices.Contains(h.Values(k), v) {
			h.Add(k, v)
		}
	}
	return h
}
