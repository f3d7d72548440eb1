package main

import (
	"strings"
	"testing"
	"time"
)

// AIM's hosts keep their addresses from one session to the next, as a store's
// do, so that an endpoint hint names a live host; what they count is each
// session's own. -no-hint deletes the hint before every start.
func TestSessionsKeepAIMsHostsAndTheHint(t *testing.T) {
	t.Parallel()
	up := startTestUpstreams(t)
	bin := buildForTest(t, helloPkg)
	fullCPU := lambdaSize{memoryMB: 1024}
	const stale = "https://127.0.0.1:1"
	if err := up.hints().Put(testContext(t), stale); err != nil {
		t.Fatal(err)
	}
	var hosts []string
	for i := range 2 {
		s, err := begin(testContext(t), up, bin, fullCPU, charges{}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if got := s.tallies(); got != (hostTally{}) || s.endpointCalls() != 0 {
			t.Errorf("session %d began with %+v and %d GetEndPoint calls, want none", i+1, got, s.endpointCalls())
		}
		// One discovery and 3 clicks on one connection per host, as the function makes them.
		if _, err := probeRoundTrip(testContext(t), up, s.aim, 2); err != nil {
			t.Fatal(err)
		}
		if got := s.tallies(); got.service.conns != 1 || got.store.conns != 1 || s.endpointCalls() != 1 || s.served().store.requests != 3 {
			t.Errorf("session %d: got %+v, %d GetEndPoint calls and %d store requests, want 1 connection per host, 1 and 3",
				i+1, got, s.endpointCalls(), s.served().store.requests)
		}
		hosts = append(hosts, s.aim.service.url()+" "+s.aim.store.url())
		s.end()
	}
	if hosts[0] != hosts[1] {
		t.Errorf("AIM's hosts moved between sessions: %q, then %q", hosts[0], hosts[1])
	}
	if got, err := up.hint(testContext(t)); got != stale || err != nil {
		t.Errorf("by default: got hint %q, %v, want %q kept", got, err, stale)
	}
	up.aimHTTP1, up.noHint = true, true
	s, err := begin(testContext(t), up, bin, fullCPU, charges{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.end()
	if got := s.aim.service.url() + " " + s.aim.store.url(); got == hosts[0] {
		t.Errorf("HTTP/1.1-only hosts at the HTTP/2 hosts' addresses %q", got)
	}
	if got, err := up.hint(testContext(t)); got != "" || err != nil {
		t.Errorf("-no-hint: got hint %q, %v at the start, want none", got, err)
	}
}

func TestReportSaysWhetherTheFunctionHadItsHint(t *testing.T) {
	for _, tt := range []struct {
		noHint, unhinted bool
		want             string
	}{
		{false, false, "The function starts with the endpoint hint present"},
		{true, false, "The function starts with no endpoint hint (`-no-hint`"},
		{false, true, "The function starts with **no endpoint hint**: an unmeasured start did not write it"},
	} {
		r, o := sampleResults(), sampleOptions()
		r.unhinted, o.noHint = tt.unhinted, tt.noHint
		if md := report(r, o, machine{}); !strings.Contains(md, tt.want) {
			t.Errorf("-no-hint %v, unhinted %v: report lacks %q; got:\n%s", tt.noHint, tt.unhinted, tt.want, md)
		}
	}
}

// The unmeasured start leaves the hint naming the store's host, as the
// function writes it, so the measured starts after it find it right.
func TestPrimeHintHasTheFunctionWriteTheStoresHost(t *testing.T) {
	t.Parallel()
	up := startTestUpstreams(t)
	bin := buildForTest(t, functionPkg)
	ok, err := primeHint(testContext(t), up, bin, lambdaSize{memoryMB: 1024}, charges{aim: 20 * time.Millisecond, aws: 2 * time.Millisecond})
	if err != nil || !ok {
		t.Fatalf("got %v, %v, want the hint written", ok, err)
	}
	a, err := up.aimHosts()
	if err != nil {
		t.Fatal(err)
	}
	if got, err := up.hint(testContext(t)); got != a.store.url() || err != nil {
		t.Errorf("got hint %q, %v, want the store's host %q", got, err, a.store.url())
	}
}
