package main

import (
	"strings"
	"testing"
	"time"
)

// sampleResults are figures at 128 and 1,024 MB that miss some targets and meet others.
func sampleResults() results {
	trips := hostTrips{service: 3, store: 3, aws: 3}
	fn := func(init, waiting, frozen time.Duration) figures {
		return figures{
			init: init, initFree: ms(9), waiting: waiting, frozen: frozen, p50: ms(0.45), p99: ms(2), bare: ms(0.12),
			peakRSS: 15 << 20, secretGets: 1, endpointCalls: 1, storeConns: 1,
			waitingTrips: trips, initTrips: hostTrips{service: 3, aws: 3}, frozenTrips: hostTrips{store: 1},
		}
	}
	hello := figures{init: ms(3), initFree: ms(3), waiting: ms(20), frozen: ms(1), p50: ms(0.3), p99: ms(1), bare: ms(0.12), peakRSS: 12 << 20}
	return results{
		sizes: []sizeResult{
			{memoryMB: 128, function: fn(ms(300), ms(430), ms(66)), hello: hello, // frozen over by 40 ms
				first: [2]firstClick{{function: ms(600), peer: ms(590)}, {function: ms(580), peer: ms(600)}}}, // 1.02 over HTTP/1.1, 0.97 over HTTP/2
			{memoryMB: 1024, function: fn(ms(100), ms(150), ms(25)), hello: hello, // frozen met
				first: [2]firstClick{{function: ms(150), peer: ms(170)}, {function: ms(160), peer: ms(170)}}}, // 0.88, 0.94
		},
		functionArm: size{raw: 9_700_000, zipped: 3_900_000},
		helloArm:    size{raw: 6_300_000, zipped: 2_700_000},
		warm:        1000,
	}
}

func sampleOptions() options {
	return options{memorySize: 128, runs: 5, warm: 1000, aimRTT: ms(20), awsRTT: ms(2), freeze: ms(300),
		price: price{gbSecond: 0.0000133334, perMillion: 0.20}}
}

func TestTargets(t *testing.T) {
	type key struct{ goal, at string }
	want := map[key]bool{
		{"first answer after the freeze ≤ hello-world + 1 round trip + 5 ms", "128 MB"}:   false, // 66 > 1 + 20 + 5
		{"first click on a new environment ≤ 1.0× the peer's, HTTP/1.1", "128 MB"}:        false,
		{"first click on a new environment ≤ 1.0× the peer's, HTTP/2", "128 MB"}:          true,
		{"warm own work ≤ 50 µs", "128 MB"}:                                               true, // 450 − 300 − 120 = 30 µs
		{"first answer after the freeze ≤ hello-world + 1 round trip + 5 ms", "1,024 MB"}: true, // 25 ≤ 26
		{"first click on a new environment ≤ 0.9× the peer's, HTTP/1.1", "1,024 MB"}:      true,
		{"first click on a new environment ≤ 0.9× the peer's, HTTP/2", "1,024 MB"}:        false,
		{"warm own work ≤ 50 µs", "1,024 MB"}:                                             true,
		{"1 GetSecretValue per 1,000 warm", "1,024 MB"}:                                   true,
		{"1 GetEndPoint per 1,000 warm", "1,024 MB"}:                                      true,
		{"1 connection to the store's AIM host per 1,000 warm", "1,024 MB"}:               true,
		{"peak RSS ≤ 1.5× hello-world", "1,024 MB"}:                                       true, // 15 ≤ 18 MiB
		{"arm64 `bootstrap` ≤ 10 MB", ""}:                                                 true,
	}
	o := sampleOptions()
	got := targets(sampleResults(), o)
	if len(got) != len(want) {
		t.Fatalf("got %d targets, want %d", len(got), len(want))
	}
	for _, tg := range got {
		met, ok := want[key{tg.goal, tg.at}]
		if !ok {
			t.Errorf("got unexpected target %q at %q", tg.goal, tg.at)
			continue
		}
		if tg.met != met {
			t.Errorf("%s at %s: got met=%v (measured %s, bound %s), want %v", tg.goal, tg.at, tg.met, tg.measured, tg.bound, met)
		}
	}
	// With the template's MemorySize at 1,024 MB, the first click there keeps
	// its 0.9 bound, and 128 MB has none.
	o.memorySize = 1024
	var first []string
	for _, tg := range targets(sampleResults(), o) {
		if strings.HasPrefix(tg.goal, "first click") {
			first = append(first, tg.at+" "+tg.bound)
		}
	}
	if want := []string{"1,024 MB ≤ 0.90", "1,024 MB ≤ 0.90"}; strings.Join(first, "; ") != strings.Join(want, "; ") {
		t.Errorf("first-click targets at MemorySize 1024: got %q, want %q", first, want)
	}
}

func TestReportShowsMachineFiguresAndVerdicts(t *testing.T) {
	m := machine{cpu: "Test CPU", cores: 4, goVer: "go1.27.3 linux/arm64", date: "2026-11-26"}
	md := report(sampleResults(), sampleOptions(), m)
	for _, want := range []string{
		"Test CPU, 4 cores, go1.27.3 linux/arm64",
		"Medians of 5 runs per size",
		"`SSL_CERT_DIR` unset",
		"| measure | 128 MB | 1,024 MB |",
		"| CPU quota (share of one CPU) | 7.2 % | 57.9 % |",
		// 600 ms × 0.125 GB × $0.0000133334 + $0.0000002 = $0.0000012 a click.
		"| 128 MB | 600.0 ms | $0.0001 | $0.0012 | $0.0120 |",
		"| first answer, event waiting at exec (exec → answer), function | 430.0 ms | 150.0 ms |",
		"| warm own work (function p50 − hello-world p50 − bare round trip) | 30 µs | 30 µs |",
		"| round trips, event waiting: service / store / AWS (Secrets Manager, DynamoDB) | 3 / 3 / 3 | 3 / 3 / 3 |",
		"| round trips after the freeze | 0 / 1 / 0 | 0 / 1 / 0 |",
		"| warm request at 20.0 ms per round trip (p50 + 1 round trip) | 20.4 ms | 20.4 ms |",
		"| cost per million warm requests | $0.235 | $0.480 |", // 21 ms billed
		"| linux/arm64 `bootstrap` zipped | 3.90 MB | 2.70 MB |",
		"| first answer after the freeze ≤ hello-world + 1 round trip + 5 ms | 128 MB | ≤ 26.0 ms | 66.0 ms | **no**, over by 40.0 ms |",
		"| first answer after the freeze ≤ hello-world + 1 round trip + 5 ms | 1,024 MB | ≤ 26.0 ms | 25.0 ms | yes, by 1.00 ms |",
		"| arm64 `bootstrap` ≤ 10 MB |  | 10.00 MB | 9.70 MB | yes, by 0.30 MB |",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("report lacks %q; got:\n%s", want, md)
		}
	}
}

func TestReportSaysWhenThereWasNoQuotaAndTheCertDir(t *testing.T) {
	r := sampleResults()
	r.noQuota = "CPU quota (needs root): permission denied"
	o := sampleOptions()
	o.certDir = "/etc/pki/tls/certs"
	md := report(r, o, machine{})
	for _, want := range []string{
		"**no CPU quota** (CPU quota (needs root): permission denied)",
		"| CPU quota (share of one CPU) | none | none |",
		"`SSL_CERT_DIR=/etc/pki/tls/certs`",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("report lacks %q; got:\n%s", want, md)
		}
	}
}
