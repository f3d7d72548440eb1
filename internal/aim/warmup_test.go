package aim_test

import (
	"context"
	"io"
	"net"
	"net/http"
	"sync"
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
	c := newClient(t, "http://"+p.addr(), func(o *aim.Options) { o.IdleConnTimeout = 50 * time.Millisecond })
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
