package aim_test

import (
	"cmp"
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aimcards/customer-access-token/internal/aim"
)

// Values the tests send; none may show up in an error text.
const (
	apiKey     = "key-3f9a1c77e0"
	oauthToken = "oauth-5e2b9d14aa"
	custToken  = "cust-8c4e0a62bb"
	appID      = "app-42"
)

// reply is one scripted AIM answer.
type reply struct {
	status  int // 0: 200
	header  map[string]string
	body    string
	chunked bool // send the body without Content-Length
	stall   bool // send the header and body, then hold the connection open
	hang    bool // answer nothing until the client goes away
	hangup  bool // close the connection without answering
}

// fakeAIM is a real HTTP server that answers with its replies in order (the
// last one repeats) and records every request it got.
type fakeAIM struct {
	*httptest.Server
	replies []reply
	conns   atomic.Int32 // connections opened by clients

	mu  sync.Mutex
	got []*http.Request
}

func newFakeAIM(t testing.TB, replies ...reply) *fakeAIM {
	t.Helper()
	f := &fakeAIM{replies: replies}
	f.Server = httptest.NewUnstartedServer(http.HandlerFunc(f.serve))
	f.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			f.conns.Add(1)
		}
	}
	f.Start()
	t.Cleanup(f.Close)
	return f
}

func (f *fakeAIM) serve(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	rp := f.replies[min(len(f.got), len(f.replies)-1)]
	f.got = append(f.got, r.Clone(context.Background()))
	f.mu.Unlock()
	switch {
	case rp.hangup:
		if conn, _, err := http.NewResponseController(w).Hijack(); err == nil {
			conn.Close()
		}
		return
	case rp.hang:
		waitForClient(r)
		return
	}
	for k, v := range rp.header {
		w.Header().Set(k, v)
	}
	w.Header().Set("Content-Type", cmp.Or(w.Header().Get("Content-Type"), "application/json"))
	w.WriteHeader(cmp.Or(rp.status, http.StatusOK))
	if rp.chunked || rp.stall {
		_ = http.NewResponseController(w).Flush()
	}
	_, _ = io.WriteString(w, rp.body)
	if rp.stall {
		_ = http.NewResponseController(w).Flush()
		waitForClient(r)
	}
}

// waitForClient blocks until the client drops the request, bounded so a
// broken test cannot hang the server's Close.
func waitForClient(r *http.Request) {
	select {
	case <-r.Context().Done():
	case <-time.After(5 * time.Second):
	}
}

// requests returns the requests received so far.
func (f *fakeAIM) requests() []*http.Request {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]*http.Request(nil), f.got...)
}

// calls counts the requests received so far.
func (f *fakeAIM) calls() int { return len(f.requests()) }

// seen is what a test asserts about a request AIM received.
type seen struct {
	Method string
	Path   string
	Query  url.Values
	Header http.Header
}

// seenOf keeps every header of r except the transport's own.
func seenOf(r *http.Request) seen {
	h := r.Header.Clone()
	h.Del("Accept-Encoding")
	h.Del("User-Agent")
	return seen{Method: r.Method, Path: r.URL.Path, Query: r.URL.Query(), Header: h}
}

// newClient returns a client for serviceURL with short test timeouts; edit
// may change the options first.
func newClient(t *testing.T, serviceURL string, edit ...func(*aim.Options)) *aim.Client {
	t.Helper()
	opts := aim.Options{ServiceURL: serviceURL, AppID: appID, Timeout: time.Second}
	for _, e := range edit {
		e(&opts)
	}
	c, err := aim.NewClient(opts)
	if err != nil {
		t.Fatalf("NewClient: %v", err)
	}
	return c
}

// credsFor returns credentials that point at f.
func credsFor(f *fakeAIM) aim.Credentials {
	return aim.Credentials{APIKey: apiKey, Endpoint: aim.Endpoint{URL: f.URL, OAuthToken: oauthToken}}
}
