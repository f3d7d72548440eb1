package moto

import (
	"encoding/json"
	"io"
	"log"
	"net/http"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/aimcards/customer-access-token/internal/dev/devutil"
)

// FaultProxy is an http.Handler that forwards AWS requests to a moto_server
// and can be told to answer them itself with an AWS error or late, for the
// Secrets Manager faults moto cannot play (access denied, throttling, 5xx,
// slowness). The client under test keeps the real SDK on the wire: point its
// AWS_ENDPOINT_URL_SECRETS_MANAGER at a server running the proxy.
type FaultProxy struct {
	proxy *httputil.ReverseProxy

	mu       sync.Mutex
	fault    proxyFault
	requests int
	calls    map[string]int // by operation, from X-Amz-Target
}

// proxyFault is the fault SetFault installed.
type proxyFault struct {
	status  int
	errType string
	delay   time.Duration
}

// NewFaultProxy returns a proxy to the moto_server at target (its URL).
func NewFaultProxy(target string) *FaultProxy {
	u, err := url.Parse(target)
	p := &FaultProxy{calls: map[string]int{}}
	p.proxy = &httputil.ReverseProxy{
		// A client that gives up mid-request is expected here; do not log it.
		ErrorLog: log.New(io.Discard, "", 0),
		Rewrite: func(r *httputil.ProxyRequest) {
			if err == nil {
				r.SetURL(u)
			}
		},
	}
	return p
}

// SetFault makes every later request wait delay (or until the client gives
// up) and then, when status is not 0, answer status with the AWS JSON error
// awsErrorType (such as "AccessDeniedException" or "ThrottlingException")
// instead of moto's answer. SetFault(0, "", 0) clears the fault.
func (p *FaultProxy) SetFault(status int, awsErrorType string, delay time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.fault = proxyFault{status: status, errType: awsErrorType, delay: delay}
}

// ClearFault lets every later request through to moto.
func (p *FaultProxy) ClearFault() { p.SetFault(0, "", 0) }

// Requests returns how many requests the proxy has received.
func (p *FaultProxy) Requests() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.requests
}

// Calls returns how many requests of one operation, such as
// "GetSecretValue", the proxy has received.
func (p *FaultProxy) Calls(op string) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.calls[op]
}

// ServeHTTP counts the request, applies the fault and otherwise forwards it.
func (p *FaultProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f := p.record(r)
	if !devutil.Sleep(r.Context(), f.delay) {
		return // the client gave up; it reads no answer
	}
	if f.status == 0 {
		p.proxy.ServeHTTP(w, r)
		return
	}
	body, _ := json.Marshal(map[string]string{"__type": f.errType, "message": "injected by moto.FaultProxy"})
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	w.Header().Set("X-Amzn-Errortype", f.errType)
	w.Header().Set("X-Amzn-Requestid", "fault-proxy")
	w.WriteHeader(f.status)
	_, _ = w.Write(body)
}

// record counts r and returns the fault to apply to it.
func (p *FaultProxy) record(r *http.Request) proxyFault {
	op := r.Header.Get("X-Amz-Target")
	if i := strings.LastIndexByte(op, '.'); i >= 0 {
		op = op[i+1:]
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.requests++
	p.calls[op]++
	return p.fault
}
