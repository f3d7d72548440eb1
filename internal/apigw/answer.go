package apigw

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"
)

// Response is the answer to one request, built once by Answer.
type Response struct {
	// Payload is what the Lambda handler returns: an
	// events.APIGatewayV2HTTPResponse for payload 2.0, an
	// events.APIGatewayProxyResponse otherwise.
	Payload any
	Status  int
	Outcome string // redirect, json, preflight, error, or unreadable for a payload that is no event
	Code    Code   // the problem's code; "" when there is none
}

// Answer builds the answer to req from res, once: the body and headers for
// the result (choosing the error page for redirect-mode errors), the
// security and CORS headers every answer carries, and the encoding in the
// request's payload format.
func (m *Mapper) Answer(req Request, res Result) Response {
	a := m.answer(req, res)
	if errors.Is(req.Err, ErrUnknownFormat) {
		a.outcome = outcomeUnreadable
	}
	return Response{Payload: req.Format.encode(a), Status: a.status, Outcome: a.outcome, Code: a.code}
}

// answer is the function's HTTP answer before it is put in a payload format.
type answer struct {
	status  int
	header  http.Header
	body    string
	outcome string
	code    Code
}

func (m *Mapper) answer(req Request, res Result) answer {
	var a answer
	switch {
	case res.preflight:
		a = preflight()
	case res.access != nil && req.WantsJSON:
		a = accessJSON(*res.access)
	case res.access != nil:
		a = redirect(res.access.AccountManagementURL)
	default:
		a = m.problem(req, res.problem)
	}
	finish(&a, req.Origin)
	return a
}

// problem answers p as problem+json or, for a browser (a redirect-mode
// request in an API Gateway format) with an error page configured, as a redirect
// to it. Method and origin refusals are never redirected: they are not a
// customer's navigation.
func (m *Mapper) problem(req Request, p Problem) answer {
	body := p.body()
	page := m.opts.ErrorRedirectURL
	toPage := page != nil && !req.WantsJSON && req.Format != FormatUnknown &&
		body.Code != CodeMethodNotAllowed && body.Code != CodeOriginNotAllowed
	a := problemAnswer(body)
	if toPage {
		a = redirect(errorPage(*page, body.Code))
	}
	a.outcome, a.code = outcomeError, body.Code
	if p.RetryAfter != "" {
		a.header.Set("Retry-After", p.RetryAfter)
	}
	return a
}

func newAnswer(status int, outcome string) answer {
	return answer{status: status, header: http.Header{}, outcome: outcome}
}

// redirect sends the browser to target with 302 Found and an empty body.
func redirect(target string) answer {
	a := newAnswer(http.StatusFound, outcomeRedirect)
	a.header.Set("Location", target)
	return a
}

// accessBody is the JSON answer for storefront scripts.
type accessBody struct {
	Token                string `json:"Token"`
	AccountManagementURL string `json:"AccountManagementUrl"`
}

// accessJSON answers 200 with the access token and the card-management URL.
func accessJSON(body accessBody) answer {
	a := newAnswer(http.StatusOK, outcomeJSON)
	a.header.Set("Content-Type", "application/json")
	b, _ := json.Marshal(body)
	a.body = string(b)
	return a
}

// problemAnswer answers with an RFC 9457 application/problem+json body.
func problemAnswer(body problemBody) answer {
	a := newAnswer(body.Status, outcomeError)
	a.header.Set("Content-Type", "application/problem+json")
	if body.Code == CodeMethodNotAllowed {
		a.header.Set("Allow", "GET, OPTIONS")
	}
	if c := problemKinds[body.Code].challenge; c != "" {
		// Spelled as RFC 9110 does; Set would write Www-Authenticate.
		a.header["WWW-Authenticate"] = []string{c}
	}
	b, _ := json.Marshal(body)
	a.body = string(b)
	return a
}

// errorPage is the error page's URL with error=<code> added after its own
// query, which is kept exactly as configured, and before its fragment.
func errorPage(page url.URL, code Code) string {
	if page.RawQuery != "" && !strings.HasSuffix(page.RawQuery, "&") {
		page.RawQuery += "&"
	}
	page.RawQuery += "error=" + string(code)
	return page.String()
}

// preflight answers a CORS preflight from an allowed origin, which
// browsers may then cache for ten minutes.
func preflight() answer {
	a := newAnswer(http.StatusNoContent, outcomePreflight)
	a.header.Set("Access-Control-Allow-Methods", "GET, OPTIONS")
	a.header.Set("Access-Control-Allow-Headers", "Token, Authorization, DeviceId")
	a.header.Set("Access-Control-Max-Age", "600")
	return a
}

// finish adds the headers every answer carries, and the CORS headers when
// the request came from an allowed origin.
func finish(a *answer, origin string) {
	a.header.Set("Cache-Control", "no-store")
	a.header.Set("Referrer-Policy", "no-referrer")
	a.header.Set("X-Content-Type-Options", "nosniff")
	a.header.Add("Vary", "Origin")
	if origin != "" {
		a.header.Set("Access-Control-Allow-Origin", origin)
		a.header.Set("Access-Control-Allow-Credentials", "true")
	}
}
