package apigw

import (
	"fmt"
	"net/http"
	"net/textproto"
	"net/url"
	"strings"
)

// cookie returns the value of the named cookie, "" when none is sent. Each
// ;-separated part is read on its own with http.ParseCookie (which removes
// RFC 6265 quotes), so one malformed cookie set by another site never hides
// this one; the first part of this name that is malformed is an error. An
// empty cookie of this name (a stale one a framework blanked on another
// path, say) does not hide a later one with a value.
func (ev event) cookie(name string) (string, error) {
	lines := ev.Cookies
	if len(lines) == 0 {
		lines = ev.Headers["cookie"]
	}
	for _, line := range lines {
		for part := range strings.SplitSeq(line, ";") {
			k, _, _ := strings.Cut(part, "=")
			// Trimmed as ParseCookie trims, so the part parsed is the one named.
			if textproto.TrimString(k) != name {
				continue
			}
			c, err := http.ParseCookie(part)
			if err != nil {
				return "", err
			}
			if c[0].Value != "" {
				return c[0].Value, nil
			}
		}
	}
	return "", nil
}

// cookieToken reads the customer token from the named cookie. PHP's
// setcookie and Express's res.cookie percent-encode values by default, so
// a value holding a % is percent-decoded (a + stays a +: neither encoder
// writes one for a space); a broken escape is an error, and the decoded
// token must still pass checkToken.
func cookieToken(ev event, name string) (string, error) {
	param := "Cookie " + name
	v, err := ev.cookie(name)
	if err != nil {
		return "", &RequestError{Param: param, Detail: fmt.Sprintf("The %s cookie could not be read.", name)}
	}
	if strings.Contains(v, "%") {
		if v, err = url.PathUnescape(v); err != nil {
			return "", &RequestError{Param: param, Detail: fmt.Sprintf("The %s cookie holds a broken %%-escape.", name)}
		}
	}
	return checkToken(param, v, MaxTokenLength)
}
