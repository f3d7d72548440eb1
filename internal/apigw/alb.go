package apigw

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
)

// errALB refuses an Application Load Balancer event: the function is only
// deployed behind API Gateway, and an ALB event read as a REST API one
// would be read with the wrong rules (ALB leaves the query undecoded).
var errALB = &RequestError{Param: "event source", Detail: "Application Load Balancer events are not supported; call this function through API Gateway."}

// isALB reports whether requestContext.elb is present, which marks an
// Application Load Balancer event.
func isALB(elb json.RawMessage) bool {
	s := strings.TrimSpace(string(elb))
	return s != "" && s != "null"
}

// albFormat is the format an ALB event is answered in: in multi-value
// mode (the target group's lambda.multi_value_headers.enabled) ALB sends
// multiValueHeaders and reads only multiValueHeaders back.
func albFormat(p payload) Format {
	if p.MultiValueHeaders != nil || p.MultiValueQuery != nil {
		return FormatALBMultiValue
	}
	return FormatALB
}

// albResponse is the response object an ALB reads from a Lambda target:
// statusDescription is required, and only one of the header maps is sent.
type albResponse struct {
	StatusCode        int                 `json:"statusCode"`
	StatusDescription string              `json:"statusDescription"`
	Headers           map[string]string   `json:"headers,omitempty"`
	MultiValueHeaders map[string][]string `json:"multiValueHeaders,omitempty"`
	Body              string              `json:"body"`
	IsBase64Encoded   bool                `json:"isBase64Encoded"`
}

// encodeALB puts the answer in the shape ALB accepts, with the header map
// of the target group's mode.
func encodeALB(a answer, multi bool) albResponse {
	out := albResponse{StatusCode: a.status, Body: a.body,
		StatusDescription: fmt.Sprintf("%d %s", a.status, http.StatusText(a.status))}
	if multi {
		out.MultiValueHeaders = map[string][]string(a.header.Clone())
		return out
	}
	out.Headers = make(map[string]string, len(a.header))
	for k, v := range a.header {
		out.Headers[k] = strings.Join(v, ", ")
	}
	return out
}
