package synthetic

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
)

// TestHandlerTellsCallersApart sends CodeDeploy's hook payload, the
// schedule's and others: each reaches its own part, or is refused.
func TestHandlerTellsCallersApart(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/problem+json")
		w.WriteHeader(401)
		_, _ = w.Write([]byte(refusedBody))
	}))
	defer srv.Close()
	rep := &reports{}
	gate, err := NewGate(GateOptions{Lambda: version("ok", 401, refusedBody), CodeDeploy: rep, FunctionName: "f", Version: "3", Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	check, err := NewCheck(CheckOptions{Namespace: "NS", FunctionName: "f", Metrics: &out, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	h := &Handler{Gate: gate, Check: check}
	if _, err := h.Invoke(t.Context(), []byte(`{"DeploymentId":"d-1","LifecycleEventHookExecutionId":"e-1"}`)); err != nil || len(rep.got) != 1 {
		t.Errorf("hook payload: got %v and %d reports, want the gate run once", err, len(rep.got))
	}
	if got, err := h.Invoke(t.Context(), []byte(`{"checkUrl":"`+srv.URL+`"}`)); err != nil || string(got) != `{"check":"ok"}` || out.Len() == 0 {
		t.Errorf("schedule payload: got %s, %v, want the check run and ok", got, err)
	}
	for _, p := range []string{`{}`, `{"source":"aws.events","detail-type":"Scheduled Event"}`, `not json`} {
		if _, err := h.Invoke(t.Context(), []byte(p)); err == nil {
			t.Errorf("%s: got no error, want the payload refused", p)
		}
	}
	if len(rep.got) != 1 {
		t.Errorf("got %d reports, want only the hook payload's", len(rep.got))
	}
}
