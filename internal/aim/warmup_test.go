package aim_test

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aimcards/customer-access-token/internal/aim"
)

func endpointReply(url string) reply {
	return reply{body: `{"NewEndpointDomain":"` + url + `","OAuthToken":"` + oauthToken + `","Status":{"StatusCode":"Success"}}`}
}

// TestWarmUp: a warm-up is a HEAD of the base URL without AIM's headers,
// and leaves the connection the next call uses.
func TestWarmUp(t *testing.T) {
	f := newFakeAIM(t)
	f.replies = []reply{{status: http.StatusFound, header: map[string]string{"Location": "/aeservices30/metadata"}}, endpointReply(f.URL)}
	c := newClient(t, f.URL+"/aeservices30")
	if err := c.WarmUpService(context.Background())(); err != nil {
		t.Fatalf("WarmUpService: %v", err)
	}
	if _, err := c.GetEndPoint(context.Background(), apiKey); err != nil {
		t.Fatalf("GetEndPoint: %v", err)
	}
	if got := f.conns.Load(); got != 1 {
		t.Errorf("got %d connections, want 1 (the warm-up's)", got)
	}
	warm := f.requests()[0]
	if warm.Method != http.MethodHead || warm.URL.Path != "/aeservices30" {
		t.Errorf("got warm-up %s %s, want HEAD /aeservices30", warm.Method, warm.URL.Path)
	}
	for _, name := range []string{"ApiKey", "AppId", "OAuthToken", "Token"} {
		if v := warm.Header.Values(name); v != nil {
			t.Errorf("warm-up sent header %s %q, want none", name, v)
		}
	}
}

// TestWarmUpPinnedEndpoint: with EndpointURL set, WarmUpService warms the
// store's host too, and WarmUpStore then sends nothing more.
func TestWarmUpPinnedEndpoint(t *testing.T) {
	service, store := newFakeAIM(t, reply{status: http.StatusFound}), newFakeAIM(t, reply{status: http.StatusFound}, reply{body: okBody})
	c := newClient(t, service.URL, func(o *aim.Options) { o.EndpointURL = store.URL })
	if err := c.WarmUpService(context.Background())(); err != nil {
		t.Fatalf("WarmUpService: %v", err)
	}
	if err := c.WarmUpStore(context.Background(), store.URL); err != nil {
		t.Fatalf("WarmUpStore: %v", err)
	}
	if _, err := c.CustomerAccessToken(context.Background(), credsFor(store), aim.AccessTokenRequest{Token: custToken}); err != nil {
		t.Fatalf("CustomerAccessToken: %v", err)
	}
	if got := [4]int{service.calls(), int(service.conns.Load()), store.calls(), int(store.conns.Load())}; got != [4]int{1, 1, 2, 1} {
		t.Errorf("got %d requests on %d connections to the service and %d on %d to the store, want 1 on 1 and 2 on 1",
			got[0], got[1], got[2], got[3])
	}
}

func TestWarmUpFailureLeavesDialing(t *testing.T) {
	f := newFakeAIM(t)
	f.replies = []reply{endpointReply(f.URL)}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := "http://" + ln.Addr().String()
	ln.Close()
	c := newClient(t, f.URL)
	if err := c.WarmUp(context.Background(), dead); err == nil {
		t.Errorf("WarmUp of a closed port: got no error, want one")
	}
	if _, err := c.GetEndPoint(context.Background(), apiKey); err != nil {
		t.Fatalf("GetEndPoint: %v", err)
	}
}

// TestIdleConnectionAgesOut: a connection the network silently dropped
// while it waited in the pool (a NAT's idle timeout) is not used once it is
// older than IdleConnTimeout; the call opens a new one and is answered.
func TestIdleConnectionAgesOut(t *testing.T) {
	f := newFakeAIM(t, reply{status: http.StatusFound}, reply{body: okBody})
	p := newDroppingProxy(t, f.Listener.Addr().String())
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.IdleConnTimeout = 50 * time.Millisecond
	c := newClient(t, "http://"+p.addr(), func(o *aim.Options) { o.HTTPClient = &http.Client{Transport: tr} })
	if err := c.WarmUp(context.Background(), "http://"+p.addr()); err != nil {
		t.Fatalf("WarmUp: %v", err)
	}
	p.dropOpen()
	time.Sleep(100 * time.Millisecond) // past IdleConnTimeout
	creds := aim.Credentials{APIKey: apiKey, Endpoint: aim.Endpoint{URL: "http://" + p.addr(), OAuthToken: oauthToken}}
	if _, err := c.CustomerAccessToken(context.Background(), creds, aim.AccessTokenRequest{Token: custToken}); err != nil {
		t.Fatalf("CustomerAccessToken after the idle connection was dropped: %v", err)
	}
	if got := f.conns.Load(); got != 2 {
		t.Errorf("got %d connections, want 2 (the dropped one not reused)", got)
	}
}

// droppingProxy forwards TCP connections to a server until dropOpen, after
// which the connections open so far carry nothing more, with no FIN or
// reset: what a NAT does to a connection it has forgotten.
type droppingProxy struct {
	ln net.Listener
	mu sync.Mutex
	// dropped is closed by dropOpen; each connection watches the one that
	// was current when it opened.
	dropped chan struct{}
}

func newDroppingProxy(t *testing.T, target string) *droppingProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &droppingProxy{ln: ln, dropped: make(chan struct{})}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			down, err := ln.Accept()
			if err != nil {
				return
			}
			up, err := net.Dial("tcp", target)
			if err != nil {
				down.Close()
				continue
			}
			p.mu.Lock()
			dropped := p.dropped
			p.mu.Unlock()
			t.Cleanup(func() { down.Close(); up.Close() })
			go forward(up, down, dropped)
			go forward(down, up, dropped)
		}
	}()
	return p
}

func (p *droppingProxy) addr() string { return p.ln.Addr().String() }

func (p *droppingProxy) dropOpen() {
	p.mu.Lock()
	defer p.mu.Unlock()
	close(p.dropped)
	p.dropped = make(chan struct{})
}

// forward copies src to dst until src ends or dropped is closed; after
// that it reads and discards.
func forward(dst io.Writer, src io.Reader, dropped <-chan struct{}) {
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		select {
		case <-dropped:
		default:
			_, _ = dst.Write(buf[:n])
		}
		if err != nil {
			return
		}
	}
}

// tlsAIM is a TLS server offering HTTP/2 or only HTTP/1.1 whose HEAD
// answers wait for release (or the client's leaving), and whose GETs answer
// GetEndPoint. It records each request's protocol and connection.
type tlsAIM struct {
	*httptest.Server
	release chan struct{}
	mu      sync.Mutex
	seen    []string // "METHOD PROTO REMOTEADDR"
	conns   atomic.Int32
}

func newTLSAIM(t *testing.T, h2 bool) *tlsAIM {
	t.Helper()
	s := &tlsAIM{release: make(chan struct{})}
	s.Server = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.seen = append(s.seen, r.Method+" "+r.Proto+" "+r.RemoteAddr)
		s.mu.Unlock()
		if r.Method == http.MethodHead {
			select {
			case <-s.release:
			case <-r.Context().Done():
			}
			w.WriteHeader(http.StatusFound)
			return
		}
		_, _ = io.WriteString(w, `{"NewEndpointDomain":"https://store.example","OAuthToken":"`+oauthToken+`"}`)
	}))
	s.EnableHTTP2 = h2
	s.Config.ConnState = func(_ net.Conn, st http.ConnState) {
		if st == http.StateNew {
			s.conns.Add(1)
		}
	}
	s.StartTLS()
	t.Cleanup(s.Close)
	t.Cleanup(func() { s.releaseHeads() })
	return s
}

func (s *tlsAIM) releaseHeads() {
	select {
	case <-s.release:
	default:
		close(s.release)
	}
}

func (s *tlsAIM) requests() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.seen)
}

// client is an aim.Client for s over s's own TLS roots, with idle as the
// Transport's IdleConnTimeout.
func (s *tlsAIM) client(t *testing.T, idle time.Duration) *aim.Client {
	tr := s.Client().Transport.(*http.Transport).Clone()
	tr.IdleConnTimeout = idle
	return newClient(t, s.URL, func(o *aim.Options) { o.HTTPClient = &http.Client{Transport: tr} })
}

// TestWarmUpHTTP2ReturnsWithTheConnection: over HTTP/2, WarmUp returns once
// the connection is up, without waiting for the HEAD's answer (held back
// here), and the next call shares that connection.
func TestWarmUpHTTP2ReturnsWithTheConnection(t *testing.T) {
	s := newTLSAIM(t, true)
	c := s.client(t, 0)
	if err := c.WarmUp(context.Background(), s.URL); err != nil {
		t.Fatalf("WarmUp with the HEAD's answer held back: %v", err)
	}
	if _, err := c.GetEndPoint(context.Background(), apiKey); err != nil {
		t.Fatalf("GetEndPoint: %v", err)
	}
	got := s.requests()
	if last := got[len(got)-1]; !strings.HasPrefix(last, "GET HTTP/2.0 ") {
		t.Errorf("got requests %q, want the GET over HTTP/2.0", got)
	}
	if n := s.conns.Load(); n != 1 {
		t.Errorf("got %d connections, want 1 (the warm-up's, shared)", n)
	}
}

// TestWarmUpHTTP1WaitsForTheAnswer: over HTTP/1.1 (TLS without h2), WarmUp
// returns only with the HEAD's answer, and the next call takes the pooled
// connection.
func TestWarmUpHTTP1WaitsForTheAnswer(t *testing.T) {
	s := newTLSAIM(t, false)
	c := s.client(t, 0)
	done := make(chan error, 1)
	go func() { done <- c.WarmUp(context.Background(), s.URL) }()
	for len(s.requests()) == 0 {
		time.Sleep(time.Millisecond)
	}
	select {
	case err := <-done:
		t.Fatalf("WarmUp returned (%v) before the HEAD was answered, want it to wait", err)
	case <-time.After(50 * time.Millisecond):
	}
	s.releaseHeads()
	if err := <-done; err != nil {
		t.Fatalf("WarmUp: %v", err)
	}
	if _, err := c.GetEndPoint(context.Background(), apiKey); err != nil {
		t.Fatalf("GetEndPoint: %v", err)
	}
	if got := s.requests(); len(got) != 2 || !strings.HasPrefix(got[1], "GET HTTP/1.1 ") {
		t.Errorf("got requests %q, want a HEAD then a GET over HTTP/1.1", got)
	}
	if got := s.conns.Load(); got != 1 {
		t.Errorf("got %d connections, want 1 (the warm-up's)", got)
	}
}

// TestStaleHTTP2WarmUpNotUsed: an HTTP/2 warm-up connection left idle for
// longer than IdleConnTimeout (as across a freeze) is not used by the next
// call, which opens a new connection.
func TestStaleHTTP2WarmUpNotUsed(t *testing.T) {
	s := newTLSAIM(t, true)
	c := s.client(t, 50*time.Millisecond)
	if err := c.WarmUp(context.Background(), s.URL); err != nil {
		t.Fatalf("WarmUp: %v", err)
	}
	time.Sleep(100 * time.Millisecond) // past IdleConnTimeout
	if _, err := c.GetEndPoint(context.Background(), apiKey); err != nil {
		t.Fatalf("GetEndPoint: %v", err)
	}
	if n := s.conns.Load(); n != 2 {
		t.Errorf("got %d connections, want 2: the GET on a new one", n)
	}
}
