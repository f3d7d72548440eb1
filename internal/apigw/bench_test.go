package apigw

import (
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkRequestMapping measures decoding a real HTTP API event and
// parsing the customer's request from it.
func BenchmarkRequestMapping(b *testing.B) {
	payload, err := os.ReadFile(filepath.Join("..", "..", "events", "httpapi-update-card.json"))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		ev, err := Decode(payload)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := ParseCall(ev, Options{TokenCookie: "aim_token"}); err != nil {
			b.Fatal(err)
		}
		if _, err := WantsJSON(ev); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAnswerBuilding measures building and encoding a redirect answer.
func BenchmarkAnswerBuilding(b *testing.B) {
	ev := Event{Format: FormatHTTP, Headers: map[string][]string{"origin": {"https://shop.example.com"}}}
	allowed := []string{"https://shop.example.com"}
	b.ReportAllocs()
	for b.Loop() {
		_ = FormatHTTP.Encode(Finish(Redirect("https://10846.active-e.net:7890/AccountManagement?at=abc"), ev, allowed))
	}
}
