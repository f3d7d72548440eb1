package main

import (
	"strings"
	"testing"
)

// samplePlain are plain-part figures that miss the event-waiting and warm bounds
// and meet the others.
func samplePlain() *plainResult {
	return &plainResult{
		function: plainFigures{
			init: ms(10), initOwn: ms(2), waiting: ms(104), frozen: ms(32), p50: ms(0.365), p99: ms(1), bare: ms(0.05),
			waitingUpstream: ms(5), frozenStore: ms(0.3),
			waitingReqs: hostRequests{1, 1, 1}, frozenReqs: hostRequests{store: 1},
			peakRSS: 15 << 20, secretGets: 1, gepCalls: 1, serviceConns: 1, storeConns: 1,
		},
		hello: plainFigures{init: ms(3), initOwn: ms(3), waiting: ms(3.3), frozen: ms(1), p50: ms(0.153), p99: ms(0.4), peakRSS: 12 << 20},
	}
}

func TestPlainTargets(t *testing.T) {
	r := sampleResults()
	r.plain = samplePlain()
	want := map[string]bool{
		"init, upstreams answering at once, ≤ hello-world's init + 5 ms":     true,  // 2 ≤ 3 + 5
		"first answer, event waiting ≤ hello-world's + 3 round trips + 5 ms": false, // 104 > 3.3 + 90 + 5 + 5
		"first answer after the freeze ≤ 1 AIM round trip + 5 ms":            true,  // 32 ≤ 30 + 0.3 + 5
		"warm p50 overhead (function − hello-world) ≤ 150 µs":                false, // 212 µs
		"1 GetSecretValue per 1,000 warm":                                    true,
		"1 GetEndPoint per 1,000 warm":                                       true,
		"1 connection per AIM host (service, store) per 1,000 warm":          true,
		"peak RSS ≤ 1.5× hello-world":                                        true, // 15 ≤ 18 MiB
		"arm64 `bootstrap` ≤ 10 MB":                                          true,
	}
	got := plainTargets(r, sampleOptions())
	if len(got) != len(want) {
		t.Fatalf("got %d targets, want %d", len(got), len(want))
	}
	for _, tg := range got {
		met, ok := want[tg.goal]
		if !ok {
			t.Errorf("got unexpected target %q", tg.goal)
			continue
		}
		if tg.met != met {
			t.Errorf("%s: got met=%v (measured %s, bound %s), want %v", tg.goal, tg.met, tg.measured, tg.bound, met)
		}
	}
}

func TestPlainTargetsCountAConnectionTooManyToEitherHost(t *testing.T) {
	r := sampleResults()
	r.plain = samplePlain()
	r.plain.function.serviceConns = 2
	for _, tg := range plainTargets(r, sampleOptions()) {
		if strings.HasPrefix(tg.goal, "1 connection per AIM host") && (tg.met || tg.measured != "2 / 1") {
			t.Errorf("got met=%v, measured %q, want not met, \"2 / 1\"", tg.met, tg.measured)
		}
	}
}

func TestReportShowsThePlainPartAfterTheSizes(t *testing.T) {
	r := sampleResults()
	r.plain = samplePlain()
	md := report(r, sampleOptions(), machine{cpu: "Test CPU"})
	for _, want := range []string{
		"Plain loopback, full CPU",
		"medians of 7 runs",
		"adds 30.0 ms to every Secrets Manager and AIM request",
		"| init less upstream time | 2.00 ms | 3.00 ms | −1.00 ms (×0.67) |",
		"| requests after the freeze | 0 / 1 / 0 | 0 / 0 / 0 |  |",
		"| connections per warm run: AIM's service host / the store's host | 1 / 1 | – |  |",
		"| first answer, event waiting ≤ hello-world's + 3 round trips + 5 ms | ≤ 103.3 ms | 104.0 ms | **no**, over by 700 µs |",
		"| first answer after the freeze ≤ 1 AIM round trip + 5 ms | ≤ 35.3 ms | 32.0 ms | yes, by 3.30 ms |",
		"| warm p50 overhead (function − hello-world) ≤ 150 µs | ≤ 150 µs | 212 µs | **no**, over by 62 µs |",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("report lacks %q; got:\n%s", want, md)
		}
	}
	if i, j := strings.Index(md, "| measure | 128 MB"), strings.Index(md, "| plain loopback, full CPU |"); i < 0 || j < i {
		t.Errorf("got the per-size table at %d and the plain table at %d, want the plain one after", i, j)
	}
}

func TestReportWithOneOfTheParts(t *testing.T) {
	plainOnly := sampleResults()
	plainOnly.sizes, plainOnly.plain = nil, samplePlain()
	md := report(plainOnly, sampleOptions(), machine{cpu: "Test CPU"})
	if strings.Contains(md, "| measure |") || !strings.Contains(md, "| plain loopback, full CPU |") {
		t.Errorf("plain part only: got:\n%s\nwant the plain tables alone", md)
	}
	md = report(sampleResults(), sampleOptions(), machine{cpu: "Test CPU"})
	if strings.Contains(md, "plain loopback") || !strings.Contains(md, "| measure |") {
		t.Errorf("AWS-like part only: got:\n%s\nwant the per-size tables alone", md)
	}
}
