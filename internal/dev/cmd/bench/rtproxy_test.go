package main

import (
	"bytes"
	"io"
	"net"
	"sync/atomic"
	"testing"
	"time"
)

// startEcho serves an echo on loopback for the proxy's tests.
func startEcho(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() { defer c.Close(); io.Copy(c, c) }()
		}
	}()
	return ln.Addr().String()
}

// exchange writes msg and reads as many bytes back.
func exchange(t *testing.T, c net.Conn, msg []byte) {
	t.Helper()
	if _, err := c.Write(msg); err != nil {
		t.Fatal(err)
	}
	got := make([]byte, len(msg))
	if _, err := io.ReadFull(c, got); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, msg) {
		t.Fatalf("got %d bytes back that differ from the %d sent", len(got), len(msg))
	}
}

func TestRTProxyCountsConnectionsAndAnswers(t *testing.T) {
	t.Parallel()
	p, err := startRTProxy(startEcho(t))
	if err != nil {
		t.Fatal(err)
	}
	defer p.close()
	c, err := net.Dial("tcp", p.addr())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	exchange(t, c, []byte("hello"))
	exchange(t, c, []byte("again"))
	if got, want := p.tally(), (tally{conns: 1, answers: 2}); got != want {
		t.Errorf("after two exchanges on one connection: got %+v, want %+v", got, want)
	}
	if got := p.tally().roundTrips(); got != 3 {
		t.Errorf("got %v round trips, want 3 (handshake + 2 exchanges)", got)
	}
	before := p.tally()
	c2, err := net.Dial("tcp", p.addr())
	if err != nil {
		t.Fatal(err)
	}
	defer c2.Close()
	exchange(t, c2, bytes.Repeat([]byte("x"), 1<<20)) // many chunks, one answer
	if got := p.tally().sub(before); got.conns != 1 {
		t.Errorf("second connection: got %d connections, want 1", got.conns)
	}
}

func TestRTProxyPassesTheEndOfData(t *testing.T) {
	t.Parallel()
	p, err := startRTProxy(startEcho(t))
	if err != nil {
		t.Fatal(err)
	}
	defer p.close()
	p.setRTT(2 * time.Millisecond)
	c, err := net.Dial("tcp", p.addr())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.Write([]byte("last words")); err != nil {
		t.Fatal(err)
	}
	c.(*net.TCPConn).CloseWrite()
	got, err := io.ReadAll(c)
	if err != nil || string(got) != "last words" {
		t.Errorf("got %q, %v, want the echo and then EOF", got, err)
	}
}

func TestArrival(t *testing.T) {
	open := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	half := 10 * time.Millisecond
	tests := []struct {
		name string
		sent time.Time
		want time.Time
	}{
		{"sent during the TCP handshake waits for it", open.Add(-15 * time.Millisecond), open.Add(half)},
		{"sent as it opens", open, open.Add(half)},
		{"sent later takes half a round trip", open.Add(time.Second), open.Add(time.Second + half)},
	}
	for _, tt := range tests {
		if got := arrival(tt.sent, open, half); !got.Equal(tt.want) {
			t.Errorf("%s: got %v, want %v", tt.name, got.Sub(open), tt.want.Sub(open))
		}
	}
}

func TestChargePerRoundTrip(t *testing.T) {
	tests := []struct {
		name               string
		got                charge
		open, toSrv, toCli time.Duration
	}{
		{"per round trip: handshake, then half each way", roundTrip(20 * time.Millisecond), 20 * time.Millisecond, 10 * time.Millisecond, 10 * time.Millisecond},
		{"none", charge{}, 0, 0, 0},
	}
	for _, tt := range tests {
		if tt.got.open != tt.open || tt.got.way(toServer) != tt.toSrv || tt.got.way(toClient) != tt.toCli {
			t.Errorf("%s: got open %v, to server %v, to client %v, want %v, %v, %v",
				tt.name, tt.got.open, tt.got.way(toServer), tt.got.way(toClient), tt.open, tt.toSrv, tt.toCli)
		}
	}
}

func TestLinkDelaysEachWayByItsCharge(t *testing.T) {
	read := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	l := &link{open: read, delay: charge{toServer: 30 * time.Millisecond}}
	if got, want := l.due(read, toServer), read.Add(30*time.Millisecond); !got.Equal(want) {
		t.Errorf("request: got due %v after read, want %v", got.Sub(read), want.Sub(read))
	}
	if got := l.due(read, toClient); !got.Equal(read) {
		t.Errorf("answer: got due %v after read, want at once", got.Sub(read))
	}
}

// TestTurnCountsAnswers: a round trip ends where data reaches the client after
// data went to the server: a request on a connection opened ahead, after a
// quiet spell, counts; HTTP/2's acknowledgement of the server's SETTINGS,
// which nothing answers, does not.
func TestTurnCountsAnswers(t *testing.T) {
	t.Parallel()
	var answers atomic.Int64
	l := &link{answers: &answers}
	for _, d := range []direction{
		toServer, // ClientHello
		toClient, // ServerHello … Finished
		toServer, // client Finished, HTTP/2 preface and SETTINGS
		toServer, // the HEAD, later
		toClient, // NewSessionTicket, SETTINGS and the HEAD's answer
		toServer, // SETTINGS acknowledgement
	} {
		l.turn(d)
	}
	if got := answers.Load(); got != 2 {
		t.Fatalf("handshake and warm-up: got %d answers, want 2", got)
	}
	l.turn(toServer) // the request, after a freeze
	l.turn(toClient) // the answer
	l.turn(toClient) // more of it
	if got := answers.Load(); got != 3 {
		t.Errorf("after the request: got %d answers, want 3", got)
	}
}
