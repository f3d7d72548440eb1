package main

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/aimcards/customer-access-token/internal/aim"
	"github.com/aimcards/customer-access-token/internal/dev/aimsandbox"
)

// probeRoundTrip discovers the store's host with the aim package, as the function
// does, then times n keep-alive CustomerAccessToken calls from this process through
// the same round-trip proxy and returns the median time spent in the transport:
// the bare round trip the function pays on every warm invocation and hello-world
// never does, without the aim package's own work, which is the function's.
func probeRoundTrip(ctx context.Context, up *upstreams, a *aimHosts, n int) (time.Duration, error) {
	tr := &timedTransport{next: &http.Transport{TLSClientConfig: up.ca.clientConfig()}}
	defer tr.next.CloseIdleConnections()
	c, err := aim.NewClient(aim.Options{
		HTTPClient: &http.Client{Transport: tr},
		ServiceURL: a.service.url() + "/aeservices30",
		AppID:      appID,
		Timeout:    5 * time.Second,
	})
	if err != nil {
		return 0, fmt.Errorf("probe round trip: %w", err)
	}
	ep, err := c.GetEndPoint(ctx, up.apiKey)
	if err != nil {
		return 0, fmt.Errorf("probe round trip: %w", err)
	}
	creds := aim.Credentials{APIKey: up.apiKey, Endpoint: ep}
	req := aim.AccessTokenRequest{Token: aimsandbox.TestCustomerToken}
	for range n + 1 { // the first call opens the connection and is not counted
		if _, err := c.CustomerAccessToken(ctx, creds, req); err != nil {
			return 0, fmt.Errorf("probe round trip: %w", err)
		}
	}
	took := tr.took()
	return percentile(took[2:], 50), nil // without GetEndPoint and the first call
}

// timedTransport records how long each round trip took, request written to
// response headers read.
type timedTransport struct {
	next *http.Transport
	mu   sync.Mutex
	d    []time.Duration
}

func (t *timedTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	start := time.Now()
	resp, err := t.next.RoundTrip(r)
	d := time.Since(start)
	t.mu.Lock()
	defer t.mu.Unlock()
	t.d = append(t.d, d)
	return resp, err
}

func (t *timedTransport) took() []time.Duration {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.d
}
