// Package emf writes CloudWatch embedded-metric-format records: one JSON
// line per invocation on stdout, from which CloudWatch Logs extracts the
// function's metrics without any API call.
//
// Specification:
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html
package emf

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Invocation is what one invocation's record says. It holds no secret,
// token or URL, so a record cannot leak one.
type Invocation struct {
	Outcome           string // OutcomeRedirect, OutcomeJSON, ...
	Code              string // the problem code; empty: CodeOK
	Status            int    // the HTTP status answered
	AIMCalled         bool   // CustomerAccessToken was called
	AIMLatency        time.Duration
	CredentialLatency time.Duration // Secrets Manager and discovery time
	Stale             bool          // stale credentials served the request
	RequestID         string        // Lambda's request id
	APIRequestID      string        // API Gateway's request id
}

// Options configures a Writer.
type Options struct {
	Namespace       string    // default DefaultNamespace
	FunctionName    string    // AWS_LAMBDA_FUNCTION_NAME; default "local"
	FunctionVersion string    // AWS_LAMBDA_FUNCTION_VERSION; default "$LATEST"
	Out             io.Writer // stdout in Lambda
	Now             func() time.Time
}

// Writer writes one record per Emit call, as one line with one Write.
// It is safe for concurrent use. A nil *Writer writes nothing.
type Writer struct {
	out  io.Writer
	now  func() time.Time
	head [2][]byte // `,"CloudWatchMetrics":[...]},` + fixed dimensions; [1] lists AIMLatency
	warm atomic.Bool

	mu  sync.Mutex
	buf []byte
}

// New builds a Writer; the directives are encoded here, once.
func New(opts Options) (*Writer, error) {
	if opts.Out == nil {
		return nil, errors.New("emf: no output")
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	ns := strings.TrimSpace(opts.Namespace)
	if ns == "" {
		ns = DefaultNamespace
	}
	if err := checkNamespace(ns); err != nil {
		return nil, err
	}
	name := dimensionValue(opts.FunctionName, localFunctionName)
	version := dimensionValue(opts.FunctionVersion, localFunctionVersion)
	w := &Writer{out: opts.Out, now: opts.Now, buf: make([]byte, 0, 2048)}
	w.head[0] = appendHead(nil, ns, name, version, false)
	w.head[1] = appendHead(nil, ns, name, version, true)
	return w, nil
}

// checkNamespace applies CloudWatch's namespace rules: 1-255 characters
// from a small ASCII set, and not AWS/, which is reserved.
func checkNamespace(ns string) error {
	if len(ns) > 255 || strings.HasPrefix(ns, "AWS/") {
		return fmt.Errorf("emf: namespace %q: want at most 255 characters, not starting with AWS/", ns)
	}
	for _, r := range ns {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("./-_#: ", r)) {
			return fmt.Errorf("emf: namespace %q: %q is not allowed; use letters, digits and . - _ / # : space", ns, r)
		}
	}
	return nil
}

// Emit writes inv's record. The first call on a Writer counts the cold
// start, as a Writer lives as long as its execution environment.
func (w *Writer) Emit(inv Invocation) error {
	if w == nil {
		return nil
	}
	cold := !w.warm.Swap(true)
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf = w.appendRecord(w.buf[:0], &inv, cold)
	_, err := w.out.Write(w.buf)
	if err != nil {
		return fmt.Errorf("emf: write record: %w", err)
	}
	return nil
}
