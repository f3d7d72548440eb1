package handler

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aimcards/customer-access-token/internal/aim"
	"github.com/aimcards/customer-access-token/internal/apigw"
	"github.com/aimcards/customer-access-token/internal/stale"
	"github.com/aws/aws-lambda-go/events"
)

// Sentinel secret values: none may appear in a log line or an error body.
const (
	testAPIKey     = "sentinel-api-key-7f1e"
	testOAuthToken = "sentinel-oauth-token-22c9"
	testCustomer   = "sbx-customer-token-0001"
	testAccess     = "sentinel-access-token-9b0d"
	testAccountURL = "https://10846.active-e.net:7890/AccountManagement?at=sentinel-url-secret-5a3e"
)

// fakeKeys is a hand-written KeySource.
type fakeKeys struct {
	key        string
	err        error
	fresh      string // what Refresh returns; "" keeps key
	limited    bool   // Refresh is rate-limited
	refreshErr error  // what Refresh fails with; nil: err
	refreshes  int
}

func (f *fakeKeys) APIKey(context.Context) (string, bool, error) { return f.key, false, f.err }

func (f *fakeKeys) Refresh(context.Context) (string, bool, error) {
	if f.limited {
		return f.key, false, nil
	}
	f.refreshes++
	if f.refreshErr != nil {
		return "", false, f.refreshErr
	}
	if f.fresh != "" {
		f.key = f.fresh
	}
	return f.key, true, f.err
}

// fakeAIM is a hand-written AIM with replaceable operations.
type fakeAIM struct {
	mu             sync.Mutex
	endpointFn     func(apiKey string) (aim.Endpoint, error)
	accessFn       func(creds aim.Credentials, req aim.AccessTokenRequest) (aim.AccessToken, error)
	endpointCalls  int
	accessCalls    int
	lastAccessReq  aim.AccessTokenRequest
	lastAccessCred aim.Credentials
	lastDeadline   time.Time
}

func (f *fakeAIM) GetEndPoint(ctx context.Context, apiKey string) (aim.Endpoint, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.endpointCalls++
	if err := ctx.Err(); err != nil {
		return aim.Endpoint{}, &aim.Error{Op: aim.OpGetEndPoint, Kind: aim.KindUpstream, Err: err}
	}
	if f.endpointFn != nil {
		return f.endpointFn(apiKey)
	}
	return aim.Endpoint{URL: "https://10846.active-e.net:7890", OAuthToken: testOAuthToken}, nil
}

func (f *fakeAIM) CustomerAccessToken(ctx context.Context, creds aim.Credentials, req aim.AccessTokenRequest) (aim.AccessToken, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.accessCalls++
	f.lastAccessReq, f.lastAccessCred = req, creds
	f.lastDeadline, _ = ctx.Deadline()
	if err := ctx.Err(); err != nil {
		return aim.AccessToken{}, &aim.Error{Op: aim.OpCustomerAccessToken, Kind: aim.KindUpstream, Err: err}
	}
	if f.accessFn != nil {
		return f.accessFn(creds, req)
	}
	return aim.AccessToken{Token: testAccess, AccountManagementURL: testAccountURL}, nil
}

// The fake has no connections to warm up.
func (f *fakeAIM) DialStore(context.Context, string) func() { return func() {} }

// fakeClock is a settable clock.
type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time          { return c.t }
func (c *fakeClock) advance(d time.Duration) { c.t = c.t.Add(d) }

// testHandler builds a Handler over fakes, logging into logs.
func testHandler(keys *fakeKeys, client *fakeAIM, logs *bytes.Buffer, edit func(*Options)) *Handler {
	opts := Options{
		Keys:    keys,
		AIM:     client,
		Policy:  stale.Options{TTL: 5 * time.Minute},
		Mapping: apigw.Options{TokenCookie: "aim_token", AllowedOrigins: []string{"https://shop.example.com"}},
		Logger:  slog.New(slog.NewJSONHandler(logs, nil)),
	}
	if edit != nil {
		edit(&opts)
	}
	return New(opts)
}

// answer is a decoded function answer of either format.
type answer struct {
	Status  int
	Headers map[string]string
	Body    string
}

// invoke runs one payload through the handler the way the runtime does:
// raw bytes in, JSON out.
func invoke(t *testing.T, h *Handler, payload []byte) answer {
	t.Helper()
	b, err := h.Invoke(t.Context(), payload)
	if err != nil {
		t.Fatalf("Invoke returned a Lambda error: %v", err)
	}
	var a events.APIGatewayV2HTTPResponse
	if err := json.Unmarshal(b, &a); err != nil {
		t.Fatal(err)
	}
	h2 := map[string]string{}
	for k, v := range a.Headers {
		h2[k] = v
	}
	for k, v := range a.MultiValueHeaders {
		if len(v) > 0 {
			h2[k] = v[0]
		}
	}
	return answer{Status: a.StatusCode, Headers: h2, Body: a.Body}
}

func eventFile(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "events", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// problem is an application/problem+json body as callers read it.
type problem struct {
	Type         string `json:"type"`
	Title        string `json:"title"`
	Status       int    `json:"status"`
	Detail       string `json:"detail"`
	Code         string `json:"code"`
	AIMErrorCode string `json:"aimErrorCode"`
}

// problemOf decodes a problem+json body, refusing any field a caller
// would not know.
func problemOf(t *testing.T, a answer) problem {
	t.Helper()
	if a.Headers["Content-Type"] != "application/problem+json" {
		t.Fatalf("got Content-Type %q (status %d), want application/problem+json", a.Headers["Content-Type"], a.Status)
	}
	dec := json.NewDecoder(strings.NewReader(a.Body))
	dec.DisallowUnknownFields()
	var p problem
	if err := dec.Decode(&p); err != nil {
		t.Fatalf("problem body %s: %v", a.Body, err)
	}
	return p
}
