// Package emf writes CloudWatch embedded-metric-format records: one JSON
// line per invocation on stdout, from which CloudWatch Logs extracts the
// function's metrics without any API call.
//
// Specification:
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html
package emf

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"
)

// Invocation is what one invocation's record says. It holds no secret,
// token or URL, so a record cannot leak one.
type Invocation struct {
	Outcome           string // the answer's: redirect, json, preflight, error or unreadable
	Code              string // the problem code; empty: CodeOK
	Status            int    // the HTTP status answered
	Click             bool   // a GET: the button's click, the denominator of every share alarm
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
	out           io.Writer
	now           func() time.Time
	namespace     string
	name, version string     // the FunctionName and FunctionVersion dimensions
	mu            sync.Mutex // one record at a time, and guards warm
	warm          bool       // a record was written: the cold start is counted
}

// New builds a Writer.
func New(opts Options) (*Writer, error) {
	if opts.Out == nil {
		return nil, errors.New("emf: no output")
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	ns := cmp.Or(strings.TrimSpace(opts.Namespace), DefaultNamespace)
	if err := checkNamespace(ns); err != nil {
		return nil, err
	}
	return &Writer{
		out: opts.Out, now: opts.Now, namespace: ns,
		name:    dimensionValue(opts.FunctionName, "local"),
		version: dimensionValue(opts.FunctionVersion, "$LATEST"),
	}, nil
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

// Emit writes inv's record. The first record of a Writer counts the cold
// start, as a Writer lives as long as its execution environment.
func (w *Writer) Emit(inv Invocation) error {
	if w == nil {
		return nil
	}
	code := dimensionValue(inv.Code, CodeOK)
	rec := record{
		AWS:               metadata{Timestamp: w.now().UnixMilli(), CloudWatchMetrics: directives(w.namespace, inv.AIMCalled)},
		FunctionName:      w.name,
		FunctionVersion:   w.version,
		Outcome:           dimensionValue(inv.Outcome, OutcomeUnknown),
		Code:              code,
		Requests:          1,
		Clicks:            count(inv.Click),
		ServerErrors:      count(inv.Status >= 500),
		Unauthorized:      count(inv.Status == 401),
		UpstreamErrors:    count(code == codeUpstreamError || code == codeUpstreamTimeout),
		Unavailable:       count(code == codeUnavailable),
		StaleCredentials:  count(inv.Stale),
		CredentialLatency: millis(inv.CredentialLatency),
		RequestID:         inv.RequestID,
		APIRequestID:      inv.APIRequestID,
		Status:            inv.Status,
	}
	if inv.AIMCalled {
		aim := millis(inv.AIMLatency)
		rec.AIMLatency = &aim
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	rec.ColdStart = count(!w.warm)
	return w.write(rec)
}

// Probe writes the scheduled probe's record: ProbeSuccess (1 when ok) by
// function only; it is no request. It takes the cold start: ColdStart
// counts the inits clicks pay, and the click after it finds a warm one.
func (w *Writer) Probe(ok bool, requestID string) error {
	if w == nil {
		return nil
	}
	probe := []directive{{w.namespace, [][]string{{DimensionFunctionName}}, []metric{{MetricProbeSuccess, "Count"}}}}
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.write(probeRecord{metadata{w.now().UnixMilli(), probe}, w.name, count(ok), requestID})
}

// write encodes rec and its newline with one Write, and marks the Writer
// warm. The caller holds mu.
func (w *Writer) write(rec any) error {
	w.warm = true
	if err := json.NewEncoder(w.out).Encode(rec); err != nil {
		return fmt.Errorf("emf: write record: %w", err)
	}
	return nil
}
