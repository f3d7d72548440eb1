package aim

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"syscall"
	"time"
)

// response is an AIM answer whose body was read in full.
type response struct {
	status int
	header http.Header
	body   []byte
}

// do sends req, retrying once when the first attempt met a transient
// failure (a connection reset, broken pipe or EOF before any answer, or HTTP
// 502/503) and enough time is left before the deadline. A connection that
// failed before any answer, most often one the server closed while it was
// idle, is retried at once; a 502/503 after a short random jitter. Timeouts,
// 4xx and 2xx answers are never retried.
func (c *Client) do(req *http.Request) (*response, error) {
	resp, err := c.roundTrip(req)
	if !transient(resp, err) {
		return resp, err
	}
	ctx := req.Context()
	var wait time.Duration
	if resp != nil {
		wait = 10*time.Millisecond + rand.N(40*time.Millisecond)
	}
	if !c.hasTimeFor(ctx, wait) {
		return resp, err
	}
	if err := sleep(ctx, wait); err != nil {
		return nil, err
	}
	return c.roundTrip(req.Clone(ctx))
}

// roundTrip sends req once and reads the whole body, so the connection goes
// back to the keep-alive pool. A nil response means no answer arrived.
func (c *Client) roundTrip(req *http.Request) (*response, error) {
	hr, err := c.httpClient.Do(req)
	if err != nil {
		return nil, withoutURL(err)
	}
	defer hr.Body.Close()
	resp := &response{status: hr.StatusCode, header: hr.Header}
	if hr.ContentLength > c.maxBody {
		return resp, fmt.Errorf("read answer: body of %d bytes exceeds %d", hr.ContentLength, c.maxBody)
	}
	resp.body, err = io.ReadAll(io.LimitReader(hr.Body, c.maxBody+1))
	if err != nil {
		return resp, fmt.Errorf("read answer: %w", err)
	}
	if int64(len(resp.body)) > c.maxBody {
		return resp, fmt.Errorf("read answer: body exceeds %d bytes", c.maxBody)
	}
	return resp, nil
}

// transient reports whether a first attempt is worth one retry.
func transient(resp *response, err error) bool {
	if resp != nil {
		return err == nil && (resp.status == http.StatusBadGateway || resp.status == http.StatusServiceUnavailable)
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, syscall.ECONNRESET) ||
		errors.Is(err, syscall.EPIPE)
}

// hasTimeFor reports whether a retry after wait still leaves a margin (500 ms
// or half the Timeout, whichever is smaller) before ctx's deadline.
func (c *Client) hasTimeFor(ctx context.Context, wait time.Duration) bool {
	deadline, ok := ctx.Deadline()
	margin := min(500*time.Millisecond, c.timeout/2)
	return !ok || time.Until(deadline) > wait+margin
}

// sleep waits for d or until ctx is done, whichever comes first.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// transportError classifies a failure to get a readable answer: a passed
// deadline (ctx's or a network timeout) is KindTimeout, anything else
// KindUpstream. resp, when not nil, is an answer whose body could not be read.
func transportError(ctx context.Context, op string, resp *response, err error) *Error {
	e := &Error{Op: op, Kind: KindUpstream, Err: err}
	var ne net.Error
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(ctx.Err(), context.DeadlineExceeded) ||
		errors.As(err, &ne) && ne.Timeout() {
		e.Kind = KindTimeout
	}
	if resp != nil {
		e.HTTPStatus = resp.status
	}
	return e
}
