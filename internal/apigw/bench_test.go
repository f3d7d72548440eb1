package apigw

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkRequestMapping measures parsing a real HTTP API event into the
// request: decoding, the origin, content negotiation and the AIM call.
func BenchmarkRequestMapping(b *testing.B) {
	payload, err := os.ReadFile(filepath.Join("..", "..", "events", "httpapi-update-card.json"))
	if err != nil {
		b.Fatal(err)
	}
	m := NewMapper(Options{TokenCookie: "aim_token", AllowedOrigins: []string{shop}})
	b.ReportAllocs()
	for b.Loop() {
		if req := m.Parse(payload); req.Err != nil {
			b.Fatal(req.Err)
		}
	}
}

// BenchmarkAnswerBuilding measures building and encoding a redirect answer.
func BenchmarkAnswerBuilding(b *testing.B) {
	m := NewMapper(Options{AllowedOrigins: []string{shop}})
	req := Request{Format: FormatHTTP, Origin: shop}
	b.ReportAllocs()
	for b.Loop() {
		_ = m.Answer(req, Access("abc", "https://10846.active-e.net:7890/AccountManagement?at=abc"))
	}
}

// BenchmarkAnswerEncoding measures writing a 2.0 redirect answer's JSON as
// the handler's Invoke does: encoding/json without HTML escaping.
func BenchmarkAnswerEncoding(b *testing.B) {
	payload := NewMapper(Options{AllowedOrigins: []string{shop}}).Answer(Request{Format: FormatHTTP, Origin: shop},
		Access("abc", "https://10846.active-e.net:7890/AccountManagement?at=abc")).Payload
	var buf bytes.Buffer
	b.ReportAllocs()
	for b.Loop() {
		buf.Reset()
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(payload); err != nil {
			b.Fatal(err)
		}
	}
}
