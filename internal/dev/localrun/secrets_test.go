package localrun_test

import (
	"encoding/json"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/aimcards/customer-access-token/internal/dev/localrun"
)

// secretSet collects the credentials answers hand out: access tokens and
// full AccountManagementUrls.
type secretSet struct {
	mu   sync.Mutex
	vals []string
}

// addAnswer records the Location of a redirect and the fields of a JSON
// answer, with the access token each URL carries.
func (s *secretSet) addAnswer(a localrun.Answer) {
	var body struct{ Token, AccountManagementUrl string }
	_ = json.Unmarshal([]byte(a.Body), &body)
	for _, u := range []string{a.Headers.Get("Location"), body.AccountManagementUrl} {
		s.addURL(u)
	}
	s.add(body.Token)
}

// addEvent records the customer tokens an event carries: the Token header,
// a Bearer token, the token cookie and a Token query parameter.
func (s *secretSet) addEvent(event []byte) {
	var e struct {
		Headers               map[string]string `json:"headers"`
		QueryStringParameters map[string]string `json:"queryStringParameters"`
		Cookies               []string          `json:"cookies"`
	}
	_ = json.Unmarshal(event, &e)
	cookies := e.Cookies
	for k, v := range e.Headers {
		switch strings.ToLower(k) {
		case "token":
			s.add(v)
		case "authorization":
			s.add(strings.TrimPrefix(v, "Bearer "))
		case "cookie":
			cookies = append(cookies, strings.Split(v, ";")...)
		}
	}
	for _, c := range cookies {
		if name, val, ok := strings.Cut(strings.TrimSpace(c), "="); ok && name == localrun.TokenCookie {
			s.add(val)
		}
	}
	for k, v := range e.QueryStringParameters {
		if strings.EqualFold(k, "token") {
			s.add(v)
		}
	}
}

// addURL records u and its at= access token.
func (s *secretSet) addURL(u string) {
	s.add(u)
	if p, err := url.Parse(u); err == nil {
		s.add(p.Query().Get("at"))
	}
}

// add records v when it is long enough to be a credential.
func (s *secretSet) add(v string) {
	if len(v) < 8 {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.vals = append(s.vals, v)
}

// leaks returns the recorded and fixed secrets that occur in out, each
// shortened so the report does not spread them further.
func (s *secretSet) leaks(out string) []string {
	s.mu.Lock()
	all := append(fixedSecrets(), s.vals...)
	s.mu.Unlock()
	var found []string
	for _, v := range all {
		if strings.Contains(out, v) {
			found = append(found, v[:4]+"…")
		}
	}
	return found
}

func TestOutputHasNoSecrets(t *testing.T) {
	needStack(t)
	for _, name := range []string{
		"httpapi-add-customer-card.json", "httpapi-json.json", "rest-json.json",
		"httpapi-cookie-token.json", "httpapi-bearer-token.json", "httpapi-expired-token.json",
		"httpapi-long-token.json", "httpapi-token-in-query.json", "httpapi-unknown-card.json",
	} {
		invokeFile(t, name)
	}
	if leaks := seen.leaks(output.String()); len(leaks) > 0 {
		t.Errorf("got %d secret value(s) in the function's and emulator's output (%v), want none", len(leaks), leaks)
	}
	if !strings.Contains(output.String(), `"level":`) {
		t.Errorf("captured output has no JSON log line of the function; the check above would prove nothing")
	}
}
