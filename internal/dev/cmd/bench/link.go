package main

import (
	"errors"
	"io"
	"net"
	"sync"
	"sync/atomic"
	"time"
)

// direction is the way data flows on a link.
type direction int

const (
	toServer direction = iota + 1
	toClient
)

// link is one proxied connection.
type link struct {
	open    time.Time // no byte arrives before
	delay   charge    // toServer and toClient: how late each chunk arrives
	answers *atomic.Int64

	mu   sync.Mutex
	last direction // the way data last flowed
}

// due is when a chunk read at read, flowing d, arrives at the other end.
func (l *link) due(read time.Time, d direction) time.Time {
	return arrival(read, l.open, l.delay.way(d))
}

// arrival is when data sent at sent arrives: delay later, and never before delay
// after the connection is open.
func arrival(sent, open time.Time, delay time.Duration) time.Time {
	if sent.Before(open) {
		sent = open
	}
	return sent.Add(delay)
}

// turn counts an answer when data flows to the client after data flowed to
// the server: the end of a round trip. Data to the server that nothing
// answers (HTTP/2's acknowledgement of the server's SETTINGS) ends none,
// and a request sent after a quiet spell, in the direction data last
// flowed, still starts one.
func (l *link) turn(d direction) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if d == toClient && l.last == toServer {
		l.answers.Add(1)
	}
	l.last = d
}

// chunk is data in flight; eof marks the sender's end.
type chunk struct {
	b   []byte
	due time.Time
	eof bool
}

// pipe copies src to dst, each chunk delayed until it is due. The reader keeps
// reading while earlier chunks wait, so delays never add up.
func (l *link) pipe(dst, src net.Conn, d direction) {
	ch := make(chan chunk, 1024)
	go func() {
		defer close(ch)
		for {
			buf := make([]byte, 32<<10)
			n, err := src.Read(buf)
			if n > 0 {
				read := time.Now()
				l.turn(d)
				ch <- chunk{b: buf[:n], due: l.due(read, d)}
			}
			if err != nil {
				ch <- chunk{eof: true, due: l.due(time.Now(), d)}
				return
			}
		}
	}()
	failed := false
	for c := range ch {
		if failed {
			continue
		}
		time.Sleep(time.Until(c.due))
		if c.eof {
			closeWrite(dst)
			continue
		}
		if _, err := dst.Write(c.b); err != nil {
			failed = true
			src.Close() //nolint:errcheck // ends the reader.
		}
	}
}

// closeWrite passes on the end of the data, or closes dst when it cannot half-close.
func closeWrite(c net.Conn) {
	if tc, ok := c.(interface{ CloseWrite() error }); ok {
		if err := tc.CloseWrite(); err == nil || errors.Is(err, io.EOF) {
			return
		}
	}
	c.Close() //nolint:errcheck
}
