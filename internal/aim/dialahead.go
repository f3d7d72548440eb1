package aim

import (
	"context"
	"crypto/tls"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"sync"
	"sync/atomic"
	"time"
)

// DialAhead starts opening a connection to baseURL's host (TCP and, for
// https, TLS) and returns at once; wait returns when its handshake is done
// or failed, or when ctx is done. Nothing is sent on it: the next call to
// that host finds it in the pool and pays only its own round trip (a first
// click at 0.92 of a per-click integration's at 1,024 MB, where a warm-up
// HEAD gave 1.12 over HTTP/1.1: README, Performance). It is net/http's own
// dial: a request is started and given up as its dial begins, and the
// Transport, whose dials outlive the requests that start them, pools the
// connection. A call that comes meanwhile waits for it (one connection per
// host) rather than spend a second handshake; a dial still unfinished after
// a quarter of the call timeout is given up, so that the call dials its own.
// A host is dialled ahead once per Client: a later DialAhead waits for that
// dial. A connection already pooled for the host is taken instead, and a
// request with no AIM header (a HEAD of baseURL) may then reach AIM. A
// failure only means the next call dials; it is not reported.
func (c *Client) DialAhead(ctx context.Context, baseURL string) (wait func()) {
	u, err := parseBaseURL(baseURL)
	if err != nil {
		return func() {}
	}
	// Once per host: a second request would take the first's connection
	// and, given up, close it over HTTP/1.1.
	done, dialled := c.dialled.LoadOrStore(u.Scheme+"://"+u.Host, make(chan struct{}))
	if !dialled {
		c.dialAhead(ctx, u, done.(chan struct{}))
	}
	return func() {
		select {
		case <-done.(chan struct{}):
		case <-ctx.Done():
		}
	}
}

// dialAhead starts the request that dials u's host, and closes done when
// its handshake is over.
func (c *Client) dialAhead(ctx context.Context, u *url.URL, done chan struct{}) {
	var once sync.Once
	giveUp := time.AfterFunc(c.timeout/4, c.httpClient.CloseIdleConnections) // cancels dials no call waits for
	finish := func() { once.Do(func() { giveUp.Stop(); close(done) }) }
	reqCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	var dialing atomic.Bool
	reqCtx = httptrace.WithClientTrace(reqCtx, &httptrace.ClientTrace{
		ConnectStart: func(string, string) { dialing.Store(true); cancel() },
		ConnectDone: func(_, _ string, err error) {
			if err != nil || u.Scheme == "http" {
				finish()
			}
		},
		TLSHandshakeDone: func(tls.ConnectionState, error) { finish() },
		GotConn:          func(httptrace.GotConnInfo) { cancel() },
	})
	req, err := http.NewRequestWithContext(reqCtx, http.MethodHead, u.String(), nil)
	if err != nil {
		cancel()
		finish()
		return
	}
	go func() {
		defer cancel()
		if resp, err := c.httpClient.Do(req); err == nil {
			resp.Body.Close()
		}
		if !dialing.Load() {
			finish()
		}
	}()
}

// DialService is DialAhead for AIM's service host, which GetEndPoint needs,
// and, with Options.EndpointURL set, for that store host too.
func (c *Client) DialService(ctx context.Context) (wait func()) {
	service, store := c.DialAhead(ctx, c.serviceURL), func() {}
	if c.endpointURL != "" {
		store = c.DialAhead(ctx, c.endpointURL)
	}
	return func() { service(); store() }
}

// DialStore is DialAhead for a store endpoint, discovered or hinted, unless
// it is not one the client may send to (checkEndpoint), or has a connection
// already: with Options.EndpointURL set, DialService dialled the only store
// host used; an endpoint on the service host has GetEndPoint's connection.
func (c *Client) DialStore(ctx context.Context, endpointURL string) (wait func()) {
	e, err := checkEndpoint(endpointURL, c.endpointHosts)
	s, _ := url.Parse(c.serviceURL) // checked by NewClient
	if err != nil || c.endpointURL != "" || e.Scheme == s.Scheme && e.Host == s.Host {
		return func() {}
	}
	return c.DialAhead(ctx, endpointURL)
}
