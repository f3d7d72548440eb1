package aimsandbox

import (
	"bytes"
	"cmp"
	"net"
	"net/http"
	"strings"
	"time"
)

// Fault makes an operation misbehave. Delay, RetryAfter, Oversize,
// AccountManagementURL and the Drop fields change an otherwise normal answer;
// Reset, StatusError, Status and Body replace it (checked in that order).
type Fault struct {
	Times int           // how many calls it applies to; 0: until ClearFaults
	Delay time.Duration // sleep before answering; a cancelled request gets no answer

	// Status answers with this HTTP status and a ServiceStack body
	// {"ResponseStatus":{"ErrorCode":Code,"Message":Message}}, unless Body is set.
	Status     int
	Code       string
	Message    string
	RetryAfter string // Retry-After header, e.g. with Status 429

	Body        string // raw body instead (HTML, truncated JSON); status Status or 200
	ContentType string // Body's type (default: the API's JSON type)

	Oversize int // pad the answer to this many bytes; JSON gets a leading "Padding" field, stays valid and keeps its real fields last
	// Reset closes the connection without answering (the client sees a
	// reset). Go's Transport retries a GET once when a reused keep-alive
	// connection fails this way, so give Times 2 (or 0) to make a Go client
	// see the error.
	Reset bool

	StatusError          *Status // 200 answer with this Status block and nothing else
	AccountManagementURL *string // replace the URL in a good CustomerAccessToken answer ("" omits it)

	DropOAuthToken     bool // GetEndPoint answers without OAuthToken
	DropEndpointDomain bool // GetEndPoint answers without NewEndpointDomain (and NewEndpoint)
}

// ServerError is a 500 with a ServiceStack ResponseStatus.
func ServerError() Fault {
	return Fault{Status: http.StatusInternalServerError, Code: "Exception", Message: "Object reference not set to an instance of an object."}
}

// HTMLPage is a 200 text/html maintenance page where JSON was expected.
func HTMLPage() Fault {
	return Fault{Body: "<!DOCTYPE html><html><body><h1>Down for maintenance</h1></body></html>", ContentType: "text/html; charset=utf-8"}
}

// Throttled is a 429 with the given Retry-After value.
func Throttled(retryAfter string) Fault {
	return Fault{Status: http.StatusTooManyRequests, Code: "TooManyRequests", Message: "Too many requests", RetryAfter: retryAfter}
}

// Unauthorized is a 401 as AIM sends for a refused ApiKey or OAuthToken.
func Unauthorized() Fault {
	return Fault{Status: http.StatusUnauthorized, Code: "Unauthorized", Message: "Invalid ApiKey"}
}

// TruncatedJSON is a 200 whose JSON body stops half-way.
func TruncatedJSON() Fault {
	return Fault{Body: `{"Token":"sbx-trunc","AccountManagementUrl":"http://`}
}

// Slow delays the answer by d; the answer itself is normal.
func Slow(d time.Duration) Fault {
	return Fault{Delay: d}
}

// Rejected is a 200 whose Status block carries an AIM error, with
// displayText as the sentence meant for people.
func Rejected(code, displayText string) Fault {
	return Fault{StatusError: &Status{StatusCode: "Error", ErrorCode: code, ErrorDisplayText: displayText, ErrorMessage: code + ": " + displayText}}
}

// ManagementURL is a CustomerAccessToken answer whose AccountManagementUrl is u.
func ManagementURL(u string) Fault {
	return Fault{AccountManagementURL: &u}
}

// SetFault makes the next f.Times calls of op misbehave (all of them when
// f.Times is 0). It replaces any fault pending for op.
func (s *Sandbox) SetFault(op Op, f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults[op] = &f
}

// ClearFaults makes every operation behave again.
func (s *Sandbox) ClearFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	clear(s.faults)
}

// takeFault returns op's pending fault and counts it down. s.mu must be held.
func (s *Sandbox) takeFault(op Op) (Fault, bool) {
	f, ok := s.faults[op]
	if !ok {
		return Fault{}, false
	}
	if f.Times > 0 {
		f.Times--
		if f.Times == 0 {
			delete(s.faults, op)
		}
	}
	return *f, true
}

// replacement returns the answer f puts in place of the normal one, if any.
func (f Fault) replacement() (reply, bool) {
	switch {
	case f.StatusError != nil:
		return jsonReply(http.StatusOK, struct{ Status Status }{*f.StatusError}), true
	case f.Body != "":
		rep := reply{status: cmp.Or(f.Status, http.StatusOK), contentType: cmp.Or(f.ContentType, jsonType), body: []byte(f.Body)}
		return rep, true
	case f.Status != 0:
		return errorReply(f.Status, f.Code, f.Message), true
	}
	return reply{}, false
}

// pad grows a JSON object answer to n bytes with a leading "Padding" field,
// so the real fields come last; other answers get trailing spaces.
func pad(rep reply, n int) reply {
	body := rep.body
	if len(body) >= n {
		return rep
	}
	if strings.HasPrefix(rep.contentType, "application/json") && bytes.HasPrefix(body, []byte("{")) {
		rest := string(body[1:])
		sep := ","
		if strings.HasPrefix(strings.TrimSpace(rest), "}") {
			sep = ""
		}
		head := `{"Padding":"`
		if fill := n - len(head) - len(`"`+sep) - len(rest); fill >= 0 {
			rep.body = []byte(head + strings.Repeat("x", fill) + `"` + sep + rest)
			return rep
		}
	}
	rep.body = append(body, bytes.Repeat([]byte(" "), n-len(body))...)
	return rep
}

// reset closes the client's connection abruptly (RST where possible) without
// writing a response.
func reset(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler) // HTTP/2: abort the stream instead
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	_ = conn.Close()
}
