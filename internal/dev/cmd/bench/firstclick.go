package main

import (
	"context"
	"fmt"
	"os"
	"strings"
	"time"
)

// protocols are what AIM's hosts speak in the first-click rows: HTTP/1.1 only,
// then HTTP/2 offered by ALPN (what AIM's hosts speak is not known).
var protocols = [2]struct {
	name  string
	http1 bool
}{{"HTTP/1.1", true}, {"HTTP/2", false}}

// firstClick is the median first answer on a new environment (event waiting at
// exec) of the function and of the peer over one protocol, and their CPU time.
type firstClick struct{ function, peer, functionCPU, peerCPU time.Duration }

// lambdaHelloInit is Lambda's Init Duration for a Go hello-world on
// provided.al2023, arm64, 128 MB, as public cold-start benchmarks report it
// (about 40-45 ms); approximate, and published for 128 MB only.
const lambdaHelloInit = 42 * time.Millisecond

// measureFirstClicks runs the function and the peer o.runs times over each
// protocol, one after the other and in turn first, so that both see the same load.
func measureFirstClicks(ctx context.Context, o options, bins binaries, up *upstreams, sz lambdaSize, r *results) ([2]firstClick, error) {
	var out [2]firstClick
	defer func(h1 bool) { up.aimHTTP1 = h1 }(up.aimHTTP1)
	for p, proto := range protocols {
		up.aimHTTP1 = proto.http1
		if err := r.prime(ctx, up, bins.function, sz, charges{aim: o.aimRTT, aws: o.awsRTT}); err != nil {
			return out, err
		}
		var fn, peer []coldRun
		for i := range o.runs {
			pair := []struct {
				name, bin string
				d         *[]coldRun
			}{{"function", bins.function, &fn}, {"peer", bins.peer, &peer}}
			if i%2 == 1 {
				pair[0], pair[1] = pair[1], pair[0]
			}
			for _, sub := range pair {
				fmt.Fprintf(os.Stderr, "bench: %d MB, first click %d/%d over %s, %s\n", sz.memoryMB, i+1, o.runs, proto.name, sub.name)
				r, err := runWaiting(ctx, up, sub.bin, sz, charges{aim: o.aimRTT, aws: o.awsRTT})
				if err != nil {
					return out, fmt.Errorf("first click of the %s at %d MB over %s: %w", sub.name, sz.memoryMB, proto.name, err)
				}
				*sub.d = append(*sub.d, r)
			}
		}
		answer := func(c coldRun) time.Duration { return c.answer }
		cpu := func(c coldRun) time.Duration { return c.cpu }
		out[p] = firstClick{medianOf(fn, answer), medianOf(peer, answer), medianOf(fn, cpu), medianOf(peer, cpu)}
	}
	return out, nil
}

// firstClickTable writes, per size, hello-world's init beside Lambda's published
// one and the first click of the function and the peer over each protocol.
func firstClickTable(b *strings.Builder, r results) {
	b.WriteString("| size | hello-world init (Lambda's) |")
	for _, p := range protocols {
		fmt.Fprintf(b, " %s: function | peer | ratio | CPU, function / peer |", p.name)
	}
	b.WriteString("\n|---|---:|" + strings.Repeat("---:|---:|---:|---:|", len(protocols)) + "\n")
	for _, s := range r.sizes {
		lambda := "not published"
		if s.memoryMB == 128 {
			lambda = "≈ " + fmtDur(lambdaHelloInit)
		}
		fmt.Fprintf(b, "| %s MB | %s (%s) |", fmtCount(s.memoryMB), fmtDur(s.hello.init), lambda)
		for _, c := range s.first {
			fmt.Fprintf(b, " %s | %s | %.2f | %s / %s |", fmtDur(c.function), fmtDur(c.peer), ratio(int64(c.function), int64(c.peer)),
				fmtDur(c.functionCPU), fmtDur(c.peerCPU))
		}
		b.WriteString("\n")
	}
}

// firstClickTargets are the first click's bounds: at most 0.9× the peer's at
// 1,024 MB, where the network decides, and at most 1.0× at the template's
// MemorySize when it is smaller, where the CPU share decides; over each protocol.
func firstClickTargets(r results, o options) []target {
	var ts []target
	for _, s := range r.sizes {
		var bound float64
		switch s.memoryMB {
		case 1024:
			bound = 0.9
		case o.memorySize:
			bound = 1.0
		default:
			continue
		}
		for p, c := range s.first {
			got := ratio(int64(c.function), int64(c.peer))
			ts = append(ts, target{goal: fmt.Sprintf("first click on a new environment ≤ %.1f× the peer's, %s", bound, protocols[p].name),
				at: fmtCount(s.memoryMB) + " MB", bound: fmt.Sprintf("≤ %.2f", bound), measured: fmt.Sprintf("%.2f", got),
				met: got <= bound, margin: fmt.Sprintf("%.2f", max(got-bound, bound-got))})
		}
	}
	return ts
}

// monthlyTable writes, per size, the function's first click (the slower
// protocol's) and what a month of clicks costs when every click is one: the
// first click billed exec → answer, as at a store's volume most are.
func monthlyTable(b *strings.Builder, r results, o options) {
	clicks := []int{100, 1000, 10000}
	b.WriteString("| size | first click, function (slower protocol) |")
	for _, n := range clicks {
		fmt.Fprintf(b, " %s clicks a month |", fmtCount(n))
	}
	b.WriteString("\n|---|---:|" + strings.Repeat("---:|", len(clicks)) + "\n")
	for _, s := range r.sizes {
		d := max(s.first[0].function, s.first[1].function)
		fmt.Fprintf(b, "| %s MB | %s |", fmtCount(s.memoryMB), fmtDur(d))
		for _, n := range clicks {
			fmt.Fprintf(b, " $%.4f |", costPerMillion(d, s.memoryMB, o.price)*float64(n)/1e6)
		}
		b.WriteString("\n")
	}
}
