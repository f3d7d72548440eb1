package storefront

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/aimcards/customer-access-token/internal/aim"
)

// aimClient is the store server's own small AIM client: endpoint discovery,
// the Security login and GetCustomerTokens. A real store has one like it;
// the function's client does only what the function needs.
type aimClient struct {
	hc         *http.Client
	serviceURL string
	apiKey     string
	appID      string

	mu      *sync.Mutex
	ep      endpoint
	fetched time.Time
}

// endpointTTL is how long a discovered endpoint and OAuthToken are reused.
const endpointTTL = 5 * time.Minute

// maxAnswer bounds an AIM answer the store reads.
const maxAnswer = 1 << 20

// endpoint is what GetEndPoint hands out.
type endpoint struct {
	NewEndpointDomain string
	OAuthToken        string
	Status            aim.Status
}

// errRefused reports AIM's 401 or 403: a credential was refused.
var errRefused = errors.New("storefront: aim refused a credential")

// rejectedError is a 2xx AIM answer with an error in its Status block, as
// the function's AIM client reads it (aim.Status.Failed).
type rejectedError struct{ status aim.Status }

func (e *rejectedError) Error() string {
	return "storefront: aim rejected the call: " + e.status.ErrorCode
}

// endpoint returns the store's AIM endpoint and OAuthToken, discovering them
// at most once per endpointTTL.
func (c *aimClient) endpoint(ctx context.Context) (endpoint, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ep.NewEndpointDomain != "" && time.Since(c.fetched) < endpointTTL {
		return c.ep, nil
	}
	var ep endpoint
	h := http.Header{"ApiKey": {c.apiKey}, "AppId": {c.appID}}
	if err := c.call(ctx, "GetEndPoint", http.MethodGet, c.serviceURL+"/api/GetEndPoint", nil, h, &ep); err != nil {
		if errors.Is(err, errRefused) {
			// The store's own ApiKey or AppId, not the customer's session.
			return endpoint{}, errors.New("storefront: GetEndPoint: aim refused the store's ApiKey or AppId")
		}
		return endpoint{}, err
	}
	if ep.Status.Failed() {
		return endpoint{}, &rejectedError{ep.Status}
	}
	if ep.NewEndpointDomain == "" || ep.OAuthToken == "" {
		return endpoint{}, errors.New("storefront: GetEndPoint: no endpoint or OAuthToken")
	}
	c.ep, c.fetched = ep, time.Now()
	return ep, nil
}

// call sends one AIM request and decodes its 2xx JSON answer into v. Errors
// never carry the URL: the Security query holds the customer's password.
func (c *aimClient) call(ctx context.Context, op, method, rawURL string, query url.Values, h http.Header, v any) error {
	req, err := http.NewRequestWithContext(ctx, method, rawURL, nil)
	if err != nil {
		return fmt.Errorf("storefront: %s: build request: %w", op, withoutURL(err))
	}
	req.URL.RawQuery = query.Encode()
	req.Header = h.Clone()
	req.Header.Set("Accept", "application/json")
	resp, err := c.hc.Do(req)
	if err != nil {
		return fmt.Errorf("storefront: %s: %w", op, withoutURL(err))
	}
	defer resp.Body.Close()
	switch {
	case resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden:
		return fmt.Errorf("storefront: %s: %w", op, errRefused)
	case resp.StatusCode/100 != 2:
		return fmt.Errorf("storefront: %s: aim answered %d", op, resp.StatusCode)
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, maxAnswer)).Decode(v); err != nil {
		return fmt.Errorf("storefront: %s: decode answer: %w", op, err)
	}
	return nil
}

// withoutURL drops the URL a *url.Error adds to its message.
func withoutURL(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}
