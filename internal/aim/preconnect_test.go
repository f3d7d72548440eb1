package aim_test

import (
	"context"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aimcards/customer-access-token/internal/aim"
)

// newTLSAIM is newFakeAIM over TLS, offering HTTP/2 too; closeFirst makes it close its first
// connection as soon as a request starts on it, before answering.
func newTLSAIM(t *testing.T, closeFirst bool, replies ...reply) *fakeAIM {
	t.Helper()
	f := &fakeAIM{replies: replies}
	f.Server = httptest.NewUnstartedServer(http.HandlerFunc(f.serve))
	var first atomic.Pointer[net.Conn]
	f.Config.ConnState = func(c net.Conn, s http.ConnState) {
		switch s {
		case http.StateNew:
			if f.conns.Add(1) == 1 {
				first.Store(&c)
			}
		case http.StateActive:
			if p := first.Load(); closeFirst && p != nil && *p == c {
				c.Close()
			}
		}
	}
	f.Config.ErrorLog = log.New(io.Discard, "", 0) // handshakes the tests cut short
	f.EnableHTTP2 = true                           // as AIM's servers may offer
	f.StartTLS()
	t.Cleanup(f.Close)
	return f
}

func endpointReply(url string) reply {
	return reply{body: `{"NewEndpointDomain":"` + url + `","OAuthToken":"` + oauthToken + `","Status":{"StatusCode":"Success"}}`}
}

func TestPreconnectFirstCallOpensNoConnection(t *testing.T) {
	f := newTLSAIM(t, false)
	f.replies = []reply{endpointReply(f.URL)}
	c := newClient(t, f.URL+"/aeservices30")
	if err := c.PreconnectService(context.Background())(); err != nil {
		t.Fatalf("PreconnectService: %v", err)
	}
	if got := f.conns.Load(); got != 1 {
		t.Fatalf("after PreconnectService: got %d connections, want 1", got)
	}
	ep, err := c.GetEndPoint(context.Background(), apiKey)
	if err != nil {
		t.Fatalf("GetEndPoint: %v", err)
	}
	if err := c.Preconnect(context.Background(), ep.URL)(); err != nil {
		t.Fatalf("Preconnect to the open host: %v", err)
	}
	if got := f.conns.Load(); got != 1 {
		t.Errorf("after GetEndPoint and Preconnect to the same host: got %d connections, want 1", got)
	}
}

func TestPreconnectPinnedEndpoint(t *testing.T) {
	service, store := newTLSAIM(t, false), newTLSAIM(t, false)
	store.replies = []reply{{body: `{"AccountManagementUrl":"https://cards.example/x","Status":{"StatusCode":"Success"}}`}}
	c := newClient(t, service.URL, func(o *aim.Options) { o.EndpointURL = store.URL })
	if err := c.PreconnectService(context.Background())(); err != nil {
		t.Fatalf("PreconnectService: %v", err)
	}
	if _, err := c.CustomerAccessToken(context.Background(), credsFor(store), aim.AccessTokenRequest{Token: custToken}); err != nil {
		t.Fatalf("CustomerAccessToken: %v", err)
	}
	if got := [2]int32{service.conns.Load(), store.conns.Load()}; got != [2]int32{1, 1} {
		t.Errorf("got %d service and %d store connections, want 1 and 1", got[0], got[1])
	}
}

// TestPreconnectClosedMeanwhile: a connection opened ahead that the server
// closed while it waited is replaced before the request is sent.
func TestPreconnectClosedMeanwhile(t *testing.T) {
	f := newTLSAIM(t, false)
	f.replies = []reply{endpointReply(f.URL)}
	c := newClient(t, f.URL)
	if err := c.Preconnect(context.Background(), f.URL)(); err != nil {
		t.Fatalf("Preconnect: %v", err)
	}
	f.CloseClientConnections()
	if _, err := c.GetEndPoint(context.Background(), apiKey); err != nil {
		t.Fatalf("GetEndPoint after the server closed the connection: %v", err)
	}
	if got := f.conns.Load(); got != 2 {
		t.Errorf("got %d connections, want 2", got)
	}
}

// TestPreconnectClosedOnFirstUse: a connection opened ahead that the server
// closes when the request arrives costs the one retry, not an error.
func TestPreconnectClosedOnFirstUse(t *testing.T) {
	f := newTLSAIM(t, true)
	f.replies = []reply{endpointReply(f.URL)}
	c := newClient(t, f.URL, func(o *aim.Options) { o.Timeout = 4 * time.Second })
	if err := c.Preconnect(context.Background(), f.URL)(); err != nil {
		t.Fatalf("Preconnect: %v", err)
	}
	if _, err := c.GetEndPoint(context.Background(), apiKey); err != nil {
		t.Fatalf("GetEndPoint on a connection closed at first use: %v", err)
	}
	if got := f.conns.Load(); got != 2 {
		t.Errorf("got %d connections, want 2", got)
	}
}

func TestPreconnectFailureLeavesDialing(t *testing.T) {
	f := newTLSAIM(t, false)
	f.replies = []reply{endpointReply(f.URL)}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := "https://" + ln.Addr().String()
	ln.Close()
	c := newClient(t, f.URL)
	if err := c.Preconnect(context.Background(), dead)(); err == nil {
		t.Errorf("Preconnect to a closed port: got no error, want one")
	}
	if _, err := c.GetEndPoint(context.Background(), apiKey); err != nil {
		t.Fatalf("GetEndPoint: %v", err)
	}
}

func TestClientSpeaksHTTP1(t *testing.T) {
	f := newTLSAIM(t, false)
	f.replies = []reply{endpointReply(f.URL)}
	c := newClient(t, f.URL)
	if _, err := c.GetEndPoint(context.Background(), apiKey); err != nil {
		t.Fatalf("GetEndPoint: %v", err)
	}
	if got := f.requests()[0].Proto; got != "HTTP/1.1" {
		t.Errorf("got %s, want HTTP/1.1", got)
	}
}
