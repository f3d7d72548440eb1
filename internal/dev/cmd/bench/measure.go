package main

import (
	"context"
	"fmt"
	"os"
	"time"
)

// figures are one bootstrap's medians over the runs.
type figures struct {
	init, waiting, frozen, p50, p99     time.Duration
	initOwn                             time.Duration // init less the time upstream servers took
	peakRSS                             int64
	secretGets, endpointCalls, aimConns int
	aimRoundTrip                        time.Duration            // warm CustomerAccessToken at the server
	loopback                            time.Duration            // one loopback HTTP round trip, client side
	waitingTrips                        map[string]time.Duration // per operation, event waiting at exec
	frozenTrips                         map[string]time.Duration // per operation, after the freeze
	frozenCalls                         map[string]int           // per operation, after the freeze
}

// results is everything the report shows.
type results struct {
	function, hello       figures
	functionArm, helloArm size
	warm                  int // invocations per warm run
}

// samples are one bootstrap's runs before taking medians.
type samples struct {
	warm            []warmRun
	waiting, frozen []coldRun
}

// measure runs every scenario o.runs times for each bootstrap, alternating them so
// that drift on the machine hits both alike.
func measure(ctx context.Context, o options, bins binaries, up *upstreams) (results, error) {
	var fn, hello samples
	for i := range o.runs {
		for _, sub := range []struct {
			name string
			bin  string
			s    *samples
		}{{"function", bins.function, &fn}, {"hello-world", bins.hello, &hello}} {
			fmt.Fprintf(os.Stderr, "bench: run %d/%d %s\n", i+1, o.runs, sub.name)
			if err := sample(ctx, o, up, sub.bin, sub.s); err != nil {
				return results{}, fmt.Errorf("measure %s, run %d: %w", sub.name, i+1, err)
			}
		}
	}
	return results{function: fn.figures(), hello: hello.figures(), functionArm: bins.functionArm, helloArm: bins.helloArm, warm: o.warm}, nil
}

// sample adds one run of each scenario to s.
func sample(ctx context.Context, o options, up *upstreams, bin string, s *samples) error {
	w, err := runWarm(ctx, up, bin, o.warm)
	if err != nil {
		return fmt.Errorf("warm: %w", err)
	}
	wt, err := runWaiting(ctx, up, bin, o.latency)
	if err != nil {
		return fmt.Errorf("event waiting at exec: %w", err)
	}
	fr, err := runFrozen(ctx, up, bin, o.latency, o.freeze)
	if err != nil {
		return fmt.Errorf("frozen: %w", err)
	}
	s.warm, s.waiting, s.frozen = append(s.warm, w), append(s.waiting, wt), append(s.frozen, fr)
	if o.verbose {
		fmt.Fprintf(os.Stderr, "bench:   init %s (upstream %s), p50 %s, p99 %s, waiting %s, frozen %s, peak RSS %s\n",
			fmtDur(w.init), fmtDur(w.initUpstream), fmtDur(w.p50), fmtDur(w.p99), fmtDur(wt.answer), fmtDur(fr.answer), fmtMiB(w.peakRSS))
	}
	return nil
}

// figures takes the median of every measure over the runs.
func (s samples) figures() figures {
	f := figures{
		init:          medianOf(s.warm, func(w warmRun) time.Duration { return w.init }),
		initOwn:       medianOf(s.warm, func(w warmRun) time.Duration { return w.init - w.initUpstream }),
		p50:           medianOf(s.warm, func(w warmRun) time.Duration { return w.p50 }),
		p99:           medianOf(s.warm, func(w warmRun) time.Duration { return w.p99 }),
		peakRSS:       medianOf(s.warm, func(w warmRun) int64 { return w.peakRSS }),
		secretGets:    medianOf(s.warm, func(w warmRun) int { return w.secretGets }),
		endpointCalls: medianOf(s.warm, func(w warmRun) int { return w.endpointCalls }),
		aimConns:      medianOf(s.warm, func(w warmRun) int { return w.aimConns }),
		aimRoundTrip:  medianOf(s.warm, func(w warmRun) time.Duration { return w.aimRoundTrip }),
		loopback:      medianOf(s.warm, func(w warmRun) time.Duration { return w.loopback }),
		waiting:       medianOf(s.waiting, func(c coldRun) time.Duration { return c.answer }),
		frozen:        medianOf(s.frozen, func(c coldRun) time.Duration { return c.answer }),
		waitingTrips:  map[string]time.Duration{},
		frozenTrips:   map[string]time.Duration{},
		frozenCalls:   map[string]int{},
	}
	for _, op := range upstreamOps {
		f.waitingTrips[op] = medianOf(s.waiting, func(c coldRun) time.Duration { return c.calls.roundTrip[op] })
		f.frozenTrips[op] = medianOf(s.frozen, func(c coldRun) time.Duration { return c.calls.roundTrip[op] })
		f.frozenCalls[op] = medianOf(s.frozen, func(c coldRun) int { return c.calls.count[op] })
	}
	return f
}

// medianOf is the median of get over runs.
func medianOf[R any, T int | int64 | time.Duration](runs []R, get func(R) T) T {
	v := make([]T, len(runs))
	for i, r := range runs {
		v[i] = get(r)
	}
	return median(v)
}
