package apigw

import (
	"testing"
)

func TestNormalizeOrigin(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{ // want "" for an error
		{"https://shop.example.com", "https://shop.example.com"},
		{"HTTPS://Shop.Example.COM", "https://shop.example.com"},
		{"https://shop.example.com:443", "https://shop.example.com"},
		{"https://shop.example.com:8443", "https://shop.example.com:8443"},
		{"http://localhost:80", "http://localhost"},
		{"http://localhost:3000", "http://localhost:3000"},
		{"http://127.0.0.1:443", "http://127.0.0.1:443"},
		{"https://[::1]:443", "https://[::1]"},
		{"https://[::1]:8443", "https://[::1]:8443"},
		{"https://xn--bcher-kva.example", "https://xn--bcher-kva.example"},
		{"https://shop.example.com/", ""},
		{"https://shop.example.com/cards", ""},
		{"https://shop.example.com?x=1", ""},
		{"https://shop.example.com?", ""},
		{"https://shop.example.com#x", ""},
		{"https://shop.example.com#", ""},
		{"https://user@shop.example.com", ""},
		{"https://shop.example.com:", ""},
		{"https://shop.example.com:0", ""},
		{"https://shop.example.com:65536", ""},
		{"https://shop.example.com:https", ""},
		{"ftp://shop.example.com", ""},
		{"shop.example.com", ""},
		{"//shop.example.com", ""},
		{"https://", ""},
		{"null", ""},
		{"", ""},
		{"https://bücher.example", ""},
		{"https://shop example.com", ""},
		{"https:shop.example.com", ""},
	}
	for _, tt := range tests {
		got, err := NormalizeOrigin(tt.in)
		if tt.want == "" {
			if err == nil {
				t.Errorf("NormalizeOrigin(%q): got %q, want an error", tt.in, got)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("NormalizeOrigin(%q): got %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}

// TestAllowedOriginNormalised checks origins match case-insensitively with
// default ports dropped, on either side, and the answer echoes the Origin
// as the browser sent it.
func TestAllowedOriginNormalised(t *testing.T) {
	t.Parallel()
	m := NewMapper(Options{AllowedOrigins: []string{"https://Shop.Example.com:443", "http://localhost:3000"}})
	for _, tt := range []struct{ origin, want string }{
		{"https://shop.example.com", "https://shop.example.com"},
		{"https://SHOP.example.com:443", "https://SHOP.example.com:443"},
		{"http://localhost:3000", "http://localhost:3000"},
		{"http://shop.example.com", ""},
		{"https://shop.example.com:8443", ""},
		{"http://localhost", ""},
		{"https://shop.example.com.evil.example", ""},
		{"null", ""},
	} {
		ev := []byte(`{"version":"2.0","headers":{"origin":"` + tt.origin + `"},"requestContext":{"http":{"method":"OPTIONS"}}}`)
		req := m.Parse(ev)
		if req.Origin != tt.want {
			t.Errorf("Origin %q: got %q, want %q", tt.origin, req.Origin, tt.want)
			continue
		}
		if tt.want == "" {
			continue
		}
		if got := m.answer(req, Preflight()).header.Get("Access-Control-Allow-Origin"); got != tt.origin {
			t.Errorf("Origin %q: got Access-Control-Allow-Origin %q, want it as sent", tt.origin, got)
		}
	}
}
