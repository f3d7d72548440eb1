package main

import (
	"testing"
	"time"
)

func ms(n float64) time.Duration { return time.Duration(n * float64(time.Millisecond)) }

func TestPercentile(t *testing.T) {
	hundred := make([]time.Duration, 100)
	for i := range hundred {
		hundred[99-i] = time.Duration(i+1) * time.Millisecond // 100 ms … 1 ms, unsorted
	}
	tests := []struct {
		name string
		d    []time.Duration
		p    float64
		want time.Duration
	}{
		{"empty", nil, 50, 0},
		{"one", []time.Duration{ms(3)}, 99, ms(3)},
		{"median of odd count", []time.Duration{ms(5), ms(1), ms(3)}, 50, ms(3)},
		{"median of even count is the lower middle", []time.Duration{ms(4), ms(1), ms(3), ms(2)}, 50, ms(2)},
		{"p50 of 1..100", hundred, 50, ms(50)},
		{"p99 of 1..100", hundred, 99, ms(99)},
		{"p100 of 1..100", hundred, 100, ms(100)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := percentile(tt.d, tt.p); got != tt.want {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
	if hundred[0] != ms(100) {
		t.Errorf("percentile sorted its input: got first %v, want 100ms", hundred[0])
	}
}

func TestMedianOf(t *testing.T) {
	runs := []warmRun{{peakRSS: 30}, {peakRSS: 10}, {peakRSS: 20}}
	if got := medianOf(runs, func(w warmRun) int64 { return w.peakRSS }); got != 20 {
		t.Errorf("got %d, want 20", got)
	}
}

func TestFormats(t *testing.T) {
	tests := []struct{ got, want string }{
		{fmtDur(59 * time.Microsecond), "59 µs"},
		{fmtDur(ms(2.854)), "2.85 ms"},
		{fmtDur(ms(104.66)), "104.7 ms"},
		{fmtDur(-ms(1.5)), "-1.50 ms"},
		{diffDur(ms(12), ms(3)), "+9.00 ms (×4.00)"},
		{diffDur(ms(3), ms(4)), "−1.00 ms (×0.75)"},
		{fmtCount(1000), "1,000"},
		{fmtCount(999), "999"},
		{fmtCount(1234567), "1,234,567"},
		{fmtMiB(15 << 20), "15.0 MiB"},
		{fmtMB(9_700_000), "9.70 MB"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
	}
}
