package aim

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// call is one AIM operation: a GET of base+"/api/"+op.
type call struct {
	op     string
	base   string
	query  url.Values
	header http.Header // AIM headers other than AppId, which every call sends
}

// get runs cl under the client's timeout and decodes its 2xx JSON answer into
// v, whose Status block is s. It returns the HTTP status of the answer it
// decoded.
func (c *Client) get(ctx context.Context, cl call, v any, s *Status) (status int, err error) {
	defer func() { scrub(err, cl.header) }()
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	req, err := c.newRequest(ctx, cl)
	if err != nil {
		return 0, &Error{Op: cl.op, Kind: KindUpstream, Err: err}
	}
	resp, err := c.do(req)
	if err != nil {
		return 0, transportError(ctx, cl.op, resp, err)
	}
	if err := checkResponse(cl.op, resp); err != nil {
		return resp.status, err
	}
	return resp.status, decode(cl.op, resp, v, s)
}

// newRequest builds the GET of cl with the AppId, Accept and cl's headers.
// cl.base passed checkEndpoint already, and cl.header becomes the
// request's header: each call builds its own.
func (c *Client) newRequest(ctx context.Context, cl call) (*http.Request, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimSuffix(cl.base, "/")+"/api/"+cl.op, nil)
	if err != nil {
		return nil, fmt.Errorf("new request: %w", withoutURL(err))
	}
	req.URL.RawQuery = cl.query.Encode()
	cl.header["Accept"] = []string{"application/json"}
	cl.header[headerAppID] = []string{c.appID}
	req.Header = cl.header
	return req, nil
}

// decode reads a 2xx JSON answer into v and fails when its Status block s
// reports an error. Non-JSON (an HTML error page, a cut-off body) is an
// upstream error.
func decode(op string, resp *response, v any, s *Status) error {
	if err := json.Unmarshal(resp.body, v); err != nil {
		return &Error{Op: op, Kind: KindUpstream, HTTPStatus: resp.status,
			Err: fmt.Errorf("decode answer: %w", err)}
	}
	if !s.Failed() {
		return nil
	}
	e := &Error{Op: op, Kind: KindRejected, HTTPStatus: resp.status,
		Code: s.ErrorCode, DisplayText: s.ErrorDisplayText, Message: s.ErrorMessage}
	if e.Message == "" && e.Code == "" {
		e.Message = "StatusCode " + s.StatusCode
	}
	return e
}

// withoutURL drops the *url.Error layer, whose text repeats the request URL
// and its query, and keeps the cause.
func withoutURL(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}
