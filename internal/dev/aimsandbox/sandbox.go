// Package aimsandbox is a local stand-in for Tri-Tech's AIM web service.
//
// A Sandbox is an http.Handler that implements the parts of AIM this project
// uses (GetEndPoint, Security, CustomerAccessToken, GetCustomerTokens and the
// page behind AccountManagementUrl), checks every header the real service
// requires, and can be told to fail in each way the function must survive.
// It knows nothing of the function's code, so it can judge it.
package aimsandbox

import (
	"crypto/rand"
	"net"
	"net/http"
	"net/url"
	"sync"
	"time"
)

// The test customer. TestCustomerToken is valid from the start, so events and
// scripts can call CustomerAccessToken without logging in first.
const (
	TestUsername      = "pat@example.com"
	TestPassword      = "sandbox-password"
	TestAcct          = 1001
	TestCustomerToken = "sbx-customer-token-0001" // a pre-issued, valid login token of the test customer
	ExpiredToken      = "sbx-expired-token-0001"  // always refused with 401 (session expired)
	ContractPk        = 5001                      // the test customer's contract (ADD_CONTRACT_CARD ItemKey)
	StudentPk         = 7001                      // the test customer's student (ADD_STUDENT_CARD ItemKey)
	CardTokenPk       = 9001                      // a saved card (UPDATE_CARD ItemKey); 9002 is the other one
	otherCardTokenPk  = 9002
)

// accessTokenTTL is how long an AccountManagementUrl can be opened.
const accessTokenTTL = 5 * time.Minute

// Config sets the sandbox's credentials.
type Config struct {
	APIKey     string        // the store ApiKey AIM accepts (required)
	AppID      string        // the AppId AIM accepts (required)
	OAuthToken string        // handed out by GetEndPoint and then required (default: a random value)
	Latency    time.Duration // added to every API call (benchmarks)
}

// Sandbox is a fake AIM server. Its zero value is not usable; call New.
type Sandbox struct {
	appID      string
	oauthToken string
	latency    time.Duration

	mu       sync.Mutex
	now      func() time.Time // replaced in tests to age access tokens
	apiKey   string
	sessions map[string]bool  // customer login token -> still valid
	grants   map[string]grant // access token -> what its page shows
	faults   map[Op]*Fault    // pending fault per operation
	calls    map[Op]int       // requests served per operation
	tokens   map[string]int   // CustomerAccessToken requests per Token header
	headers  map[Op]http.Header
	queries  map[Op]url.Values
	conns    int
}

// grant is what a single-use access token opens.
type grant struct {
	acct    int
	mode    string
	itemKey int64
	expires time.Time
}

// New returns a Sandbox that accepts cfg's credentials and knows the test
// customer (TestUsername, TestCustomerToken).
func New(cfg Config) *Sandbox {
	oauth := cfg.OAuthToken
	if oauth == "" {
		oauth = "sbx-oauth-" + rand.Text()
	}
	return &Sandbox{
		appID:      cfg.AppID,
		oauthToken: oauth,
		latency:    cfg.Latency,
		now:        time.Now,
		apiKey:     cfg.APIKey,
		sessions:   map[string]bool{TestCustomerToken: true, ExpiredToken: false},
		grants:     map[string]grant{},
		faults:     map[Op]*Fault{},
		calls:      map[Op]int{},
		tokens:     map[string]int{},
		headers:    map[Op]http.Header{},
		queries:    map[Op]url.Values{},
	}
}

// ConnState counts TCP connections; set it as http.Server.ConnState (or
// httptest.Server.Config.ConnState) to let Connections report keep-alive use.
func (s *Sandbox) ConnState(_ net.Conn, st http.ConnState) {
	if st != http.StateNew {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.conns++
}

// Connections reports how many TCP connections were opened so far.
func (s *Sandbox) Connections() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.conns
}

// Calls reports how many requests op has received, faulted ones included.
func (s *Sandbox) Calls(op Op) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[op]
}

// TokenCalls reports how many CustomerAccessToken requests carried the
// customer token tok, faulted ones included.
func (s *Sandbox) TokenCalls(tok string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.tokens[tok]
}

// LastHeaders returns a copy of the headers of op's last request, or nil.
func (s *Sandbox) LastHeaders(op Op) http.Header {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.headers[op].Clone()
}

// LastQuery returns a copy of the query of op's last request, or nil.
func (s *Sandbox) LastQuery(op Op) url.Values {
	s.mu.Lock()
	defer s.mu.Unlock()
	q, ok := s.queries[op]
	if !ok {
		return nil
	}
	return url.Values(http.Header(q).Clone())
}

// RotateAPIKey makes newKey the only ApiKey accepted from now on.
func (s *Sandbox) RotateAPIKey(newKey string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.apiKey = newKey
}

// ExpireSessions ends every customer login token issued so far, including
// TestCustomerToken; AIM refuses them with 401 afterwards. Later logins work.
func (s *Sandbox) ExpireSessions() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for tok := range s.sessions {
		s.sessions[tok] = false
	}
}

// record counts a request to op, keeps its headers and query, and takes the
// pending fault, if any.
func (s *Sandbox) record(op Op, r *http.Request) (Fault, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls[op]++
	if op == OpCustomerAccessToken {
		s.tokens[r.Header.Get(headerToken)]++
	}
	s.headers[op] = r.Header.Clone()
	s.queries[op] = r.URL.Query()
	return s.takeFault(op)
}

// currentAPIKey returns the ApiKey accepted now.
func (s *Sandbox) currentAPIKey() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.apiKey
}
