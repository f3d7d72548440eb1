package aim

import (
	"context"
	"crypto/tls"
	"net"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// withWarmDialer makes w the dialer of t, for plain and TLS connections, and
// returns w. The TLS connections it opens are the ones t would open itself:
// t's TLSClientConfig (the system roots unless it says otherwise, full
// verification) with ServerName set to the host, and t's handshake timeout.
func withWarmDialer(t *http.Transport) *warmDialer {
	dial := t.DialContext
	if dial == nil {
		dial = (&net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}).DialContext
	}
	// Settle t's HTTP/2 defaults (its TLSClientConfig.NextProtos) now, so a
	// connection opened ahead offers what t's own connections offer.
	t.CloseIdleConnections()
	w := &warmDialer{dialTCP: dial, transport: t,
		parked: map[string]*preconnected{}, live: map[string]*atomic.Int32{}}
	t.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		return w.dial(ctx, "http", addr)
	}
	t.DialTLSContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		return w.dial(ctx, "https", addr)
	}
	return w
}

// open dials addr and, for https, completes the TLS handshake. The
// connection counts as live until it is closed.
func (w *warmDialer) open(ctx context.Context, scheme, addr string) (net.Conn, error) {
	raw, err := w.dialTCP(ctx, "tcp", addr)
	if err != nil {
		return nil, err
	}
	key := scheme + "://" + addr
	w.mu.Lock()
	n := w.liveCount(key)
	w.mu.Unlock()
	n.Add(1)
	raw = &countedConn{Conn: raw, live: n}
	if scheme != "https" {
		return raw, nil
	}
	return w.handshake(ctx, raw, addr)
}

// handshake runs the client side of TLS on raw as the Transport would.
func (w *warmDialer) handshake(ctx context.Context, raw net.Conn, addr string) (net.Conn, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		raw.Close()
		return nil, err
	}
	cfg := &tls.Config{}
	if w.transport.TLSClientConfig != nil {
		cfg = w.transport.TLSClientConfig.Clone()
	}
	if cfg.ServerName == "" {
		cfg.ServerName = host
	}
	if _, h2 := w.transport.TLSNextProto["h2"]; !h2 {
		// Offer HTTP/2 only when the Transport speaks it; its
		// TLSClientConfig may come from a Transport that did.
		// (Clone shares NextProtos' array: build a new one.)
		cfg.NextProtos = slices.DeleteFunc(slices.Clone(cfg.NextProtos), func(p string) bool { return p == "h2" })
	}
	if d := w.transport.TLSHandshakeTimeout; d > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, d)
		defer cancel()
	}
	conn := tls.Client(raw, cfg)
	if err := conn.HandshakeContext(ctx); err != nil {
		raw.Close()
		return nil, err
	}
	return conn, nil
}

// countedConn takes itself off its live counter when closed.
type countedConn struct {
	net.Conn
	live    *atomic.Int32
	once    sync.Once
	probing bool // see stillOpen
}

func (c *countedConn) Close() error {
	c.once.Do(func() { c.live.Add(-1) })
	return c.Conn.Close()
}

// ownHTTPClient is withoutRedirects(hc), and with hc nil the client over the
// Client's own Transport: HTTP/1.1 only, with the warm dialer that
// Preconnect fills.
func ownHTTPClient(hc *http.Client) (*http.Client, *warmDialer) {
	if hc != nil {
		return withoutRedirects(hc), nil
	}
	t := newTransport()
	t.Protocols = http1Only()
	return withoutRedirects(&http.Client{Transport: t}), withWarmDialer(t)
}

// http1Only keeps the Client to HTTP/1.1. A Lambda environment sends one
// request at a time, so HTTP/2's multiplexing brings nothing, while its
// framing, header compression and extra goroutines cost CPU: about 1 ms on
// first use and a tenth of a warm request's CPU (see the README's
// Performance section).
func http1Only() *http.Protocols {
	p := new(http.Protocols)
	p.SetHTTP1(true)
	return p
}
