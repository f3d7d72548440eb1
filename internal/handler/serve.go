package handler

import (
	"context"
	"errors"
	"net/http"

	"github.com/aimcards/customer-access-token/internal/aim"
	"github.com/aimcards/customer-access-token/internal/apigw"
)

// serve reads as the request does: method, parse, credentials, call, answer.
func (h *Handler) serve(ctx context.Context, ev apigw.Event, rec *record) apigw.Answer {
	switch ev.Method {
	case http.MethodOptions:
		return h.preflight(ev, rec)
	case http.MethodGet:
	default:
		return h.problem(rec, ev, false, &apigw.RequestError{Code: apigw.CodeMethodNotAllowed, Param: "method"})
	}
	wantJSON, err := apigw.WantsJSON(ev)
	if err != nil {
		return h.problem(rec, ev, true, err)
	}
	call, err := apigw.ParseCall(ev, apigw.Options{TokenCookie: h.opts.TokenCookie})
	if err != nil {
		return h.problem(rec, ev, wantJSON, err)
	}
	rec.secrets = append(rec.secrets, call.Token)
	tok, err := h.accessToken(ctx, call, rec)
	if err == nil {
		err = checkAccountURL(tok.AccountManagementURL, h.opts.AllowedHosts, rec)
	}
	if err != nil {
		return h.problem(rec, ev, wantJSON, err)
	}
	if wantJSON {
		rec.outcome, rec.status = "json", http.StatusOK
		return apigw.JSON(tok.Token, tok.AccountManagementURL)
	}
	rec.outcome, rec.status = "redirect", http.StatusFound
	return apigw.Redirect(tok.AccountManagementURL)
}

func (h *Handler) preflight(ev apigw.Event, rec *record) apigw.Answer {
	if _, ok := apigw.AllowedOrigin(ev, h.opts.AllowedOrigins); !ok {
		return h.problem(rec, ev, true, &apigw.RequestError{Code: apigw.CodeOriginNotAllowed, Param: "Origin"})
	}
	rec.outcome, rec.status = "preflight", http.StatusNoContent
	return apigw.Preflight()
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
