package main

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aimcards/customer-access-token/internal/aimsandbox"
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

// secretsProxy forwards to moto after an adjustable delay and times GetSecretValue.
type secretsProxy struct {
	next    http.Handler
	latency atomic.Int64 // time.Duration
	times   recorder
}

func (p *secretsProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	if !sleep(r.Context(), time.Duration(p.latency.Load())) {
		return
	}
	p.next.ServeHTTP(w, r)
	// The SDK's JSON protocol names the operation in X-Amz-Target.
	if strings.HasSuffix(r.Header.Get("X-Amz-Target"), "."+opGetSecretValue) {
		p.times.add(opGetSecretValue, time.Since(start))
	}
}

// timedAIM times the sandbox's API operations by path.
type timedAIM struct {
	sb    *aimsandbox.Sandbox
	times *recorder
}

func (t timedAIM) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	t.sb.ServeHTTP(w, r)
	path := strings.ToLower(r.URL.Path)
	for _, op := range []aimsandbox.Op{aimsandbox.OpGetEndPoint, aimsandbox.OpCustomerAccessToken} {
		if strings.HasSuffix(path, "/"+strings.ToLower(string(op))) {
			t.times.add(string(op), time.Since(start))
		}
	}
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
