package apigw

import (
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
	"testing"
)

// TestALBRefused checks an Application Load Balancer event, in either
// header mode, is never read as a REST API event: it is a plain 400
// invalid_request in the 1.0 shape (which ALB accepts), even with an error
// page configured.
func TestALBRefused(t *testing.T) {
	t.Parallel()
	page, _ := url.Parse("https://shop.example.com/cards/error")
	m := NewMapper(Options{TokenCookie: "aim_token", AllowedOrigins: []string{shop}, ErrorRedirectURL: page})
	for _, file := range []string{"alb-get.json", "alb-get-multivalue.json"} {
		t.Run(file, func(t *testing.T) {
			t.Parallel()
			b, err := os.ReadFile(filepath.Join("testdata", file))
			if err != nil {
				t.Fatal(err)
			}
			req := m.Parse(b)
			if req.Err != errALB || req.Format != FormatUnknown || req.Call.Token != "" {
				t.Fatalf("got %+v, want the ALB refusal in no format and no call", req)
			}
			resp := m.Answer(req, Failure(errALB.Problem()))
			if resp.Status != 400 || resp.Outcome != outcomeError || resp.Code != CodeInvalidRequest {
				t.Errorf("got %d %s %s, want 400 error invalid_request", resp.Status, resp.Outcome, resp.Code)
			}
			raw, err := json.Marshal(resp.Payload)
			if err != nil {
				t.Fatal(err)
			}
			var out struct {
				StatusCode int               `json:"statusCode"`
				Headers    map[string]string `json:"headers"`
				Body       string            `json:"body"`
			}
			var fields map[string]json.RawMessage
			if err := json.Unmarshal(raw, &fields); err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(raw, &out); err != nil {
				t.Fatal(err)
			}
			if out.StatusCode != 400 || out.Headers["Content-Type"] != "application/problem+json" || problemDoc(t, out.Body).Code != CodeInvalidRequest {
				t.Errorf("got %s, want a 400 invalid_request problem", raw)
			}
			for _, f := range []string{"statusDescription", "cookies"} {
				if _, ok := fields[f]; ok {
					t.Errorf("got %s, want no %s (the plain 1.0 shape)", raw, f)
				}
			}
		})
	}
}
