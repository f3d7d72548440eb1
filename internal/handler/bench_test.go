package handler

import (
	"io"
	"log/slog"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/aimcards/customer-access-token/internal/aim"
	"github.com/aimcards/customer-access-token/internal/dev/aimsandbox"
	"github.com/aimcards/customer-access-token/internal/emf"
)

// BenchmarkHandleWarm measures one warm invocation as the runtime makes it
// (Invoke): the event decoded, the cached credentials, one real
// CustomerAccessToken call to the AIM sandbox over loopback, the answer
// encoded, the log line and the metric record written.
func BenchmarkHandleWarm(b *testing.B) {
	sb := aimsandbox.New(aimsandbox.Config{APIKey: testAPIKey, AppID: "bench-app"})
	srv := httptest.NewServer(sb)
	defer srv.Close()
	client, err := aim.NewClient(aim.Options{ServiceURL: srv.URL + "/aeservices30", AppID: "bench-app", Timeout: 4 * time.Second})
	if err != nil {
		b.Fatal(err)
	}
	metrics, err := emf.New(emf.Options{Out: io.Discard})
	if err != nil {
		b.Fatal(err)
	}
	h := New(Options{
		Keys: &fakeKeys{key: testAPIKey}, AIM: client, CacheTTL: time.Hour,
		AllowedOrigins: []string{"https://shop.example.com"},
		Logger:         slog.New(slog.NewJSONHandler(io.Discard, nil)),
		Metrics:        metrics,
	})
	payload := eventFile(b, "httpapi-add-customer-card.json")
	ctx := b.Context()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := h.Invoke(ctx, payload); err != nil {
			b.Fatal(err)
		}
	}
}
