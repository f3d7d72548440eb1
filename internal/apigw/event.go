// Package apigw maps API Gateway proxy events (REST API payload 1.0 and HTTP API
// payload 2.0, also used by Lambda function URLs) onto the function's request,
// and the function's answers back onto the matching response. It does no I/O.
package apigw

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/aws/aws-lambda-go/events"
)

// Format is the API Gateway payload format of an event.
type Format int

// The payload formats. FormatUnknown answers in the 1.0 shape, which both
// REST and HTTP APIs accept.
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

// Event is an API Gateway request, normalised across both payload formats.
type Event struct {
	Format     Format
	Method     string              // upper-case
	Headers    map[string][]string // keys lower-case
	Query      url.Values          // keys as sent; look them up with Param
	Cookies    []string            // "name=value" pairs
	Authorizer bool                // API Gateway ran an authorizer for the request
	RequestID  string              // API Gateway's request id
}

// ErrUnknownFormat reports a payload that is neither API Gateway format.
var ErrUnknownFormat = errors.New("apigw: event is neither an API Gateway 1.0 nor 2.0 proxy payload")

// probe holds just enough of an event to tell its format.
type probe struct {
	Version    string `json:"version"`
	HTTPMethod string `json:"httpMethod"`
}

// Decode parses an API Gateway proxy event of either payload format.
func Decode(payload []byte) (Event, error) {
	var p probe
	if err := json.Unmarshal(payload, &p); err != nil {
		return Event{}, fmt.Errorf("%w: %w", ErrUnknownFormat, err)
	}
	switch {
	case p.Version == "2.0":
		var in events.APIGatewayV2HTTPRequest
		if err := json.Unmarshal(payload, &in); err != nil {
			return Event{}, fmt.Errorf("%w: decode as 2.0: %w", ErrUnknownFormat, err)
		}
		return fromV2(in)
	case p.HTTPMethod != "" && (p.Version == "" || p.Version == "1.0"):
		var in events.APIGatewayProxyRequest
		if err := json.Unmarshal(payload, &in); err != nil {
			return Event{}, fmt.Errorf("%w: decode as 1.0: %w", ErrUnknownFormat, err)
		}
		return fromV1(in), nil
	}
	return Event{}, ErrUnknownFormat
}

// fromV1 normalises a REST API event. The multi-value maps carry every
// repeated header and parameter; the single-value maps only the last one.
func fromV1(in events.APIGatewayProxyRequest) Event {
	ev := Event{
		Format:     FormatREST,
		Method:     strings.ToUpper(in.HTTPMethod),
		Headers:    lowerKeys(in.MultiValueHeaders, in.Headers),
		Query:      url.Values(in.MultiValueQueryStringParameters),
		Authorizer: len(in.RequestContext.Authorizer) > 0,
		RequestID:  in.RequestContext.RequestID,
	}
	if len(ev.Query) == 0 {
		ev.Query = single(in.QueryStringParameters)
	}
	for _, h := range ev.Headers["cookie"] {
		ev.Cookies = append(ev.Cookies, strings.Split(h, ";")...)
	}
	return ev
}

// fromV2 normalises an HTTP API event. Its queryStringParameters comma-join
// repeated parameters, so the raw query string is the one read.
func fromV2(in events.APIGatewayV2HTTPRequest) (Event, error) {
	query, err := url.ParseQuery(in.RawQueryString)
	if err != nil && in.RawQueryString != "" {
		return Event{}, &RequestError{Param: "query string", Detail: "The query string could not be read."}
	}
	if in.RawQueryString == "" {
		query = single(in.QueryStringParameters)
	}
	ev := Event{
		Format:     FormatHTTP,
		Method:     strings.ToUpper(in.RequestContext.HTTP.Method),
		Headers:    lowerKeys(nil, in.Headers),
		Query:      query,
		Cookies:    in.Cookies,
		Authorizer: in.RequestContext.Authorizer != nil,
		RequestID:  in.RequestContext.RequestID,
	}
	if len(ev.Cookies) == 0 {
		for _, h := range ev.Headers["cookie"] {
			ev.Cookies = append(ev.Cookies, strings.Split(h, ";")...)
		}
	}
	return ev, nil
}

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

func single(m map[string]string) url.Values {
	out := make(url.Values, len(m))
	for k, v := range m {
		out[k] = []string{v}
	}
	return out
}

// Header returns the first value of the named header, and how many values came.
func (ev Event) Header(name string) (string, int) {
	v := ev.Headers[strings.ToLower(name)]
	if len(v) == 0 {
		return "", 0
	}
	return v[0], len(v)
}

// Param returns the values of a query parameter, its name matched
// case-insensitively as ServiceStack does.
func (ev Event) Param(name string) []string {
	var out []string
	for k, v := range ev.Query {
		if strings.EqualFold(k, name) {
			out = append(out, v...)
		}
	}
	return out
}

// Cookie returns the value of the named cookie, if sent.
func (ev Event) Cookie(name string) (string, bool) {
	for _, c := range ev.Cookies {
		k, v, ok := strings.Cut(strings.TrimSpace(c), "=")
		if ok && k == name {
			return v, true
		}
	}
	return "", false
}
