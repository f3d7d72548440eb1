package devserver

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"slices"
	"strconv"

	"github.com/aws/aws-lambda-go/events"
)

// writeResponse writes the function's response as API Gateway does: the
// status, every header (ResponseHeader), each cookie as a Set-Cookie header,
// and body, the response's body as ResponseBody decoded it.
func writeResponse(w http.ResponseWriter, r events.APIGatewayV2HTTPResponse, body []byte) {
	h := w.Header()
	for name, values := range ResponseHeader(r) {
		for _, v := range values {
			h.Add(name, v)
		}
	}
	for _, c := range r.Cookies {
		h.Add("Set-Cookie", c)
	}
	if r.StatusCode != http.StatusNoContent && r.StatusCode != http.StatusNotModified {
		h.Set("Content-Length", strconv.Itoa(len(body)))
	}
	w.WriteHeader(r.StatusCode)
	_, _ = w.Write(body)
}

// ResponseHeader merges a function response's headers the way API Gateway
// does: every multiValueHeaders value, plus a headers value unless the same
// pair is already there. The response of either payload format fits r.
func ResponseHeader(r events.APIGatewayV2HTTPResponse) http.Header {
	h := http.Header{}
	for k, vs := range r.MultiValueHeaders {
		for _, v := range vs {
			h.Add(k, v)
		}
	}
	for k, v := range r.Headers {
		if !slices.Contains(h.Values(k), v) {
			h.Add(k, v)
		}
	}
	return h
}

// ResponseBody returns a function response's body, decoded from base64 when
// r.IsBase64Encoded.
func ResponseBody(r events.APIGatewayV2HTTPResponse) ([]byte, error) {
	if !r.IsBase64Encoded {
		return []byte(r.Body), nil
	}
	b, err := base64.StdEncoding.DecodeString(r.Body)
	if err != nil {
		return nil, fmt.Errorf("devserver: decode base64 body: %w", err)
	}
	return b, nil
}
