package handler

import (
	"encoding/pem"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
)

// TestMain makes httptest's TLS certificate the system's only root, before
// any TLS handshake loads the system roots, so a real aim.Client verifies
// the TLS test servers the way it verifies AIM in production.
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "handler-roots")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	srv := httptest.NewTLSServer(nil)
	file := filepath.Join(dir, "roots.pem")
	err = os.WriteFile(file, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}), 0o600)
	srv.Close()
	if err == nil {
		err = os.Setenv("SSL_CERT_FILE", file)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}
