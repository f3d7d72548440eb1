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

func TestRTProxyCountsConnectionsAndFlights(t *testing.T) {
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
	if got, want := p.tally(), (tally{conns: 1, flights: 4}); got != want {
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
	exchange(t, c2, bytes.Repeat([]byte("x"), 1<<20)) // many chunks, still two flights
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

func TestChargePerRoundTripAndPerRequest(t *testing.T) {
	tests := []struct {
		name               string
		got                charge
		open, toSrv, toCli time.Duration
	}{
		{"per round trip: handshake, then half each way", roundTrip(20 * time.Millisecond), 20 * time.Millisecond, 10 * time.Millisecond, 10 * time.Millisecond},
		{"per request: the request late, the rest free", perRequest(30 * time.Millisecond), 0, 30 * time.Millisecond, 0},
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
	l := &link{open: read, delay: perRequest(30 * time.Millisecond)}
	if got, want := l.due(read, toServer), read.Add(30*time.Millisecond); !got.Equal(want) {
		t.Errorf("request: got due %v after read, want %v", got.Sub(read), want.Sub(read))
	}
	if got := l.due(read, toClient); !got.Equal(read) {
		t.Errorf("answer: got due %v after read, want at once", got.Sub(read))
	}
}

// TestTurnCountsAQuietLinkAsANewFlight checks the flight count of a request on
// a connection opened ahead: same direction as the handshake's last flight,
// but after the link sat quiet.
func TestTurnCountsAQuietLinkAsANewFlight(t *testing.T) {
	t.Parallel()
	var flights atomic.Int64
	l := &link{flights: &flights}
	t0 := time.Unix(1_800_000_000, 0)
	l.turn(toServer, t0)                         // ClientHello
	l.turn(toClient, t0.Add(time.Millisecond))   // ServerHello … Finished
	l.turn(toServer, t0.Add(2*time.Millisecond)) // client Finished
	l.turn(toServer, t0.Add(3*time.Millisecond)) // more of the same flight
	if got := flights.Load(); got != 3 {
		t.Fatalf("handshake: got %d flights, want 3", got)
	}
	l.turn(toServer, t0.Add(300*time.Millisecond)) // the request, after a freeze
	l.turn(toClient, t0.Add(301*time.Millisecond)) // the answer
	if got := flights.Load(); got != 5 {
		t.Errorf("after a quiet link: got %d flights, want 5 (request and answer)", got)
	}
}
