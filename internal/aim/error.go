package aim

import (
	"cmp"
	"fmt"
	"strings"
	"unicode/utf8"
)

// Kind classifies a failure for the handler's error table; its value is
// the lower-case name the error text shows.
type Kind string

const (
	// KindUpstream is a 5xx or 3xx answer, an unreadable, oversize or non-JSON
	// body, a missing AccountManagementUrl, NewEndpointDomain or OAuthToken,
	// or a transport error.
	KindUpstream Kind = "upstream"
	// KindUnauthorized is HTTP 401 or 403: our ApiKey or OAuthToken, or the
	// customer's token, was refused.
	KindUnauthorized Kind = "unauthorized"
	// KindRejected is a 2xx answer with an error in Status, or HTTP 400, 404,
	// 409, 422 and any other 4xx not listed elsewhere.
	KindRejected Kind = "rejected"
	// KindThrottled is HTTP 429.
	KindThrottled Kind = "throttled"
	// KindTimeout means Options.Timeout or the ctx deadline passed.
	KindTimeout Kind = "timeout"
)

// Error is every failure the client returns; use errors.As to read it.
type Error struct {
	Op          string // "GetEndPoint" or "CustomerAccessToken"
	Kind        Kind
	HTTPStatus  int    // 0 when no HTTP answer
	Code        string // AIM's ErrorCode (Status.ErrorCode or ServiceStack ResponseStatus.ErrorCode)
	DisplayText string // Status.ErrorDisplayText: meant to be shown to people
	Message     string // Status.ErrorMessage / ResponseStatus.Message: for logs only
	RetryAfter  string // Retry-After header of a 429
	Err         error  // underlying cause, may be nil
}

// maxMessage bounds how much of AIM's message Error repeats, so a stack
// trace in an answer does not flood a log line.
const maxMessage = 300

// Error describes the failure for logs, e.g.
// "aim: CustomerAccessToken: upstream (HTTP 502): code X: message". It never
// contains request headers or the request URL.
func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "aim: %s: %s", e.Op, e.Kind)
	if e.HTTPStatus != 0 {
		fmt.Fprintf(&b, " (HTTP %d)", e.HTTPStatus)
	}
	if e.Code != "" {
		fmt.Fprintf(&b, ": code %s", e.Code)
	}
	if msg := cmp.Or(e.Message, e.DisplayText); msg != "" {
		b.WriteString(": " + truncate(msg, maxMessage))
	}
	if e.Err != nil {
		b.WriteString(": " + e.Err.Error())
	}
	return b.String()
}

// Unwrap returns the underlying cause.
func (e *Error) Unwrap() error { return e.Err }

// truncate cuts s to at most n bytes on a rune boundary, marking the cut.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}
