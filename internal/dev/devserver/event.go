package devserver

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/aws/aws-lambda-go/events"
)

// Fixed parts of every event; API Gateway's own values for a local API.
const (
	accountID = "123456789012"
	apiID     = "local"
	stage     = "$default"
	timeForm  = "02/Jan/2006:15:04:05 -0700"
)

// buildEvent turns r into the HTTP API 2.0 event API Gateway would send:
// lower-cased headers with repeated values comma-joined, the Cookie header
// moved to cookies, the raw and the parsed query, the caller's address and
// the request id. A body that is not UTF-8 text is base64-encoded.
func buildEvent(r *http.Request, requestID string, now time.Time) ([]byte, error) {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	if err != nil {
		return nil, fmt.Errorf("devserver: read body: %w", err)
	}
	if len(body) > maxBody {
		return nil, fmt.Errorf("devserver: read body: larger than %d bytes", maxBody)
	}
	routeKey := r.Method + " " + Path
	e := events.APIGatewayV2HTTPRequest{
		Version:               "2.0",
		RouteKey:              routeKey,
		RawPath:               r.URL.Path,
		RawQueryString:        r.URL.RawQuery,
		Cookies:               cookies(r.Header),
		Headers:               headers(r),
		QueryStringParameters: query(r.URL.RawQuery),
		RequestContext: events.APIGatewayV2HTTPRequestContext{
			RouteKey:     routeKey,
			AccountID:    accountID,
			Stage:        stage,
			RequestID:    requestID,
			APIID:        apiID,
			DomainName:   r.Host,
			DomainPrefix: strings.SplitN(r.Host, ".", 2)[0],
			Time:         now.UTC().Format(timeForm),
			TimeEpoch:    now.UnixMilli(),
			HTTP: events.APIGatewayV2HTTPRequestContextHTTPDescription{
				Method:    r.Method,
				Path:      r.URL.Path,
				Protocol:  r.Proto,
				SourceIP:  sourceIP(r.RemoteAddr),
				UserAgent: r.UserAgent(),
			},
		},
	}
	e.Body, e.IsBase64Encoded = encodeBody(body)
	return json.Marshal(e)
}

// headers lower-cases the names and comma-joins repeated values, leaving out
// Cookie (it travels in cookies) and adding the X-Forwarded headers API
// Gateway adds.
func headers(r *http.Request) map[string]string {
	h := map[string]string{"host": r.Host}
	for name, values := range r.Header {
		if name == "Cookie" {
			continue
		}
		h[strings.ToLower(name)] = strings.Join(values, ",")
	}
	// Like API Gateway, append the caller to what it wrote.
	h["x-forwarded-for"] = strings.TrimPrefix(h["x-forwarded-for"]+", "+sourceIP(r.RemoteAddr), ", ")
	if _, port, err := net.SplitHostPort(r.Host); err == nil {
		h["x-forwarded-port"] = port
	}
	h["x-forwarded-proto"] = "http"
	if r.TLS != nil {
		h["x-forwarded-proto"] = "https"
	}
	return h
}

// cookies splits every Cookie header into its name=value pairs.
func cookies(h http.Header) []string {
	var out []string
	for _, line := range h.Values("Cookie") {
		for c := range strings.SplitSeq(line, ";") {
			if c = strings.TrimSpace(c); c != "" {
				out = append(out, c)
			}
		}
	}
	return out
}

// query parses the raw query as API Gateway does: repeated names become one
// comma-joined value. A malformed pair is skipped, not fatal.
func query(raw string) map[string]string {
	if raw == "" {
		return nil
	}
	values, _ := url.ParseQuery(raw)
	out := make(map[string]string, len(values))
	for k, vs := range values {
		out[k] = strings.Join(vs, ",")
	}
	return out
}

// sourceIP is the caller's address without the port.
func sourceIP(remoteAddr string) string {
	host, _, err := net.SplitHostPort(remoteAddr)
	if err != nil {
		return remoteAddr
	}
	return host
}

// encodeBody returns body as the event carries it.
func encodeBody(body []byte) (string, bool) {
	if utf8.Valid(body) {
		return string(body), false
	}
	return base64.StdEncoding.EncodeToString(body), true
}

// newRequestID returns a random id in the UUID form API Gateway uses.
func newRequestID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}
