package devserver

import (
	"net/http"
	"strconv"

	"github.com/aimcards/customer-access-token/internal/dev/localrun"
)

// writeAnswer writes the function's answer as API Gateway does: the status,
// every header, each cookie as a Set-Cookie header, and the body (already
// decoded from base64 by localrun).
func writeAnswer(w http.ResponseWriter, a localrun.Answer) {
	h := w.Header()
	for name, values := range a.Headers {
		for _, v := range values {
			h.Add(name, v)
		}
	}
	for _, c := range a.Cookies {
		h.Add("Set-Cookie", c)
	}
	if a.Status != http.StatusNoContent && a.Status != http.StatusNotModified {
		h.Set("Content-Length", strconv.Itoa(len(a.Body)))
	}
	w.WriteHeader(a.Status)
	_, _ = w.Write([]byte(a.Body))
}
