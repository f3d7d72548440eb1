package aim

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"time"
)

// WarmUp leaves a connection to baseURL's host in the Client's pool, TCP and
// TLS done, so that the next call to that host pays only its own round trip.
// It sends a HEAD of baseURL with none of AIM's headers (no ApiKey, AppId,
// OAuthToken or Token) and discards the answer, whatever its status: a
// ServiceStack service answers its base URL without credentials and without
// running an operation (AIM's redirects to its metadata page). Its errors
// name the host only.
//
// It returns as soon as the next request can use the connection. Over
// HTTP/2 (negotiated by ALPN) that is when the connection is up: the pool
// holds an HTTP/2 connection from then on and shares it between requests,
// so the HEAD's answer is read and discarded in the background and the
// warm-up costs what opening the connection does (two round trips). Over
// HTTP/1.1 a connection enters the pool only once its request has been
// answered, so WarmUp waits for the HEAD's answer (a third round trip).
func (c *Client) WarmUp(ctx context.Context, baseURL string) error {
	u, err := parseBaseURL(baseURL)
	if err != nil {
		return fmt.Errorf("aim: warm-up: base URL %w", err)
	}
	h2 := make(chan *h2WarmUp, 1)
	trace := &httptrace.ClientTrace{GotConn: func(info httptrace.GotConnInfo) {
		if tc, ok := info.Conn.(*tls.Conn); ok && tc.ConnectionState().NegotiatedProtocol == "h2" {
			select {
			case h2 <- &h2WarmUp{conn: info.Conn, sent: time.Now(), done: make(chan struct{})}:
			default:
			}
		}
	}}
	// Over HTTP/2 the HEAD outlives this call: it ends on its own timeout,
	// or below when ctx ends first.
	hctx, cancel := context.WithTimeout(httptrace.WithClientTrace(context.WithoutCancel(ctx), trace), c.timeout)
	answered := make(chan error, 1)
	go func() {
		defer cancel()
		answered <- c.head(hctx, u)
	}()
	select {
	case err := <-answered:
		return err
	case w := <-h2:
		c.h2WarmUps.Store(u.Host, w)
		go func() {
			<-answered
			close(w.done)
			if !c.tooOld(w.sent) { // answered in time: HTTP/2's own idle rule holds
				c.h2WarmUps.CompareAndDelete(u.Host, w)
			}
		}()
		return nil
	case <-ctx.Done():
		cancel()
		return fmt.Errorf("aim: warm-up of %s: %w", u.Host, ctx.Err())
	}
}

// head sends the warm-up's HEAD and discards the answer.
func (c *Client) head(ctx context.Context, u *url.URL) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodHead, u.String(), nil)
	if err != nil {
		return fmt.Errorf("aim: warm-up of %s: %w", u.Host, err)
	}
	resp, err := c.httpClient.Do(req)
	if err != nil {
		return fmt.Errorf("aim: warm-up of %s: %w", u.Host, withoutURL(err))
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, c.maxBody))
	return resp.Body.Close()
}

// h2WarmUp is an HTTP/2 warm-up whose HEAD went out on conn at sent; done
// is closed when its answer (or failure) has been read.
type h2WarmUp struct {
	conn net.Conn
	sent time.Time
	done chan struct{}
}

// tooOld reports whether more than the idle timeout passed since t by the
// wall clock (time spent frozen included).
func (c *Client) tooOld(t time.Time) bool {
	return c.idle > 0 && time.Since(t.Round(0)) > c.idle
}

// retireStaleWarmUp closes, before the first call to host goes out, the
// connection of an HTTP/2 warm-up whose answer was not read within the
// idle timeout. HTTP/2 counts a connection idle from its last answer: an
// environment frozen before the HEAD's answer came reads it only on thaw,
// and the pool would take a connection idle since before the freeze, which
// a NAT may have forgotten (see newTransport), for a fresh one.
func (c *Client) retireStaleWarmUp(host string) {
	if v, ok := c.h2WarmUps.LoadAndDelete(host); ok && c.tooOld(v.(*h2WarmUp).sent) {
		w := v.(*h2WarmUp)
		w.conn.Close()
		<-w.done
	}
}

// WarmUpService starts WarmUp for AIM's service host, which GetEndPoint
// needs, and, with Options.EndpointURL set, for that store host at the same
// time; it returns at once, and wait returns when both are done.
//
// A GetEndPoint that starts before the service host's warm-up ends does not
// wait for it: net/http's Transport queues a request both for the next idle
// connection and for a dial of its own (getConn: queueForIdleConn, then
// queueForDial), and hands it whichever is ready first, a connection put
// back meanwhile included (tryPutIdleConn delivers to a waiting request,
// and a dial that lost goes into the pool); see net/http's transport.go.
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
