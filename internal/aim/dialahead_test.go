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

// protos names each protocol the tests run over: HTTP/1.1 only, or HTTP/2
// offered by ALPN.
var protos = map[string]bool{"HTTP/1.1": false, "HTTP/2.0": true}

// TestDialAheadSendsNothing: DialAhead leaves a connection in the pool
// without a request on it, and the next call takes it, over HTTP/1.1 and
// HTTP/2.
func TestDialAheadSendsNothing(t *testing.T) {
	for proto, h2 := range protos {
		t.Run(proto, func(t *testing.T) {
			s := newTLSAIM(t, h2)
			c := newClient(t, s.URL)
			c.DialAhead(t.Context(), s.URL+"/aeservices30")()
			if got := s.requests(); len(got) != 0 {
				t.Fatalf("after DialAhead: got requests %q, want none", got)
			}
			if n := s.conns.Load(); n != 1 {
				t.Fatalf("after DialAhead: got %d connections, want 1", n)
			}
			if _, err := c.GetEndPoint(t.Context(), apiKey); err != nil {
				t.Fatalf("GetEndPoint: %v", err)
			}
			if got := s.requests(); len(got) != 1 || !strings.HasPrefix(got[0], "GET "+proto+" ") || s.conns.Load() != 1 {
				t.Errorf("got requests %q on %d connections, want one GET over %s on the connection dialled ahead", got, s.conns.Load(), proto)
			}
		})
	}
}

// TestDialAheadOncePerHost: a second DialAhead of a host, while the first
// is dialling or after it, waits for that dial: one connection, no request,
// and the call after it takes it, over HTTP/1.1 and HTTP/2.
func TestDialAheadOncePerHost(t *testing.T) {
	for proto, h2 := range protos {
		t.Run(proto, func(t *testing.T) {
			s := newTLSAIM(t, h2)
			c := newClient(t, s.URL)
			first := c.DialAhead(t.Context(), s.URL+"/aeservices30")
			c.DialAhead(t.Context(), s.URL)()
			first()
			c.DialAhead(t.Context(), s.URL+"/other")()
			if _, err := c.GetEndPoint(t.Context(), apiKey); err != nil {
				t.Fatalf("GetEndPoint: %v", err)
			}
			if got := s.requests(); len(got) != 1 || s.conns.Load() != 1 {
				t.Errorf("got requests %q on %d connections, want GetEndPoint alone on one connection", got, s.conns.Load())
			}
		})
	}
}

// TestHungDialAheadLeavesDiscoveryItsBudget: a dial ahead whose handshake
// is never answered holds GetEndPoint back for at most a quarter of its
// Timeout: the call then dials its own connection and is answered within
// its Timeout, over HTTP/1.1 and HTTP/2.
func TestHungDialAheadLeavesDiscoveryItsBudget(t *testing.T) {
	for proto, h2 := range protos {
		t.Run(proto, func(t *testing.T) {
			s := newTLSAIM(t, h2)
			p := newDroppingProxy(t, s.Listener.Addr().String())
			p.holdNew()
			c := newClient(t, "https://"+p.addr(), func(o *aim.Options) { o.Timeout = 5 * time.Second })
			wait := c.DialAhead(t.Context(), "https://"+p.addr())
			for p.accepted.Load() == 0 {
				time.Sleep(time.Millisecond)
			}
			p.dropOpen() // connections from now on are forwarded
			if _, err := c.GetEndPoint(t.Context(), apiKey); err != nil {
				t.Fatalf("GetEndPoint beside a hung dial ahead: %v, want an answer", err)
			}
			if got := s.requests(); len(got) != 1 || !strings.HasPrefix(got[0], "GET "+proto+" ") {
				t.Errorf("got requests %q, want one GET over %s", got, proto)
			}
			wait() // the hung dial was given up
		})
	}
}

// TestDialServicePinnedEndpoint: with EndpointURL set, DialService dials the
// store's host too, and DialStore then dials nothing more.
func TestDialServicePinnedEndpoint(t *testing.T) {
	service, store := newFakeAIM(t), newFakeAIM(t, reply{body: okBody})
	c := newClient(t, service.URL, func(o *aim.Options) { o.EndpointURL = store.URL })
	c.DialService(t.Context())()
	c.DialStore(t.Context(), store.URL)()
	other := newFakeAIM(t) // a stale hint: the pin decides where the click goes
	c.DialStore(t.Context(), other.URL)()
	if _, err := c.CustomerAccessToken(t.Context(), credsFor(store), aim.AccessTokenRequest{Token: custToken}); err != nil {
		t.Fatalf("CustomerAccessToken: %v", err)
	}
	if got := [4]int{service.calls(), int(service.conns.Load()), store.calls(), int(store.conns.Load())}; got != [4]int{0, 1, 1, 1} {
		t.Errorf("got %d requests on %d connections to the service and %d on %d to the store, want 0 on 1 and 1 on 1",
			got[0], got[1], got[2], got[3])
	}
	if n := other.conns.Load(); n != 0 {
		t.Errorf("got %d connections to a host that is not the pinned endpoint, want 0", n)
	}
}

// TestDialAheadFailureLeavesDialing: a dial ahead to a closed port returns,
// and calls dial as usual.
func TestDialAheadFailureLeavesDialing(t *testing.T) {
	f := newFakeAIM(t)
	f.replies = []reply{endpointReply(f.URL)}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := "http://" + ln.Addr().String()
	ln.Close()
	c := newClient(t, f.URL)
	c.DialAhead(t.Context(), dead)()
	if _, err := c.GetEndPoint(t.Context(), apiKey); err != nil {
		t.Fatalf("GetEndPoint: %v", err)
	}
}

// TestIdleConnectionAgesOut: a connection the network silently dropped
// while it waited in the pool (a NAT's idle timeout) is not used once it is
// older than IdleConnTimeout; the call opens a new one and is answered.
func TestIdleConnectionAgesOut(t *testing.T) {
	f := newFakeAIM(t, reply{body: okBody})
	p := newDroppingProxy(t, f.Listener.Addr().String())
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.IdleConnTimeout = 50 * time.Millisecond
	c := newClient(t, "http://"+p.addr(), func(o *aim.Options) { o.HTTPClient = &http.Client{Transport: tr} })
	c.DialAhead(t.Context(), "http://"+p.addr())()
	p.dropOpen()
	time.Sleep(100 * time.Millisecond) // past IdleConnTimeout
	creds := aim.Credentials{APIKey: apiKey, Endpoint: aim.Endpoint{URL: "http://" + p.addr(), OAuthToken: oauthToken}}
	if _, err := c.CustomerAccessToken(t.Context(), creds, aim.AccessTokenRequest{Token: custToken}); err != nil {
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
	dropped  chan struct{}
	accepted atomic.Int32 // connections accepted so far
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
			p.accepted.Add(1)
			t.Cleanup(func() { down.Close(); up.Close() })
			go forward(up, down, dropped)
			go forward(down, up, dropped)
		}
	}()
	return p
}

func (p *droppingProxy) addr() string { return p.ln.Addr().String() }

// dropOpen makes the connections open so far carry nothing more, and those
// opened from now on carry data.
func (p *droppingProxy) dropOpen() {
	p.mu.Lock()
	defer p.mu.Unlock()
	select {
	case <-p.dropped:
	default:
		close(p.dropped)
	}
	p.dropped = make(chan struct{})
}

// holdNew makes the connections opened from now on carry nothing, until
// dropOpen.
func (p *droppingProxy) holdNew() {
	p.mu.Lock()
	defer p.mu.Unlock()
	close(p.dropped)
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

// TestStaleHTTP2DialAheadNotUsed: an HTTP/2 connection dialled ahead and
// left idle for longer than IdleConnTimeout (as across a freeze) is not
// used by the next call, which opens a new connection.
func TestStaleHTTP2DialAheadNotUsed(t *testing.T) {
	s := newTLSAIM(t, true)
	c := s.client(t, 50*time.Millisecond)
	c.DialAhead(t.Context(), s.URL)()
	time.Sleep(100 * time.Millisecond) // past IdleConnTimeout
	if _, err := c.GetEndPoint(context.Background(), apiKey); err != nil {
		t.Fatalf("GetEndPoint: %v", err)
	}
	if n := s.conns.Load(); n != 2 {
		t.Errorf("got %d connections, want 2: the GET on a new one", n)
	}
}
