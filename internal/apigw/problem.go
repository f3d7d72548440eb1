package apigw

import (
	"cmp"
	"fmt"
)

// Code is the machine-readable error code of a problem answer. The set is
// closed: every failure the function answers maps to exactly one of these.
type Code string

// The error codes; problemKinds gives each one its HTTP status.
const (
	CodeInvalidRequest     Code = "invalid_request"
	CodeMissingToken       Code = "missing_token"
	CodeSessionExpired     Code = "session_expired"
	CodeAIMRejected        Code = "aim_rejected"
	CodeTooManyRequests    Code = "too_many_requests"
	CodeUnavailable        Code = "unavailable"
	CodeUpstreamError      Code = "upstream_error"
	CodeCredentialsRefused Code = "credentials_refused"
	CodeUpstreamTimeout    Code = "upstream_timeout"
	CodeOriginNotAllowed   Code = "origin_not_allowed"
	CodeMethodNotAllowed   Code = "method_not_allowed"
	CodeInternal           Code = "internal_error"
)

// bearerChallenge is the 401 answers' WWW-Authenticate challenge, with the
// realm (protection space) the function names.
const bearerChallenge = `Bearer realm="customer-access-token"`

// problemKinds is the one table from code to status, title, the detail
// shown when nothing more specific is known, and the WWW-Authenticate
// challenge RFC 9110 requires on a 401: RFC 6750's Bearer scheme, as the
// function reads Authorization: Bearer, with error="invalid_token" when the
// token was sent and refused.
var problemKinds = map[Code]struct {
	status                   int
	title, detail, challenge string
}{
	CodeInvalidRequest:     {400, "Invalid request", "The request is not valid.", ""},
	CodeMissingToken:       {401, "Sign-in required", "Please sign in to manage your cards.", bearerChallenge},
	CodeSessionExpired:     {401, "Session expired", "Your session has expired. Please sign in again.", bearerChallenge + `, error="invalid_token"`},
	CodeAIMRejected:        {422, "Request refused", "The store could not open card management for this request.", ""},
	CodeTooManyRequests:    {429, "Too many attempts", "Too many attempts from this network. Please try again in a few minutes.", ""},
	CodeUnavailable:        {503, "Temporarily unavailable", "Card management is temporarily unavailable. Please try again shortly.", ""},
	CodeUpstreamError:      {502, "Store system error", "The store's system did not answer as expected. Please try again later.", ""},
	CodeCredentialsRefused: {502, "Store system error", "The store's system refused this site's access. Please try again later.", ""},
	CodeUpstreamTimeout:    {504, "Store system timeout", "The store's system took too long to answer. Please try again.", ""},
	CodeOriginNotAllowed:   {403, "Origin not allowed", "This site is not allowed to call card management.", ""},
	CodeMethodNotAllowed:   {405, "Method not allowed", "Only GET is supported here.", ""},
	CodeInternal:           {500, "Internal error", "Internal error.", ""},
}

// Problem is an RFC 9457 problem answer with the function's code.
type Problem struct {
	Code         Code
	Detail       string // safe to show a customer; the code's default when empty
	AIMErrorCode string // AIM's ErrorCode, when AIM gave one
	RetryAfter   string // passed on as Retry-After
}

// problemBody is the problem+json document.
type problemBody struct {
	Type         string `json:"type"`
	Title        string `json:"title"`
	Status       int    `json:"status"`
	Detail       string `json:"detail"`
	Code         Code   `json:"code"`
	AIMErrorCode string `json:"aimErrorCode,omitempty"`
}

func (p Problem) body() problemBody {
	k, ok := problemKinds[p.Code]
	if !ok {
		p.Code, k = CodeInternal, problemKinds[CodeInternal]
	}
	return problemBody{
		Type:         fmt.Sprintf("urn:aim-cards:problem:%s", p.Code),
		Title:        k.title,
		Status:       k.status,
		Detail:       cmp.Or(p.Detail, k.detail),
		Code:         p.Code,
		AIMErrorCode: p.AIMErrorCode,
	}
}

// RequestError is a request the caller got wrong. Detail is safe to show.
type RequestError struct {
	Code   Code   // CodeInvalidRequest when empty
	Param  string // the parameter or header at fault
	Detail string
}

func (e *RequestError) Error() string {
	return fmt.Sprintf("apigw: bad %s: %s", e.Param, e.Detail)
}

// Problem turns the error into the answer's problem.
func (e *RequestError) Problem() Problem {
	return Problem{Code: cmp.Or(e.Code, CodeInvalidRequest), Detail: e.Detail}
}
