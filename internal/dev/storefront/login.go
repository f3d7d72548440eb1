package storefront

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/url"

	"github.com/aimcards/customer-access-token/internal/aim"
)

// securityAnswer is the part of the Security API's answer the store uses.
type securityAnswer struct {
	Token       string
	UserDetails struct{ Firstname, LastName string }
	Status      aim.Status
}

// signIn logs the customer in with AIM's Security API
// (https://active-ewebservice.biz/aeservices30/api/json/metadata?op=Security)
// and returns the customer's AIM login token and first name.
func (c *aimClient) signIn(ctx context.Context, username, password string) (securityAnswer, error) {
	ep, err := c.endpoint(ctx)
	if err != nil {
		return securityAnswer{}, err
	}
	q := url.Values{"Username": {username}, "Password": {password}, "AppId": {c.appID}}
	h := http.Header{"ApiKey": {c.apiKey}, "OAuthToken": {ep.OAuthToken}}
	var a securityAnswer
	if err := c.call(ctx, "Security", http.MethodPost, ep.NewEndpointDomain+"/api/Security", q, h, &a); err != nil {
		return securityAnswer{}, err
	}
	if a.Status.Failed() {
		return securityAnswer{}, &rejectedError{a.Status}
	}
	if a.Token == "" {
		return securityAnswer{}, errors.New("storefront: Security: no Token in the answer")
	}
	return a, nil
}

// login serves POST /login (form fields username and password): it signs in
// with AIM and keeps the AIM token in the HttpOnly cookie the function reads.
func (s *Storefront) login(w http.ResponseWriter, r *http.Request) {
	username, password := r.PostFormValue("username"), r.PostFormValue("password")
	if username == "" || password == "" {
		writeProblem(w, errBadForm)
		return
	}
	a, err := s.aim.signIn(r.Context(), username, password)
	var rej *rejectedError
	switch {
	case errors.As(err, &rej):
		writeProblem(w, invalidLogin(rej.status.ErrorDisplayText))
		return
	case err != nil:
		slog.Error("storefront: sign in", "err", err)
		writeProblem(w, errUpstream)
		return
	}
	http.SetCookie(w, s.tokenCookie(r, a.Token, 0))
	writeJSON(w, map[string]string{"firstName": a.UserDetails.Firstname})
}

// logout serves POST /logout: it removes the token cookie.
func (s *Storefront) logout(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, s.tokenCookie(r, "", -1))
	w.WriteHeader(http.StatusNoContent)
}

// tokenCookie is the cookie that carries the AIM login token: HttpOnly, so
// no script can read it, and SameSite=Lax, so it goes with the top-level
// navigation to the function and with fetches from this site. maxAge -1
// deletes it.
func (s *Storefront) tokenCookie(r *http.Request, token string, maxAge int) *http.Cookie {
	return &http.Cookie{
		Name:     s.cfg.TokenCookie,
		Value:    token,
		Path:     "/",
		MaxAge:   maxAge,
		HttpOnly: true,
		Secure:   r.TLS != nil,
		SameSite: http.SameSiteLaxMode,
	}
}
