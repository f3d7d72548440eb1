package apigw

import (
	"errors"
	"testing"
)

// TestParseRequest checks what Parse carries besides the call: the format,
// API Gateway's request id, the allowed origin, and the method and origin
// refusals.
func TestParseRequest(t *testing.T) {
	t.Parallel()
	tests := []struct {
		file     string
		format   Format
		method   string
		origin   string
		wantCode Code // of the *RequestError; "" for none
	}{
		{file: "httpapi-update-card.json", format: FormatHTTP, method: "GET", origin: shop},
		{file: "rest-add-customer-card.json", format: FormatREST, method: "GET", origin: shop},
		{file: "httpapi-preflight.json", format: FormatHTTP, method: "OPTIONS", origin: shop},
		{file: "rest-preflight.json", format: FormatREST, method: "OPTIONS", origin: shop},
		{file: "httpapi-preflight-bad-origin.json", format: FormatHTTP, method: "OPTIONS", wantCode: CodeOriginNotAllowed},
		{file: "httpapi-method-post.json", format: FormatHTTP, method: "POST", origin: shop, wantCode: CodeMethodNotAllowed},
	}
	m := NewMapper(Options{TokenCookie: "aim_token", AllowedOrigins: []string{shop}})
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			t.Parallel()
			req := m.Parse(readEvent(t, tt.file))
			if req.Format != tt.format || req.Method != tt.method || req.Origin != tt.origin || req.RequestID == "" {
				t.Errorf("got format %v method %q origin %q request id %q, want %v %q %q and an id", req.Format, req.Method, req.Origin, req.RequestID, tt.format, tt.method, tt.origin)
			}
			var re *RequestError
			switch {
			case tt.wantCode == "" && req.Err != nil:
				t.Errorf("got error %v, want none", req.Err)
			case tt.wantCode != "" && (!errors.As(req.Err, &re) || re.Problem().Code != tt.wantCode):
				t.Errorf("got error %v, want code %s", req.Err, tt.wantCode)
			}
		})
	}
}

// TestParseUnreadable checks an unreadable payload is a request error in
// no format, and a broken escape in a read parameter one naming it,
// answered in 2.0 and in the form Accept asks for.
func TestParseUnreadable(t *testing.T) {
	t.Parallel()
	m := NewMapper(Options{})
	if req := m.Parse([]byte("hello")); !errors.Is(req.Err, ErrUnknownFormat) || req.Format != FormatUnknown {
		t.Errorf("got %v in format %v, want ErrUnknownFormat in unknown", req.Err, req.Format)
	}
	for _, tt := range []struct {
		accept   string
		wantJSON bool
	}{{"", false}, {"application/json", true}, {"text/html", false}} {
		req := m.Parse([]byte(`{"version":"2.0","rawQueryString":"Mode=%zz&utm_content=50%off","headers":{"accept":"` + tt.accept + `"},"requestContext":{"http":{"method":"GET"}}}`))
		var re *RequestError
		if !errors.As(req.Err, &re) || re.Param != "Mode" || req.Format != FormatHTTP || req.WantsJSON != tt.wantJSON {
			t.Errorf("Accept %q: got %v in format %v, JSON %v; want a Mode error in 2.0, JSON %v", tt.accept, req.Err, req.Format, req.WantsJSON, tt.wantJSON)
		}
	}
}

// TestParseClient checks the address the client limit counts: sourceIp,
// or behind a trusted proxy the rightmost X-Forwarded-For entry that is not
// one; never what an untrusted caller writes into the header.
func TestParseClient(t *testing.T) {
	t.Parallel()
	proxies := []string{"198.51.100.0/24", "2001:db8::/32"}
	for _, tt := range []struct {
		name, source, xff, want string
		rest                    bool // a 1.0 event with the header sent twice
	}{
		{name: "direct caller", source: "203.0.113.9", xff: "192.0.2.1", want: "203.0.113.9"},
		{name: "trusted server, header appended to", source: "198.51.100.7", xff: "192.0.2.1, 203.0.113.5, 198.51.100.7", want: "203.0.113.5"},
		{name: "trusted server, two hops", source: "198.51.100.7", xff: "203.0.113.5, 198.51.100.8", want: "203.0.113.5"},
		{name: "trusted IPv6 proxy", source: "2001:db8::1", xff: "203.0.113.5", want: "203.0.113.5"},
		{name: "trusted server naming no one", source: "198.51.100.7", want: "198.51.100.7"},
		{name: "1.0, header sent twice", source: "198.51.100.7", xff: "203.0.113.5", want: "203.0.113.6", rest: true},
		{name: "no caller address", xff: "203.0.113.5", want: ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ev := `{"version":"2.0","rawQueryString":"","headers":{"x-forwarded-for":"` + tt.xff + `"},"requestContext":{"http":{"method":"GET","sourceIp":"` + tt.source + `"}}}`
			if tt.rest {
				ev = `{"httpMethod":"GET","multiValueHeaders":{"X-Forwarded-For":["` + tt.xff + `","203.0.113.6"]},"requestContext":{"identity":{"sourceIp":"` + tt.source + `"}}}`
			}
			if got := NewMapper(Options{TrustedProxies: proxies}).Parse([]byte(ev)).Client; got != tt.want {
				t.Errorf("got client %q, want %q", got, tt.want)
			}
		})
	}
	if got := NewMapper(Options{}).Parse(readEvent(t, "httpapi-update-card.json")).Client; got == "" {
		t.Errorf("got no client for an event with a sourceIp, want it")
	}
}
