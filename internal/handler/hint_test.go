package handler

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aimcards/customer-access-token/internal/aim"
	"github.com/aimcards/customer-access-token/internal/apigw"
	"github.com/aimcards/customer-access-token/internal/dev/aimsandbox"
)

// fakeHints is a hand-written EndpointHints.
type fakeHints struct {
	mu      sync.Mutex
	hint    string
	getErr  error
	putErr  error
	release chan struct{} // when not nil, Get waits for it
	puts    []string
}

func (f *fakeHints) Get(context.Context) (string, error) {
	if f.release != nil {
		<-f.release
	}
	return f.hint, f.getErr
}

func (f *fakeHints) Put(_ context.Context, endpointURL string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.puts = append(f.puts, endpointURL)
	return f.putErr
}

// hintedAIM is AIM over TLS whose GetEndPoint, naming the store host, waits
// up to wait for a connection to the store host before it answers, and
// records whether one came.
type hintedAIM struct {
	client               *aim.Client
	storeURL             string
	storeConns           *atomic.Int32
	storeFirst           atomic.Bool // the store host had a connection before GetEndPoint answered
	serviceConns, others *atomic.Int32
	otherURL             string // an https host GetEndPoint never names
}

func newHintedAIM(t *testing.T, wait time.Duration, endpointHosts func(store string) []string) *hintedAIM {
	t.Helper()
	a := &hintedAIM{}
	store, storeConns := countingTLS(t, aimsandbox.New(aimsandbox.Config{APIKey: testAPIKey, AppID: "app", OAuthToken: testOAuthToken}))
	other, others := countingTLS(t, http.NotFoundHandler())
	a.storeURL, a.storeConns, a.otherURL, a.others = store.URL, storeConns, other.URL, others
	service, serviceConns := countingTLS(t, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		for deadline := time.Now().Add(wait); storeConns.Load() == 0 && time.Now().Before(deadline); {
			time.Sleep(5 * time.Millisecond)
		}
		a.storeFirst.Store(storeConns.Load() > 0)
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"NewEndpointDomain":"`+store.URL+`","OAuthToken":"`+testOAuthToken+`","Status":{"StatusCode":"Success"}}`)
	}))
	a.serviceConns = serviceConns
	opts := aim.Options{ServiceURL: service.URL + "/aeservices30", AppID: "app", Timeout: 4 * time.Second}
	if endpointHosts != nil {
		opts.EndpointHosts = endpointHosts(strings.TrimPrefix(store.URL, "https://"))
	}
	client, err := aim.NewClient(opts)
	if err != nil {
		t.Fatal(err)
	}
	a.client = client
	return a
}

// prefetchedWith is a Handler over client and hints after its Prefetch, and its logs.
func prefetchedWith(t *testing.T, client *aim.Client, hints EndpointHints) (*Handler, *bytes.Buffer) {
	t.Helper()
	logs := new(bytes.Buffer)
	h := New(Options{Keys: &fakeKeys{key: testAPIKey}, AIM: client, Hints: hints,
		Mapping: apigw.Options{AllowedOrigins: []string{"https://shop.example.com"}}, Logger: slog.New(slog.NewJSONHandler(logs, nil))})
	h.Prefetch(t.Context(), 3*time.Second)
	return h, logs
}

// TestHintDialsTheStoreBesideDiscovery: with the hint naming the store's
// host, its connection is open before GetEndPoint answers, the first click
// uses it, and the hint is not written again.
func TestHintDialsTheStoreBesideDiscovery(t *testing.T) {
	a := newHintedAIM(t, 2*time.Second, nil)
	hints := &fakeHints{hint: a.storeURL}
	h, logs := prefetchedWith(t, a.client, hints)
	if !a.storeFirst.Load() {
		t.Errorf("got GetEndPoint answered before any connection to the hinted store host, want the store dialled beside discovery; logs:\n%s", logs.String())
	}
	if got := invoke(t, h, eventFile(t, "httpapi-add-customer-card.json")); got.Status != http.StatusFound {
		t.Fatalf("got status %d, want 302; logs:\n%s", got.Status, logs.String())
	}
	if got := a.storeConns.Load(); got != 1 {
		t.Errorf("got %d store connections after init and a click, want 1", got)
	}
	if len(hints.puts) != 0 {
		t.Errorf("got hint writes %q, want none: the hint was right", hints.puts)
	}
}

// TestHintWithout: no hint, a stale one, one the table could not give, or
// one naming a host AIM_ENDPOINT_HOSTS refuses: discovery decides as
// before, the hint is written with the discovered endpoint, and a refused
// host is never dialled.
func TestHintWithout(t *testing.T) {
	tests := []struct {
		name     string
		hints    func(a *hintedAIM) *fakeHints
		allowed  bool // AIM_ENDPOINT_HOSTS lists the store host only
		wantLogs string
	}{
		{name: "no hint", hints: func(*hintedAIM) *fakeHints { return &fakeHints{} }},
		{name: "another host", hints: func(a *hintedAIM) *fakeHints { return &fakeHints{hint: a.otherURL} }},
		{name: "table failed", hints: func(*hintedAIM) *fakeHints { return &fakeHints{getErr: errors.New("endpoint hint: get: throttled")} },
			wantLogs: "endpoint hint not read"},
		{name: "refused host", hints: func(a *hintedAIM) *fakeHints { return &fakeHints{hint: a.otherURL} }, allowed: true},
		{name: "write failed", hints: func(*hintedAIM) *fakeHints { return &fakeHints{putErr: errors.New("endpoint hint: put: denied")} },
			wantLogs: "endpoint hint not kept"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var allowed func(string) []string
			if tt.allowed {
				allowed = func(store string) []string { return []string{store} }
			}
			a := newHintedAIM(t, 300*time.Millisecond, allowed)
			hints := tt.hints(a)
			h, logs := prefetchedWith(t, a.client, hints)
			if a.storeFirst.Load() {
				t.Errorf("got a store connection before GetEndPoint answered, want none: nothing named the store host")
			}
			if got := invoke(t, h, eventFile(t, "httpapi-add-customer-card.json")); got.Status != http.StatusFound {
				t.Fatalf("got status %d, want 302; logs:\n%s", got.Status, logs.String())
			}
			if got := a.storeConns.Load(); got != 1 {
				t.Errorf("got %d store connections, want 1 (dialled after discovery)", got)
			}
			if want := []string{a.storeURL}; len(hints.puts) != 1 || hints.puts[0] != want[0] {
				t.Errorf("got hint writes %q, want %q", hints.puts, want)
			}
			if tt.allowed && a.others.Load() != 0 {
				t.Errorf("got %d connections to a host AIM_ENDPOINT_HOSTS refuses, want 0", a.others.Load())
			}
			if !strings.Contains(logs.String(), tt.wantLogs) || tt.wantLogs == "" && strings.Contains(logs.String(), `"level":"WARN"`) {
				t.Errorf("got logs:\n%s\nwant a warning %q and no other", logs.String(), tt.wantLogs)
			}
		})
	}
}

// TestHintTableSlow: a table that has not answered when discovery is done
// delays nothing and is not written: the next environment does it.
func TestHintTableSlow(t *testing.T) {
	a := newHintedAIM(t, 0, nil)
	hints := &fakeHints{hint: a.storeURL, release: make(chan struct{})}
	h, logs := prefetchedWith(t, a.client, hints)
	close(hints.release) // Prefetch returned while Get still waited
	if got := invoke(t, h, eventFile(t, "httpapi-add-customer-card.json")); got.Status != http.StatusFound {
		t.Fatalf("got status %d, want 302; logs:\n%s", got.Status, logs.String())
	}
	hints.mu.Lock()
	defer hints.mu.Unlock()
	if len(hints.puts) != 0 {
		t.Errorf("got hint writes %q, want none: the table had not answered", hints.puts)
	}
}
