package handler

import (
	"errors"
	"strings"

	"github.com/aimcards/customer-access-token/internal/aim"
	"github.com/aimcards/customer-access-token/internal/apigw"
)

// errInternal stands for a bug (a recovered panic).
var errInternal = errors.New("handler: internal error")

// errSessionExpired is AIM refusing the customer's token after a refresh.
type errSessionExpired struct{ err error }

func (e errSessionExpired) Error() string { return "customer token refused: " + e.err.Error() }
func (e errSessionExpired) Unwrap() error { return e.err }

// errForbidden is AIM answering 403 for the customer after a refresh: the
// request is not allowed, which is not an expired session.
type errForbidden struct{ err *aim.Error }

func (e errForbidden) Error() string { return "customer request forbidden: " + e.err.Error() }
func (e errForbidden) Unwrap() error { return e.err }

// errRefreshTimeout is the deadline running out during the forced refresh.
type errRefreshTimeout struct{ err error }

func (e errRefreshTimeout) Error() string { return "credential refresh timed out: " + e.err.Error() }
func (e errRefreshTimeout) Unwrap() error { return e.err }

// errRefreshUnavailable is the forced refresh failing to get the ApiKey.
type errRefreshUnavailable struct{ err error }

func (e errRefreshUnavailable) Error() string { return "credential refresh failed: " + e.err.Error() }
func (e errRefreshUnavailable) Unwrap() error { return e.err }

// errUnsafeURL is an AccountManagementUrl that failed the redirect checks.
type errUnsafeURL struct{ reason string }

func (e errUnsafeURL) Error() string { return "unsafe AccountManagementUrl: " + e.reason }

// problemFor is the one place that turns an error into the answer's code
// and a detail safe to show a customer. Everything else goes to the log.
func problemFor(err error) apigw.Problem {
	var (
		reqErr    *apigw.RequestError
		aimErr    *aim.Error
		expired   errSessionExpired
		forbidden errForbidden
		slow      errRefreshTimeout
		noKey     errRefreshUnavailable
		unsafe    errUnsafeURL
	)
	switch {
	case errors.As(err, &reqErr):
		return reqErr.Problem()
	case errors.Is(err, apigw.ErrUnknownFormat):
		return apigw.Problem{Code: apigw.CodeInvalidRequest, Detail: "The request could not be read."}
	case errors.As(err, &expired):
		return apigw.Problem{Code: apigw.CodeSessionExpired}
	case errors.As(err, &forbidden):
		return apigw.Problem{Code: apigw.CodeAIMRejected, AIMErrorCode: clean(forbidden.err.Code, 100)}
	case errors.As(err, &slow):
		return apigw.Problem{Code: apigw.CodeUpstreamTimeout}
	case errors.As(err, &noKey):
		return apigw.Problem{Code: apigw.CodeUnavailable}
	case errors.As(err, &unsafe):
		return apigw.Problem{Code: apigw.CodeUpstreamError}
	case errors.As(err, &aimErr):
		return aimProblem(aimErr)
	case errors.Is(err, errKeyUnavailable):
		return apigw.Problem{Code: apigw.CodeUnavailable}
	}
	return apigw.Problem{Code: apigw.CodeInternal}
}

func aimProblem(e *aim.Error) apigw.Problem {
	p := apigw.Problem{Code: apigw.CodeUpstreamError, AIMErrorCode: clean(e.Code, 100)}
	switch {
	case e.Kind == aim.KindThrottled:
		p.Code, p.RetryAfter = apigw.CodeUnavailable, clean(e.RetryAfter, 40)
	case e.Kind == aim.KindTimeout:
		p.Code = apigw.CodeUpstreamTimeout
	case e.Op != aim.OpCustomerAccessToken:
		// Discovery refusing our own ApiKey or AppId is the store's
		// problem, not the customer's: it stays upstream_error.
	case e.Kind == aim.KindRejected:
		p.Code = apigw.CodeAIMRejected
		if e.HTTPStatus >= 200 && e.HTTPStatus < 300 {
			p.Detail = clean(e.DisplayText, 500)
		}
	}
	return p
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
