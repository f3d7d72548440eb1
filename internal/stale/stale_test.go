package stale_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
	"unsafe"

	"github.com/aimcards/customer-access-token/internal/stale"
)

// errDown is the upstream failing.
var errDown = errors.New("upstream down")

// noJitter draws 0: TTLs are exact and back-offs are a fifth of the bound.
func noJitter(int64) int64 { return 0 }

// maxJitter draws the largest value: the shortest TTL, the longest back-off.
func maxJitter(n int64) int64 { return n - 1 }

// clock is a settable clock.
type clock struct{ t time.Time }

func (c *clock) Now() time.Time          { return c.t }
func (c *clock) Advance(d time.Duration) { c.t = c.t.Add(d) }

// upstream is a fake fetch whose answer the test changes between calls.
type upstream struct {
	calls int
	value string
	err   error
	took  func(ctx context.Context) // runs inside the call when set
}

func (u *upstream) fetch(ctx context.Context) (string, error) {
	u.calls++
	if u.took != nil {
		u.took(ctx)
	}
	return u.value, u.err
}

// bench is a cache over an upstream on a fake clock, logging into logs.
type bench struct {
	t     *testing.T
	clock *clock
	up    *upstream
	logs  *bytes.Buffer
	c     *stale.Cache[string]
}

func newBench(t *testing.T, edit func(*stale.Options)) *bench {
	b := &bench{t: t, clock: &clock{t: time.Unix(1_800_000_000, 0)}, up: &upstream{value: "v1"}, logs: &bytes.Buffer{}}
	opts := stale.Options{Name: "ApiKey", Now: b.clock.Now, Rand: noJitter, Logger: slog.New(slog.NewJSONHandler(b.logs, nil))}
	if edit != nil {
		edit(&opts)
	}
	b.c = stale.New[string](opts)
	return b
}

// want calls Get and checks the value, the stale flag and the calls so far.
func (b *bench) want(value string, stale bool, calls int) {
	b.t.Helper()
	got, isStale, err := b.c.Get(context.Background(), nil, b.up.fetch)
	if err != nil || got != value || isStale != stale || b.up.calls != calls {
		b.t.Errorf("got (%q, stale %v, %v) after %d calls, want (%q, stale %v) after %d", got, isStale, err, b.up.calls, value, stale, calls)
	}
}

// wantErr calls Get and checks that it fails after calls calls.
func (b *bench) wantErr(calls int) error {
	b.t.Helper()
	got, _, err := b.c.Get(context.Background(), nil, b.up.fetch)
	if err == nil || got != "" || b.up.calls != calls {
		b.t.Errorf("got (%q, %v) after %d calls, want an error after %d", got, err, b.up.calls, calls)
	}
	return err
}

func TestTTLLessJitter(t *testing.T) {
	tests := []struct {
		name    string
		rand    func(int64) int64
		expires time.Duration
	}{
		{"no jitter", noJitter, 5 * time.Minute},
		{"most jitter", maxJitter, 4*time.Minute + 30*time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := newBench(t, func(o *stale.Options) { o.Rand = tt.rand })
			b.want("v1", false, 1)
			b.up.value = "v2"
			b.clock.Advance(tt.expires - time.Millisecond)
			b.want("v1", false, 1)
			b.clock.Advance(time.Millisecond)
			b.want("v2", false, 2)
		})
	}
}

func TestTTLJitterSpreadsRefreshes(t *testing.T) {
	clk := &clock{t: time.Unix(1_800_000_000, 0)}
	var ups []*upstream
	var caches []*stale.Cache[string]
	for range 40 {
		up := &upstream{value: "v1"}
		c := stale.New[string](stale.Options{Now: clk.Now})
		_, _, _ = c.Get(context.Background(), nil, up.fetch)
		ups, caches = append(ups, up), append(caches, c)
	}
	refreshed := func() (n int) {
		for i, c := range caches {
			_, _, _ = c.Get(context.Background(), nil, ups[i].fetch)
			if ups[i].calls > 1 {
				n++
			}
		}
		return n
	}
	clk.Advance(4*time.Minute + 30*time.Second - time.Millisecond)
	if n := refreshed(); n != 0 {
		t.Errorf("before 90%% of the TTL: got %d of 40 refreshed, want 0", n)
	}
	clk.Advance(15 * time.Second)
	if n := refreshed(); n == 0 || n == 40 {
		t.Errorf("at 95%% of the TTL: got %d of 40 refreshed, want some but not all", n)
	}
	clk.Advance(15*time.Second + time.Millisecond)
	if n := refreshed(); n != 40 {
		t.Errorf("at the TTL: got %d of 40 refreshed, want all", n)
	}
}

func TestFailureBackoffBounds(t *testing.T) {
	tests := []struct {
		name string
		rand func(int64) int64
		wait time.Duration
	}{
		{"shortest draw", noJitter, time.Second},
		{"longest draw", maxJitter, 5 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := newBench(t, func(o *stale.Options) { o.Rand = tt.rand })
			b.up.err = errDown
			b.wantErr(1)
			b.clock.Advance(tt.wait - time.Millisecond)
			if err := b.wantErr(1); !errors.Is(err, errDown) || !strings.Contains(err.Error(), "backing off") {
				t.Errorf("during the back-off: got %v, want the failure, saying it is backing off", err)
			}
			b.clock.Advance(time.Millisecond)
			b.wantErr(2)
		})
	}
}

func TestFailureBackoffIsJittered(t *testing.T) {
	waits := map[time.Duration]bool{}
	for range 20 {
		b := newBench(t, func(o *stale.Options) { o.Rand = nil })
		b.up.err = errDown
		_, _, _ = b.c.Get(context.Background(), nil, b.up.fetch)
		var wait time.Duration
		for wait = 0; b.up.calls == 1 && wait <= 6*time.Second; wait += 100 * time.Millisecond {
			b.clock.Advance(100 * time.Millisecond)
			_, _, _ = b.c.Get(context.Background(), nil, b.up.fetch)
		}
		if wait < 900*time.Millisecond || wait > 5*time.Second {
			t.Errorf("got a back-off of about %s, want 1s to 5s", wait)
		}
		waits[wait] = true
	}
	if len(waits) < 3 {
		t.Errorf("got %d distinct back-offs in 20 caches, want them spread out", len(waits))
	}
}

func TestBurstDuringOutageMakesOneCall(t *testing.T) {
	var calls atomic.Int32
	fetch := func(context.Context) (string, error) {
		calls.Add(1)
		time.Sleep(20 * time.Millisecond) // the others queue up meanwhile
		return "", errDown
	}
	c := stale.New[string](stale.Options{})
	var wg sync.WaitGroup
	var failed atomic.Int32
	for range 10 {
		wg.Go(func() {
			if _, _, err := c.Get(context.Background(), nil, fetch); err != nil {
				failed.Add(1)
			}
		})
	}
	wg.Wait()
	if calls.Load() != 1 || failed.Load() != 10 {
		t.Errorf("got %d calls and %d errors for 10 requests, want 1 call and 10 errors", calls.Load(), failed.Load())
	}
}

// TestStaleOnError serves the older value while refreshes fail, retries
// after Retry, logs WARN then ERROR from half of StaleMax, and answers a
// *PastMaxError once the value has been stale for StaleMax.
func TestStaleOnError(t *testing.T) {
	b := newBench(t, func(o *stale.Options) { o.StaleMax = 10 * time.Minute })
	b.want("v1", false, 1)
	b.up.err = errDown
	serves := func(after time.Duration, calls int, wantLevel string) {
		t.Helper()
		b.clock.Advance(after)
		before := b.logs.Len()
		b.want("v1", true, calls)
		if line := b.logs.String()[before:]; wantLevel != "" && !strings.Contains(line, `"level":"`+wantLevel+`","msg":"using the older ApiKey, refresh failed"`) {
			t.Errorf("got log %s, want a %s about the older value", line, wantLevel)
		}
	}
	serves(5*time.Minute, 2, "WARN")   // just expired
	serves(29*time.Second, 2, "")      // no try before Retry
	serves(time.Second, 3, "WARN")     // 30s: tried again
	serves(4*time.Minute, 4, "WARN")   // 4m30s stale
	serves(30*time.Second, 5, "ERROR") // 5m: half of StaleMax
	serves(4*time.Minute+29*time.Second, 6, "ERROR")

	b.clock.Advance(31 * time.Second) // 10m: past StaleMax, and due for a try
	var past *stale.PastMaxError
	if err := b.wantErr(7); !errors.As(err, &past) || !errors.Is(err, errDown) || !strings.Contains(err.Error(), "older ApiKey stale for longer than 10m0s") {
		t.Errorf("past StaleMax: got %v, want a *PastMaxError wrapping the failure", err)
	}
	if !strings.Contains(b.logs.String(), "older ApiKey past STALE_MAX, not served") {
		t.Errorf("got log %s, want an ERROR saying the older value is no longer served", b.logs)
	}
	if err := b.wantErr(7); !errors.As(err, &past) || !strings.Contains(err.Error(), "backing off") {
		t.Errorf("during the back-off: got %v, want the *PastMaxError, no call", err)
	}
	b.up.err, b.up.value = nil, "v2"
	b.clock.Advance(time.Second)
	b.want("v2", false, 8)
}

// TestRetryWhileStaleWhateverChanged: a value that is no longer current
// (a new ApiKey for an endpoint) is fetched again at once, but while a
// failed fetch waits out Retry, the older value serves, current or not.
func TestRetryWhileStaleWhateverChanged(t *testing.T) {
	b := newBench(t, nil)
	key := "k1"
	current := func(v string) bool { return strings.HasPrefix(v, key) }
	fetch := func(ctx context.Context) (string, error) {
		b.up.value = key + "-endpoint"
		return b.up.fetch(ctx)
	}
	get := func(want string, wantStale bool, calls int) {
		t.Helper()
		got, isStale, err := b.c.Get(context.Background(), current, fetch)
		if err != nil || got != want || isStale != wantStale || b.up.calls != calls {
			t.Errorf("got (%q, %v, %v) after %d calls, want (%q, %v) after %d", got, isStale, err, b.up.calls, want, wantStale, calls)
		}
	}
	get("k1-endpoint", false, 1)
	key = "k2"
	b.up.err = errDown
	for range 10 {
		get("k1-endpoint", true, 2)
		b.clock.Advance(2 * time.Second)
	}
	b.clock.Advance(10 * time.Second) // 30s after the failed try
	b.up.err = nil
	get("k2-endpoint", false, 3)
}

func TestRefreshRateLimit(t *testing.T) {
	b := newBench(t, nil)
	refresh := func(want string, wantRefreshed bool, calls int) {
		t.Helper()
		got, refreshed, err := b.c.Refresh(context.Background(), b.up.fetch)
		if err != nil || got != want || refreshed != wantRefreshed || b.up.calls != calls {
			t.Errorf("got (%q, %v, %v) after %d calls, want (%q, %v) after %d", got, refreshed, err, b.up.calls, want, wantRefreshed, calls)
		}
	}
	refresh("v1", true, 1) // empty cache: fetched
	b.up.value = "v2"
	for range 10 {
		b.clock.Advance(2 * time.Second)
		refresh("v1", false, 1)
	}
	b.clock.Advance(10 * time.Second) // 30s since the forced fetch
	refresh("v2", true, 2)
	refresh("v2", false, 2)
	b.want("v2", false, 2)
}

// TestRefreshDuringBackoffWithAUsableValue: a forced fetch that fails is an
// error; while the cache then waits, a forced refresh with the older value
// still usable answers as the rate limit does (no fetch, no error), so an
// expired session is not reported as an outage. With nothing usable it is
// the failure.
func TestRefreshDuringBackoffWithAUsableValue(t *testing.T) {
	b := newBench(t, nil)
	b.want("v1", false, 1)
	b.up.err = errDown
	b.clock.Advance(6 * time.Minute)
	b.want("v1", true, 2) // the try failed: waiting out Retry with a usable value
	for range 3 {
		b.clock.Advance(5 * time.Second)
		if got, refreshed, err := b.c.Refresh(context.Background(), b.up.fetch); got != "v1" || refreshed || err != nil || b.up.calls != 2 {
			t.Errorf("during the wait: got (%q, %v, %v) after %d calls, want (\"v1\", false, nil) after 2", got, refreshed, err, b.up.calls)
		}
	}
	b.clock.Advance(15 * time.Second) // Retry is over: the forced fetch is tried
	if got, refreshed, err := b.c.Refresh(context.Background(), b.up.fetch); got != "" || refreshed || !errors.Is(err, errDown) || b.up.calls != 3 {
		t.Errorf("failed forced fetch: got (%q, %v, %v) after %d calls, want the failure after 3", got, refreshed, err, b.up.calls)
	}

	cold := newBench(t, nil)
	cold.up.err = errDown
	cold.wantErr(1)
	if _, refreshed, err := cold.c.Refresh(context.Background(), cold.up.fetch); refreshed || !errors.Is(err, errDown) || cold.up.calls != 1 {
		t.Errorf("nothing usable, backing off: got (%v, %v) after %d calls, want the failure after 1", refreshed, err, cold.up.calls)
	}
}

// TestCutShortByTheCallersBudget: a fetch that ctx's ErrCutShort cause ends
// records nothing, so the next caller fetches at once; a deadline of any
// other cause passing during the fetch is the upstream being too slow.
func TestCutShortByTheCallersBudget(t *testing.T) {
	slow := func(ctx context.Context) { <-ctx.Done() }
	tests := []struct {
		name      string
		cause     error
		wantCalls int // after the next Get
	}{
		{"init's budget", stale.ErrCutShort, 2},
		{"the request's deadline", nil, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := newBench(t, nil)
			b.up.took, b.up.err = slow, context.DeadlineExceeded
			ctx, cancel := context.WithTimeoutCause(context.Background(), time.Millisecond, tt.cause)
			defer cancel()
			if _, _, err := b.c.Get(ctx, nil, b.up.fetch); err == nil {
				t.Fatalf("got no error from a fetch cut short, want one")
			}
			b.up.took, b.up.err = nil, nil
			_, _, _ = b.c.Get(context.Background(), nil, b.up.fetch)
			if b.up.calls != tt.wantCalls {
				t.Errorf("got %d calls, want %d", b.up.calls, tt.wantCalls)
			}
		})
	}
}

// TestCallerOutOfTimeRecordsNothing: a caller whose ctx was done before
// the fetch starts no back-off and does not use up the forced-refresh
// rate limit.
func TestCallerOutOfTimeRecordsNothing(t *testing.T) {
	b := newBench(t, nil)
	done, cancel := context.WithCancel(context.Background())
	cancel()
	b.up.err = context.Canceled
	if _, _, err := b.c.Get(done, nil, b.up.fetch); err == nil {
		t.Fatalf("got no error, want one")
	}
	b.up.err = nil
	b.want("v1", false, 2) // no back-off started
	b.clock.Advance(time.Minute)
	b.up.err = context.Canceled
	if _, _, err := b.c.Refresh(done, b.up.fetch); err == nil {
		t.Fatalf("Refresh: got no error, want one")
	}
	b.up.err = nil
	if _, refreshed, err := b.c.Refresh(context.Background(), b.up.fetch); !refreshed || err != nil || b.up.calls != 4 {
		t.Errorf("got (%v, %v) after %d calls, want a forced fetch: the rate limit was not used up", refreshed, err, b.up.calls)
	}
}

// TestAgesByTheWallClock: a freeze moves the wall clock on while the
// monotonic clock may stand still (a paused VM); the value's age counts it,
// so it goes stale, and past StaleMax it is no longer served.
func TestAgesByTheWallClock(t *testing.T) {
	start := time.Now() // with a monotonic reading, as in production
	frozen := start
	c := stale.New[string](stale.Options{StaleMax: time.Hour, Rand: noJitter, Now: func() time.Time { return frozen }})
	up := &upstream{value: "v1"}
	get := func() (string, bool, error) { return c.Get(context.Background(), nil, up.fetch) }
	if v, _, err := get(); v != "v1" || err != nil {
		t.Fatalf("got (%q, %v), want v1", v, err)
	}
	up.value, up.err = "v2", errDown
	frozen = thawed(t, start, 6*time.Minute) // past the 5m TTL
	if v, isStale, err := get(); v != "v1" || !isStale || err != nil || up.calls != 2 {
		t.Errorf("6m later by the wall clock: got (%q, stale %v, %v) after %d calls, want the stale v1 after 2", v, isStale, err, up.calls)
	}
	frozen = thawed(t, start, 2*time.Hour) // past TTL + StaleMax
	var past *stale.PastMaxError
	if _, _, err := get(); !errors.As(err, &past) {
		t.Errorf("2h later by the wall clock: got %v, want a *PastMaxError", err)
	}
}

// thawed returns start with its wall clock d later and its monotonic
// reading unchanged: what time.Now reads after a freeze the monotonic clock
// did not see. No API builds such a time, so this sets time.Time's
// monotonic field (its second word) directly, and checks the result.
func thawed(t *testing.T, start time.Time, d time.Duration) time.Time {
	t.Helper()
	after := start.Add(d)
	(*[2]int64)(unsafe.Pointer(&after))[1] = (*[2]int64)(unsafe.Pointer(&start))[1]
	if after.Sub(start) != 0 || after.Round(0).Sub(start.Round(0)) != d {
		t.Fatalf("cannot build a thawed time: monotonic %v, wall %v", after.Sub(start), after.Round(0).Sub(start.Round(0)))
	}
	return after
}
