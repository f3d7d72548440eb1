package main

import (
	"math"
	"testing"
	"time"
)

func TestCostPerMillion(t *testing.T) {
	p := price{gbSecond: 0.0000133334, perMillion: 0.20}
	tests := []struct {
		name     string
		d        time.Duration
		memoryMB int
		want     float64
	}{
		// 21 ms billed × 0.125 GB × price × 10⁶ + 0.20
		{"rounds up to the millisecond", 20300 * time.Microsecond, 128, 0.035000175 + 0.20},
		{"a whole millisecond stays", 21 * time.Millisecond, 128, 0.035000175 + 0.20},
		{"scales with memory", 21 * time.Millisecond, 1024, 0.2800014 + 0.20},
	}
	for _, tt := range tests {
		if got := costPerMillion(tt.d, tt.memoryMB, p); math.Abs(got-tt.want) > 1e-9 {
			t.Errorf("%s: got %.9f, want %.9f", tt.name, got, tt.want)
		}
	}
}
