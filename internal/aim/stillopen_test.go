//go:build unix

package aim

import (
	"crypto/tls"
	"net"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"syscall"
	"testing"
)

// pair returns a countedConn dialled to a fresh listener and the server's end.
func pair(t *testing.T) (*countedConn, net.Conn) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	conn, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	srv, err := ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(); srv.Close() })
	return &countedConn{Conn: conn, live: new(atomic.Int32)}, srv
}

func TestStillOpen(t *testing.T) {
	t.Run("idle", func(t *testing.T) {
		conn, _ := pair(t)
		if !stillOpen(conn) {
			t.Errorf("got stillOpen false, want true")
		}
		if !stillOpen(conn) {
			t.Errorf("second look: got stillOpen false, want true")
		}
	})
	t.Run("unasked data", func(t *testing.T) {
		conn, srv := pair(t)
		if _, err := srv.Write([]byte("x")); err != nil {
			t.Fatal(err)
		}
		waitReadable(t, conn)
		if stillOpen(conn) {
			t.Errorf("got stillOpen true, want false")
		}
	})
	t.Run("closed by the server", func(t *testing.T) {
		conn, srv := pair(t)
		srv.Close()
		waitReadable(t, conn)
		if stillOpen(conn) {
			t.Errorf("got stillOpen true, want false")
		}
	})
}

// TestStillOpenTLS: a fresh TLS connection (the server's session tickets
// read or not) is open; once the server closed it, it is not.
func TestStillOpenTLS(t *testing.T) {
	srv := httptest.NewUnstartedServer(http.NotFoundHandler())
	idle := make(chan struct{}, 1)
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateClosed {
			idle <- struct{}{}
		}
	}
	srv.StartTLS()
	defer srv.Close()
	raw, _ := pairTo(t, srv.Listener.Addr().String())
	cfg := srv.Client().Transport.(*http.Transport).TLSClientConfig.Clone()
	cfg.ServerName = "example.com"
	conn := tls.Client(raw, cfg)
	if err := conn.Handshake(); err != nil {
		t.Fatal(err)
	}
	if !stillOpen(conn) {
		t.Errorf("fresh TLS connection: got stillOpen false, want true")
	}
	srv.CloseClientConnections()
	<-idle
	waitReadable(t, raw)
	if stillOpen(conn) {
		t.Errorf("TLS connection the server closed: got stillOpen true, want false")
	}
}

// pairTo dials addr and wraps the connection as open does.
func pairTo(t *testing.T, addr string) (*countedConn, net.Conn) {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return &countedConn{Conn: conn, live: new(atomic.Int32)}, conn
}

// waitReadable blocks until conn has something to read (data or the end of
// the stream), without reading it.
func waitReadable(t *testing.T, conn net.Conn) {
	t.Helper()
	if cc, ok := conn.(*countedConn); ok {
		conn = cc.Conn
	}
	rc, err := conn.(*net.TCPConn).SyscallConn()
	if err != nil {
		t.Fatal(err)
	}
	var b [1]byte
	if err := rc.Read(func(fd uintptr) bool {
		_, _, err := syscall.Recvfrom(int(fd), b[:], syscall.MSG_PEEK|syscall.MSG_DONTWAIT)
		return err != syscall.EAGAIN
	}); err != nil {
		t.Fatal(err)
	}
}
