package devutil

import (
	"encoding/pem"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
)

// RunWithTestServerRoots runs m with httptest's TLS certificate as the
// system's only root (SSL_CERT_FILE), set before any TLS handshake loads the
// system roots, so that a client's own Transport verifies httptest's TLS
// servers the way it verifies a real host. Call it from TestMain and exit
// with its result.
func RunWithTestServerRoots(m *testing.M) int {
	dir, err := os.MkdirTemp("", "test-roots")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	srv := httptest.NewTLSServer(nil)
	file := filepath.Join(dir, "roots.pem")
	err = os.WriteFile(file, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}), 0o600)
	srv.Close()
	if err == nil {
		err = os.Setenv("SSL_CERT_FILE", file)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return m.Run()
}
