package main

import (
	"fmt"
	"strconv"
	"time"
)

// fmtDur prints a duration in µs below a millisecond and in ms above.
func fmtDur(d time.Duration) string {
	switch a := d.Abs(); {
	case a < time.Millisecond:
		return fmt.Sprintf("%d µs", d.Microseconds())
	case a < 10*time.Millisecond:
		return fmt.Sprintf("%.2f ms", float64(d)/float64(time.Millisecond))
	default:
		return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond))
	}
}

// diffDur is the function's extra time over hello-world, with the ratio.
func diffDur(f, h time.Duration) string {
	sign := "+"
	if f < h {
		sign = "−"
	}
	return fmt.Sprintf("%s%s (×%.2f)", sign, fmtDur((f - h).Abs()), ratio(int64(f), int64(h)))
}

func ratio(a, b int64) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// fmtMiB prints bytes of memory in MiB.
func fmtMiB(n int64) string { return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20)) }

// fmtMB prints bytes of a file in MB (10⁶ bytes), as size limits are quoted.
func fmtMB(n int64) string { return fmt.Sprintf("%.2f MB", float64(n)/1e6) }

// fmtCount prints n with thousands separators: 1,000.
func fmtCount(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0 && s[i-1] != '-'; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// fmtTrips prints round trips per host: service / store / AWS (Secrets Manager, DynamoDB).
func fmtTrips(t hostTrips) string {
	f := func(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
	return f(t.service) + " / " + f(t.store) + " / " + f(t.aws)
}

// fmtUSD prints an amount of dollars to the cent's tenth.
func fmtUSD(v float64) string { return fmt.Sprintf("$%.3f", v) }

// fmtUSDPrice prints a unit price with all its digits.
func fmtUSDPrice(v float64) string { return "$" + strconv.FormatFloat(v, 'f', -1, 64) }
