package apigw

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
)

// Answer is the function's HTTP answer before it is put in a payload format.
type Answer struct {
	Status int
	Header http.Header
	Body   string
}

func newAnswer(status int) Answer {
	return Answer{Status: status, Header: http.Header{}}
}

// Redirect sends the browser to target with 302 Found and an empty body.
func Redirect(target string) Answer {
	a := newAnswer(http.StatusFound)
	a.Header.Set("Location", target)
	return a
}

// accessJSON is the JSON answer for storefront scripts.
type accessJSON struct {
	Token                string `json:"Token"`
	AccountManagementURL string `json:"AccountManagementUrl"`
}

// JSON answers 200 with the access token and the card-management URL.
func JSON(token, accountManagementURL string) Answer {
	a := newAnswer(http.StatusOK)
	a.Header.Set("Content-Type", "application/json")
	b, _ := json.Marshal(accessJSON{Token: token, AccountManagementURL: accountManagementURL})
	a.Body = string(b)
	return a
}

// ProblemAnswer answers with an RFC 9457 application/problem+json body.
func ProblemAnswer(p Problem) Answer {
	body := p.body()
	a := newAnswer(body.Status)
	a.Header.Set("Content-Type", "application/problem+json")
	if body.Code == CodeMethodNotAllowed {
		a.Header.Set("Allow", "GET, OPTIONS")
	}
	if p.RetryAfter != "" {
		a.Header.Set("Retry-After", p.RetryAfter)
	}
	b, _ := json.Marshal(body)
	a.Body = string(b)
	return a
}

// ErrorRedirect sends the browser to the store's error page with
// error=<code> added to its query.
func ErrorRedirect(page *url.URL, p Problem) Answer {
	u := *page
	q := u.Query()
	q.Set("error", string(p.body().Code))
	u.RawQuery = q.Encode()
	a := Redirect(u.String())
	if p.RetryAfter != "" {
		a.Header.Set("Retry-After", p.RetryAfter)
	}
	return a
}

// PreflightMaxAge is how long browsers may cache a preflight answer, in seconds.
const PreflightMaxAge = 600

// Preflight answers a CORS preflight from an allowed origin.
func Preflight() Answer {
	a := newAnswer(http.StatusNoContent)
	a.Header.Set("Access-Control-Allow-Methods", "GET, OPTIONS")
	a.Header.Set("Access-Control-Allow-Headers", "Token, Authorization, DeviceId")
	a.Header.Set("Access-Control-Max-Age", strconv.Itoa(PreflightMaxAge))
	return a
}

// Finish adds the headers every answer carries, and the CORS headers when
// the request came from an allowed origin.
func Finish(a Answer, ev Event, allowedOrigins []string) Answer {
	if a.Header == nil {
		a.Header = http.Header{}
	}
	a.Header.Set("Cache-Control", "no-store")
	a.Header.Set("Referrer-Policy", "no-referrer")
	a.Header.Set("X-Content-Type-Options", "nosniff")
	a.Header.Add("Vary", "Origin")
	if origin, ok := AllowedOrigin(ev, allowedOrigins); ok {
		a.Header.Set("Access-Control-Allow-Origin", origin)
		a.Header.Set("Access-Control-Allow-Credentials", "true")
	}
	return a
}

// AllowedOrigin returns the request's Origin when it is one of allowed.
func AllowedOrigin(ev Event, allowed []string) (string, bool) {
	origin, n := ev.Header("Origin")
	if n != 1 || origin == "" {
		return "", false
	}
	for _, o := range allowed {
		if o == origin {
			return origin, true
		}
	}
	return "", false
}
