package devutil_test

import (
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/aimcards/customer-access-token/internal/dev/devutil"
)

func TestFreePortCanBeBound(t *testing.T) {
	t.Parallel()
	port, err := devutil.FreePort()
	if err != nil {
		t.Fatalf("FreePort: %v", err)
	}
	if port <= 0 || port > 65535 {
		t.Fatalf("got port %d, want 1 to 65535", port)
	}
	l, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
	if err != nil {
		t.Fatalf("listen on the port FreePort gave: %v", err)
	}
	l.Close()
}

func TestServeAnswersOnLoopback(t *testing.T) {
	t.Parallel()
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = io.WriteString(w, "hello")
	})}
	url, err := devutil.Serve(srv)
	if err != nil {
		t.Fatalf("Serve: %v", err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	if !strings.HasPrefix(url, "http://127.0.0.1:") {
		t.Errorf("got URL %q, want http://127.0.0.1:PORT", url)
	}
	resp, err := http.Get(url)
	if err != nil {
		t.Fatalf("GET: %v", err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if string(body) != "hello" {
		t.Errorf("got body %q, want %q", body, "hello")
	}
}
