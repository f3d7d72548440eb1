package main

import (
	"context"
	"fmt"
	"os"
	"time"
)

// plainMemoryMB is the memory size the plain part tells the processes, the
// template's default; they run at full CPU whatever it says.
const plainMemoryMB = 128

// plainFigures are one bootstrap's medians over the plain part's runs: upstreams
// over plain HTTP on loopback, every process at full CPU.
type plainFigures struct {
	init, initOwn            time.Duration // exec → first next, straight to the servers; less their time
	waiting, frozen          time.Duration // first answers, each request charged the plain latency
	p50, p99                 time.Duration
	bare                     time.Duration // loopback keep-alive round trip to the store host
	waitingUpstream          time.Duration // the servers' time answering, event waiting
	frozenStore              time.Duration // the store host's time answering after the thaw
	waitingReqs              hostRequests  // requests per host, event waiting
	frozenReqs               hostRequests  // requests per host after the thaw
	peakRSS                  int64
	secretGets, gepCalls     int
	serviceConns, storeConns int
}

// hostRequests are requests counted per upstream host at its server.
type hostRequests struct{ service, store, secrets int64 }

// plainResult is the plain part's figures.
type plainResult struct{ function, hello plainFigures }

// measurePlain runs every scenario o.plainRuns times for each bootstrap over plain
// HTTP at full CPU, alternating them, with o.plainLatency added per request in the
// first-answer scenarios, as the bench did before it measured over TLS.
func measurePlain(ctx context.Context, o options, bins binaries, up *upstreams) (plainResult, error) {
	pu, err := up.plainSide()
	if err != nil {
		return plainResult{}, err
	}
	defer pu.closePlain()
	sz := lambdaSize{memoryMB: plainMemoryMB}
	c := charges{aim: o.plainLatency, secrets: o.plainLatency}
	var fn, hello samples
	for i := range o.plainRuns {
		for _, sub := range []struct {
			name string
			bin  string
			s    *samples
		}{{"function", bins.function, &fn}, {"hello-world", bins.hello, &hello}} {
			fmt.Fprintf(os.Stderr, "bench: plain, full CPU, run %d/%d %s\n", i+1, o.plainRuns, sub.name)
			if err := sample(ctx, o, pu, sub.bin, sz, c, sub.s); err != nil {
				return plainResult{}, fmt.Errorf("measure %s over plain HTTP, run %d: %w", sub.name, i+1, err)
			}
		}
	}
	return plainResult{function: fn.plainFigures(), hello: hello.plainFigures()}, nil
}

// plainFigures takes the median of every plain measure over the runs.
func (s samples) plainFigures() plainFigures {
	return plainFigures{
		init:            medianOf(s.warm, func(w warmRun) time.Duration { return w.init }),
		initOwn:         medianOf(s.warm, func(w warmRun) time.Duration { return w.init - w.initUpstream }),
		waiting:         medianOf(s.waiting, func(c coldRun) time.Duration { return c.answer }),
		frozen:          medianOf(s.frozen, func(c coldRun) time.Duration { return c.answer }),
		p50:             medianOf(s.warm, func(w warmRun) time.Duration { return w.p50 }),
		p99:             medianOf(s.warm, func(w warmRun) time.Duration { return w.p99 }),
		bare:            medianOf(s.warm, func(w warmRun) time.Duration { return w.bare }),
		waitingUpstream: medianOf(s.waiting, func(c coldRun) time.Duration { return c.work.busy() }),
		frozenStore:     medianOf(s.frozen, func(c coldRun) time.Duration { return c.afterWork.store.busy }),
		waitingReqs:     medianRequests(s.waiting, func(c coldRun) hostWork { return c.work }),
		frozenReqs:      medianRequests(s.frozen, func(c coldRun) hostWork { return c.afterWork }),
		peakRSS:         medianOf(s.warm, func(w warmRun) int64 { return w.peakRSS }),
		secretGets:      medianOf(s.warm, func(w warmRun) int { return w.secretGets }),
		gepCalls:        medianOf(s.warm, func(w warmRun) int { return w.endpointCalls }),
		serviceConns:    medianOf(s.warm, func(w warmRun) int { return w.serviceConns }),
		storeConns:      medianOf(s.warm, func(w warmRun) int { return w.storeConns }),
	}
}

// medianRequests is the median of requests per host over runs.
func medianRequests(runs []coldRun, get func(coldRun) hostWork) hostRequests {
	return hostRequests{
		service: medianOf(runs, func(c coldRun) int64 { return get(c).service.requests }),
		store:   medianOf(runs, func(c coldRun) int64 { return get(c).store.requests }),
		secrets: medianOf(runs, func(c coldRun) int64 { return get(c).secrets.requests }),
	}
}
