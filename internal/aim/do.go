package aim

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
)

// response is an AIM answer whose body was read in full.
type response struct {
	status int
	header http.Header
	body   []byte
}

// do sends req once and reads the whole body, so the connection goes back
// to the keep-alive pool. A nil response means no answer arrived. It adds no
// retry of its own: the Transport's one replay is the only one (see
// newTransport).
func (c *Client) do(req *http.Request) (*response, error) {
	hr, err := c.httpClient.Do(req)
	if err != nil {
		return nil, withoutURL(err)
	}
	defer hr.Body.Close()
	resp := &response{status: hr.StatusCode, header: hr.Header}
	resp.body, err = io.ReadAll(io.LimitReader(hr.Body, maxBodyBytes+1))
	if err != nil {
		return resp, fmt.Errorf("read answer: %w", err)
	}
	if int64(len(resp.body)) > maxBodyBytes {
		return resp, fmt.Errorf("read answer: body exceeds %d bytes", maxBodyBytes)
	}
	return resp, nil
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
