// Package apigw maps API Gateway proxy events (REST API payload 1.0 and HTTP API
// payload 2.0, also used by Lambda function URLs) onto the function's request,
// and the function's answers back onto the matching response: Mapper.Parse
// reads an event once into a Request, and Mapper.Answer builds the Response
// to it once from a Result. It does no I/O.
package apigw

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
)

// Format is the API Gateway payload format of an event.
type Format int

// The payload formats. FormatUnknown answers in the 1.0 shape, which both
// REST and HTTP APIs (and Application Load Balancers) accept.
const (
	FormatUnknown Format = iota
	FormatREST           // payload 1.0: REST API proxy integration
	FormatHTTP           // payload 2.0: HTTP API and Lambda function URL
)

// String names the format for logs.
func (f Format) String() string {
	switch f {
	case FormatREST:
		return "1.0"
	case FormatHTTP:
		return "2.0"
	}
	return "unknown"
}

// event is an API Gateway request, normalised across both payload formats.
type event struct {
	Format     Format
	Method     string              // upper-case
	Headers    map[string][]string // keys lower-case
	Query      query               // look parameters up with param
	Cookies    []string            // HTTP API cookies; none: the Cookie headers are read
	Authorizer bool                // API Gateway ran an authorizer for the request
	RequestID  string              // API Gateway's request id
	SourceIP   string              // the caller's address as API Gateway saw it
}

// ErrUnknownFormat reports a payload that is neither API Gateway format.
var ErrUnknownFormat = errors.New("apigw: event is neither an API Gateway 1.0 nor 2.0 proxy payload")

// errALB refuses an Application Load Balancer event: the function is only
// deployed behind API Gateway, and an ALB event read as a REST API one
// would be read with the wrong rules (ALB leaves the query undecoded).
var errALB = &RequestError{Param: "event source", Detail: "Application Load Balancer events are not supported; call this function through API Gateway."}

// payload holds the fields of both formats that the function reads, so one
// encoding/json pass serves either and tells them apart: 2.0 has version
// "2.0", rawQueryString and cookies; 1.0 has httpMethod and the
// multi-value maps; an ALB event has requestContext.elb. (aws-lambda-go's
// request types each hold one format, and many fields never read.)
type payload struct {
	Version           string              `json:"version"`
	HTTPMethod        string              `json:"httpMethod"`
	RawQueryString    string              `json:"rawQueryString"`
	Cookies           []string            `json:"cookies"`
	Headers           map[string]string   `json:"headers"`
	MultiValueHeaders map[string][]string `json:"multiValueHeaders"`
	MultiValueQuery   map[string][]string `json:"multiValueQueryStringParameters"`
	RequestContext    struct {
		RequestID  string          `json:"requestId"`
		Authorizer json.RawMessage `json:"authorizer"`
		ELB        json.RawMessage `json:"elb"`
		HTTP       struct {
			Method   string `json:"method"`
			SourceIP string `json:"sourceIp"`
		} `json:"http"`
		Identity struct {
			SourceIP string `json:"sourceIp"`
		} `json:"identity"`
	} `json:"requestContext"`
}

// decode parses an API Gateway proxy event of either payload format. An
// Application Load Balancer event is errALB; anything else that is neither
// format is ErrUnknownFormat.
func decode(b []byte) (event, error) {
	var p payload
	if err := json.Unmarshal(b, &p); err != nil {
		return event{}, fmt.Errorf("%w: %w", ErrUnknownFormat, err)
	}
	switch {
	case present(p.RequestContext.ELB):
		return event{}, errALB
	case p.Version == "2.0":
		return fromV2(p), nil
	case p.HTTPMethod != "" && (p.Version == "" || p.Version == "1.0"):
		return fromV1(p), nil
	}
	return event{}, ErrUnknownFormat
}

// fromV1 normalises a REST API event. The multi-value maps carry every
// repeated header and parameter; the single-value maps only the last one.
func fromV1(p payload) event {
	return event{
		Format:     FormatREST,
		Method:     strings.ToUpper(p.HTTPMethod),
		Headers:    lowerKeys(p.MultiValueHeaders, p.Headers),
		Query:      query{values: url.Values(p.MultiValueQuery)},
		Authorizer: hasAuthorizer(p.RequestContext.Authorizer),
		RequestID:  p.RequestContext.RequestID,
		SourceIP:   p.RequestContext.Identity.SourceIP,
	}
}

// fromV2 normalises an HTTP API event. Its queryStringParameters comma-join
// repeated parameters, so the raw query string is the one read, parameter
// by parameter.
func fromV2(p payload) event {
	return event{
		Format:     FormatHTTP,
		Method:     strings.ToUpper(p.RequestContext.HTTP.Method),
		Headers:    lowerKeys(nil, p.Headers),
		Query:      parseQuery(p.RawQueryString),
		Cookies:    p.Cookies,
		Authorizer: hasAuthorizer(p.RequestContext.Authorizer),
		RequestID:  p.RequestContext.RequestID,
		SourceIP:   p.RequestContext.HTTP.SourceIP,
	}
}

// present reports whether a field was sent with a value other than null.
func present(raw json.RawMessage) bool {
	s := strings.TrimSpace(string(raw))
	return s != "" && s != "null"
}

// hasAuthorizer reports whether requestContext.authorizer holds anything.
func hasAuthorizer(raw json.RawMessage) bool {
	return present(raw) && strings.TrimSpace(string(raw)) != "{}"
}

// lowerKeys keys the headers lower-case, every value of every spelling of a
// name under that name: the multi-value map when the event sent one, else
// the single-value one.
func lowerKeys(multi map[string][]string, one map[string]string) map[string][]string {
	out := make(map[string][]string, len(multi)+len(one))
	for k, v := range multi {
		k = strings.ToLower(k)
		out[k] = append(out[k], v...)
	}
	if len(multi) > 0 {
		return out
	}
	for k, v := range one {
		k = strings.ToLower(k)
		out[k] = append(out[k], v)
	}
	return out
}

// Header returns the first value of the named header, and how many values
// came.
func (ev event) Header(name string) (string, int) {
	v := ev.Headers[strings.ToLower(name)]
	if len(v) == 0 {
		return "", 0
	}
	return v[0], len(v)
}
