package aim

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
)

// WarmUp leaves a connection to baseURL's host in the Client's pool, TCP and
// TLS done, so that the next call to that host pays only its own round trip.
// It sends a HEAD of baseURL with none of AIM's headers (no ApiKey, AppId,
// OAuthToken or Token) and discards the answer, whatever its status: a
// ServiceStack service answers its base URL without credentials and without
// running an operation (AIM's redirects to its metadata page). The
// connection then ages in the pool like any other (Options.IdleConnTimeout).
// Its errors name the host only.
func (c *Client) WarmUp(ctx context.Context, baseURL string) error {
	u, err := parseBaseURL(baseURL)
	if err != nil {
		return fmt.Errorf("aim: warm-up: base URL %w", err)
	}
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
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

// WarmUpService starts WarmUp for AIM's service host, which GetEndPoint
// needs, and, with Options.EndpointURL set, for that store host at the same
// time; it returns at once, and wait returns when both are done. A
// GetEndPoint that starts meanwhile waits for the service host's warm-up
// rather than opening a second connection (see awaitServiceWarmUp).
func (c *Client) WarmUpService(ctx context.Context) (wait func() error) {
	service, store := make(chan error, 1), make(chan error, 1)
	done := make(chan struct{})
	c.serviceWarmUp.Store(&done)
	go func() {
		defer close(done)
		service <- c.WarmUp(ctx, c.serviceURL)
	}()
	if c.endpointURL == "" {
		store <- nil
	} else {
		go func() { store <- c.WarmUp(ctx, c.endpointURL) }()
	}
	return func() error { return errors.Join(<-service, <-store) }
}

// awaitServiceWarmUp waits, at most until ctx is done, for the last
// WarmUpService to end. Over HTTP/1.1 the pool cannot hand a request a
// connection that is still busy with the warm-up, and would dial another.
func (c *Client) awaitServiceWarmUp(ctx context.Context) {
	if done := c.serviceWarmUp.Load(); done != nil {
		select {
		case <-*done:
		case <-ctx.Done():
		}
	}
}

// WarmUpStore is WarmUp for a discovered endpoint, unless WarmUpService
// warmed it already: the pinned Options.EndpointURL.
func (c *Client) WarmUpStore(ctx context.Context, endpointURL string) error {
	if endpointURL == c.endpointURL {
		return nil
	}
	return c.WarmUp(ctx, endpointURL)
}
