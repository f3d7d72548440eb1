package apigw

// The outcomes a Response reports for the invocation log.
const (
	outcomeRedirect  = "redirect"
	outcomeJSON      = "json"
	outcomePreflight = "preflight"
	outcomeError     = "error"
	// outcomeUnreadable is an error answer to a payload that is no event.
	outcomeUnreadable = "unreadable"
)

// Result is what the handler answers a request with. Build it with Access,
// Failure or Preflight; the zero Result is an internal error.
type Result struct {
	access    *accessBody // set by Access
	preflight bool
	problem   Problem
}

// Access answers with a customer access token: a redirect to
// accountManagementURL, or both in a JSON body when the caller asked for it.
func Access(token, accountManagementURL string) Result {
	return Result{access: &accessBody{Token: token, AccountManagementURL: accountManagementURL}}
}

// Failure answers with a problem: problem+json or, for a redirect-mode
// request with an error page configured, a redirect to that page.
func Failure(p Problem) Result { return Result{problem: p} }

// Preflight answers a CORS preflight that Parse found to come from an
// allowed origin.
func Preflight() Result { return Result{preflight: true} }
