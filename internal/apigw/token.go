package apigw

import (
	"fmt"
	"strings"
)

// customerToken finds the customer's AIM login token: header Token, then
// Authorization: Bearer (unless an API Gateway authorizer owns that header),
// then the configured cookie.
func customerToken(ev event, tokenCookie string) (string, error) {
	tok, err := headerValue(ev, "Token", MaxTokenLength)
	if tok != "" || err != nil {
		return tok, err
	}
	if !ev.Authorizer {
		auth, err := sentOnce(ev, "Authorization")
		if err != nil {
			return "", err
		}
		scheme, rest, _ := strings.Cut(auth, " ")
		if strings.EqualFold(scheme, "Bearer") && rest != "" {
			return checkToken("Authorization", strings.TrimSpace(rest), MaxTokenLength)
		}
	}
	if tokenCookie != "" {
		tok, err := cookieToken(ev, tokenCookie)
		if tok != "" || err != nil {
			return tok, err
		}
	}
	return "", &RequestError{Code: CodeMissingToken, Param: "Token", Detail: "Please sign in to manage your cards."}
}

// headerValue returns a header sent at most once, checked like a token.
func headerValue(ev event, name string, max int) (string, error) {
	v, err := sentOnce(ev, name)
	if err != nil {
		return "", err
	}
	return checkToken(name, v, max)
}

// checkToken refuses values that are too long or hold anything but
// printable ASCII, so nothing odd is forwarded to AIM in a header. A comma
// is refused too: in a header AIM receives, it reads as two values.
func checkToken(name, v string, max int) (string, error) {
	if len(v) > max {
		return "", &RequestError{Param: name, Detail: fmt.Sprintf("The %s value is too long.", name)}
	}
	if strings.ContainsFunc(v, func(r rune) bool { return r < 0x21 || r > 0x7e || r == ',' }) {
		return "", &RequestError{Param: name, Detail: fmt.Sprintf("The %s value holds characters that are not allowed.", name)}
	}
	return v, nil
}

// sentOnce returns a header's value and refuses a header that came more
// than once. HTTP APIs join a repeated header's values with commas, and
// none of the values the function reads from headers (AIM tokens, device
// ids, a Bearer token) holds one, so a comma is a repeated header too.
func sentOnce(ev event, name string) (string, error) {
	v, n := ev.Header(name)
	if n > 1 || strings.Contains(v, ",") {
		return "", &RequestError{Param: name, Detail: fmt.Sprintf("The %s header must be sent once.", name)}
	}
	return v, nil
}
