package main

import (
	"fmt"
	"strings"
	"time"

	"github.com/aimcards/customer-access-token/internal/dev/aimsandbox"
)

// report renders the results as the README's Performance section.
func report(r results, o options, m machine) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Measured with `make bench` on %s. Medians of %d runs; each run is a fresh process; "+
		"%s added to every Secrets Manager and AIM call for the first-answer rows, none otherwise; "+
		"%s frozen (SIGSTOP) before the event in the third row.\n\n", m, o.runs, fmtDur(o.latency), fmtDur(o.freeze))
	figuresTable(&b, r, o)
	b.WriteString("\n")
	targetsTable(&b, r)
	return b.String()
}

// figuresTable writes the side-by-side figures.
func figuresTable(b *strings.Builder, r results, o options) {
	f, h := r.function, r.hello
	b.WriteString("| measure | function | hello-world | difference |\n|---|---:|---:|---:|\n")
	row := func(name, fv, hv, diff string) { fmt.Fprintf(b, "| %s | %s | %s | %s |\n", name, fv, hv, diff) }
	durRow := func(name string, fd, hd time.Duration) { row(name, fmtDur(fd), fmtDur(hd), diffDur(fd, hd)) }
	durRow("init: exec → first `next`", f.init, h.init)
	durRow("init less upstream server time (credential prefetch)", f.initOwn, h.initOwn)
	durRow("first answer, event waiting at exec (exec → answer)", f.waiting, h.waiting)
	durRow(fmt.Sprintf("first answer after %s frozen (event → answer)", fmtDur(o.freeze)), f.frozen, h.frozen)
	durRow("warm p50 over "+fmtCount(o.warm)+" invocations", f.p50, h.p50)
	durRow("warm p99 over "+fmtCount(o.warm)+" invocations", f.p99, h.p99)
	row("GetSecretValue calls (init + warm)", fmt.Sprint(f.secretGets), "–", "")
	row("GetEndPoint calls (init + warm)", fmt.Sprint(f.endpointCalls), "–", "")
	row("TCP connections opened to AIM", fmt.Sprint(f.aimConns), "–", "")
	row("peak RSS (VmHWM)", fmtMiB(f.peakRSS), fmtMiB(h.peakRSS), fmt.Sprintf("×%.2f", ratio(f.peakRSS, h.peakRSS)))
	row("linux/arm64 `bootstrap`", fmtMB(r.functionArm.raw), fmtMB(r.helloArm.raw), "")
	row("linux/arm64 `bootstrap` zipped", fmtMB(r.functionArm.zipped), fmtMB(r.helloArm.zipped), "")
	trips := f.waitingTrips
	fmt.Fprintf(b, "\nUpstream round trips, timed at the servers with %s added: GetSecretValue %s, GetEndPoint %s, "+
		"CustomerAccessToken %s; warm CustomerAccessToken with none added: %s at the server, and one loopback HTTP "+
		"round trip from a Go client %s (part of the warm overhead that hello-world never pays). Credential calls "+
		"during the first answer after the freeze: %d GetSecretValue, %d GetEndPoint.\n",
		fmtDur(o.latency), fmtDur(trips[opGetSecretValue]), fmtDur(trips[string(aimsandbox.OpGetEndPoint)]),
		fmtDur(trips[string(aimsandbox.OpCustomerAccessToken)]), fmtDur(f.aimRoundTrip), fmtDur(f.loopback),
		f.frozenCalls[opGetSecretValue], f.frozenCalls[string(aimsandbox.OpGetEndPoint)])
}

// target is one goal of issue 5 and whether the figures meet it.
type target struct {
	goal, bound, measured string
	met                   bool
	by                    string // how far off, when not met
}

// targets checks the figures against the goals of issue 5.
func targets(r results) []target {
	f, h := r.function, r.hello
	cat := string(aimsandbox.OpCustomerAccessToken)
	trips := f.waitingTrips[opGetSecretValue] + f.waitingTrips[string(aimsandbox.OpGetEndPoint)] + f.waitingTrips[cat]
	const slack = 5 * time.Millisecond
	per := " per " + fmtCount(r.warm) + " warm"
	return []target{
		durTarget("init, upstreams answering at once, ≤ hello-world's init + 5 ms", f.initOwn, h.initOwn+slack),
		durTarget("first answer, event waiting ≤ hello-world's + 3 round trips + 5 ms", f.waiting, h.waiting+trips+slack),
		durTarget("first answer after the freeze ≤ 1 AIM round trip + 5 ms", f.frozen, f.frozenTrips[cat]+slack),
		durTarget("warm p50 overhead ≤ 150 µs", f.p50-h.p50, 150*time.Microsecond),
		countTarget("1 GetSecretValue"+per, f.secretGets, 1),
		countTarget("1 GetEndPoint"+per, f.endpointCalls, 1),
		countTarget("1 AIM connection"+per, f.aimConns, 1),
		{goal: "peak RSS ≤ 1.5× hello-world", bound: fmtMiB(h.peakRSS * 3 / 2), measured: fmtMiB(f.peakRSS),
			met: f.peakRSS*2 <= h.peakRSS*3, by: fmtMiB(f.peakRSS - h.peakRSS*3/2)},
		{goal: "arm64 `bootstrap` ≤ 10 MB", bound: fmtMB(10_000_000), measured: fmtMB(r.functionArm.raw),
			met: r.functionArm.raw <= 10_000_000, by: fmtMB(r.functionArm.raw - 10_000_000)},
	}
}

func durTarget(goal string, got, bound time.Duration) target {
	return target{goal: goal, bound: "≤ " + fmtDur(bound), measured: fmtDur(got), met: got <= bound, by: fmtDur(got - bound)}
}

func countTarget(goal string, got, want int) target {
	return target{goal: goal, bound: fmt.Sprint(want), measured: fmt.Sprint(got), met: got <= want, by: fmt.Sprint(got - want)}
}

// targetsTable writes the targets with their verdicts.
func targetsTable(b *strings.Builder, r results) {
	b.WriteString("| target (issue 5) | bound | measured | met |\n|---|---:|---:|---|\n")
	for _, t := range targets(r) {
		verdict := "yes"
		if !t.met {
			verdict = "**no**, over by " + t.by
		}
		fmt.Fprintf(b, "| %s | %s | %s | %s |\n", t.goal, t.bound, t.measured, verdict)
	}
}
