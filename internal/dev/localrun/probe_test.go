package localrun_test

import (
	"context"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aimcards/customer-access-token/internal/dev/aimsandbox"
	"github.com/aimcards/customer-access-token/internal/dev/emfspec"
	"github.com/aimcards/customer-access-token/internal/emf"
)

// TestProbeUnderTheEmulator sends the template's Scheduled Event to the
// real bootstrap, each case a cold instance: with moto and the sandbox up
// it prints ProbeSuccess 1, with GetEndPoint failing 0; either way it runs
// discovery, never calls CustomerAccessToken, and answers without a Lambda
// function error, so EventBridge does not retry.
func TestProbeUnderTheEmulator(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	for _, tc := range []struct {
		name    string
		fail    bool    // GetEndPoint answers 500
		want    float64 // ProbeSuccess
		answer  string
		logLine string // in the probe's log line
	}{
		{"all up", false, 1, `{"probe":"ok"}`, `"outcome":"ok"`},
		{"GetEndPoint failing", true, 0, `{"probe":"failed"}`, `"outcome":"failed"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.fail {
				r.sb.SetFault(aimsandbox.OpGetEndPoint, aimsandbox.ServerError())
				defer r.sb.ClearFaults()
			}
			f := r.start(t, nil, 0)
			access, discovery := r.sb.Calls(aimsandbox.OpCustomerAccessToken), r.sb.Calls(aimsandbox.OpGetEndPoint)
			records := len(probeRecords(r))
			ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
			defer cancel()
			body, _, err := f.emu.Invoke(ctx, readEvent(t, probeEvent))
			if err != nil {
				t.Fatalf("got %v, want an answer", err)
			}
			if string(body) != tc.answer {
				t.Errorf("got answer %s, want %s", body, tc.answer)
			}
			rec := waitForProbeRecord(t, r, records+1)
			want := map[string]float64{"FunctionName/" + emf.MetricProbeSuccess: tc.want}
			if got := probePoints(t, rec); !maps.Equal(got, want) {
				t.Errorf("got data points %v, want only %v\n%s", got, want, rec)
			}
			if got := r.sb.Calls(aimsandbox.OpCustomerAccessToken) - access; got != 0 {
				t.Errorf("got %d CustomerAccessToken calls, want 0: the probe has no customer", got)
			}
			if r.sb.Calls(aimsandbox.OpGetEndPoint) == discovery {
				t.Error("got no GetEndPoint call, want discovery run (by init's prefetch or the probe)")
			}
			if !strings.Contains(r.out.String(), tc.logLine) {
				t.Errorf("got no probe line with %s in the output", tc.logLine)
			}
		})
	}
	t.Run("nothing leaked", func(t *testing.T) { r.checkNoLeaks(t) })
}

// probeRecords are the probe's metric records in the rig's output so far.
func probeRecords(r *rig) []string {
	var found []string
	for _, rec := range metricRecords(r.out.String()) {
		if strings.Contains(rec, emf.MetricProbeSuccess) {
			found = append(found, rec)
		}
	}
	return found
}

// waitForProbeRecord waits until the rig's output holds n probe records
// (the emulator copies output on its own time) and returns the last.
func waitForProbeRecord(t *testing.T, r *rig, n int) string {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		if found := probeRecords(r); len(found) >= n {
			return found[n-1]
		}
	}
	t.Fatalf("got no probe record within 5 s of the answer, want one")
	return ""
}

// probePoints are the data points of rec, by dimension names and metric.
func probePoints(t *testing.T, rec string) map[string]float64 {
	t.Helper()
	data, err := emfspec.Extract([]byte(rec))
	if err != nil {
		t.Fatalf("%v\n%s", err, rec)
	}
	points := map[string]float64{}
	for _, d := range data {
		points[strings.Join(slices.Sorted(maps.Keys(d.Dimensions)), ",")+"/"+d.Name] = d.Values[0]
	}
	return points
}
