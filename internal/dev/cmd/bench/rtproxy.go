package main

import (
	"fmt"
	"net"
	"sync"
	"sync/atomic"
	"time"
)

// rtProxy is a TCP proxy that gives a loopback upstream a network path's round
// trip time: a connection carries no byte before one round trip has passed (the
// TCP handshake), and then every chunk of data arrives half a round trip after it
// was sent, in either direction. A TLS handshake so costs its real round trips, and
// a keep-alive request one. It counts connections and answers (data to the client
// after data to the server), so that round trips can be counted per upstream
// host, over HTTP/1.1 and HTTP/2 alike.
type rtProxy struct {
	ln     net.Listener
	target string // host:port of the upstream
	charge atomic.Pointer[charge]
	conns  atomic.Int64
	answer atomic.Int64

	mu   sync.Mutex
	open map[net.Conn]proxied // by the client's side
}

// proxied is the upstream side of an open connection, and done, closed when
// the connection is over and counts no more.
type proxied struct {
	up   net.Conn
	done chan struct{}
}

// startRTProxy listens on a free loopback port and forwards to target.
func startRTProxy(target string) (*rtProxy, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("round-trip proxy: %w", err)
	}
	p := &rtProxy{ln: ln, target: target, open: map[net.Conn]proxied{}}
	p.setCharge(charge{})
	go p.serve()
	return p, nil
}

// addr is the proxy's host:port.
func (p *rtProxy) addr() string { return p.ln.Addr().String() }

// charge is what a proxied connection costs: a wait before its first byte, and
// how late each chunk arrives in either direction.
type charge struct{ open, toServer, toClient time.Duration }

// roundTrip charges d per TCP round trip: the handshake, then half of d each way.
func roundTrip(d time.Duration) charge { return charge{open: d, toServer: d / 2, toClient: d / 2} }

// way is the delay of data flowing d.
func (c charge) way(d direction) time.Duration {
	if d == toServer {
		return c.toServer
	}
	return c.toClient
}

// setRTT sets the round trip charged to connections opened from now on.
func (p *rtProxy) setRTT(d time.Duration) { p.setCharge(roundTrip(d)) }

// setCharge sets what connections opened from now on cost.
func (p *rtProxy) setCharge(c charge) { p.charge.Store(&c) }

// tally is what a proxy counted.
type tally struct{ conns, answers int64 }

// roundTrips counts one per connection (its TCP handshake) and one per answer.
func (t tally) roundTrips() float64 { return float64(t.conns + t.answers) }

// sub is what was counted since u.
func (t tally) sub(u tally) tally { return tally{t.conns - u.conns, t.answers - u.answers} }

// tally is what the proxy counted so far.
func (p *rtProxy) tally() tally { return tally{p.conns.Load(), p.answer.Load()} }

// close stops listening and cuts every open connection.
func (p *rtProxy) close() {
	p.ln.Close() //nolint:errcheck // nothing to do about it at the end.
	p.cut()
}

// cut closes every open connection, both sides, and returns once they count
// no more: what an upstream sends as it closes (a TLS alert, HTTP/2's GOAWAY)
// must not count in the next session. It keeps listening.
func (p *rtProxy) cut() {
	p.mu.Lock()
	var done []chan struct{}
	for down, c := range p.open {
		down.Close() //nolint:errcheck
		c.up.Close() //nolint:errcheck
		done = append(done, c.done)
	}
	p.mu.Unlock()
	for _, d := range done {
		<-d
	}
}

func (p *rtProxy) serve() {
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		go p.handle(c)
	}
}

// track adds down and its upstream side to the connections cut closes, and
// returns what removes them once the connection counts no more.
func (p *rtProxy) track(down, up net.Conn) (untrack func()) {
	c := proxied{up: up, done: make(chan struct{})}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.open[down] = c
	return func() {
		p.mu.Lock()
		defer p.mu.Unlock()
		delete(p.open, down)
		close(c.done)
	}
}

// handle joins the client's connection to a new one to the upstream.
func (p *rtProxy) handle(down net.Conn) {
	defer down.Close()
	up, err := net.Dial("tcp", p.target)
	if err != nil {
		return
	}
	defer up.Close()
	defer p.track(down, up)()
	p.conns.Add(1)
	c := *p.charge.Load()
	l := &link{open: time.Now().Add(c.open), delay: c, answers: &p.answer}
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); l.pipe(up, down, toServer) }()
	go func() { defer wg.Done(); l.pipe(down, up, toClient) }()
	wg.Wait()
}
