package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"time"
)

// probeLoopback times n keep-alive GetEndPoint calls from this process to the sandbox
// and returns the median: what one loopback HTTP round trip costs on this machine,
// which the function pays on every warm invocation for CustomerAccessToken and
// hello-world never does.
func probeLoopback(ctx context.Context, aimURL, apiKey string, n int) (time.Duration, error) {
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	c := &http.Client{Transport: tr, Timeout: 5 * time.Second}
	took := make([]time.Duration, 0, n)
	for i := range n + 1 { // the first call opens the connection and is not counted
		start := time.Now()
		if err := getEndPoint(ctx, c, aimURL, apiKey); err != nil {
			return 0, fmt.Errorf("probe loopback: %w", err)
		}
		if i > 0 {
			took = append(took, time.Since(start))
		}
	}
	return percentile(took, 50), nil
}

func getEndPoint(ctx context.Context, c *http.Client, aimURL, apiKey string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, aimURL+"/aeservices30/api/GetEndPoint", nil)
	if err != nil {
		return err
	}
	req.Header.Set("ApiKey", apiKey)
	req.Header.Set("AppId", appID)
	req.Header.Set("Accept", "application/json")
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if _, err := io.Copy(io.Discard, resp.Body); err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GetEndPoint: got status %d, want 200", resp.StatusCode)
	}
	return nil
}
