package aim

import (
	"bytes"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
)

// Status is AIM's in-body status block: the fields that tell whether a call
// failed, and why.
type Status struct {
	StatusCode       string
	ErrorCode        string
	ErrorDisplayText string // meant to be shown to people
	ErrorMessage     string // for logs only
}

// UnmarshalJSON reads a Status whose fields may be JSON strings, numbers or
// booleans: no AIM page says which, and StatusCode is seen both ways.
func (s *Status) UnmarshalJSON(b []byte) error {
	var raw struct{ StatusCode, ErrorCode, ErrorDisplayText, ErrorMessage flexString }
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	*s = Status{
		StatusCode:       string(raw.StatusCode),
		ErrorCode:        string(raw.ErrorCode),
		ErrorDisplayText: string(raw.ErrorDisplayText),
		ErrorMessage:     string(raw.ErrorMessage),
	}
	return nil
}

// flexString is a JSON value read as text: a string's content, or the literal
// text of a number, boolean or other value. null is "".
type flexString string

// UnmarshalJSON implements json.Unmarshaler.
func (f *flexString) UnmarshalJSON(b []byte) error {
	var s string
	if json.Unmarshal(b, &s) != nil {
		s = string(bytes.TrimSpace(b))
	}
	*f = flexString(s)
	return nil
}

// failureWords mark a StatusCode as a failure when found in it, ignoring case.
var failureWords = []string{"error", "fail", "invalid", "denied", "unauthori", "forbidden", "expired", "exception"}

// Failed reports whether s reports an error: an ErrorCode or ErrorMessage,
// or a StatusCode that reads as a failure (a failure word, or a number of
// 400 or more). Other words, such as "Success" or "OK", are success: AIM's
// vocabulary is not published. The client applies it to every answer, and
// another AIM caller, such as the example storefront, reads a Status the
// same way.
func (s Status) Failed() bool {
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
	return slices.ContainsFunc(failureWords, func(w string) bool { return strings.Contains(code, w) })
}
