package apigw

import (
	"encoding/json"
	"errors"
	"net/url"
	"os"
	"path/filepath"
	"testing"
)

// TestALBRefused checks an Application Load Balancer event is refused with
// a 400 in ALB's own response shape, with the header map of its mode, and
// is never read as a REST API event, even with an error page configured.
func TestALBRefused(t *testing.T) {
	t.Parallel()
	page, _ := url.Parse("https://shop.example.com/cards/error")
	m := NewMapper(Options{TokenCookie: "aim_token", AllowedOrigins: []string{shop}, ErrorRedirectURL: page})
	for _, tt := range []struct {
		file   string
		format Format
		multi  bool
	}{
		{"alb-get.json", FormatALB, false},
		{"alb-get-multivalue.json", FormatALBMultiValue, true},
	} {
		t.Run(tt.file, func(t *testing.T) {
			t.Parallel()
			b, err := os.ReadFile(filepath.Join("testdata", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			req := m.Parse(b)
			var re *RequestError
			if !errors.As(req.Err, &re) || re.Problem().Code != CodeInvalidRequest || req.Format != tt.format || req.Call.Token != "" {
				t.Fatalf("got %+v, want a 400 request error in format %v and no call", req, tt.format)
			}
			resp := m.Answer(req, Failure(re.Problem()))
			if resp.Status != 400 || resp.Outcome != outcomeError || resp.Code != CodeInvalidRequest {
				t.Errorf("got %d %s %s, want 400 error invalid_request", resp.Status, resp.Outcome, resp.Code)
			}
			raw, err := json.Marshal(resp.Payload)
			if err != nil {
				t.Fatal(err)
			}
			var fields map[string]json.RawMessage
			if err := json.Unmarshal(raw, &fields); err != nil {
				t.Fatal(err)
			}
			want := map[bool]string{false: "headers", true: "multiValueHeaders"}
			if _, ok := fields[want[tt.multi]]; !ok {
				t.Errorf("got %s, want %s", raw, want[tt.multi])
			}
			if _, ok := fields[want[!tt.multi]]; ok {
				t.Errorf("got %s, want no %s", raw, want[!tt.multi])
			}
			var out albResponse
			if err := json.Unmarshal(raw, &out); err != nil {
				t.Fatal(err)
			}
			ctype := out.Headers["Content-Type"]
			if tt.multi && len(out.MultiValueHeaders["Content-Type"]) == 1 {
				ctype = out.MultiValueHeaders["Content-Type"][0]
			}
			if out.StatusCode != 400 || out.StatusDescription != "400 Bad Request" || ctype != "application/problem+json" || out.Body == "" {
				t.Errorf("got %s, want a 400 problem with statusDescription 400 Bad Request", raw)
			}
		})
	}
}
