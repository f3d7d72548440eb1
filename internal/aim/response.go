package aim

import (
	"cmp"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
)

// errorBody is what AIM may put in a non-2xx answer: ServiceStack's
// ResponseStatus for unhandled errors, or AIM's own Status block.
type errorBody struct {
	ResponseStatus struct {
		ErrorCode flexString
		Message   flexString
	}
	Status Status
}

// checkResponse turns a non-2xx answer into an *Error, reading AIM's code and
// messages from the body when it is JSON. Other bodies just leave them empty.
// Redirects are not followed, so a 3xx lands here too: an upstream error.
func checkResponse(op string, resp *response) error {
	if resp.status >= 200 && resp.status < 300 {
		return nil
	}
	e := &Error{Op: op, Kind: KindUpstream, HTTPStatus: resp.status}
	switch {
	case resp.status == http.StatusUnauthorized, resp.status == http.StatusForbidden:
		e.Kind = KindUnauthorized
	case resp.status == http.StatusTooManyRequests:
		e.Kind, e.RetryAfter = KindThrottled, resp.header.Get("Retry-After")
	case resp.status >= 400 && resp.status < 500:
		e.Kind = KindRejected
	}
	var body errorBody
	if json.Unmarshal(resp.body, &body) == nil {
		e.Code = cmp.Or(string(body.ResponseStatus.ErrorCode), body.Status.ErrorCode)
		e.Message = cmp.Or(string(body.ResponseStatus.Message), body.Status.ErrorMessage)
		e.DisplayText = body.Status.ErrorDisplayText
	}
	return e
}

// redacted replaces a secret that AIM echoed back in its error texts.
const redacted = "[redacted]"

// scrub removes the secret header values of a call (ApiKey, OAuthToken,
// Token) from the AIM texts of err, in case AIM repeats them in a message.
func scrub(err error, h http.Header) {
	var e *Error
	if !errors.As(err, &e) {
		return
	}
	for _, name := range []string{headerAPIKey, headerOAuthToken, headerToken} {
		for _, secret := range h[name] {
			if secret == "" {
				continue
			}
			e.Code = strings.ReplaceAll(e.Code, secret, redacted)
			e.DisplayText = strings.ReplaceAll(e.DisplayText, secret, redacted)
			e.Message = strings.ReplaceAll(e.Message, secret, redacted)
		}
	}
}
