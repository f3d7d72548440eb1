package devserver

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/google/go-cmp/cmp"
)

// fakeInvoker records the events it gets and answers with answer or err.
type fakeInvoker struct {
	mu     sync.Mutex
	events [][]byte
	answer events.APIGatewayV2HTTPResponse
	err    error
}

func (f *fakeInvoker) Respond(_ context.Context, event []byte) (events.APIGatewayV2HTTPResponse, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.events = append(f.events, event)
	return f.answer, f.err
}

var fixedTime = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

// newTestHandler returns a Handler with a fixed clock and request id.
func newTestHandler(inv Invoker) *Handler {
	h := New(inv, nil)
	h.now = func() time.Time { return fixedTime }
	h.newID = func() string { return "req-1" }
	return h
}

func TestServeHTTPBuildsEvent(t *testing.T) {
	t.Parallel()
	inv := &fakeInvoker{answer: events.APIGatewayV2HTTPResponse{StatusCode: http.StatusFound}}
	req := httptest.NewRequest(http.MethodGet, "http://127.0.0.1:3000/customer-access-token?Mode=UPDATE_CARD&ItemKey=9001&x=1&x=2", nil)
	req.RemoteAddr = "192.0.2.7:51000"
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Origin", "http://127.0.0.1:3001")
	req.Header.Add("X-Multi", "a")
	req.Header.Add("X-Multi", "b")
	req.Header.Set("User-Agent", "test-agent")
	req.Header.Set("X-Forwarded-For", "203.0.113.5") // a proxy in front: API Gateway appends the caller
	req.Header.Add("Cookie", "aim_token=tok; theme=dark")
	req.Header.Add("Cookie", "other=1")
	newTestHandler(inv).ServeHTTP(httptest.NewRecorder(), req)

	if len(inv.events) != 1 {
		t.Fatalf("invocations: got %d, want 1", len(inv.events))
	}
	var got events.APIGatewayV2HTTPRequest
	if err := json.Unmarshal(inv.events[0], &got); err != nil {
		t.Fatalf("decode event: %v", err)
	}
	want := events.APIGatewayV2HTTPRequest{
		Version:        "2.0",
		RouteKey:       "GET /customer-access-token",
		RawPath:        "/customer-access-token",
		RawQueryString: "Mode=UPDATE_CARD&ItemKey=9001&x=1&x=2",
		Cookies:        []string{"aim_token=tok", "theme=dark", "other=1"},
		Headers: map[string]string{
			"accept":            "application/json",
			"origin":            "http://127.0.0.1:3001",
			"x-multi":           "a,b",
			"user-agent":        "test-agent",
			"host":              "127.0.0.1:3000",
			"x-forwarded-for":   "203.0.113.5, 192.0.2.7",
			"x-forwarded-port":  "3000",
			"x-forwarded-proto": "http",
		},
		QueryStringParameters: map[string]string{"Mode": "UPDATE_CARD", "ItemKey": "9001", "x": "1,2"},
		RequestContext: events.APIGatewayV2HTTPRequestContext{
			RouteKey:     "GET /customer-access-token",
			AccountID:    accountID,
			Stage:        "$default",
			RequestID:    "req-1",
			APIID:        apiID,
			DomainName:   "127.0.0.1:3000",
			DomainPrefix: "127",
			Time:         "02/Jan/2026:03:04:05 +0000",
			TimeEpoch:    fixedTime.UnixMilli(),
			HTTP: events.APIGatewayV2HTTPRequestContextHTTPDescription{
				Method: "GET", Path: "/customer-access-token", Protocol: "HTTP/1.1", SourceIP: "192.0.2.7", UserAgent: "test-agent",
			},
		},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("event mismatch (-want +got):\n%s", diff)
	}
}

func TestServeHTTPEventHasNoAuthorizer(t *testing.T) {
	t.Parallel()
	// The function reads Authorization as the AIM token only when no
	// authorizer ran; a local API has none.
	inv := &fakeInvoker{answer: events.APIGatewayV2HTTPResponse{StatusCode: http.StatusFound}}
	newTestHandler(inv).ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/customer-access-token", nil))
	var raw struct {
		RequestContext map[string]json.RawMessage `json:"requestContext"`
	}
	if err := json.Unmarshal(inv.events[0], &raw); err != nil {
		t.Fatalf("decode event: %v", err)
	}
	if a, ok := raw.RequestContext["authorizer"]; ok {
		t.Errorf("requestContext.authorizer: got %s, want absent", a)
	}
}

func TestServeHTTPRoutes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		method, path string
		wantStatus   int
		wantInvoked  bool
	}{
		{http.MethodGet, "/customer-access-token", http.StatusFound, true},
		{http.MethodOptions, "/customer-access-token", http.StatusFound, true},
		{http.MethodPost, "/customer-access-token", http.StatusNotFound, false},
		{http.MethodGet, "/", http.StatusNotFound, false},
		{http.MethodGet, "/customer-access-token/", http.StatusNotFound, false},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			inv := &fakeInvoker{answer: events.APIGatewayV2HTTPResponse{StatusCode: http.StatusFound}}
			rec := httptest.NewRecorder()
			newTestHandler(inv).ServeHTTP(rec, httptest.NewRequest(tt.method, tt.path, nil))
			if rec.Code != tt.wantStatus {
				t.Errorf("status: got %d, want %d", rec.Code, tt.wantStatus)
			}
			if got := len(inv.events) == 1; got != tt.wantInvoked {
				t.Errorf("function invoked: got %v, want %v", got, tt.wantInvoked)
			}
		})
	}
}

func TestServeHTTPWritesAnswer(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		answer      events.APIGatewayV2HTTPResponse
		wantStatus  int
		wantHeaders http.Header
		wantBody    string
	}{
		{
			name: "redirect",
			answer: events.APIGatewayV2HTTPResponse{StatusCode: http.StatusFound, Headers: map[string]string{
				"Location": "http://127.0.0.1:9/AccountManagement?at=x", "Cache-Control": "no-store",
			}},
			wantStatus: http.StatusFound,
			wantHeaders: http.Header{
				"Location": {"http://127.0.0.1:9/AccountManagement?at=x"}, "Cache-Control": {"no-store"}, "Content-Length": {"0"},
			},
		},
		{
			name: "json with cookies",
			answer: events.APIGatewayV2HTTPResponse{
				StatusCode:        http.StatusOK,
				Headers:           map[string]string{"Content-Type": "application/json"},
				MultiValueHeaders: map[string][]string{"Vary": {"Origin", "Accept"}},
				Cookies:           []string{"a=1; Path=/", "b=2; HttpOnly"},
				Body:              `{"AccountManagementUrl":"u"}`,
			},
			wantStatus: http.StatusOK,
			wantHeaders: http.Header{
				"Content-Type": {"application/json"}, "Vary": {"Origin", "Accept"},
				"Set-Cookie": {"a=1; Path=/", "b=2; HttpOnly"}, "Content-Length": {"28"},
			},
			wantBody: `{"AccountManagementUrl":"u"}`,
		},
		{
			name:        "preflight",
			answer:      events.APIGatewayV2HTTPResponse{StatusCode: http.StatusNoContent, Headers: map[string]string{"Access-Control-Max-Age": "600"}},
			wantStatus:  http.StatusNoContent,
			wantHeaders: http.Header{"Access-Control-Max-Age": {"600"}},
		},
		{
			name: "headers merged as API Gateway merges them",
			answer: events.APIGatewayV2HTTPResponse{
				StatusCode:        http.StatusOK,
				Headers:           map[string]string{"Vary": "Origin", "X-A": "1"},
				MultiValueHeaders: map[string][]string{"Vary": {"Origin", "Accept"}},
			},
			wantStatus:  http.StatusOK,
			wantHeaders: http.Header{"Vary": {"Origin", "Accept"}, "X-A": {"1"}, "Content-Length": {"0"}},
		},
		{
			name:        "base64 body",
			answer:      events.APIGatewayV2HTTPResponse{StatusCode: http.StatusOK, Body: "aGVsbG8=", IsBase64Encoded: true},
			wantStatus:  http.StatusOK,
			wantHeaders: http.Header{"Content-Length": {"5"}},
			wantBody:    "hello",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			newTestHandler(&fakeInvoker{answer: tt.answer}).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, Path, nil))
			if rec.Code != tt.wantStatus {
				t.Errorf("status: got %d, want %d", rec.Code, tt.wantStatus)
			}
			if diff := cmp.Diff(tt.wantHeaders, rec.Header()); diff != "" {
				t.Errorf("headers mismatch (-want +got):\n%s", diff)
			}
			if got := rec.Body.String(); got != tt.wantBody {
				t.Errorf("body: got %q, want %q", got, tt.wantBody)
			}
		})
	}
}

func TestServeHTTPInvokeFailure(t *testing.T) {
	t.Parallel()
	// The error text may carry what the function printed; it stays out of
	// the answer, as API Gateway keeps it out.
	for name, inv := range map[string]*fakeInvoker{
		"function error":   {err: errors.New("rie: invoke: function returned an error: secret-ish")},
		"undecodable body": {answer: events.APIGatewayV2HTTPResponse{StatusCode: http.StatusOK, Body: "***", IsBase64Encoded: true}},
	} {
		t.Run(name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			newTestHandler(inv).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, Path, nil))
			if rec.Code != http.StatusInternalServerError {
				t.Errorf("status: got %d, want %d", rec.Code, http.StatusInternalServerError)
			}
			if got, want := strings.TrimSpace(rec.Body.String()), `{"message":"Internal Server Error"}`; got != want {
				t.Errorf("body: got %s, want %s", got, want)
			}
		})
	}
}

// overlapInvoker reports whether two invocations ever ran at once.
type overlapInvoker struct {
	mu      sync.Mutex
	active  int
	overlap bool
	release chan struct{}
}

func (o *overlapInvoker) Respond(context.Context, []byte) (events.APIGatewayV2HTTPResponse, error) {
	o.mu.Lock()
	o.active++
	o.overlap = o.overlap || o.active > 1
	o.mu.Unlock()
	<-o.release
	o.mu.Lock()
	o.active--
	o.mu.Unlock()
	return events.APIGatewayV2HTTPResponse{StatusCode: http.StatusOK}, nil
}

func TestServeHTTPOneInvocationAtATime(t *testing.T) {
	t.Parallel()
	inv := &overlapInvoker{release: make(chan struct{})}
	srv := httptest.NewServer(New(inv, nil))
	defer srv.Close()
	const n = 4
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() {
			resp, err := http.Get(srv.URL + Path)
			if err != nil {
				t.Errorf("GET: %v", err)
				return
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		})
	}
	for range n {
		inv.release <- struct{}{}
	}
	wg.Wait()
	if inv.overlap {
		t.Error("invocations overlapped: got two at once, want one at a time")
	}
}

func TestEncodeBody(t *testing.T) {
	t.Parallel()
	tests := []struct {
		body       []byte
		want       string
		wantBase64 bool
	}{
		{nil, "", false},
		{[]byte("Mode=UPDATE_CARD"), "Mode=UPDATE_CARD", false},
		{[]byte{0xff, 0x00, 0x01}, "/wAB", true},
	}
	for _, tt := range tests {
		got, gotBase64 := encodeBody(tt.body)
		if got != tt.want || gotBase64 != tt.wantBase64 {
			t.Errorf("encodeBody(%q): got (%q, %v), want (%q, %v)", tt.body, got, gotBase64, tt.want, tt.wantBase64)
		}
	}
}

func TestNewRequestIDIsAUUID(t *testing.T) {
	t.Parallel()
	a, b := newRequestID(), newRequestID()
	if len(a) != 36 || strings.Count(a, "-") != 4 || a[14] != '4' {
		t.Errorf("newRequestID: got %q, want a version 4 UUID", a)
	}
	if a == b {
		t.Errorf("newRequestID twice: got %q both times, want different ids", a)
	}
}
