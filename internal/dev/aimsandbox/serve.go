package aimsandbox

import (
	"net/http"
	"slices"
	"strings"

	"github.com/aimcards/customer-access-token/internal/dev/devutil"
)

// Op names an operation of the sandbox, for Calls, LastHeaders and SetFault.
type Op string

// The operations the sandbox serves.
const (
	OpGetEndPoint         Op = "GetEndPoint"
	OpSecurity            Op = "Security"
	OpCustomerAccessToken Op = "CustomerAccessToken"
	OpGetCustomerTokens   Op = "GetCustomerTokens"
	OpAccountManagement   Op = "AccountManagement" // the page behind AccountManagementUrl
	OpBaseURL             Op = "BaseURL"           // the service's own root, as a warm-up asks for it
)

// ServicePath is where the sandbox serves AeServices30 (GetEndPoint) below
// its root: a function's AIM_SERVICE_URL is the sandbox's URL plus
// ServicePath. It is lower-case, as every key of routes is.
const ServicePath = "/aeservices30"

// route ties a path (lower-case; ServiceStack matches paths without regard
// to case) to an operation.
type route struct {
	op      Op
	methods []string
	api     bool // Config.Latency applies
	handle  func(s *Sandbox, r *http.Request, f Fault) reply
}

var routes = map[string]route{
	ServicePath + "/api/getendpoint": {OpGetEndPoint, []string{http.MethodGet}, true, (*Sandbox).getEndPoint},
	"/api/security":                  {OpSecurity, []string{http.MethodPost}, true, (*Sandbox).security},
	"/api/customeraccesstoken":       {OpCustomerAccessToken, []string{http.MethodGet}, true, (*Sandbox).customerAccessToken},
	"/api/getcustomertokens":         {OpGetCustomerTokens, []string{http.MethodGet, http.MethodPost}, true, (*Sandbox).getCustomerTokens},
	"/accountmanagement":             {OpAccountManagement, []string{http.MethodGet}, false, (*Sandbox).accountManagement},
	"/":                              {OpBaseURL, baseMethods, false, metadataRedirect},
	ServicePath:                      {OpBaseURL, baseMethods, false, metadataRedirect},
	ServicePath + "/":                {OpBaseURL, baseMethods, false, metadataRedirect},
}

// ServeHTTP answers r like AIM would: it applies Config.Latency, then the
// pending Fault for the operation, then the operation's normal behaviour.
func (s *Sandbox) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rt, ok := routes[strings.ToLower(r.URL.Path)]
	if !ok {
		errorReply(http.StatusNotFound, "NotFound", "Handler for Request not found").write(w)
		return
	}
	if !slices.Contains(rt.methods, r.Method) {
		w.Header().Set("Allow", strings.Join(rt.methods, ", "))
		errorReply(http.StatusMethodNotAllowed, "MethodNotAllowed", r.Method+" is not supported by "+string(rt.op)).write(w)
		return
	}
	f, _ := s.record(rt.op, r)
	if rt.api && !devutil.Sleep(r.Context(), s.latency) {
		return
	}
	if !devutil.Sleep(r.Context(), f.Delay) || r.Context().Err() != nil {
		return // the client gave up; it reads no answer
	}
	if f.Reset {
		reset(w)
		return
	}
	rep, ok := f.replacement()
	if !ok {
		rep = rt.handle(s, r, f)
	}
	if f.Oversize > 0 {
		rep = pad(rep, f.Oversize)
	}
	if f.RetryAfter != "" {
		w.Header().Set("Retry-After", f.RetryAfter)
	}
	rep.write(w)
}

var baseMethods = []string{http.MethodGet, http.MethodHead}

// metadataRedirect answers a request for a base URL as a ServiceStack
// service does, without credentials and without running an operation: a
// redirect to its metadata page.
func metadataRedirect(_ *Sandbox, r *http.Request, _ Fault) reply {
	return reply{status: http.StatusFound, location: strings.TrimSuffix(r.URL.Path, "/") + "/metadata"}
}
