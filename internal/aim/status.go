package aim

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
)

// Status is AIM's in-body status block.
type Status struct {
	StatusCode       string
	Login            string
	ErrorCode        string
	ErrorDisplayText string // meant to be shown to people
	ErrorMessage     string // for logs only
	DomainName       string
	IPAddress        string `json:"IpAddress"`
}

// UnmarshalJSON reads a Status whose fields may be JSON strings, numbers or
// booleans: no AIM page says which, and StatusCode is seen both ways.
func (s *Status) UnmarshalJSON(b []byte) error {
	var raw wireStatus
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	*s = raw.status()
	return nil
}

// wireStatus is a Status as it is read, each field a flexString. The
// answers on the request path hold one, so that decoding them spares the
// second pass that Status.UnmarshalJSON costs (see BenchmarkDecodeAnswer:
// about a sixth of decoding a CustomerAccessToken answer, and a third of its
// bytes allocated).
type wireStatus struct {
	StatusCode, Login, ErrorCode, ErrorDisplayText, ErrorMessage, DomainName flexString
	IPAddress                                                                flexString `json:"IpAddress"`
}

func (w *wireStatus) status() Status {
	return Status{
		StatusCode:       string(w.StatusCode),
		Login:            string(w.Login),
		ErrorCode:        string(w.ErrorCode),
		ErrorDisplayText: string(w.ErrorDisplayText),
		ErrorMessage:     string(w.ErrorMessage),
		DomainName:       string(w.DomainName),
		IPAddress:        string(w.IPAddress),
	}
}

// flexString is a JSON value read as text: a string's content, or the literal
// text of a number, boolean or other value. null is "".
type flexString string

// UnmarshalJSON implements json.Unmarshaler.
func (f *flexString) UnmarshalJSON(b []byte) error {
	// Fast path: a string without escapes is its bytes between the quotes.
	if n := len(b); n >= 2 && b[0] == '"' && b[n-1] == '"' && bytes.IndexByte(b, '\\') < 0 {
		*f = flexString(b[1 : n-1])
		return nil
	}
	var s string
	if json.Unmarshal(b, &s) == nil {
		*f = flexString(s)
		return nil
	}
	*f = flexString(bytes.TrimSpace(b))
	return nil
}

// failureWords mark a StatusCode as a failure when found in it, ignoring case.
var failureWords = []string{"error", "fail", "invalid", "denied", "unauthori", "forbidden", "expired", "exception"}

// statusFailed reports whether AIM's Status block reports an error: an
// ErrorCode or ErrorMessage, or a StatusCode that reads as a failure (a
// failure word, or a number of 400 or more). Other words, such as "Success"
// or "OK", are success: AIM's vocabulary is not published.
func statusFailed(s Status) bool {
	if code := strings.TrimSpace(s.ErrorCode); code != "" && code != "0" {
		return true
	}
	if strings.TrimSpace(s.ErrorMessage) != "" {
		return true
	}
	code := strings.ToLower(strings.TrimSpace(s.StatusCode))
	if n, err := strconv.ParseFloat(code, 64); err == nil {
		return n >= 400
	}
	for _, w := range failureWords {
		if strings.Contains(code, w) {
			return true
		}
	}
	return false
}

// Failed reports whether s reports an error, by the rule the client applies
// to every AIM answer (statusFailed). It lets another AIM caller, such as
// the example storefront, read a Status the same way.
func (s Status) Failed() bool { return statusFailed(s) }
