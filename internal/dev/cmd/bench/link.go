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
	flights *atomic.Int64

	mu     sync.Mutex
	last   direction
	lastAt time.Time // when data last flowed either way
}

// quietFlight is how long a link must have been quiet for data to start a new
// flight even in the direction it last flowed: a request on a connection that
// was opened ahead (its handshake ended with the client's Finished) and then
// left idle is a flight of its own.
const quietFlight = 50 * time.Millisecond

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

// turn counts a new flight when data flows the other way than last time, or
// after the link was quiet for quietFlight.
func (l *link) turn(d direction, now time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.last != d || now.Sub(l.lastAt) >= quietFlight {
		l.flights.Add(1)
	}
	l.last, l.lastAt = d, now
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
				l.turn(d, read)
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
