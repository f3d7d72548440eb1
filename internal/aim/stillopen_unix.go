//go:build unix

package aim

import (
	"crypto/tls"
	"io"
	"net"
	"syscall"
)

// stillOpen reports whether conn, opened ahead by open and idle since, may
// still be used. It reads what has arrived without waiting: for TLS, the
// records the server sent after the handshake (session tickets) are
// processed, and an alert or the end of the stream means closed. Nothing
// arrived, or only session tickets, means open; application data, which no
// request asked for, means closed too. (A read with an expired deadline would
// not do: Go fails it before looking at the socket.) A server that closes
// the connection after this look costs the one retry (see do).
func stillOpen(conn net.Conn) bool {
	raw := conn
	if tc, ok := conn.(*tls.Conn); ok {
		raw = tc.NetConn()
	}
	cc, ok := raw.(*countedConn)
	if !ok {
		return true
	}
	cc.probing = true
	n, err := conn.Read(make([]byte, 1))
	cc.probing = false
	return n == 0 && err == errWouldBlock
}

// errWouldBlock is a probe's read finding nothing to read. It is temporary,
// so that crypto/tls does not keep it as the connection's error.
var errWouldBlock error = wouldBlock{}

type wouldBlock struct{}

func (wouldBlock) Error() string   { return "aim: nothing to read yet" }
func (wouldBlock) Timeout() bool   { return true }
func (wouldBlock) Temporary() bool { return true }

// Read reads as the connection does, except while stillOpen probes: then it
// takes only what has arrived and answers errWouldBlock instead of waiting.
func (c *countedConn) Read(b []byte) (int, error) {
	if !c.probing {
		return c.Conn.Read(b)
	}
	sc, ok := c.Conn.(syscall.Conn)
	if !ok {
		return 0, errWouldBlock
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return 0, err
	}
	var n int
	var rerr error
	if err := rc.Read(func(fd uintptr) bool {
		n, _, rerr = syscall.Recvfrom(int(fd), b, syscall.MSG_DONTWAIT)
		return true
	}); err != nil {
		return 0, err
	}
	switch {
	case rerr == syscall.EAGAIN || rerr == syscall.EWOULDBLOCK:
		return 0, errWouldBlock
	case rerr != nil:
		return 0, rerr
	case n == 0 && len(b) > 0:
		return 0, io.EOF
	}
	return n, nil
}
