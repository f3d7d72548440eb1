package localrun_test

import (
	"bufio"
	"strings"
	"testing"

	"github.com/aimcards/customer-access-token/internal/dev/emfspec"
	"github.com/aimcards/customer-access-token/internal/emf"
)

// TestOneMetricRecordPerInvocation runs the function as make invoke does
// and reads what it prints: exactly one valid EMF record per invocation,
// for a success, an error and an unreadable payload, each saying the answer
// it was written from, and none holding a secret.
func TestOneMetricRecordPerInvocation(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	f := r.start(t, nil, 0)
	want := []string{"redirect/ok", "error/session_expired", "unreadable/invalid_request", "error/invalid_request", "json/ok"}
	f.wantRedirect(t, f.invokeFile(t, goodEvent))
	f.invokeFile(t, "httpapi-expired-token.json")
	f.invoke(t, []byte("hello"))
	f.invoke(t, goodEventWith(t, "Mode=%zz", nil))
	f.invokeFile(t, "httpapi-json.json")
	// Stopping the emulator waits for the function's output to be read.
	if err := f.emu.Stop(); err != nil {
		t.Fatal(err)
	}
	var records []string
	sc := bufio.NewScanner(strings.NewReader(r.out.String()))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		if strings.Contains(sc.Text(), `"_aws"`) {
			records = append(records, sc.Text())
		}
	}
	if len(records) != len(want) {
		t.Fatalf("got %d metric records for %d invocations, want one each:\n%s", len(records), len(want), strings.Join(records, "\n"))
	}
	for i, rec := range records {
		if err := emfspec.Check([]byte(rec)); err != nil {
			t.Errorf("record %d: %v\n%s", i, err, rec)
			continue
		}
		data, err := emfspec.Extract([]byte(rec))
		if err != nil {
			t.Fatal(err)
		}
		var got string
		for _, d := range data {
			if o, ok := d.Dimensions[emf.DimensionOutcome]; ok {
				got = o + "/" + d.Dimensions[emf.DimensionCode]
			}
		}
		if got != want[i] {
			t.Errorf("record %d: got %s, want %s", i, got, want[i])
		}
	}
	if leaks := r.secrets.leaks(strings.Join(records, "\n")); len(leaks) > 0 {
		t.Errorf("got %d secret value(s) in the metric records (%v), want none", len(leaks), leaks)
	}
	r.checkNoLeaks(t)
}
