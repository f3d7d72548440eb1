package handler

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/aimcards/customer-access-token/internal/aim"
	"github.com/aimcards/customer-access-token/internal/emf"
)

// TestSyntheticCheckIsNoClick sends the deploy gate's click (a token AIM
// refuses, the Synthetic-Check header): it is answered as any click is,
// 401 session_expired, but writes no metric record, so it counts in no
// share, and its log line says synthetic. The same click without the
// header is counted.
func TestSyntheticCheckIsNoClick(t *testing.T) {
	t.Parallel()
	refuse := &fakeAIM{accessFn: func(aim.Credentials, aim.AccessTokenRequest) (aim.AccessToken, error) {
		return aim.AccessToken{}, &aim.Error{Op: aim.OpCustomerAccessToken, Kind: aim.KindUnauthorized, HTTPStatus: 401}
	}}
	for _, tc := range []struct {
		name        string
		headers     map[string]string
		wantRecords int
		wantLogged  bool
	}{
		{"marked", tokenHeader("synthetic-check", "deploy-gate"), 0, true},
		{"marked, any case and value", tokenHeader("SYNTHETIC-CHECK", "x"), 0, true},
		{"unmarked", tokenHeader(), 1, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var logs, metrics bytes.Buffer
			w, err := emf.New(emf.Options{Out: &metrics})
			if err != nil {
				t.Fatal(err)
			}
			h := testHandler(&fakeKeys{key: testAPIKey}, refuse, &logs, func(o *Options) { o.Metrics = w })
			a := invoke(t, h, v2Event("GET", "format=json", tc.headers))
			if a.Status != 401 || problemOf(t, a).Code != "session_expired" {
				t.Fatalf("got %d %s, want 401 session_expired", a.Status, a.Body)
			}
			if got := strings.Count(metrics.String(), "\n"); got != tc.wantRecords {
				t.Errorf("got %d metric records, want %d:\n%s", got, tc.wantRecords, metrics.String())
			}
			var line struct {
				Msg       string `json:"msg"`
				Synthetic bool   `json:"synthetic"`
			}
			if err := json.Unmarshal(logs.Bytes(), &line); err != nil || line.Msg != "invocation" {
				t.Fatalf("got log %q (%v), want one invocation line", logs.String(), err)
			}
			if line.Synthetic != tc.wantLogged {
				t.Errorf("got synthetic %v in the log line, want %v: %s", line.Synthetic, tc.wantLogged, logs.String())
			}
		})
	}
}
