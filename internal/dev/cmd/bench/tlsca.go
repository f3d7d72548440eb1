package main

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"time"
)

// systemBundle is the system's CA bundle, as Lambda's provided.al2023 image has one.
const systemBundle = "/etc/ssl/certs/ca-certificates.crt"

// testCA is a certificate authority made at run time, and one server certificate
// it signed for loopback, which every TLS upstream of the bench presents.
type testCA struct {
	certPEM []byte          // the CA certificate
	pool    *x509.CertPool  // the CA alone, for the bench's own clients
	leaf    tls.Certificate // for 127.0.0.1 and localhost
}

// newTestCA makes a CA and a loopback server certificate, valid for a day.
func newTestCA() (*testCA, error) {
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("test CA: %w", err)
	}
	now := time.Now()
	caTmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "bench test CA"},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(24 * time.Hour),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		return nil, fmt.Errorf("test CA: %w", err)
	}
	caCert, err := x509.ParseCertificate(caDER)
	if err != nil {
		return nil, fmt.Errorf("test CA: %w", err)
	}
	leaf, err := loopbackCert(caCert, caKey, now)
	if err != nil {
		return nil, err
	}
	ca := &testCA{certPEM: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER}), pool: x509.NewCertPool(), leaf: leaf}
	ca.pool.AddCert(caCert)
	return ca, nil
}

// loopbackCert is a server certificate for 127.0.0.1 and localhost signed by the CA.
func loopbackCert(ca *x509.Certificate, caKey *ecdsa.PrivateKey, now time.Time) (tls.Certificate, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("loopback certificate: %w", err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(2),
		Subject:      pkix.Name{CommonName: "localhost"},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.Add(24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		DNSNames:     []string{"localhost"},
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1)},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("loopback certificate: %w", err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, nil
}

// writeBundle writes the system bundle at system followed by the test CA into
// dir/ca-bundle.crt and returns its path, for SSL_CERT_FILE: the processes trust
// the public roots, as in Lambda, and the bench's upstreams.
func (ca *testCA) writeBundle(dir, system string) (string, error) {
	sys, err := os.ReadFile(system)
	if err != nil {
		return "", fmt.Errorf("CA bundle: %w", err)
	}
	var b bytes.Buffer
	b.Write(sys)
	if len(sys) > 0 && sys[len(sys)-1] != '\n' {
		b.WriteByte('\n')
	}
	b.Write(ca.certPEM)
	path := filepath.Join(dir, "ca-bundle.crt")
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		return "", fmt.Errorf("CA bundle: %w", err)
	}
	return path, nil
}

// serverConfig is the TLS configuration of an upstream: the loopback
// certificate, offering HTTP/2 first when h2 is set, else HTTP/1.1 only.
func (ca *testCA) serverConfig(h2 bool) *tls.Config {
	protos := []string{"http/1.1"}
	if h2 {
		protos = []string{"h2", "http/1.1"}
	}
	return &tls.Config{Certificates: []tls.Certificate{ca.leaf}, NextProtos: protos}
}

// clientConfig trusts the test CA alone, for the bench's own probe; nil for none.
func (ca *testCA) clientConfig() *tls.Config {
	if ca == nil {
		return nil
	}
	return &tls.Config{RootCAs: ca.pool}
}
