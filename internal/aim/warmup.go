package aim

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptrace"
	"sync/atomic"
)

// WarmUp leaves a connection to baseURL's host in the Client's pool, TCP and
// TLS done, so that the next call to that host pays only its own round trip.
// It sends a HEAD of baseURL with none of AIM's headers (no ApiKey, AppId,
// OAuthToken or Token) and discards the answer, whatever its status (see
// the README's Warm-up). Its errors name the host only.
//
// Over HTTP/1.1 a connection enters the pool only once its request has been
// answered, so WarmUp waits for the HEAD's answer. Over HTTP/2 the pool
// shares a connection from the moment it is up, so WarmUp cancels the HEAD
// once its headers are written and returns: the stream ends at once, the
// connection counts as idle from then on, and the idle rule holds across a
// freeze as it does over HTTP/1.1.
func (c *Client) WarmUp(ctx context.Context, baseURL string) error {
	u, err := parseBaseURL(baseURL)
	if err != nil {
		return fmt.Errorf("aim: warm-up: base URL %w", err)
	}
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	var h2 atomic.Bool
	ctx = httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{
		GotConn: func(info httptrace.GotConnInfo) {
			tc, ok := info.Conn.(*tls.Conn)
			h2.Store(ok && tc.ConnectionState().NegotiatedProtocol == "h2")
		},
		WroteHeaders: func() {
			if h2.Load() {
				cancel()
			}
		},
	})
	req, err := http.NewRequestWithContext(ctx, http.MethodHead, u.String(), nil)
	if err != nil {
		return fmt.Errorf("aim: warm-up of %s: %w", u.Host, err)
	}
	resp, err := c.httpClient.Do(req)
	if h2.Load() && errors.Is(err, context.Canceled) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("aim: warm-up of %s: %w", u.Host, withoutURL(err))
	}
	return resp.Body.Close() // a HEAD answer has no body to read
}

// WarmUpService starts WarmUp for AIM's service host, which GetEndPoint
// needs, and, with Options.EndpointURL set, for that store host at the same
// time; it returns at once, and wait returns when both are done. A
// GetEndPoint that starts meanwhile does not wait for it: net/http's
// Transport hands a request whichever is ready first, an idle connection
// put back or a dial of its own.
func (c *Client) WarmUpService(ctx context.Context) (wait func() error) {
	service, store := make(chan error, 1), make(chan error, 1)
	go func() { service <- c.WarmUp(ctx, c.serviceURL) }()
	if c.endpointURL == "" {
		store <- nil
	} else {
		go func() { store <- c.WarmUp(ctx, c.endpointURL) }()
	}
	return func() error { return errors.Join(<-service, <-store) }
}

// WarmUpStore is WarmUp for a discovered endpoint, unless WarmUpService
// warmed it already: the pinned Options.EndpointURL.
func (c *Client) WarmUpStore(ctx context.Context, endpointURL string) error {
	if endpointURL == c.endpointURL {
		return nil
	}
	return c.WarmUp(ctx, endpointURL)
}
