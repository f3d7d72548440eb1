package storefront

import (
	"encoding/json"
	"net/http"
)

// The codes of the store's own errors. Like the function's, a 401 with
// missing_token or session_expired sends the customer to sign in.
const (
	codeMissingToken   = "missing_token"
	codeSessionExpired = "session_expired"
	codeInvalidLogin   = "invalid_login"
	codeInvalidRequest = "invalid_request"
	codeUpstreamError  = "upstream_error"
)

// problem is an RFC 9457 answer, shaped like the function's so one script
// reads both.
type problem struct {
	Title  string `json:"title"`
	Status int    `json:"status"`
	Detail string `json:"detail"`
	Code   string `json:"code"`
}

// Problems the store answers; every detail is safe to show the customer.
var (
	errMissingToken   = problem{"Not signed in", http.StatusUnauthorized, "Please sign in to see your cards.", codeMissingToken}
	errSessionExpired = problem{"Session expired", http.StatusUnauthorized, "Your session has expired. Please sign in again.", codeSessionExpired}
	errBadForm        = problem{"Bad request", http.StatusBadRequest, "Enter your email and password.", codeInvalidRequest}
	errUpstream       = problem{"Store system error", http.StatusBadGateway, "The store's system did not answer as expected. Please try again later.", codeUpstreamError}
)

// invalidLogin is the 401 for a refused username or password, with AIM's
// display text.
func invalidLogin(detail string) problem {
	if detail == "" {
		detail = "The email or password you entered is incorrect."
	}
	return problem{"Sign-in failed", http.StatusUnauthorized, detail, codeInvalidLogin}
}

// writeProblem writes p as application/problem+json.
func writeProblem(w http.ResponseWriter, p problem) {
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(p.Status)
	_ = json.NewEncoder(w).Encode(p)
}

// writeJSON writes v as a 200 JSON answer.
func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	_ = json.NewEncoder(w).Encode(v)
}
