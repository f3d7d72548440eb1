package devutil

import (
	"errors"
	"fmt"
	"net"
	"net/http"
)

// FreePort asks the kernel for a port of 127.0.0.1 that is free now, for a
// child process to bind. Another process could take it first; the caller
// finds out when its child fails to listen.
func FreePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("pick a free port: %w", err)
	}
	defer l.Close()
	addr, ok := l.Addr().(*net.TCPAddr)
	if !ok {
		return 0, errors.New("pick a free port: not a TCP address")
	}
	return addr.Port, nil
}

// Serve serves srv on a free port of 127.0.0.1 until srv is closed and
// returns its base URL, http://127.0.0.1:PORT. Unlike FreePort, no other
// process can take the port: it is bound before Serve returns.
func Serve(srv *http.Server) (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("listen on a free port: %w", err)
	}
	go func() { _ = srv.Serve(l) }()
	return "http://" + l.Addr().String(), nil
}
