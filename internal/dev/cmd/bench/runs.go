package main

import (
	"context"
	"fmt"
	"time"

	"github.com/aimcards/customer-access-token/internal/dev/devutil"
)

// warmRun is one process started with upstreams charging nothing and then kept busy.
type warmRun struct {
	init, p50, p99            time.Duration
	peakRSS                   int64
	secretGets, endpointCalls int
	serviceConns, storeConns  int           // connections to AIM's service host and the store's
	bare                      time.Duration // median keep-alive round trip, see probeRoundTrip
}

// runWarm times init, then n sequential invocations, then reads the peak RSS and
// counts the upstream calls made over the process's life. The proxies charge
// nothing, so that the function's own work, tens of µs, is not lost in timer noise.
func runWarm(ctx context.Context, up *upstreams, bin string, sz lambdaSize, n int) (warmRun, error) {
	var w warmRun
	s, err := begin(ctx, up, bin, sz, charges{}, nil)
	if err != nil {
		return w, err
	}
	defer s.end()
	if w.init, err = s.initDone(); err != nil {
		return w, err
	}
	ev := clickEvent()
	took := make([]time.Duration, 0, n)
	for range n {
		res, err := s.invoke(ev)
		if err != nil {
			return w, fmt.Errorf("warm invocation %d: %w", len(took)+1, err)
		}
		took = append(took, res.Duration())
	}
	w.p50, w.p99 = percentile(took, 50), percentile(took, 99)
	if w.peakRSS, err = s.proc.peakRSS(); err != nil {
		return w, err
	}
	w.secretGets = up.secretGets() - s.gets
	w.endpointCalls = s.endpointCalls()
	work := s.served()
	w.serviceConns, w.storeConns = int(work.service.conns), int(work.store.conns)
	// After the counts, so that the probe's calls and connections are not the function's.
	w.bare, err = probeRoundTrip(ctx, up, s.aim, 200)
	return w, err
}

// coldRun is the first answer of one process, with round trips charged.
type coldRun struct {
	init   time.Duration // exec → first next; 0 where the event was waiting
	answer time.Duration
	trips  hostTally     // counted during init (frozen) or exec → answer (waiting)
	after  hostTally     // counted from the thaw to the answer (frozen)
	cpu    time.Duration // the process's CPU time over its life (waiting: exec → answer, then idle)
}

// runWaiting queues the event before exec and times exec → answer.
func runWaiting(ctx context.Context, up *upstreams, bin string, sz lambdaSize, c charges) (r coldRun, err error) {
	s, err := begin(ctx, up, bin, sz, c, clickEvent())
	if err != nil {
		return coldRun{}, err
	}
	defer func() { s.end(); r.cpu = s.proc.cpu() }()
	res, err := s.first.Wait(s.proc.ctx)
	if _, err := checked(s.proc.ctx, res, err); err != nil {
		return coldRun{}, fmt.Errorf("first answer: %w", err)
	}
	return coldRun{answer: res.Answered.Sub(s.proc.start), trips: s.tallies()}, nil
}

// runFrozen lets the process finish init, stops it as Lambda freezes an idle
// environment, and after freeze times hand-out (with the thaw) → answer.
func runFrozen(ctx context.Context, up *upstreams, bin string, sz lambdaSize, c charges, freeze time.Duration) (coldRun, error) {
	s, err := begin(ctx, up, bin, sz, c, nil)
	if err != nil {
		return coldRun{}, err
	}
	defer s.end()
	var r coldRun
	if r.init, err = s.initDone(); err != nil {
		return coldRun{}, err
	}
	if err := s.proc.stop(); err != nil {
		return coldRun{}, fmt.Errorf("freeze: %w", err)
	}
	devutil.Sleep(ctx, freeze)
	// What init (and anything it left running) used.
	r.trips = s.tallies()
	s.thaw = func() { s.proc.resume() } //nolint:errcheck // a failed thaw shows as no answer.
	res, err := s.invoke(clickEvent())
	if err != nil {
		return coldRun{}, fmt.Errorf("first answer after freeze: %w", err)
	}
	r.answer, r.after = res.Duration(), s.tallies().sub(r.trips)
	return r, nil
}
