package main

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/aimcards/customer-access-token/internal/dev/aimsandbox"
)

// recorder keeps how long each upstream operation took, measured at the server:
// added latency plus the server's own work, that is one round trip on loopback.
type recorder struct {
	mu  sync.Mutex
	got map[string][]time.Duration
}

func (r *recorder) add(op string, d time.Duration) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.got == nil {
		r.got = make(map[string][]time.Duration)
	}
	r.got[op] = append(r.got[op], d)
}

// take returns the durations recorded for op and forgets them.
func (r *recorder) take(op string) []time.Duration {
	r.mu.Lock()
	defer r.mu.Unlock()
	d := r.got[op]
	delete(r.got, op)
	return d
}

// opGetSecretValue is the Secrets Manager call the function makes.
const opGetSecretValue = "GetSecretValue"

// timed times the operations an upstream server handles, measured at the
// server; opOf names a request's operation ("" for one not timed).
type timed struct {
	next  http.Handler
	times *recorder
	opOf  func(*http.Request) string
}

func (t timed) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	t.next.ServeHTTP(w, r)
	if op := t.opOf(r); op != "" {
		t.times.add(op, time.Since(start))
	}
}

// secretsOp names Secrets Manager's GetSecretValue, which the SDK's JSON
// protocol puts in X-Amz-Target.
func secretsOp(r *http.Request) string {
	if strings.HasSuffix(r.Header.Get("X-Amz-Target"), "."+opGetSecretValue) {
		return opGetSecretValue
	}
	return ""
}

// aimOp names the sandbox's timed API operations by path.
func aimOp(r *http.Request) string {
	path := strings.ToLower(r.URL.Path)
	for _, op := range []aimsandbox.Op{aimsandbox.OpGetEndPoint, aimsandbox.OpCustomerAccessToken} {
		if strings.HasSuffix(path, "/"+strings.ToLower(string(op))) {
			return string(op)
		}
	}
	return ""
}

// sleep waits d, or less if ctx ends first; it reports whether the wait was complete.
func sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
