package main

import (
	"fmt"
	"strings"
	"time"
)

// target is one goal and whether the figures meet it.
type target struct {
	goal, at, bound, measured string
	met                       bool
	margin                    string // how far under the bound, or over it
}

// targets checks the figures against the goals in the README's Performance section.
func targets(r results, o options) []target {
	rtt := o.aimRTT
	var ts []target
	for _, s := range r.sizes {
		at := fmtCount(s.memoryMB) + " MB"
		f, h := s.function, s.hello
		ts = append(ts, durTarget("first answer after the freeze ≤ hello-world + 1 round trip + 5 ms", at, f.frozen, h.frozen+rtt+5*time.Millisecond))
		ts = append(ts, durTarget("warm own work ≤ 50 µs", at, ownWork(s), 50*time.Microsecond))
	}
	ts = append(ts, firstClickTargets(r, o)...)
	big := r.sizes[len(r.sizes)-1]
	at := fmtCount(big.memoryMB) + " MB"
	f, h := big.function, big.hello
	per := " per " + fmtCount(r.warm) + " warm"
	return append(ts,
		countTarget("1 GetSecretValue"+per, at, f.secretGets, 1),
		countTarget("1 GetEndPoint"+per, at, f.endpointCalls, 1),
		countTarget("1 connection to the store's AIM host"+per, at, f.storeConns, 1),
		rssTarget(at, f.peakRSS, h.peakRSS),
		armTarget(r.functionArm),
	)
}

// rssTarget checks the function's peak RSS against 1.5× hello-world's.
func rssTarget(at string, f, h int64) target {
	return target{goal: "peak RSS ≤ 1.5× hello-world", at: at, bound: fmtMiB(h * 3 / 2), measured: fmtMiB(f),
		met: f*2 <= h*3, margin: fmtMiB(abs(f - h*3/2))}
}

// armTarget checks the function's linux/arm64 bootstrap against 10 MB.
func armTarget(fn size) target {
	return target{goal: "arm64 `bootstrap` ≤ 10 MB", bound: fmtMB(10_000_000), measured: fmtMB(fn.raw),
		met: fn.raw <= 10_000_000, margin: fmtMB(abs(fn.raw - 10_000_000))}
}

func abs(n int64) int64 { return max(n, -n) }

func durTarget(goal, at string, got, bound time.Duration) target {
	return target{goal: goal, at: at, bound: "≤ " + fmtDur(bound), measured: fmtDur(got), met: got <= bound, margin: fmtDur((got - bound).Abs())}
}

func countTarget(goal, at string, got, want int) target {
	return target{goal: goal, at: at, bound: fmt.Sprint(want), measured: fmt.Sprint(got), met: got <= want, margin: fmt.Sprint(max(got-want, want-got))}
}

// targetsTable writes the targets with their verdicts and margins.
func targetsTable(b *strings.Builder, r results, o options) {
	b.WriteString("| target | size | bound | measured | met |\n|---|---|---:|---:|---|\n")
	for _, t := range targets(r, o) {
		fmt.Fprintf(b, "| %s | %s | %s | %s | %s |\n", t.goal, t.at, t.bound, t.measured, verdict(t))
	}
}

// verdict says whether t is met, and by how much it is under or over its bound.
func verdict(t target) string {
	if !t.met {
		return "**no**, over by " + t.margin
	}
	return "yes, by " + t.margin
}
