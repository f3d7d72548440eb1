package main

import (
	"strings"
	"testing"
	"time"

	"github.com/aimcards/customer-access-token/internal/dev/aimsandbox"
)

// sampleResults are figures that meet every target but the init one.
func sampleResults() results {
	trips := map[string]time.Duration{
		opGetSecretValue:                         ms(35),
		string(aimsandbox.OpGetEndPoint):         ms(30),
		string(aimsandbox.OpCustomerAccessToken): ms(30),
	}
	return results{
		function: figures{
			init: ms(15), initOwn: ms(9), waiting: ms(104), frozen: ms(32), p50: ms(0.25), p99: ms(2),
			peakRSS: 15 << 20, secretGets: 1, endpointCalls: 1, aimConns: 1,
			waitingTrips: trips, frozenTrips: trips, frozenCalls: map[string]int{},
		},
		hello:       figures{init: ms(3), initOwn: ms(3), waiting: ms(4), frozen: ms(1), p50: ms(0.2), p99: ms(1), peakRSS: 12 << 20},
		functionArm: size{raw: 9_700_000, zipped: 3_900_000},
		helloArm:    size{raw: 6_300_000, zipped: 2_700_000},
		warm:        1000,
	}
}

func TestTargets(t *testing.T) {
	want := map[string]bool{
		"init, upstreams answering at once, ≤ hello-world's init + 5 ms":     false, // 9 ms > 3 + 5
		"first answer, event waiting ≤ hello-world's + 3 round trips + 5 ms": true,  // 104 ≤ 4 + 95 + 5
		"first answer after the freeze ≤ 1 AIM round trip + 5 ms":            true,  // 32 ≤ 35
		"warm p50 overhead ≤ 150 µs":                                         true,  // 50 µs
		"1 GetSecretValue per 1,000 warm":                                    true,
		"1 GetEndPoint per 1,000 warm":                                       true,
		"1 AIM connection per 1,000 warm":                                    true,
		"peak RSS ≤ 1.5× hello-world":                                        true, // 15 ≤ 18 MiB
		"arm64 `bootstrap` ≤ 10 MB":                                          true,
	}
	got := targets(sampleResults())
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

func TestReportShowsMachineAndVerdicts(t *testing.T) {
	m := machine{cpu: "Test CPU", cores: 4, goVer: "go1.27.3 linux/arm64", date: "2026-11-26"}
	md := report(sampleResults(), options{runs: 5, warm: 1000, latency: ms(30), freeze: ms(300)}, m)
	for _, want := range []string{
		"Test CPU, 4 cores, go1.27.3 linux/arm64",
		"Medians of 5 runs",
		"| init: exec → first `next` | 15.0 ms | 3.00 ms | +12.0 ms (×5.00) |",
		"| warm p50 over 1,000 invocations | 250 µs | 200 µs | +50 µs (×1.25) |",
		"| linux/arm64 `bootstrap` zipped | 3.90 MB | 2.70 MB |  |",
		"| init, upstreams answering at once, ≤ hello-world's init + 5 ms | ≤ 8.00 ms | 9.00 ms | **no**, over by 1.00 ms |",
		"| arm64 `bootstrap` ≤ 10 MB | 10.00 MB | 9.70 MB | yes |",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("report lacks %q; got:\n%s", want, md)
		}
	}
}
