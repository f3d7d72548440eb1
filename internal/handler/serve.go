package handler

import (
	"cmp"
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
	case h.opts.Limit != nil:
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
	// What counts: README's "Per-client limits".
	switch c := problemFor(err).Code; {
	case h.opts.Limit == nil:
	case err == nil:
		h.opts.Limit.Served(req.Client)
	case c == apigw.CodeSessionExpired || c == apigw.CodeAIMRejected && !req.CrossSite:
		h.opts.Limit.Refused(ctx, req.Client)
	}
	if err != nil {
		return h.fail(rec, err)
	}
	return apigw.Access(tok.Token, tok.AccountManagementURL)
}

// accessToken calls CustomerAccessToken. When AIM refuses (401/403) it
// refreshes the credentials once, within the forced-refresh rate limit, and
// retries once if they changed. A refusal that survives is refused's; a
// refresh that itself fails is answered as that failure.
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
	fresh, refreshed, rerr := h.creds.refresh(ctx, &rec.creds)
	// A refresh that spent the deadline leaves no time to retry, even when
	// the key source fell back on its older key without an error.
	if rerr != nil || ctx.Err() != nil {
		return tok, refreshFailed(ctx, cmp.Or(rerr, ctx.Err()))
	}
	if refreshed && fresh != creds {
		tok, err = h.callAIM(ctx, fresh, req, rec)
		if !isUnauthorized(err) {
			return tok, err
		}
	}
	return tok, h.refused(err)
}

// refused is AIM's refusal after the one refresh: the store's while AIM's
// last word on its credentials was a refusal, else the customer's (403 not
// allowed, anything else an expired session).
func (h *Handler) refused(err error) error {
	var e *aim.Error
	switch {
	case h.creds.refused.Load():
		return &answerError{apigw.Problem{Code: apigw.CodeCredentialsRefused}, "store credentials refused by AIM", err}
	case errors.As(err, &e) && e.HTTPStatus == http.StatusForbidden:
		return &answerError{apigw.Problem{Code: apigw.CodeAIMRejected, AIMErrorCode: e.Code}, "customer request forbidden", e}
	}
	return &answerError{apigw.Problem{Code: apigw.CodeSessionExpired}, "customer token refused", err}
}

// refreshFailed is the answer's error when the forced refresh failed: an
// AIM failure (discovery) as it is, a spent deadline as a timeout, and
// anything else (Secrets Manager) as the ApiKey being unavailable.
func refreshFailed(ctx context.Context, err error) error {
	switch {
	case errors.As(err, new(*aim.Error)):
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
	if err == nil {
		h.creds.refused.Store(false)
	}
	return tok, shortCode(err)
}

func isUnauthorized(err error) bool {
	var e *aim.Error
	return errors.As(err, &e) && e.Kind == aim.KindUnauthorized
}
