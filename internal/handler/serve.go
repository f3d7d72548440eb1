package handler

import (
	"context"
	"errors"
	"net/http"

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
	rec.secrets = append(rec.secrets, req.Call.Token)
	tok, err := h.accessToken(ctx, req.Call, rec)
	if err == nil {
		rec.urlHost, err = checkAccountURL(tok.AccountManagementURL, h.opts.RedirectAllowedHosts)
	}
	if err != nil {
		return h.fail(rec, err)
	}
	return apigw.Access(tok.Token, tok.AccountManagementURL)
}

// accessToken calls CustomerAccessToken. When AIM refuses the credentials
// (401/403) it refreshes them once, within the forced-refresh rate limit,
// and retries once; a second refusal means the customer's token is no good.
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
	if rerr != nil || !refreshed {
		return tok, errSessionExpired{err}
	}
	tok, err = h.callAIM(ctx, creds, req, rec)
	if isUnauthorized(err) {
		return tok, errSessionExpired{err}
	}
	return tok, err
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
