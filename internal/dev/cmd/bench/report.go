package main

import (
	"fmt"
	"strings"
	"time"
)

// report renders the results as the README's Performance section.
func report(r results, o options, m machine) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Measured with `make bench` on %s.", m)
	awsReport(&b, r, o)
	return b.String()
}

// awsReport writes the AWS-like part: per size, under Lambda's CPU share, over TLS.
func awsReport(b *strings.Builder, r results, o options) {
	quota := "each process under a cgroup CPU quota of its memory size ÷ 1,769 MB of one CPU, as Lambda shares CPU"
	if r.noQuota != "" {
		quota = "**no CPU quota** (" + r.noQuota + "): every size ran at full CPU"
	}
	certDir := "`SSL_CERT_DIR` unset, so Go also reads every file in /etc/ssl/certs and /etc/pki/tls/certs"
	if o.certDir != "" {
		certDir = "`SSL_CERT_DIR=" + o.certDir + "`"
	}
	for _, kv := range o.runtime {
		certDir += ", `" + kv + "`"
	}
	if o.tplEnv {
		certDir += ", as template.yaml sets them"
	}
	fmt.Fprintf(b, " Medians of %d runs per size; each run is a fresh process; "+
		"%s. Upstreams over TLS (a test CA beside the system bundle in `SSL_CERT_FILE`; %s); a proxy charges each TCP "+
		"round trip %s to AIM's hosts and %s to AWS (Secrets Manager, DynamoDB) in the init and first-answer rows, nothing in the warm rows "+
		"(there the function's own work is tens of µs). AIM's hosts speak %s. %s frozen (SIGSTOP) before the event in the frozen rows. "+
		"The function starts with %s.\n\n",
		o.runs, quota, certDir, fmtDur(o.aimRTT), fmtDur(o.awsRTT), aimProtocol(o), fmtDur(o.freeze), hintState(r, o))
	b.WriteString("First click on a new environment (event waiting at exec → answer), the function beside the peer: " +
		"the integration an integrator writes first (the SDK built at init; per click GetSecretValue, GetEndPoint and " +
		"CustomerAccessToken on one keep-alive `http.Client`), run in turn with the function. Lambda's hello-world init: " +
		"a Go hello-world on provided.al2023, arm64, as public cold-start benchmarks report its Init Duration (approximate); " +
		"where this machine's is lower, `-cpu-scale` below 1 slows every process to Lambda's CPU.\n\n")
	firstClickTable(b, r)
	b.WriteString("\nWhat a month of clicks costs if every click is a first click, billed exec → answer:\n\n")
	monthlyTable(b, r, o)
	b.WriteString("\n")
	sizesTable(b, r, o)
	b.WriteString("\n")
	bootstrapTable(b, r)
	b.WriteString("\n")
	targetsTable(b, r, o)
}

// aimProtocol says what AIM's hosts speak in the run.
func aimProtocol(o options) string {
	if o.aimHTTP1 {
		return "HTTP/1.1 only (`-aim-http1`)"
	}
	return "HTTP/2, offered by ALPN"
}

// hintState says whether the function's starts found the endpoint hint.
func hintState(r results, o options) string {
	switch {
	case o.noHint:
		return "no endpoint hint (`-no-hint`: deleted before every start, as in a new stack's first environment or after a change of the store's host)"
	case r.unhinted:
		return "**no endpoint hint**: an unmeasured start did not write it"
	}
	return "the endpoint hint present (written by an unmeasured start before each size and protocol, as a live store's environments find it)"
}

// sizesTable writes one column per memory size.
func sizesTable(b *strings.Builder, r results, o options) {
	b.WriteString("| measure |")
	for _, s := range r.sizes {
		fmt.Fprintf(b, " %s MB |", fmtCount(s.memoryMB))
	}
	b.WriteString("\n|---|" + strings.Repeat("---:|", len(r.sizes)) + "\n")
	row := func(name string, cell func(s sizeResult) string) {
		b.WriteString("| " + name + " |")
		for _, s := range r.sizes {
			b.WriteString(" " + cell(s) + " |")
		}
		b.WriteString("\n")
	}
	dur := func(name string, get func(f figures) time.Duration) {
		row(name+", function", func(s sizeResult) string { return fmtDur(get(s.function)) })
		row(name+", hello-world", func(s sizeResult) string { return fmtDur(get(s.hello)) })
	}
	row("CPU quota (share of one CPU)", func(s sizeResult) string { return cpuShare(s.memoryMB, r.noQuota) })
	dur("init: exec → first `next`", func(f figures) time.Duration { return f.init })
	dur("first answer, event waiting at exec (exec → answer)", func(f figures) time.Duration { return f.waiting })
	dur(fmt.Sprintf("first answer after %s frozen (event → answer)", fmtDur(o.freeze)), func(f figures) time.Duration { return f.frozen })
	dur("warm p50 over "+fmtCount(r.warm)+" invocations", func(f figures) time.Duration { return f.p50 })
	row("warm p99, function", func(s sizeResult) string { return fmtDur(s.function.p99) })
	row("bare keep-alive round trip to the store's AIM host", func(s sizeResult) string { return fmtDur(s.function.bare) })
	row("warm own work (function p50 − hello-world p50 − bare round trip)", func(s sizeResult) string { return fmtDur(ownWork(s)) })
	row("round trips, event waiting: service / store / AWS (Secrets Manager, DynamoDB)", func(s sizeResult) string { return fmtTrips(s.function.waitingTrips) })
	row("round trips during init", func(s sizeResult) string { return fmtTrips(s.function.initTrips) })
	row("round trips after the freeze", func(s sizeResult) string { return fmtTrips(s.function.frozenTrips) })
	costRows(row, o)
	fmt.Fprintf(b, "\nCost at %s per GB-second and %s per million requests (Lambda arm64 list prices; `-gb-second`, "+
		"`-request-price`), each request billed in whole milliseconds. Round trips are counted at the proxy: one per "+
		"connection (its TCP handshake) and one per answer on it (data to the client after data to the server; data "+
		"nothing answers, such as HTTP/2's acknowledgements, counts none), so a new HTTPS connection's first "+
		"request is 3.\n", fmtUSDPrice(o.price.gbSecond), fmtUSD(o.price.perMillion))
}

// costRows writes the latency and cost of warm requests and of cold starts.
func costRows(row func(string, func(sizeResult) string), o options) {
	row(fmt.Sprintf("warm request at %s per round trip (p50 + 1 round trip)", fmtDur(o.aimRTT)), func(s sizeResult) string {
		return fmtDur(warmLatency(s, o))
	})
	row("cost per million warm requests", func(s sizeResult) string {
		return fmtUSD(costPerMillion(warmLatency(s, o), s.memoryMB, o.price))
	})
	row("cost per million cold starts (exec → answer billed)", func(s sizeResult) string {
		return fmtUSD(costPerMillion(s.function.waiting, s.memoryMB, o.price))
	})
}

// bootstrapTable writes the figures measured once per bootstrap, at the largest size.
func bootstrapTable(b *strings.Builder, r results) {
	big := r.sizes[len(r.sizes)-1]
	f, h := big.function, big.hello
	fmt.Fprintf(b, "| at %s MB | function | hello-world |\n|---|---:|---:|\n", fmtCount(big.memoryMB))
	row := func(name, fv, hv string) { fmt.Fprintf(b, "| %s | %s | %s |\n", name, fv, hv) }
	row("init with nothing charged", fmtDur(f.initFree), fmtDur(h.initFree))
	row("GetSecretValue calls per warm run (init + "+fmtCount(r.warm)+")", fmt.Sprint(f.secretGets), "–")
	row("GetEndPoint calls per warm run", fmt.Sprint(f.endpointCalls), "–")
	row("connections to the store's AIM host per warm run", fmt.Sprint(f.storeConns), "–")
	row("peak RSS (VmHWM)", fmtMiB(f.peakRSS), fmtMiB(h.peakRSS))
	row("linux/arm64 `bootstrap`", fmtMB(r.functionArm.raw), fmtMB(r.helloArm.raw))
	row("linux/arm64 `bootstrap` zipped", fmtMB(r.functionArm.zipped), fmtMB(r.helloArm.zipped))
}

// ownWork is the function's own work per warm request.
func ownWork(s sizeResult) time.Duration { return s.function.p50 - s.hello.p50 - s.function.bare }

// warmLatency is a warm request's duration with one AIM round trip charged: the
// warm p50, measured with none, plus one.
func warmLatency(s sizeResult, o options) time.Duration { return s.function.p50 + o.aimRTT }

// cpuShare prints the quota of memoryMB as a share of one CPU.
func cpuShare(memoryMB int, noQuota string) string {
	if noQuota != "" {
		return "none"
	}
	return fmt.Sprintf("%.1f %%", 100*float64(cfsQuota(memoryMB))/cfsPeriodUS)
}
