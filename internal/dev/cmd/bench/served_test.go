package main

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestServedCountsConnectionsRequestsAndTime(t *testing.T) {
	t.Parallel()
	var s served
	srv := httptest.NewUnstartedServer(s.wrap(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		io.WriteString(w, "ok")
	})))
	srv.Config.ConnState = s.connState
	srv.Start()
	defer srv.Close()
	before := s.work()
	for range 3 {
		resp, err := srv.Client().Get(srv.URL)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	got := s.work().sub(before)
	if got.conns != 1 || got.requests != 3 || got.busy <= 0 {
		t.Errorf("three keep-alive requests: got %d connections, %d requests, busy %v, want 1, 3, > 0",
			got.conns, got.requests, got.busy)
	}
	if sum := got.add(got); sum.requests != 6 || sum.busy != 2*got.busy {
		t.Errorf("add: got %+v, want twice %+v", sum, got)
	}
}
