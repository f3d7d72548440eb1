package main

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
)

func TestBundleIsTheSystemBundleAndTheTestCA(t *testing.T) {
	ca, err := newTestCA()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	sys := filepath.Join(dir, "system.crt")
	if err := os.WriteFile(sys, []byte("# system roots"), 0o644); err != nil {
		t.Fatal(err)
	}
	path, err := ca.writeBundle(dir, sys)
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if want := append([]byte("# system roots\n"), ca.certPEM...); !bytes.Equal(b, want) {
		t.Errorf("bundle: got %q, want the system bundle, a newline and the CA", b)
	}
	if _, err := ca.writeBundle(dir, filepath.Join(dir, "none")); err == nil {
		t.Error("missing system bundle: got no error, want one")
	}
}

func TestLoopbackCertificateVerifiesAgainstTheBundle(t *testing.T) {
	ca, err := newTestCA()
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	srv.TLS = ca.serverConfig(false)
	srv.StartTLS()
	defer srv.Close()
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(ca.certPEM) {
		t.Fatal("the CA's PEM does not parse")
	}
	c := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	resp, err := c.Get(srv.URL)
	if err != nil {
		t.Fatalf("GET over TLS with the test CA: %v", err)
	}
	resp.Body.Close()
	if resp.Proto != "HTTP/1.1" {
		t.Errorf("got %s, want HTTP/1.1", resp.Proto)
	}
}
