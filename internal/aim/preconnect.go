package aim

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"sync"
	"sync/atomic"
)

// Preconnect starts opening a connection (TCP and, for https, TLS) to the
// host of baseURL and keeps it for the next request to that host, so that
// request pays only its own round trip; a request that comes while the
// connection is being opened waits for it rather than opening another. It
// returns at once; wait returns when the connection is open or has failed
// (a failure only means the next request dials as usual). It does nothing
// when a connection to the host is already open or being opened, when
// requests to it go through a proxy, or when the Client was built with a
// caller's HTTPClient.
func (c *Client) Preconnect(ctx context.Context, baseURL string) (wait func() error) {
	if c.warm == nil {
		return noWait
	}
	u, err := parseBaseURL(baseURL)
	if err != nil {
		return func() error { return fmt.Errorf("aim: preconnect: base URL %w", err) }
	}
	if c.proxied(u) {
		return noWait
	}
	p := c.warm.reserve(u.Scheme, hostPort(u))
	if p == nil {
		return noWait
	}
	go c.warm.fill(ctx, p)
	return func() error {
		<-p.done
		if p.err != nil {
			return fmt.Errorf("aim: preconnect: %w", p.err)
		}
		return nil
	}
}

// PreconnectService is Preconnect for the service host, which GetEndPoint
// needs, and with Options.EndpointURL set for that store host too.
func (c *Client) PreconnectService(ctx context.Context) (wait func() error) {
	service := c.Preconnect(ctx, c.serviceURL)
	if c.endpointURL == "" {
		return service
	}
	store := c.Preconnect(ctx, c.endpointURL)
	return func() error { return errors.Join(service(), store()) }
}

func noWait() error { return nil }

// proxied reports whether requests to u go through a proxy, whose
// connections a preconnect cannot open ahead.
func (c *Client) proxied(u *url.URL) bool {
	t, ok := c.httpClient.Transport.(*http.Transport)
	if !ok || t.Proxy == nil {
		return false
	}
	p, err := t.Proxy(&http.Request{URL: u})
	return err != nil || p != nil
}

// hostPort is the address the Transport dials for u: host and port, the
// scheme's port when u has none.
func hostPort(u *url.URL) string {
	port := u.Port()
	if port == "" {
		port = "80"
		if u.Scheme == "https" {
			port = "443"
		}
	}
	return net.JoinHostPort(u.Hostname(), port)
}

// preconnected is a connection opened ahead; done is closed once conn or
// err is set.
type preconnected struct {
	key, scheme, addr string
	done              chan struct{}
	conn              net.Conn
	err               error
}

// warmDialer is the dialer of the Client's own Transport. It hands the
// Transport a connection opened ahead by Preconnect when one is waiting for
// the address (after checking that the server has not closed it), and dials
// as the Transport would otherwise.
type warmDialer struct {
	dialTCP   func(ctx context.Context, network, addr string) (net.Conn, error)
	transport *http.Transport // for its TLS settings

	mu     sync.Mutex
	parked map[string]*preconnected // by scheme+"://"+addr
	live   map[string]*atomic.Int32 // open connections by the same key
}

// reserve parks a connection-to-be for scheme and addr and returns it,
// or nil when a connection is open or being opened already.
func (w *warmDialer) reserve(scheme, addr string) *preconnected {
	key := scheme + "://" + addr
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.parked[key] != nil || w.liveCount(key).Load() > 0 {
		return nil
	}
	p := &preconnected{key: key, scheme: scheme, addr: addr, done: make(chan struct{})}
	w.parked[key] = p
	return p
}

// fill opens p's connection; on failure it unparks p.
func (w *warmDialer) fill(ctx context.Context, p *preconnected) {
	p.conn, p.err = w.open(ctx, p.scheme, p.addr)
	close(p.done)
	if p.err != nil {
		w.mu.Lock()
		if w.parked[p.key] == p {
			delete(w.parked, p.key)
		}
		w.mu.Unlock()
	}
}

// dial returns the parked connection for scheme and addr when there is a
// live one, and otherwise opens a new one.
func (w *warmDialer) dial(ctx context.Context, scheme, addr string) (net.Conn, error) {
	key := scheme + "://" + addr
	if conn := w.take(ctx, key); conn != nil {
		return conn, nil
	}
	return w.open(ctx, scheme, addr)
}

// take removes the parked connection for key, waiting for it while it is
// being opened, and returns it if the server has not closed it meanwhile.
func (w *warmDialer) take(ctx context.Context, key string) net.Conn {
	w.mu.Lock()
	p := w.parked[key]
	delete(w.parked, key)
	w.mu.Unlock()
	if p == nil {
		return nil
	}
	select {
	case <-p.done:
	case <-ctx.Done():
		go discard(p)
		return nil
	}
	if p.err != nil {
		return nil
	}
	if !stillOpen(p.conn) {
		p.conn.Close()
		return nil
	}
	return p.conn
}

// discard closes p's connection once it is open.
func discard(p *preconnected) {
	<-p.done
	if p.conn != nil {
		p.conn.Close()
	}
}

// liveCount is the counter of open connections for key; w.mu is held.
func (w *warmDialer) liveCount(key string) *atomic.Int32 {
	n := w.live[key]
	if n == nil {
		n = new(atomic.Int32)
		w.live[key] = n
	}
	return n
}
