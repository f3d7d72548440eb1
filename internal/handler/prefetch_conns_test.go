package handler

import (
	"bytes"
	"io"
	"log"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aimcards/customer-access-token/internal/aim"
	"github.com/aimcards/customer-access-token/internal/apigw"
	"github.com/aimcards/customer-access-token/internal/dev/aimsandbox"
)

// countingTLS starts h over TLS and counts the connections clients open.
func countingTLS(t *testing.T, h http.Handler) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	srv := httptest.NewUnstartedServer(h)
	conns := new(atomic.Int32)
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // handshakes the tests cut short
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return srv, conns
}

// tlsAIM is AIM over TLS: a service host whose GetEndPoint names the store
// host, and the store host (the sandbox), each counting connections.
func tlsAIM(t *testing.T) (client *aim.Client, store *httptest.Server, serviceConns, storeConns *atomic.Int32) {
	t.Helper()
	store, storeConns = countingTLS(t, aimsandbox.New(aimsandbox.Config{APIKey: testAPIKey, AppID: "app", OAuthToken: testOAuthToken}))
	service, serviceConns := countingTLS(t, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"NewEndpointDomain":"`+store.URL+`","OAuthToken":"`+testOAuthToken+`","Status":{"StatusCode":"Success"}}`)
	}))
	client, err := aim.NewClient(aim.Options{ServiceURL: service.URL + "/aeservices30", AppID: "app", Timeout: 4 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return client, store, serviceConns, storeConns
}

// prefetched is a Handler over client after its Prefetch, and its logs.
func prefetched(t *testing.T, client *aim.Client) (*Handler, *bytes.Buffer) {
	t.Helper()
	logs := new(bytes.Buffer)
	h := New(Options{Keys: &fakeKeys{key: testAPIKey}, AIM: client,
		Mapping: apigw.Options{AllowedOrigins: []string{"https://shop.example.com"}}, Logger: slog.New(slog.NewJSONHandler(logs, nil))})
	h.Prefetch(t.Context(), 2*time.Second)
	return h, logs
}

// TestPrefetchOpensTheConnections: after Prefetch a connection to each AIM
// host waits in the pool, and the first request opens none.
func TestPrefetchOpensTheConnections(t *testing.T) {
	client, _, serviceConns, storeConns := tlsAIM(t)
	h, logs := prefetched(t, client)
	if got := [2]int32{serviceConns.Load(), storeConns.Load()}; got != [2]int32{1, 1} {
		t.Fatalf("after Prefetch: got %d service and %d store connections, want 1 and 1; logs:\n%s", got[0], got[1], logs.String())
	}
	a := invoke(t, h, eventFile(t, "httpapi-add-customer-card.json"))
	if a.Status != http.StatusFound {
		t.Fatalf("got status %d, want 302; logs:\n%s", a.Status, logs.String())
	}
	if got := storeConns.Load(); got != 1 {
		t.Errorf("after the first request: got %d store connections, want 1 (the one Prefetch opened)", got)
	}
}

// TestPrefetchConnectionClosedMeanwhile: the store closing the connection
// Prefetch opened costs a new connection, not an error.
func TestPrefetchConnectionClosedMeanwhile(t *testing.T) {
	client, store, _, storeConns := tlsAIM(t)
	h, logs := prefetched(t, client)
	store.CloseClientConnections()
	a := invoke(t, h, eventFile(t, "httpapi-add-customer-card.json"))
	if a.Status != http.StatusFound {
		t.Fatalf("got status %d, want 302; logs:\n%s", a.Status, logs.String())
	}
	if got := storeConns.Load(); got != 2 {
		t.Errorf("got %d store connections, want 2", got)
	}
}
