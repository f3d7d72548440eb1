package aimsandbox

import (
	"crypto/rand"
	"errors"
	"net/http"
	"strings"
)

// Header names AIM reads. Go canonicalises header names, so "APIKey" and
// "apikey" arrive as the same header.
const (
	headerAPIKey     = "ApiKey"
	headerAppID      = "AppId"
	headerOAuthToken = "OAuthToken"
	headerToken      = "Token"
)

// ErrInvalidLogin is returned by Login for an unknown username or a wrong
// password.
var ErrInvalidLogin = errors.New("aimsandbox: invalid username or password")

// checkHeaders checks the named credential headers in order and returns the
// 401 for the first one that is missing or refused.
func (s *Sandbox) checkHeaders(r *http.Request, names ...string) (reply, bool) {
	for _, name := range names {
		v := r.Header.Get(name)
		if v == "" {
			return unauthorized(name + " required"), false
		}
		if msg, ok := s.accepts(name, v); !ok {
			return unauthorized(msg), false
		}
	}
	return reply{}, true
}

// accepts reports whether v is a good value of the credential name, and why
// not if it is not. Messages never repeat the value.
func (s *Sandbox) accepts(name, v string) (string, bool) {
	switch name {
	case headerAPIKey:
		return "Invalid ApiKey", v == s.currentAPIKey()
	case headerAppID:
		return "Invalid AppId", v == s.appID
	case headerOAuthToken:
		return "Invalid OAuthToken", v == s.oauthToken
	case headerToken:
		return s.session(v)
	}
	return "Unknown credential " + name, false
}

// session checks a customer login token.
func (s *Sandbox) session(tok string) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	valid, known := s.sessions[tok]
	switch {
	case !known:
		return "Invalid Token", false
	case !valid:
		return "Token expired, please log in again", false
	}
	return "", true
}

// Login checks username and password like the Security API and returns a
// new customer login token.
func (s *Sandbox) Login(username, password string) (string, error) {
	if !strings.EqualFold(username, TestUsername) || password != TestPassword {
		return "", ErrInvalidLogin
	}
	tok := "sbx-login-" + rand.Text()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sessions[tok] = true
	return tok, nil
}
