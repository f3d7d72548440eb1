package main

import (
	"context"
	"fmt"
	"os"
	"time"
)

// figures are one bootstrap's medians over the runs at one size.
type figures struct {
	init                      time.Duration // exec → first next, round trips charged
	initFree                  time.Duration // the same with nothing charged
	waiting, frozen, p50, p99 time.Duration
	bare                      time.Duration // keep-alive round trip to the store host, nothing charged
	peakRSS                   int64
	secretGets, endpointCalls int
	storeConns                int
	waitingTrips              hostTrips // exec → answer, event waiting
	initTrips                 hostTrips // during init, before the freeze
	frozenTrips               hostTrips // thaw → answer
}

// hostTrips are round trips counted per upstream host.
type hostTrips struct{ service, store, aws float64 }

// sizeResult is one memory size's figures.
type sizeResult struct {
	memoryMB        int
	function, hello figures
	first           [2]firstClick // per protocol, as protocols orders them
}

// results is everything the report shows.
type results struct {
	sizes                 []sizeResult
	functionArm, helloArm size
	warm                  int    // invocations per warm run
	noQuota               string // why there was no CPU quota, "" when there was
	unhinted              bool   // an unmeasured start of the function left no endpoint hint
}

// samples are one bootstrap's runs before taking medians.
type samples struct {
	warm            []warmRun
	waiting, frozen []coldRun
}

// measure runs every scenario o.runs times for each bootstrap at each size,
// alternating them so that drift on the machine hits both alike.
func measure(ctx context.Context, o options, bins binaries, up *upstreams) (results, error) {
	r := results{functionArm: bins.functionArm, helloArm: bins.helloArm, warm: o.warm}
	if g, err := newCPUGroup(cpuRoot, fmt.Sprintf("bench-%d-probe", os.Getpid()), o.sizes[0]); err != nil {
		r.noQuota = err.Error()
		fmt.Fprintf(os.Stderr, "bench: %v; measuring at full CPU\n", err)
	} else {
		g.remove()
	}
	for _, mb := range o.sizes {
		sr, err := measureSize(ctx, o, bins, up, lambdaSize{memoryMB: mb, quota: r.noQuota == ""}, &r)
		if err != nil {
			return r, err
		}
		r.sizes = append(r.sizes, sr)
	}
	return r, nil
}

// measureSize measures both bootstraps at one size.
func measureSize(ctx context.Context, o options, bins binaries, up *upstreams, sz lambdaSize, r *results) (sizeResult, error) {
	if err := r.prime(ctx, up, bins.function, sz, charges{aim: o.aimRTT, aws: o.awsRTT}); err != nil {
		return sizeResult{}, err
	}
	var fn, hello samples
	for i := range o.runs {
		for _, sub := range []struct {
			name string
			bin  string
			s    *samples
		}{{"function", bins.function, &fn}, {"hello-world", bins.hello, &hello}} {
			fmt.Fprintf(os.Stderr, "bench: %d MB, run %d/%d %s\n", sz.memoryMB, i+1, o.runs, sub.name)
			if err := sample(ctx, o, up, sub.bin, sz, charges{aim: o.aimRTT, aws: o.awsRTT}, sub.s); err != nil {
				return sizeResult{}, fmt.Errorf("measure %s at %d MB, run %d: %w", sub.name, sz.memoryMB, i+1, err)
			}
		}
	}
	first, err := measureFirstClicks(ctx, o, bins, up, sz, r)
	return sizeResult{memoryMB: sz.memoryMB, function: fn.figures(), hello: hello.figures(), first: first}, err
}

// prime has the function write its endpoint hint for AIM's hosts now set, unless
// the run is without one or the hint names them already, and notes when it did
// not; its round trips are charged c.
func (r *results) prime(ctx context.Context, up *upstreams, bin string, sz lambdaSize, c charges) error {
	if up.noHint {
		return nil
	}
	a, err := up.aimHosts()
	if err != nil {
		return err
	}
	if got, err := up.hint(ctx); err != nil || got == a.store.url() {
		return err
	}
	fmt.Fprintf(os.Stderr, "bench: %d MB, an unmeasured start of the function to write the endpoint hint\n", sz.memoryMB)
	ok, err := primeHint(ctx, up, bin, sz, c)
	if err != nil {
		return fmt.Errorf("at %d MB: %w", sz.memoryMB, err)
	}
	r.unhinted = r.unhinted || !ok
	return nil
}

// sample adds one run of each scenario to s, the cold ones charged c.
func sample(ctx context.Context, o options, up *upstreams, bin string, sz lambdaSize, c charges, s *samples) error {
	w, err := runWarm(ctx, up, bin, sz, o.warm)
	if err != nil {
		return fmt.Errorf("warm: %w", err)
	}
	wt, err := runWaiting(ctx, up, bin, sz, c)
	if err != nil {
		return fmt.Errorf("event waiting at exec: %w", err)
	}
	fr, err := runFrozen(ctx, up, bin, sz, c, o.freeze)
	if err != nil {
		return fmt.Errorf("frozen: %w", err)
	}
	s.warm, s.waiting, s.frozen = append(s.warm, w), append(s.waiting, wt), append(s.frozen, fr)
	if o.verbose {
		fmt.Fprintf(os.Stderr, "bench:   init %s (free %s), p50 %s, p99 %s, bare %s, waiting %s, frozen %s, round trips waiting %s, after freeze %s\n",
			fmtDur(fr.init), fmtDur(w.init), fmtDur(w.p50), fmtDur(w.p99), fmtDur(w.bare), fmtDur(wt.answer), fmtDur(fr.answer),
			fmtTrips(trips(wt.trips)), fmtTrips(trips(fr.after)))
	}
	return nil
}

// trips are the round trips of a tally per host.
func trips(t hostTally) hostTrips {
	return hostTrips{t.service.roundTrips(), t.store.roundTrips(), t.aws.roundTrips()}
}

// figures takes the median of every measure over the runs.
func (s samples) figures() figures {
	return figures{
		init:          medianOf(s.frozen, func(c coldRun) time.Duration { return c.init }),
		initFree:      medianOf(s.warm, func(w warmRun) time.Duration { return w.init }),
		p50:           medianOf(s.warm, func(w warmRun) time.Duration { return w.p50 }),
		p99:           medianOf(s.warm, func(w warmRun) time.Duration { return w.p99 }),
		bare:          medianOf(s.warm, func(w warmRun) time.Duration { return w.bare }),
		peakRSS:       medianOf(s.warm, func(w warmRun) int64 { return w.peakRSS }),
		secretGets:    medianOf(s.warm, func(w warmRun) int { return w.secretGets }),
		endpointCalls: medianOf(s.warm, func(w warmRun) int { return w.endpointCalls }),
		storeConns:    medianOf(s.warm, func(w warmRun) int { return w.storeConns }),
		waiting:       medianOf(s.waiting, func(c coldRun) time.Duration { return c.answer }),
		frozen:        medianOf(s.frozen, func(c coldRun) time.Duration { return c.answer }),
		waitingTrips:  medianTrips(s.waiting, func(c coldRun) hostTally { return c.trips }),
		initTrips:     medianTrips(s.frozen, func(c coldRun) hostTally { return c.trips }),
		frozenTrips:   medianTrips(s.frozen, func(c coldRun) hostTally { return c.after }),
	}
}

// medianTrips is the median round trips per host over runs.
func medianTrips(runs []coldRun, get func(coldRun) hostTally) hostTrips {
	return hostTrips{
		service: medianOf(runs, func(c coldRun) float64 { return get(c).service.roundTrips() }),
		store:   medianOf(runs, func(c coldRun) float64 { return get(c).store.roundTrips() }),
		aws:     medianOf(runs, func(c coldRun) float64 { return get(c).aws.roundTrips() }),
	}
}

// medianOf is the median of get over runs.
func medianOf[R any, T int | int64 | float64 | time.Duration](runs []R, get func(R) T) T {
	v := make([]T, len(runs))
	for i, r := range runs {
		v[i] = get(r)
	}
	return median(v)
}
