package handler

import (
	"io"
	"log/slog"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/aimcards/customer-access-token/internal/aim"
	"github.com/aimcards/customer-access-token/internal/apigw"
	"github.com/aimcards/customer-access-token/internal/dev/aimsandbox"
	"github.com/aimcards/customer-access-token/internal/emf"
	"github.com/aimcards/customer-access-token/internal/stale"
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
		Keys: &fakeKeys{key: testAPIKey}, AIM: client, Policy: stale.Options{TTL: time.Hour},
		Mapping: apigw.Options{AllowedOrigins: []string{"https://shop.example.com"}},
		Logger:  slog.New(slog.NewJSONHandler(io.Discard, nil)),
		Metrics: metrics,
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

// BenchmarkLogRecord measures the summary log line and metric record of
// one failed invocation (code and cause set), as JSON.
func BenchmarkLogRecord(b *testing.B) {
	metrics, err := emf.New(emf.Options{Out: io.Discard})
	if err != nil {
		b.Fatal(err)
	}
	h := New(Options{Keys: &fakeKeys{key: testAPIKey}, AIM: &fakeAIM{},
		Logger: slog.New(slog.NewJSONHandler(io.Discard, nil)), Metrics: metrics})
	rec := &record{start: time.Now(), requestID: "c6af9ac6-7b61-11e6-9a41-93e8deadbeef",
		apiRequestID: "fa7f96a1-bdfe-ca7c-d007-336f79a4b9e2", outcome: "error", status: 502,
		code: "upstream_error", cause: "aim: CustomerAccessToken: status 500", aimCalls: 1, aimTime: 3 * time.Millisecond}
	b.ReportAllocs()
	for b.Loop() {
		h.logRecord(rec)
	}
}
