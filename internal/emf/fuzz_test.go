package emf

import (
	"bytes"
	"testing"
	"time"

	"github.com/aimcards/customer-access-token/internal/dev/emfspec"
)

// FuzzEmit checks that no strings and numbers make a record CloudWatch
// cannot extract, or more than one line.
func FuzzEmit(f *testing.F) {
	f.Add("redirect", "", 302, true, int64(182417000), "req", "api")
	f.Add("error", "upstream_timeout", 504, false, int64(-1), "a\"b\n", "\xff")
	f.Add("", " ", -7, true, int64(1<<62), "", "\u2028")
	f.Fuzz(func(t *testing.T, outcome, code string, status int, aim bool, ns int64, reqID, apiID string) {
		var out bytes.Buffer
		w := newTestWriter(t, &out)
		d := time.Duration(ns)
		inv := Invocation{Outcome: outcome, Code: code, Status: status, AIMCalled: aim, AIMLatency: d, CredentialLatency: d, RequestID: reqID, APIRequestID: apiID}
		if err := w.Emit(inv); err != nil {
			t.Fatal(err)
		}
		if bytes.Count(out.Bytes(), []byte("\n")) != 1 {
			t.Fatalf("got %q, want one line", out.Bytes())
		}
		if err := emfspec.Check(out.Bytes()); err != nil {
			t.Fatalf("%+v: %v\n%s", inv, err, out.Bytes())
		}
	})
}
