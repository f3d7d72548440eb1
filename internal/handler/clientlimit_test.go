package handler

import (
	"bytes"
	"context"
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aimcards/customer-access-token/internal/aim"
	"github.com/aimcards/customer-access-token/internal/dev/emfspec"
	"github.com/aimcards/customer-access-token/internal/emf"
)

// fakeLimit is a hand-written ClientLimit: clients in blocked are blocked
// for wait; Refused records the client.
type fakeLimit struct {
	blocked map[string]bool
	wait    time.Duration
	asked   []string
	refused []string
	served  []string
}

func (f *fakeLimit) Blocked(client string) (time.Duration, bool) {
	f.asked = append(f.asked, client)
	return f.wait, f.blocked[client]
}

func (f *fakeLimit) Refused(_ context.Context, client string) { f.refused = append(f.refused, client) }
func (f *fakeLimit) Served(client string)                     { f.served = append(f.served, client) }

// The events' sourceIp.
const eventClient = "203.0.113.10"

// TestRefusalsCountAgainstTheClient checks which answers count: AIM
// refusing the customer (session_expired, aim_rejected), nothing else.
func TestRefusalsCountAgainstTheClient(t *testing.T) {
	t.Parallel()
	fail := func(e *aim.Error) func(aim.Credentials, aim.AccessTokenRequest) (aim.AccessToken, error) {
		return func(aim.Credentials, aim.AccessTokenRequest) (aim.AccessToken, error) {
			e.Op = aim.OpCustomerAccessToken
			return aim.AccessToken{}, e
		}
	}
	tests := []struct {
		name     string
		event    string
		accessFn func(aim.Credentials, aim.AccessTokenRequest) (aim.AccessToken, error)
		status   int
		counted  bool
	}{
		{"401", "httpapi-add-customer-card.json", fail(&aim.Error{Kind: aim.KindUnauthorized, HTTPStatus: 401}), 401, true},
		{"403", "httpapi-add-customer-card.json", fail(&aim.Error{Kind: aim.KindUnauthorized, HTTPStatus: 403}), 422, true},
		{"404", "httpapi-add-customer-card.json", fail(&aim.Error{Kind: aim.KindRejected, HTTPStatus: 404}), 502, false},
		{"409", "httpapi-add-customer-card.json", fail(&aim.Error{Kind: aim.KindRejected, HTTPStatus: 409}), 502, false},
		{"400", "httpapi-add-customer-card.json", fail(&aim.Error{Kind: aim.KindRejected, HTTPStatus: 400}), 502, false},
		{"2xx with an error in Status", "httpapi-add-customer-card.json", fail(&aim.Error{Kind: aim.KindRejected, HTTPStatus: 200}), 422, true},
		{"1.0 payload, 401", "rest-add-customer-card.json", fail(&aim.Error{Kind: aim.KindUnauthorized, HTTPStatus: 401}), 401, true},
		{"success", "httpapi-add-customer-card.json", nil, 302, false},
		{"AIM 5xx", "httpapi-add-customer-card.json", fail(&aim.Error{Kind: aim.KindUpstream, HTTPStatus: 500}), 502, false},
		{"AIM 429", "httpapi-add-customer-card.json", fail(&aim.Error{Kind: aim.KindThrottled, HTTPStatus: 429}), 503, false},
		{"unsafe URL", "httpapi-add-customer-card.json", func(aim.Credentials, aim.AccessTokenRequest) (aim.AccessToken, error) {
			return aim.AccessToken{Token: testAccess, AccountManagementURL: "javascript:alert(1)"}, nil
		}, 502, false},
		{"no token", "httpapi-missing-token.json", nil, 401, false},
		{"bad request", "httpapi-bad-mode.json", nil, 400, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			limit := &fakeLimit{}
			h := testHandler(&fakeKeys{key: testAPIKey}, &fakeAIM{accessFn: tt.accessFn}, &bytes.Buffer{}, func(o *Options) { o.Limit = limit })
			if a := invoke(t, h, eventFile(t, tt.event)); a.Status != tt.status {
				t.Fatalf("got status %d (body %s), want %d", a.Status, a.Body, tt.status)
			}
			var want []string
			if tt.counted {
				want = []string{eventClient}
			}
			if strings.Join(limit.refused, ",") != strings.Join(want, ",") {
				t.Errorf("got refusals counted for %q, want %q", limit.refused, want)
			}
			if served := len(limit.served) == 1 && limit.served[0] == eventClient; served != (tt.status == 302) {
				t.Errorf("got clients served %q for a %d, want the client recorded only for a 302", limit.served, tt.status)
			}
		})
	}
}

// TestBlockedClient checks a blocked client's answer: 429 at once, with
// neither Secrets Manager nor AIM asked, Retry-After in seconds, the code
// in the log line and the metric record; the error page in redirect mode.
func TestBlockedClient(t *testing.T) {
	t.Parallel()
	var logs, metrics bytes.Buffer
	w, err := emf.New(emf.Options{Out: &metrics})
	if err != nil {
		t.Fatal(err)
	}
	keys := &fakeKeys{err: errors.New("must not be asked")}
	client := &fakeAIM{}
	limit := &fakeLimit{blocked: map[string]bool{eventClient: true}, wait: 40200 * time.Millisecond}
	h := testHandler(keys, client, &logs, func(o *Options) { o.Limit, o.Metrics = limit, w })
	a := invoke(t, h, eventFile(t, "httpapi-add-customer-card.json"))
	if a.Status != 429 || a.Headers["Retry-After"] != "41" {
		t.Fatalf("got %d Retry-After %q (body %s), want 429 with Retry-After 41", a.Status, a.Headers["Retry-After"], a.Body)
	}
	p := problemOf(t, a)
	if p.Code != "too_many_requests" || p.Detail != "Too many attempts from this network. Please try again in a few minutes." {
		t.Errorf("got code %q detail %q, want too_many_requests with a detail that says when to come back", p.Code, p.Detail)
	}
	if client.endpointCalls+client.accessCalls != 0 || limit.refused != nil {
		t.Errorf("got %d AIM calls and refusals counted %q, want none", client.endpointCalls+client.accessCalls, limit.refused)
	}
	line := logLine(t, &logs)
	if line["code"] != "too_many_requests" || line["outcome"] != "error" || line["status"] != float64(429) {
		t.Errorf("got log line outcome %v status %v code %v, want error 429 too_many_requests", line["outcome"], line["status"], line["code"])
	}
	data, err := emfspec.Extract(metrics.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	var codes []string
	for _, d := range data {
		if c, ok := d.Dimensions[emf.DimensionCode]; ok {
			codes = append(codes, c)
		}
	}
	if len(codes) == 0 || strings.Count(strings.Join(codes, ","), "too_many_requests") != len(codes) {
		t.Errorf("got Code dimensions %q in the metric record, want too_many_requests", codes)
	}

	// The error page takes the code in redirect mode.
	limit.wait = 4*time.Minute + time.Second
	page, _ := url.Parse("https://shop.example.com/account?lang=en")
	h = testHandler(keys, client, &bytes.Buffer{}, func(o *Options) { o.Limit, o.Mapping.ErrorRedirectURL = limit, page })
	a = invoke(t, h, eventFile(t, "httpapi-add-customer-card.json"))
	if a.Status != 302 || a.Headers["Location"] != "https://shop.example.com/account?lang=en&error=too_many_requests" || a.Headers["Retry-After"] != "241" {
		t.Errorf("got %d Location %q Retry-After %q, want 302 to the error page with error=too_many_requests, Retry-After 241", a.Status, a.Headers["Location"], a.Headers["Retry-After"])
	}
	// Preflights and requests the function refuses itself are not held.
	for _, ev := range []string{"httpapi-preflight.json", "httpapi-missing-token.json"} {
		if a := invoke(t, h, eventFile(t, ev)); a.Status == 429 || a.Headers["Location"] != "" && strings.Contains(a.Headers["Location"], "too_many") {
			t.Errorf("%s: got %d %s, want its own answer", ev, a.Status, a.Headers["Location"])
		}
	}
	if client.endpointCalls+client.accessCalls != 0 {
		t.Errorf("got %d AIM calls for a blocked client, want 0", client.endpointCalls+client.accessCalls)
	}
}
