package handler

import (
	"errors"
	"strings"

	"github.com/aimcards/customer-access-token/internal/aim"
	"github.com/aimcards/customer-access-token/internal/apigw"
	"github.com/aimcards/customer-access-token/internal/stale"
)

// errInternal stands for a bug (a recovered panic).
var errInternal = errors.New("handler: internal error")

// answerError is a failure whose answer was decided where it happened: its
// problem is answered, its message and cause go to the log.
type answerError struct {
	problem apigw.Problem
	msg     string
	err     error
}

func (e *answerError) Error() string { return e.msg + ": " + e.err.Error() }
func (e *answerError) Unwrap() error { return e.err }

// unsafeURL is an AccountManagementUrl that failed the redirect checks.
func unsafeURL(reason string) error {
	return &answerError{apigw.Problem{Code: apigw.CodeUpstreamError}, "unsafe AccountManagementUrl", errors.New(reason)}
}

// problemFor is the one place that turns an error into the answer's code
// and a detail safe to show a customer. Everything else goes to the log.
func problemFor(err error) apigw.Problem {
	var (
		reqErr  *apigw.RequestError
		aimErr  *aim.Error
		decided *answerError
		pastMax *stale.PastMaxError
	)
	switch {
	case errors.As(err, &reqErr):
		return reqErr.Problem()
	case errors.Is(err, apigw.ErrUnknownFormat):
		return apigw.Problem{Code: apigw.CodeInvalidRequest, Detail: "The request could not be read."}
	case errors.As(err, &pastMax) && errors.Is(err, errKeyUnavailable):
		return apigw.Problem{Code: apigw.CodeUnavailable} // an ApiKey past STALE_MAX, whatever the last failure was
	case errors.As(err, &pastMax):
		return apigw.Problem{Code: apigw.CodeUpstreamError} // an endpoint past STALE_MAX
	case errors.As(err, &decided):
		return decided.problem
	case errors.As(err, &aimErr):
		return aimProblem(aimErr)
	case errors.Is(err, errKeyUnavailable):
		return apigw.Problem{Code: apigw.CodeUnavailable}
	}
	return apigw.Problem{Code: apigw.CodeInternal}
}

func aimProblem(e *aim.Error) apigw.Problem {
	p := apigw.Problem{Code: apigw.CodeUpstreamError}
	if e.Op == aim.OpCustomerAccessToken {
		// Only AIM's answer to the customer's own request is theirs to
		// see; discovery's code is about the store's ApiKey or AppId.
		p.AIMErrorCode = e.Code
	}
	switch {
	case e.Kind == aim.KindThrottled:
		p.Code, p.RetryAfter = apigw.CodeUnavailable, clean(e.RetryAfter, 40)
	case e.Kind == aim.KindTimeout:
		p.Code = apigw.CodeUpstreamTimeout
	case e.Kind == aim.KindUnauthorized: // only discovery's gets here
		p.Code = apigw.CodeCredentialsRefused
	case e.Op == aim.OpCustomerAccessToken && e.Kind == aim.KindRejected && e.HTTPStatus < 300:
		// The customer's card or mode; another 4xx stays upstream_error.
		p.Code, p.Detail = apigw.CodeAIMRejected, clean(e.DisplayText, 500)
	}
	return p
}

// shortCode cuts AIM's ErrorCode (any JSON value up to the body limit) as
// aim.Error cuts its Message, before any log line or answer has it.
func shortCode(err error) error {
	if e := (*aim.Error)(nil); errors.As(err, &e) {
		e.Code = clean(e.Code, 100)
	}
	return err
}

// clean keeps AIM's text printable and short before it is shown.
func clean(s string, max int) string {
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, strings.TrimSpace(s))
	if len(s) > max {
		s = strings.ToValidUTF8(s[:max], "")
	}
	return s
}

// fail is the result for err: its problem, with err kept as the log's cause.
func (h *Handler) fail(rec *record, err error) apigw.Result {
	rec.cause = err.Error()
	return apigw.Failure(problemFor(err))
}
