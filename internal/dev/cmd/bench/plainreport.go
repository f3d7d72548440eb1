package main

import (
	"fmt"
	"strings"
	"time"
)

// plainReport renders the plain part: its figures and its targets.
func plainReport(b *strings.Builder, r results, o options) {
	p := r.plain
	fmt.Fprintf(b, "Plain loopback, full CPU (the bench as it was before it measured over TLS): medians of %d runs; "+
		"each run is a fresh process at full CPU (no quota); upstreams over plain HTTP; init and warm rows go "+
		"straight to the servers with nothing added, the first-answer rows through a proxy that adds %s to every "+
		"Secrets Manager and AIM request; %s frozen (SIGSTOP) before the event in the frozen row. Upstream time "+
		"is the servers' own time answering, measured at the servers, the added %s not included.\n\n",
		o.plainRuns, fmtDur(o.plainLatency), fmtDur(o.freeze), fmtDur(o.plainLatency))
	plainTable(b, p, o, r.warm)
	b.WriteString("\n")
	plainTargetsTable(b, r, o)
}

// plainTable writes the function and hello-world side by side.
func plainTable(b *strings.Builder, p *plainResult, o options, warm int) {
	f, h := p.function, p.hello
	b.WriteString("| plain loopback, full CPU | function | hello-world | difference |\n|---|---:|---:|---:|\n")
	row := func(name, fv, hv, diff string) { fmt.Fprintf(b, "| %s | %s | %s | %s |\n", name, fv, hv, diff) }
	durRow := func(name string, fd, hd time.Duration) { row(name, fmtDur(fd), fmtDur(hd), diffDur(fd, hd)) }
	durRow("init: exec → first `next`, nothing added", f.init, h.init)
	durRow("init less upstream time", f.initOwn, h.initOwn)
	durRow(fmt.Sprintf("first answer, event waiting at exec (exec → answer), %s per request", fmtDur(o.plainLatency)), f.waiting, h.waiting)
	durRow(fmt.Sprintf("first answer after %s frozen (event → answer)", fmtDur(o.freeze)), f.frozen, h.frozen)
	durRow("warm p50 over "+fmtCount(warm)+" invocations", f.p50, h.p50)
	durRow("warm p99 over "+fmtCount(warm)+" invocations", f.p99, h.p99)
	row("loopback keep-alive round trip to the store's AIM host", fmtDur(f.bare), "–", "")
	row("requests, event waiting: service / store / Secrets Manager", fmtRequests(f.waitingReqs), fmtRequests(h.waitingReqs), "")
	row("upstream time, event waiting", fmtDur(f.waitingUpstream), "–", "")
	row("requests after the freeze", fmtRequests(f.frozenReqs), fmtRequests(h.frozenReqs), "")
	row("upstream time at the store's host after the freeze", fmtDur(f.frozenStore), "–", "")
	row("GetSecretValue calls per warm run (init + "+fmtCount(warm)+")", fmt.Sprint(f.secretGets), "–", "")
	row("GetEndPoint calls per warm run", fmt.Sprint(f.gepCalls), "–", "")
	row("connections per warm run: AIM's service host / the store's host", fmt.Sprintf("%d / %d", f.serviceConns, f.storeConns), "–", "")
	row("peak RSS (VmHWM)", fmtMiB(f.peakRSS), fmtMiB(h.peakRSS), fmt.Sprintf("×%.2f", ratio(f.peakRSS, h.peakRSS)))
}

// fmtRequests prints requests per host: service / store / Secrets Manager.
func fmtRequests(r hostRequests) string {
	return fmt.Sprintf("%d / %d / %d", r.service, r.store, r.secrets)
}

// plainTargets checks the plain part's figures against the bounds the bench held
// before it measured over TLS. A round trip there is the added latency plus the
// server's own time.
func plainTargets(r results, o options) []target {
	f, h := r.plain.function, r.plain.hello
	const slack = 5 * time.Millisecond
	lat := o.plainLatency
	per := " per " + fmtCount(r.warm) + " warm"
	conns := max(f.serviceConns, f.storeConns)
	connTarget := countTarget("1 connection per AIM host (service, store)"+per, "", conns, 1)
	connTarget.measured = fmt.Sprintf("%d / %d", f.serviceConns, f.storeConns)
	return []target{
		durTarget("init, upstreams answering at once, ≤ hello-world's init + 5 ms", "", f.initOwn, h.initOwn+slack),
		durTarget("first answer, event waiting ≤ hello-world's + 3 round trips + 5 ms", "", f.waiting, h.waiting+3*lat+f.waitingUpstream+slack),
		durTarget("first answer after the freeze ≤ 1 AIM round trip + 5 ms", "", f.frozen, lat+f.frozenStore+slack),
		durTarget("warm p50 overhead (function − hello-world) ≤ 150 µs", "", f.p50-h.p50, 150*time.Microsecond),
		countTarget("1 GetSecretValue"+per, "", f.secretGets, 1),
		countTarget("1 GetEndPoint"+per, "", f.gepCalls, 1),
		connTarget,
		rssTarget("", f.peakRSS, h.peakRSS),
		armTarget(r.functionArm),
	}
}

// plainTargetsTable writes the plain part's targets with their verdicts and margins.
func plainTargetsTable(b *strings.Builder, r results, o options) {
	b.WriteString("| target, plain loopback, full CPU | bound | measured | met |\n|---|---:|---:|---|\n")
	for _, t := range plainTargets(r, o) {
		fmt.Fprintf(b, "| %s | %s | %s | %s |\n", t.goal, t.bound, t.measured, verdict(t))
	}
}
