package aim

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// Endpoint is the result of endpoint discovery.
type Endpoint struct {
	URL        string // NewEndpointDomain (or Options.EndpointURL), no trailing slash
	OAuthToken string
}

// endpointResponse is GetEndPoint's answer.
type endpointResponse struct {
	NewEndpointDomain string
	OAuthToken        string
	Status            Status
}

// OpGetEndPoint is Error.Op for GetEndPoint.
const OpGetEndPoint = "GetEndPoint"

// GetEndPoint discovers the store's own AIM server and the OAuthToken that
// later calls send, using the store's apiKey. With Options.EndpointURL set,
// that URL replaces the discovered one. A discovered endpoint that is not
// https (plain http to a loopback host aside) or not in
// Options.EndpointHosts is a KindUpstream error.
//
// AIM API docs: https://active-ewebservice.biz/aeservices30/api/json/metadata?op=GetEndPoint
func (c *Client) GetEndPoint(ctx context.Context, apiKey string) (Endpoint, error) {
	var resp endpointResponse
	cl := call{op: OpGetEndPoint, base: c.serviceURL, header: http.Header{headerAPIKey: {apiKey}}}
	status, err := c.get(ctx, cl, &resp, &resp.Status)
	if err != nil {
		return Endpoint{}, err
	}
	if resp.OAuthToken == "" {
		return Endpoint{}, missing(OpGetEndPoint, status, "OAuthToken")
	}
	u := c.endpointURL
	if u == "" {
		domain := strings.TrimSpace(resp.NewEndpointDomain)
		if domain == "" {
			return Endpoint{}, missing(OpGetEndPoint, status, "NewEndpointDomain")
		}
		if !strings.Contains(domain, "://") {
			domain = "https://" + domain // a bare host:port; AIM's examples are https
		}
		found, err := checkEndpoint(domain, c.endpointHosts)
		if err != nil {
			err = fmt.Errorf("NewEndpointDomain refused: %w", err)
			return Endpoint{}, &Error{Op: OpGetEndPoint, Kind: KindUpstream, HTTPStatus: status, Err: err}
		}
		u = strings.TrimRight(found.String(), "/")
	}
	return Endpoint{URL: u, OAuthToken: resp.OAuthToken}, nil
}

// missing is the error for a 2xx answer that lacks a field the caller needs.
func missing(op string, status int, field string) *Error {
	return &Error{Op: op, Kind: KindUpstream, HTTPStatus: status, Err: errors.New("answer has no " + field)}
}
