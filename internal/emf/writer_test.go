package emf

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aimcards/customer-access-token/internal/apigw"
	"github.com/aimcards/customer-access-token/internal/dev/emfspec"
)

var testNow = time.UnixMilli(1764494175123)

func newTestWriter(t testing.TB, out *bytes.Buffer) *Writer {
	t.Helper()
	w, err := New(Options{FunctionName: "cat-fn", FunctionVersion: "7", Out: out, Now: func() time.Time { return testNow }})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return w
}

// emit writes one record and returns it, checked against the specification.
func emit(t *testing.T, w *Writer, out *bytes.Buffer, inv Invocation) (line []byte, points map[string]float64) {
	t.Helper()
	out.Reset()
	if err := w.Emit(inv); err != nil {
		t.Fatalf("Emit(%+v): %v", inv, err)
	}
	line = bytes.Clone(out.Bytes())
	if n := bytes.Count(line, []byte("\n")); n != 1 || line[len(line)-1] != '\n' {
		t.Fatalf("got %d newlines in %q, want one record ending in one newline", n, line)
	}
	data, err := emfspec.Extract(line)
	if err != nil {
		t.Fatalf("record for %+v breaks the EMF specification: %v\n%s", inv, err, line)
	}
	points = make(map[string]float64, len(data))
	for _, d := range data {
		if len(d.Values) != 1 {
			t.Fatalf("got %d values for %s, want 1", len(d.Values), d.Name)
		}
		points[pointKey(d.Dimensions, d.Name)] = d.Values[0]
	}
	return line, points
}

// pointKey names a data point by its sorted dimension names and metric.
func pointKey(dims map[string]string, metric string) string {
	return strings.Join(slices.Sorted(maps.Keys(dims)), ",") + "/" + metric
}

// answerCodes is every problem code the function answers, plus success.
var answerCodes = []apigw.Code{
	"", apigw.CodeInvalidRequest, apigw.CodeMissingToken, apigw.CodeSessionExpired,
	apigw.CodeAIMRejected, apigw.CodeUnavailable, apigw.CodeUpstreamError,
	apigw.CodeUpstreamTimeout, apigw.CodeOriginNotAllowed, apigw.CodeMethodNotAllowed,
	apigw.CodeInternal,
}

// TestEveryRecordMeetsSpecification emits a record for every outcome and
// code, with and without an AIM call and stale credentials, and checks
// each against the specification and the metric contract.
func TestEveryRecordMeetsSpecification(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	w := newTestWriter(t, &out)
	emit(t, w, &out, Invocation{}) // the cold start; TestColdStartOnce covers it
	outcomes := map[string]int{"redirect": 302, "json": 200, "preflight": 204}
	mapper := apigw.NewMapper(apigw.Options{}) // for the status each code answers with
	for _, outcome := range []string{"redirect", "json", "preflight", "error", "unreadable"} {
		for _, code := range answerCodes {
			status, ok := outcomes[outcome]
			if code != "" {
				status = mapper.Answer(apigw.Request{}, apigw.Failure(apigw.Problem{Code: code})).Status
			} else if !ok {
				continue // an error always has a code
			}
			for _, aim := range []bool{false, true} {
				for _, stale := range []bool{false, true} {
					inv := Invocation{Outcome: outcome, Code: string(code), Status: status, Click: aim, // only a click calls AIM
						AIMCalled: aim, AIMLatency: 42 * time.Millisecond, CredentialLatency: 3 * time.Millisecond, Stale: stale, RequestID: "req-1", APIRequestID: "api-1"}
					_, points := emit(t, w, &out, inv)
					checkContract(t, inv, points)
				}
			}
		}
	}
}

// b is a Count metric's value for v.
func b(v bool) float64 {
	if v {
		return 1
	}
	return 0
}

func checkContract(t *testing.T, inv Invocation, points map[string]float64) {
	t.Helper()
	code := inv.Code
	if code == "" {
		code = CodeOK
	}
	want := map[string]float64{
		MetricRequests:          1,
		MetricClicks:            b(inv.Click),
		MetricServerErrors:      b(inv.Status >= 500),
		MetricUnauthorized:      b(inv.Status == 401),
		MetricUpstreamErrors:    b(code == "upstream_error" || code == "upstream_timeout"),
		MetricUnavailable:       b(code == "unavailable"),
		MetricStaleCredentials:  b(inv.Stale),
		MetricColdStart:         0,
		MetricCredentialLatency: float64(inv.CredentialLatency.Microseconds()) / 1000,
	}
	if inv.AIMCalled {
		want[MetricAIMLatency] = float64(inv.AIMLatency.Microseconds()) / 1000
	}
	wantPoints := map[string]float64{"Code,FunctionName,Outcome/" + MetricRequests: 1}
	for metric, v := range want {
		wantPoints["FunctionName/"+metric] = v
		wantPoints["FunctionName,FunctionVersion/"+metric] = v
	}
	if !maps.Equal(points, wantPoints) {
		t.Errorf("%+v:\n got data points %v\nwant %v", inv, points, wantPoints)
	}
}

// TestRecordMembers pins the root of a record: the dimensions, metrics and
// three properties, and nothing else: no log level (see the README's
// Metrics section), no secret, token or URL.
func TestRecordMembers(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	w := newTestWriter(t, &out)
	for _, aim := range []bool{false, true} {
		line, _ := emit(t, w, &out, Invocation{Outcome: "redirect", Status: 302, AIMCalled: aim, RequestID: "req-9", APIRequestID: "api-9"})
		var root map[string]any
		if err := json.Unmarshal(line, &root); err != nil {
			t.Fatal(err)
		}
		want := []string{"_aws", DimensionCode, DimensionFunctionName, DimensionFunctionVersion, DimensionOutcome,
			MetricClicks, MetricColdStart, MetricCredentialLatency, MetricRequests, MetricServerErrors, MetricStaleCredentials,
			MetricUnauthorized, MetricUnavailable, MetricUpstreamErrors, "apigw_request_id", "request_id", "status"}
		if aim {
			want = append(want, MetricAIMLatency)
		}
		slices.Sort(want)
		if got := slices.Sorted(maps.Keys(root)); !slices.Equal(got, want) {
			t.Errorf("AIMCalled %v: got members %v, want %v", aim, got, want)
		}
		props := fmt.Sprint(root["request_id"], " ", root["apigw_request_id"], " ", root["status"], " ", root[DimensionFunctionName], " ", root[DimensionFunctionVersion])
		if props != "req-9 api-9 302 cat-fn 7" {
			t.Errorf("got request_id, apigw_request_id, status, function name and version %q, want %q", props, "req-9 api-9 302 cat-fn 7")
		}
	}
}

// TestProbeRecord pins the probe's record: ProbeSuccess by FunctionName
// alone, no request metric, and the cold start taken, so the click after it
// on the same environment says ColdStart 0.
func TestProbeRecord(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	w := newTestWriter(t, &out)
	for _, ok := range []bool{true, false} {
		out.Reset()
		if err := w.Probe(ok, "req-5"); err != nil {
			t.Fatal(err)
		}
		data, err := emfspec.Extract(out.Bytes())
		if err != nil {
			t.Fatalf("%v\n%s", err, out.Bytes())
		}
		points := map[string]float64{}
		for _, d := range data {
			points[pointKey(d.Dimensions, d.Name)] = d.Values[0]
		}
		if want := map[string]float64{"FunctionName/" + MetricProbeSuccess: b(ok)}; !maps.Equal(points, want) {
			t.Errorf("Probe(%v): got data points %v, want %v", ok, points, want)
		}
		var root map[string]any
		if err := json.Unmarshal(out.Bytes(), &root); err != nil {
			t.Fatal(err)
		}
		want := []string{"_aws", DimensionFunctionName, MetricProbeSuccess, "request_id"}
		slices.Sort(want)
		if got := slices.Sorted(maps.Keys(root)); !slices.Equal(got, want) || root["request_id"] != "req-5" {
			t.Errorf("got members %v (request_id %v), want %v (req-5)", got, root["request_id"], want)
		}
	}
	_, points := emit(t, w, &out, Invocation{Outcome: "redirect", Status: 302, Click: true})
	if got := points["FunctionName/"+MetricColdStart]; got != 0 {
		t.Errorf("the click after the probe: got ColdStart %v, want 0 (the probe started the environment)", got)
	}
}

// TestColdStartOnce counts the cold start on the first record only, also
// when invocations race, and never interleaves two records.
func TestColdStartOnce(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	w := newTestWriter(t, &out)
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() {
			if err := w.Emit(Invocation{Outcome: "json", Status: 200}); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	lines := bytes.SplitAfter(out.Bytes(), []byte("\n"))
	lines = lines[:len(lines)-1] // after the last newline
	if len(lines) != 20 {
		t.Fatalf("got %d records, want 20", len(lines))
	}
	cold := 0
	for _, line := range lines {
		data, err := emfspec.Extract(line)
		if err != nil {
			t.Fatalf("%v\n%s", err, line)
		}
		for _, d := range data {
			if d.Name == MetricColdStart && len(d.Dimensions) == 1 {
				cold += int(d.Values[0])
			}
		}
	}
	if cold != 1 {
		t.Errorf("got ColdStart 1 in %d of 20 records, want exactly 1", cold)
	}
}

// TestLatencies writes durations as milliseconds with microsecond
// precision, and a negative duration (a clock step) as 0.
func TestLatencies(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	w := newTestWriter(t, &out)
	for _, tc := range []struct {
		aim, cred     time.Duration
		wantAIM, want float64
	}{
		{123456 * time.Microsecond, 1500 * time.Millisecond, 123.456, 1500},
		{1500 * time.Nanosecond, 0, 0.001, 0},
		{-time.Second, -time.Millisecond, 0, 0},
	} {
		_, points := emit(t, w, &out, Invocation{Outcome: "json", Status: 200, AIMCalled: true, AIMLatency: tc.aim, CredentialLatency: tc.cred})
		if got := points["FunctionName/"+MetricAIMLatency]; got != tc.wantAIM {
			t.Errorf("AIMLatency %v: got %v ms, want %v", tc.aim, got, tc.wantAIM)
		}
		if got := points["FunctionName/"+MetricCredentialLatency]; got != tc.want {
			t.Errorf("CredentialLatency %v: got %v ms, want %v", tc.cred, got, tc.want)
		}
	}
}

// TestHostileStrings keeps the record one valid line whatever the strings
// hold; dimension values become printable ASCII CloudWatch accepts.
func TestHostileStrings(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	w := newTestWriter(t, &out)
	for _, s := range []string{"", "  ", "a\"b\\c", "line\nbreak\r\x00", "caf\xc3\xa9 \xff", "\u2028", strings.Repeat("x", 3000)} {
		line, _ := emit(t, w, &out, Invocation{Outcome: s, Code: s, Status: 200, RequestID: s, APIRequestID: s})
		var root map[string]any
		if err := json.Unmarshal(line, &root); err != nil {
			t.Fatal(err)
		}
		if got, want := root["request_id"], strings.ToValidUTF8(s, "\uFFFD"); got != want {
			t.Errorf("got request_id %q, want %q", got, want)
		}
		if strings.TrimSpace(s) == "" && (root[DimensionOutcome] != OutcomeUnknown || root[DimensionCode] != CodeOK) {
			t.Errorf("blank Outcome and Code: got %q and %q, want %q and %q", root[DimensionOutcome], root[DimensionCode], OutcomeUnknown, CodeOK)
		}
	}
}

// TestLocalFallbacks names a function built outside Lambda.
func TestLocalFallbacks(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	w, err := New(Options{Namespace: "Shop/Cards", Out: &out, Now: func() time.Time { return testNow }})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Emit(Invocation{Outcome: "json", Status: 200}); err != nil {
		t.Fatal(err)
	}
	data, err := emfspec.Extract(out.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range data {
		if d.Namespace != "Shop/Cards" || d.Dimensions[DimensionFunctionName] != "local" || d.Timestamp != testNow.UnixMilli() {
			t.Errorf("got namespace %q, FunctionName %q, timestamp %d; want Shop/Cards, local, %d", d.Namespace, d.Dimensions[DimensionFunctionName], d.Timestamp, testNow.UnixMilli())
		}
		if v, ok := d.Dimensions[DimensionFunctionVersion]; ok && v != "$LATEST" {
			t.Errorf("got FunctionVersion %q, want $LATEST", v)
		}
	}
}

func TestNewRejects(t *testing.T) {
	t.Parallel()
	for _, ns := range []string{"AWS/Lambda", "shop|cards", "café", strings.Repeat("n", 256)} {
		if _, err := New(Options{Namespace: ns, Out: &bytes.Buffer{}}); err == nil {
			t.Errorf("New with namespace %q: got no error, want one", ns)
		}
	}
	if _, err := New(Options{}); err == nil {
		t.Error("New without Out: got no error, want one")
	}
}

func TestNilWriterWritesNothing(t *testing.T) {
	t.Parallel()
	var w *Writer
	if err := w.Emit(Invocation{Outcome: "json"}); err != nil {
		t.Errorf("nil Writer: got %v, want nil", err)
	}
}

type failingWriter struct{ err error }

func (f failingWriter) Write([]byte) (int, error) { return 0, f.err }

func TestEmitReportsWriteError(t *testing.T) {
	t.Parallel()
	cause := errors.New("stdout closed")
	w, err := New(Options{Out: failingWriter{cause}})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Emit(Invocation{}); !errors.Is(err, cause) {
		t.Errorf("got %v, want an error wrapping %v", err, cause)
	}
}

// TestCodesMatchAnswers keeps the codes counted as upstream failures equal
// to the codes the function answers with.
func TestCodesMatchAnswers(t *testing.T) {
	t.Parallel()
	for got, want := range map[string]apigw.Code{
		codeUpstreamError: apigw.CodeUpstreamError, codeUpstreamTimeout: apigw.CodeUpstreamTimeout, codeUnavailable: apigw.CodeUnavailable,
	} {
		if got != string(want) {
			t.Errorf("got code %q, want %q", got, want)
		}
	}
}
