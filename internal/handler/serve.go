package handler

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/aimcards/customer-access-token/internal/aim"
	"github.com/aimcards/customer-access-token/internal/apigw"
)

// serve turns a parsed request into the result to answer with: the
// request's own error, a preflight, or credentials and the AIM call.
func (h *Handler) serve(ctx context.Context, req apigw.Request, rec *record) apigw.Result {
	switch {
	case req.Err != nil:
		return h.fail(rec, req.Err)
	case req.Method == http.MethodOptions:
		return apigw.Preflight()
	}
	if h.opts.Limit != nil {
		if wait, blocked := h.opts.Limit.Blocked(req.Client); blocked {
			rec.cause = "client limit reached: answered without AIM"
			return apigw.Failure(apigw.Problem{Code: apigw.CodeTooManyRequests, RetryAfter: strconv.Itoa(int((wait + time.Second - 1) / time.Second))})
		}
	}
	rec.secrets = append(rec.secrets, req.Call.Token)
	tok, err := h.accessToken(ctx, req.Call, rec)
	if err == nil {
		rec.urlHost, err = checkAccountURL(tok.AccountManagementURL, h.opts.RedirectAllowedHosts)
	}
	if err != nil {
		res := h.fail(rec, err)
		if c := problemFor(err).Code; h.opts.Limit != nil && (c == apigw.CodeSessionExpired || c == apigw.CodeAIMRejected) {
			h.opts.Limit.Refused(ctx, req.Client)
		}
		return res
	}
	return apigw.Access(tok.Token, tok.AccountManagementURL)
}

// accessToken calls CustomerAccessToken. When AIM refuses (401/403) it
// refreshes the credentials once, within the forced-refresh rate limit, and
// retries once. A refusal that survives is the customer's: 401 is an
// expired session, 403 a request AIM does not allow. A refresh that itself
// fails is answered as that failure.
func (h *Handler) accessToken(ctx context.Context, call apigw.Call, rec *record) (aim.AccessToken, error) {
	credCtx, cancel := context.WithTimeout(ctx, h.opts.CredentialBudget)
	creds, err := h.creds.get(credCtx, &rec.creds)
	cancel()
	if err != nil {
		return aim.AccessToken{}, err
	}
	req := aim.AccessTokenRequest{Mode: call.Mode, ItemKey: call.ItemKey, Acct: call.Acct, Token: call.Token, DeviceID: call.DeviceID}
	tok, err := h.callAIM(ctx, creds, req, rec)
	if !isUnauthorized(err) {
		return tok, err
	}
	creds, refreshed, rerr := h.creds.refresh(ctx, &rec.creds)
	if rerr == nil && ctx.Err() != nil {
		// The refresh spent the deadline (a key source that falls back on
		// its older key reports no error): there is no time left to retry.
		rerr = ctx.Err()
	}
	if rerr != nil {
		return tok, refreshFailed(ctx, rerr)
	}
	if refreshed {
		tok, err = h.callAIM(ctx, creds, req, rec)
		if !isUnauthorized(err) {
			return tok, err
		}
	}
	return tok, refused(err)
}

// refused is AIM's refusal of the customer, after the one refresh: 403
// means not allowed, anything else (401) an expired session.
func refused(err error) error {
	var e *aim.Error
	if errors.As(err, &e) && e.HTTPStatus == http.StatusForbidden {
		return &answerError{apigw.Problem{Code: apigw.CodeAIMRejected, AIMErrorCode: clean(e.Code, 100)}, "customer request forbidden", e}
	}
	return &answerError{apigw.Problem{Code: apigw.CodeSessionExpired}, "customer token refused", err}
}

// refreshFailed is the answer's error when the forced refresh failed: an
// AIM failure (discovery) as it is, a spent deadline as a timeout, and
// anything else (Secrets Manager) as the ApiKey being unavailable.
func refreshFailed(ctx context.Context, err error) error {
	var e *aim.Error
	switch {
	case errors.As(err, &e):
		return err
	case ctx.Err() != nil, errors.Is(err, context.DeadlineExceeded):
		return &answerError{apigw.Problem{Code: apigw.CodeUpstreamTimeout}, "credential refresh timed out", err}
	}
	return &answerError{apigw.Problem{Code: apigw.CodeUnavailable}, "credential refresh failed", err}
}

func (h *Handler) callAIM(ctx context.Context, creds aim.Credentials, req aim.AccessTokenRequest, rec *record) (aim.AccessToken, error) {
	start := h.opts.Now()
	tok, err := h.opts.AIM.CustomerAccessToken(ctx, creds, req)
	rec.secrets = append(rec.secrets, creds.APIKey, creds.Endpoint.OAuthToken, tok.Token, tok.AccountManagementURL)
	rec.aimCalls++
	rec.aimTime += h.opts.Now().Sub(start)
	return tok, err
}

func isUnauthorized(err error) bool {
	var e *aim.Error
	return errors.As(err, &e) && e.Kind == aim.KindUnauthorized
}
