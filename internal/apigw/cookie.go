package apigw

import (
	"net/http"
	"net/textproto"
	"strings"
)

// cookie returns the value of the named cookie, "" when none is sent. Each
// ;-separated part is read on its own with http.ParseCookie, so one
// malformed cookie set by another site never hides this one; the first part
// of this name that is malformed is an error.
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
			return c[0].Value, nil
		}
	}
	return "", nil
}
