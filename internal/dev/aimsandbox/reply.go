package aimsandbox

import (
	"encoding/json"
	"net"
	"net/http"
	"strconv"
	"strings"
)

// jsonType is the Content-Type of every API answer.
const jsonType = "application/json; charset=utf-8"

// Status is AIM's in-body status block.
type Status struct {
	StatusCode       string
	Login            string
	ErrorCode        string
	ErrorDisplayText string
	ErrorMessage     string
	DomainName       string
	IpAddress        string // AIM's spelling
}

// reply is an answer waiting to be written, so faults can change it.
type reply struct {
	status      int
	contentType string
	body        []byte
	location    string // Location header, for a redirect
}

// write sends rep. The sandbox sets no cookies.
func (rep reply) write(w http.ResponseWriter) {
	if rep.location != "" {
		w.Header().Set("Location", rep.location)
	}
	if rep.contentType != "" {
		w.Header().Set("Content-Type", rep.contentType)
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(rep.body)))
	w.WriteHeader(rep.status)
	_, _ = w.Write(rep.body)
}

// jsonReply encodes v as an API answer.
func jsonReply(status int, v any) reply {
	body, err := json.Marshal(v)
	if err != nil {
		return errorReply(http.StatusInternalServerError, "Exception", "aimsandbox: encode answer: "+err.Error())
	}
	return reply{status: status, contentType: jsonType, body: body}
}

// errorReply is a ServiceStack error: an HTTP status with a ResponseStatus.
func errorReply(status int, code, message string) reply {
	type responseStatus struct {
		ErrorCode string
		Message   string
	}
	return jsonReply(status, struct{ ResponseStatus responseStatus }{responseStatus{code, message}})
}

// unauthorized is the 401 AIM sends for a missing or refused credential.
func unauthorized(message string) reply {
	return errorReply(http.StatusUnauthorized, "Unauthorized", message)
}

// badRequest is the 400 ServiceStack sends for an argument it cannot bind.
func badRequest(message string) reply {
	return errorReply(http.StatusBadRequest, "ArgumentException", message)
}

// success is the Status block of a good answer.
func success(r *http.Request) Status {
	return Status{StatusCode: "Success", DomainName: r.Host, IpAddress: clientIP(r)}
}

// rejected is a 200 answer whose Status block carries an AIM error.
func rejected(r *http.Request, code, displayText string) reply {
	st := Status{
		StatusCode:       "Error",
		ErrorCode:        code,
		ErrorDisplayText: displayText,
		ErrorMessage:     code + ": " + displayText,
		DomainName:       r.Host,
		IpAddress:        clientIP(r),
	}
	return jsonReply(http.StatusOK, struct{ Status Status }{st})
}

// clientIP is the caller's address without the port.
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// queryValue returns the first value of the query parameter name, matching
// the name without regard to case as ServiceStack does.
func queryValue(r *http.Request, name string) string {
	for k, vs := range r.URL.Query() {
		if strings.EqualFold(k, name) && len(vs) > 0 {
			return vs[0]
		}
	}
	return ""
}
