package emf

import (
	"io"
	"testing"
	"time"
)

// BenchmarkEmit measures one warm invocation's record, written to a
// discarding writer: the encoding cost the handler pays per request.
func BenchmarkEmit(b *testing.B) {
	w, err := New(Options{FunctionName: "customer-access-token", FunctionVersion: "12", Out: io.Discard})
	if err != nil {
		b.Fatal(err)
	}
	inv := Invocation{Outcome: "redirect", Status: 302, Click: true, AIMCalled: true, AIMLatency: 182417 * time.Microsecond,
		CredentialLatency: 35 * time.Microsecond, RequestID: "8f5c3a8e-1b7e-4d5e-9a51-3f0b2f8e6c11", APIRequestID: "Qm3xKh0pIAMEbXw="}
	b.ReportAllocs()
	for b.Loop() {
		if err := w.Emit(inv); err != nil {
			b.Fatal(err)
		}
	}
}
