package main

import (
	"net"
	"net/http"
	"sync/atomic"
	"time"
)

// served counts, at an upstream server, the connections it accepted, the requests
// it answered and the time it spent answering them.
type served struct {
	conns, requests, busy atomic.Int64
}

// work is what a server counted.
type work struct {
	conns, requests int64
	busy            time.Duration
}

// sub is what was counted since u.
func (w work) sub(u work) work {
	return work{w.conns - u.conns, w.requests - u.requests, w.busy - u.busy}
}

// add is w and u together.
func (w work) add(u work) work {
	return work{w.conns + u.conns, w.requests + u.requests, w.busy + u.busy}
}

// work is what the server counted so far.
func (s *served) work() work {
	return work{s.conns.Load(), s.requests.Load(), time.Duration(s.busy.Load())}
}

// wrap times every request h answers.
func (s *served) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		h.ServeHTTP(w, r)
		s.busy.Add(int64(time.Since(start)))
		s.requests.Add(1)
	})
}

// connState counts new connections; it is the server's ConnState.
func (s *served) connState(_ net.Conn, st http.ConnState) {
	if st == http.StateNew {
		s.conns.Add(1)
	}
}
