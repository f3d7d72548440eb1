package main

import (
	"context"
	"fmt"
	"time"

	"github.com/aimcards/customer-access-token/internal/dev/aimsandbox"
)

// warmRun is one process started with loopback-fast upstreams and then kept busy.
type warmRun struct {
	init, p50, p99                      time.Duration
	initUpstream                        time.Duration // of init, spent in upstream servers
	peakRSS                             int64
	secretGets, endpointCalls, aimConns int
	aimRoundTrip                        time.Duration // median CustomerAccessToken at the server
	loopback                            time.Duration // median loopback HTTP round trip, see probeLoopback
}

// runWarm times init, then n sequential invocations, then reads the peak RSS and
// counts the upstream calls made over the process's life.
func runWarm(ctx context.Context, up *upstreams, bin string, n int) (warmRun, error) {
	var w warmRun
	s, err := begin(ctx, up, bin, 0, nil)
	if err != nil {
		return w, err
	}
	defer s.end()
	if w.init, err = s.initDone(); err != nil {
		return w, err
	}
	initCalls := s.takeCalls()
	w.initUpstream = initCalls.total
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
	c := s.takeCalls()
	gep := string(aimsandbox.OpGetEndPoint)
	w.secretGets = initCalls.count[opGetSecretValue] + c.count[opGetSecretValue]
	w.endpointCalls = initCalls.count[gep] + c.count[gep]
	w.aimConns = s.sb.Connections()
	w.aimRoundTrip = c.roundTrip[string(aimsandbox.OpCustomerAccessToken)]
	// After the counts, so that the probe's calls and connection are not the function's.
	w.loopback, err = probeLoopback(ctx, s.aim.url, up.apiKey, 200)
	return w, err
}

// coldRun is the first answer of one process, with latency on every upstream call.
type coldRun struct {
	answer time.Duration
	calls  upstreamCalls // made from the start of the timed span to the answer
}

// runWaiting queues the event before exec and times exec → answer.
func runWaiting(ctx context.Context, up *upstreams, bin string, latency time.Duration) (coldRun, error) {
	s, err := begin(ctx, up, bin, latency, clickEvent())
	if err != nil {
		return coldRun{}, err
	}
	defer s.end()
	res, err := s.first.Wait(s.proc.ctx)
	if _, err := checked(s.proc.ctx, res, err); err != nil {
		return coldRun{}, fmt.Errorf("first answer: %w", err)
	}
	return coldRun{answer: res.Answered.Sub(s.proc.start), calls: s.takeCalls()}, nil
}

// runFrozen lets the process finish init, stops it as Lambda freezes an idle
// environment, and after freeze times hand-out (with the thaw) → answer.
func runFrozen(ctx context.Context, up *upstreams, bin string, latency, freeze time.Duration) (coldRun, error) {
	s, err := begin(ctx, up, bin, latency, nil)
	if err != nil {
		return coldRun{}, err
	}
	defer s.end()
	if _, err := s.initDone(); err != nil {
		return coldRun{}, err
	}
	if err := s.proc.stop(); err != nil {
		return coldRun{}, fmt.Errorf("freeze: %w", err)
	}
	sleep(ctx, freeze)
	s.takeCalls()                       // forget init's calls: count only the answer's
	s.thaw = func() { s.proc.resume() } //nolint:errcheck // a failed thaw shows as no answer.
	res, err := s.invoke(clickEvent())
	if err != nil {
		return coldRun{}, fmt.Errorf("first answer after freeze: %w", err)
	}
	return coldRun{answer: res.Duration(), calls: s.takeCalls()}, nil
}
