package handler

import (
	"bytes"
	"errors"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aimcards/customer-access-token/internal/aim"
	"github.com/aimcards/customer-access-token/internal/dev/emfspec"
	"github.com/aimcards/customer-access-token/internal/emf"
)

// The probe's answers: a small JSON value, never a function error.
const (
	probeOK     = `{"probe":"ok"}`
	probeFailed = `{"probe":"failed"}`
)

// invokeProbe runs the scheduled event through Invoke as the runtime does
// and returns its raw answer.
func invokeProbe(t *testing.T, h *Handler, payload []byte) string {
	t.Helper()
	b, err := h.Invoke(t.Context(), payload)
	if err != nil {
		t.Fatalf("Invoke returned a Lambda error for the probe: %v", err)
	}
	return string(b)
}

// TestProbe runs the template's scheduled event through Invoke: it gets the
// credentials as a click would, never calls CustomerAccessToken or asks
// the per-client limit, and writes one record carrying only ProbeSuccess
// by FunctionName, and one "probe" log line.
func TestProbe(t *testing.T) {
	t.Parallel()
	endpointDown := func(string) (aim.Endpoint, error) {
		return aim.Endpoint{}, &aim.Error{Op: aim.OpGetEndPoint, Kind: aim.KindUpstream, HTTPStatus: 500}
	}
	for _, tc := range []struct {
		name       string
		keys       *fakeKeys
		endpointFn func(string) (aim.Endpoint, error)
		discovery  int     // GetEndPoint calls
		want       float64 // ProbeSuccess
		wantCause  string  // in the log line's cause
	}{
		{"credentials had", &fakeKeys{key: testAPIKey}, nil, 1, 1, ""},
		{"Secrets Manager down", &fakeKeys{err: errors.New("secrets: get aim/api-key: throttled")}, nil, 0, 0, "throttled"},
		{"GetEndPoint failing", &fakeKeys{key: testAPIKey}, endpointDown, 1, 0, "GetEndPoint"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var logs, metrics bytes.Buffer
			client := &fakeAIM{endpointFn: tc.endpointFn}
			limit := &fakeLimit{}
			h := testHandler(tc.keys, client, &logs, func(o *Options) { o.Metrics, o.Limit = newMetrics(t, &metrics), limit })
			want := map[bool]string{true: probeOK, false: probeFailed}[tc.want == 1]
			if got := invokeProbe(t, h, eventFile(t, "scheduled-probe.json")); got != want {
				t.Errorf("got answer %s, want %s", got, want)
			}
			if client.accessCalls != 0 || client.endpointCalls != tc.discovery || len(limit.asked) != 0 {
				t.Errorf("got %d CustomerAccessToken, %d GetEndPoint calls and %d limit checks, want 0, %d and 0", client.accessCalls, client.endpointCalls, len(limit.asked), tc.discovery)
			}
			if strings.Contains(logs.String(), `"msg":"invocation"`) {
				t.Errorf("got an invocation line, want only the probe's: it is no request\n%s", logs.String())
			}
			checkProbeRecord(t, &metrics, tc.want)
			line := probeLine(t, &logs)
			cause, _ := line["cause"].(string)
			if line["outcome"] != map[bool]string{true: "ok", false: "failed"}[tc.want == 1] || !strings.Contains(cause, tc.wantCause) || (tc.wantCause == "") != (cause == "") {
				t.Errorf("got log line %v, want outcome for ProbeSuccess %v and a cause with %q", line, tc.want, tc.wantCause)
			}
			assertNoSecrets(t, logs.String()+metrics.String())
		})
	}
}

// TestProbeSharesTheClicksCache: a probe and a click use one credentials
// cache, and stale credentials (a refresh failed, the older ones serve
// clicks) are a failed probe.
func TestProbeSharesTheClicksCache(t *testing.T) {
	t.Parallel()
	clock := &fakeClock{t: time.Unix(1_800_000_000, 0)}
	var logs, metrics bytes.Buffer
	client := &fakeAIM{}
	h := testHandler(&fakeKeys{key: testAPIKey}, client, &logs, func(o *Options) { o.Now, o.Metrics = clock.now, newMetrics(t, &metrics) })
	probe := eventFile(t, "scheduled-probe.json")
	if got := invokeProbe(t, h, probe); got != probeOK {
		t.Fatalf("got %s, want %s", got, probeOK)
	}
	if a := invoke(t, h, eventFile(t, "httpapi-add-customer-card.json")); a.Status != 302 || client.endpointCalls != 1 {
		t.Errorf("the click after the probe: got %d after %d GetEndPoint calls, want 302 after 1 (the probe's)", a.Status, client.endpointCalls)
	}
	clock.advance(6 * time.Minute) // past CACHE_TTL
	client.endpointFn = func(string) (aim.Endpoint, error) {
		return aim.Endpoint{}, &aim.Error{Op: aim.OpGetEndPoint, Kind: aim.KindTimeout}
	}
	metrics.Reset()
	if got := invokeProbe(t, h, probe); got != probeFailed {
		t.Errorf("stale credentials: got %s, want %s", got, probeFailed)
	}
	checkProbeRecord(t, &metrics, 0)
	if line := probeLine(t, &logs); line["stale_credentials"] != true || line["outcome"] != "failed" || line["cause"] == nil {
		t.Errorf("stale credentials: got log line %v, want stale_credentials true, outcome failed and a cause", line)
	}
}

func newMetrics(t *testing.T, out *bytes.Buffer) *emf.Writer {
	t.Helper()
	w, err := emf.New(emf.Options{FunctionName: "fn", FunctionVersion: "7", Out: out})
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// checkProbeRecord wants out to hold one valid record whose only data point
// is ProbeSuccess by FunctionName, with the value want.
func checkProbeRecord(t *testing.T, out *bytes.Buffer, want float64) {
	t.Helper()
	if n := strings.Count(out.String(), "\n"); n != 1 {
		t.Fatalf("got %d metric records, want 1:\n%s", n, out)
	}
	data, err := emfspec.Extract(out.Bytes())
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	got := map[string]float64{}
	for _, d := range data {
		got[strings.Join(slices.Sorted(maps.Keys(d.Dimensions)), ",")+"/"+d.Name] = d.Values[0]
	}
	if wantPoints := map[string]float64{"FunctionName/" + emf.MetricProbeSuccess: want}; !maps.Equal(got, wantPoints) {
		t.Errorf("got data points %v, want %v", got, wantPoints)
	}
}

// probeLine decodes the last "probe" line among logs, which must carry
// the times and the request id.
func probeLine(t *testing.T, logs *bytes.Buffer) map[string]any {
	t.Helper()
	line := lastLine(t, logs, "probe")
	for _, k := range []string{"secrets_ms", "discovery_ms", "stale_credentials", "request_id"} {
		if _, ok := line[k]; !ok {
			t.Errorf("probe line %v: no %s", line, k)
		}
	}
	return line
}
