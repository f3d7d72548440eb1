package localrun_test

import (
	"bufio"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aimcards/customer-access-token/internal/dev/devutil"
	"github.com/aimcards/customer-access-token/internal/dev/emfspec"
	"github.com/aimcards/customer-access-token/internal/dev/localrun"
	"github.com/aimcards/customer-access-token/internal/dev/samtemplate"
	"github.com/aimcards/customer-access-token/internal/emf"
)

// TestOneMetricRecordPerInvocation starts the stack make invoke starts
// (localrun.Start, with the bootstrap already built) and reads what it
// prints: exactly one valid EMF record per invocation — a success, errors
// and an unreadable payload — each saying the answer it was written from,
// and none holding a secret.
func TestOneMetricRecordPerInvocation(t *testing.T) {
	t.Parallel()
	shared := needStack(t)
	var out devutil.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	s, err := localrun.Start(ctx, localrun.Options{Bootstrap: shared.Bootstrap, Output: &out})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var secrets secretSet
	secrets.add(s.APIKey)
	secrets.add(s.OAuthToken)
	invokeOn := func(event []byte, status int) {
		t.Helper()
		secrets.addEvent(event)
		a, err := s.Invoke(ctx, event)
		if err != nil {
			t.Fatalf("Invoke: %v (raw %s)", err, a.Raw)
		}
		if a.Status != status {
			t.Fatalf("got %d (%s), want %d", a.Status, a.Raw, status)
		}
		secrets.addAnswer(a)
	}
	want := []string{"redirect/ok", "error/session_expired", "unreadable/invalid_request", "error/invalid_request", "json/ok"}
	invokeOn(readEvent(t, goodEvent), 302)
	invokeOn(readEvent(t, "httpapi-expired-token.json"), 401)
	invokeOn([]byte("hello"), 400)
	invokeOn(goodEventWith(t, "Mode=%zz", nil), 400)
	invokeOn(readEvent(t, "httpapi-json.json"), 200)
	// Stopping the stack waits for the function's output to be read.
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	records := metricRecords(out.String())
	if len(records) != len(want) {
		t.Fatalf("got %d metric records for %d invocations, want one each:\n%s", len(records), len(want), strings.Join(records, "\n"))
	}
	for i, rec := range records {
		if err := emfspec.Check([]byte(rec)); err != nil {
			t.Errorf("record %d: %v\n%s", i, err, rec)
			continue
		}
		if got := outcomeCode(t, rec); got != want[i] {
			t.Errorf("record %d: got %s, want %s", i, got, want[i])
		}
	}
	if leaks := secrets.leaks(out.String()); len(leaks) > 0 {
		t.Errorf("got %d secret value(s) in the output (%v), want none", len(leaks), leaks)
	}
}

// metricRecords returns the EMF lines of a run's output, in order.
func metricRecords(out string) []string {
	var records []string
	sc := bufio.NewScanner(strings.NewReader(out))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		if strings.Contains(sc.Text(), `"_aws"`) {
			records = append(records, sc.Text())
		}
	}
	return records
}

// outcomeCode is the Outcome/Code dimension pair a record publishes.
func outcomeCode(t *testing.T, rec string) string {
	t.Helper()
	data, err := emfspec.Extract([]byte(rec))
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range data {
		if o, ok := d.Dimensions[emf.DimensionOutcome]; ok {
			return o + "/" + d.Dimensions[emf.DimensionCode]
		}
	}
	return ""
}

// readEvent reads events/name.
func readEvent(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(eventsDir, name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// probeEvent is the scheduled event the template's probe sends.
const probeEvent = "scheduled-probe.json"

// TestAlarmsWatchWhatARealRunEmits holds the template's alarms and
// dashboard to the metric records the real bootstrap prints under the
// emulator (what make invoke shows): every custom metric the template
// watches must be in them, with the same namespace and dimension names.
func TestAlarmsWatchWhatARealRunEmits(t *testing.T) {
	t.Parallel()
	shared := needStack(t)
	tpl, err := samtemplate.Transform(t.Context(), filepath.Join("..", "..", "..", "template.yaml"))
	if devutil.MaySkip(err) {
		t.Skipf("cfn-lint: %v; %s", err, samtemplate.InstallHint)
	}
	if err != nil {
		t.Fatal(err)
	}
	watched, err := tpl.CustomAlarmMetrics()
	if err != nil {
		t.Fatal(err)
	}
	if len(watched) == 0 {
		t.Fatal("got no alarm on a custom metric in the template, want the function's alarms")
	}
	// PublicCheckSuccess is the outside-in check's record, written by its own
	// function, not by this one.
	watched = slices.DeleteFunc(watched, func(m samtemplate.AlarmMetric) bool { return m.MetricName == "PublicCheckSuccess" })
	var out devutil.Buffer
	s, err := localrun.Start(t.Context(), localrun.Options{Bootstrap: shared.Bootstrap, Output: &out})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	// A success calls AIM (the only records with AIMLatency); an error and an
	// unreadable payload give the other Outcome/Code pairs.
	for _, event := range [][]byte{readEvent(t, goodEvent), readEvent(t, "httpapi-expired-token.json"), []byte("hello")} {
		if _, err := s.Invoke(t.Context(), event); err != nil {
			t.Fatal(err)
		}
	}
	// The probe's record (ProbeSuccess, which ProbeAlarm watches) comes from
	// the scheduled event EventBridge sends; its answer is no API answer.
	if _, _, err := s.Emulator.Invoke(t.Context(), readEvent(t, probeEvent)); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	var data []emfspec.Datum
	for _, rec := range metricRecords(out.String()) {
		d, err := emfspec.Extract([]byte(rec))
		if err != nil {
			t.Fatalf("%v\n%s", err, rec)
		}
		data = append(data, d...)
	}
	for _, m := range samtemplate.Unemitted(watched, data) {
		t.Errorf("%s watches %s %s with dimensions %v: no record of the real run carries it", m.Alarm, m.Namespace, m.MetricName, m.DimensionNames())
	}
}
