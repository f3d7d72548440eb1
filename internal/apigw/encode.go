package apigw

import (
	"strings"

	"github.com/aws/aws-lambda-go/events"
)

// encode puts the answer in the payload format the request came in. A 1.0
// answer has only the fields REST APIs accept (an unknown one such as
// cookies turns into a 502); a 2.0 answer comma-joins repeated headers and
// carries Set-Cookie values in cookies, since HTTP APIs ignore
// multiValueHeaders.
func (f Format) encode(a answer) any {
	if f == FormatHTTP {
		out := events.APIGatewayV2HTTPResponse{StatusCode: a.status, Body: a.body, Headers: map[string]string{}}
		for k, v := range a.header {
			if k == "Set-Cookie" {
				out.Cookies = append(out.Cookies, v...)
				continue
			}
			out.Headers[k] = strings.Join(v, ", ")
		}
		return out
	}
	out := events.APIGatewayProxyResponse{StatusCode: a.status, Body: a.body, Headers: map[string]string{}}
	for k, v := range a.header {
		if len(v) == 1 {
			out.Headers[k] = v[0]
			continue
		}
		if out.MultiValueHeaders == nil {
			out.MultiValueHeaders = map[string][]string{}
		}
		out.MultiValueHeaders[k] = v
	}
	return out
}
