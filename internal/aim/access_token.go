package aim

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// Credentials are what every store call needs.
type Credentials struct {
	APIKey   string
	Endpoint Endpoint
}

// AccessTokenRequest is the query and customer headers of CustomerAccessToken.
type AccessTokenRequest struct {
	Mode     string // already upper-case, or "" (omitted from query)
	ItemKey  int64  // 0: omitted
	Acct     int32  // 0: omitted
	Token    string // customer's AIM login token (header Token)
	DeviceID string // "": header omitted
}

// AccessToken is CustomerAccessToken's answer.
type AccessToken struct {
	Token                string
	AccountManagementURL string `json:"AccountManagementUrl"`
	Status               Status
}

// OpCustomerAccessToken is Error.Op for CustomerAccessToken.
const OpCustomerAccessToken = "CustomerAccessToken"

// CustomerAccessToken asks the store's AIM server for a link to AIM's hosted
// card-management page for the customer signed in with req.Token. A 2xx
// answer without an AccountManagementUrl is an error, and so is an endpoint
// that GetEndPoint would refuse: nothing is sent to it.
//
// AIM API docs: https://active-ewebservice.biz/aeservices30/api/json/metadata?op=CustomerAccessToken
func (c *Client) CustomerAccessToken(ctx context.Context, creds Credentials, req AccessTokenRequest) (AccessToken, error) {
	if _, err := checkEndpoint(creds.Endpoint.URL, c.endpointHosts); err != nil {
		return AccessToken{}, &Error{Op: OpCustomerAccessToken, Kind: KindUpstream, Err: fmt.Errorf("endpoint refused: %w", err)}
	}
	var tok AccessToken
	cl := call{op: OpCustomerAccessToken, base: creds.Endpoint.URL, query: req.query(), header: req.header(creds)}
	status, err := c.get(ctx, cl, &tok, &tok.Status)
	if err != nil {
		return AccessToken{}, err
	}
	if strings.TrimSpace(tok.AccountManagementURL) == "" {
		return AccessToken{}, missing(OpCustomerAccessToken, status, "AccountManagementUrl")
	}
	return tok, nil
}

// query holds Mode, ItemKey and Acct, each only when set.
func (r AccessTokenRequest) query() url.Values {
	q := url.Values{}
	if r.Mode != "" {
		q.Set("Mode", r.Mode)
	}
	if r.ItemKey != 0 {
		q.Set("ItemKey", strconv.FormatInt(r.ItemKey, 10))
	}
	if r.Acct != 0 {
		q.Set("Acct", strconv.FormatInt(int64(r.Acct), 10))
	}
	return q
}

// header holds the store's and the customer's credentials, each only when
// set, with room for the AppId and Accept that newRequest adds.
func (r AccessTokenRequest) header(creds Credentials) http.Header {
	h := make(http.Header, 6)
	for _, f := range [...]struct{ name, value string }{
		{headerAPIKey, creds.APIKey},
		{headerOAuthToken, creds.Endpoint.OAuthToken},
		{headerToken, r.Token},
		{headerDeviceID, r.DeviceID},
	} {
		if f.value != "" {
			h[f.name] = []string{f.value}
		}
	}
	return h
}
