package localrun_test

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// eventCases is what each file in events/ promises (the README's Events
// table): the status and, for a problem answer, its code.
var eventCases = []struct {
	file   string
	status int
	code   string
}{
	{"httpapi-add-customer-card.json", 302, ""},
	{"httpapi-add-contract-card.json", 302, ""},
	{"httpapi-add-student-card.json", 302, ""},
	{"httpapi-update-card.json", 302, ""},
	{"httpapi-no-mode.json", 302, ""},
	{"httpapi-json.json", 200, ""},
	{"httpapi-accept-json.json", 200, ""},
	{"httpapi-cookie-token.json", 302, ""},
	{"httpapi-bearer-token.json", 302, ""},
	{"httpapi-preflight.json", 204, ""},
	{"httpapi-preflight-bad-origin.json", 403, ""},
	{"httpapi-method-post.json", 405, ""},
	{"httpapi-bad-mode.json", 400, "invalid_request"},
	{"httpapi-missing-itemkey.json", 400, "invalid_request"},
	{"httpapi-itemkey-with-customer-card.json", 400, "invalid_request"},
	{"httpapi-itemkey-overflow.json", 400, "invalid_request"},
	{"httpapi-acct-overflow.json", 400, "invalid_request"},
	{"httpapi-repeated-mode.json", 400, "invalid_request"},
	{"httpapi-token-in-query.json", 400, "invalid_request"},
	{"httpapi-missing-token.json", 401, "missing_token"},
	{"httpapi-long-token.json", 400, "invalid_request"},
	{"httpapi-expired-token.json", 401, "session_expired"},
	{"httpapi-unknown-card.json", 422, "aim_rejected"},
	{"rest-add-customer-card.json", 302, ""},
	{"rest-add-contract-card.json", 302, ""},
	{"rest-add-student-card.json", 302, ""},
	{"rest-update-card.json", 302, ""},
	{"rest-no-mode.json", 302, ""},
	{"rest-json.json", 200, ""},
	{"rest-cookie-token.json", 302, ""},
	{"rest-preflight.json", 204, ""},
	{"rest-repeated-mode.json", 400, "invalid_request"},
	{"rest-missing-token.json", 401, "missing_token"},
	{"rest-bad-mode.json", 400, "invalid_request"},
}

func TestEventsGiveTheAnswerTheirNamePromises(t *testing.T) {
	needStack(t)
	for _, tt := range eventCases {
		t.Run(strings.TrimSuffix(tt.file, ".json"), func(t *testing.T) {
			a := invokeFile(t, tt.file)
			if a.Status != tt.status {
				t.Fatalf("got status %d, want %d (answer %s)", a.Status, tt.status, a.Raw)
			}
			checkFormat(t, tt.file, a)
			checkCommonHeaders(t, a, tt.file != "httpapi-preflight-bad-origin.json")
			switch {
			case tt.code != "":
				checkProblem(t, a, tt.code)
			case tt.status == http.StatusFound:
				checkRedirect(t, a)
			case tt.status == http.StatusOK:
				checkJSON(t, a)
			case tt.status == http.StatusNoContent:
				checkPreflight(t, a)
			case tt.status == http.StatusMethodNotAllowed:
				if !strings.Contains(a.Headers.Get("Allow"), "GET") {
					t.Errorf("got Allow %q, want it to list GET", a.Headers.Get("Allow"))
				}
			}
		})
	}
}

func TestEveryEventFileIsInTheTable(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(eventsDir, "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatalf("got no files in %s, want the events", eventsDir)
	}
	// The probe's event is no API request: TestProbeUnderTheEmulator and
	// TestAlarmsWatchWhatARealRunEmits run it.
	known := map[string]bool{"env.json": true, probeEvent: true}
	for _, tt := range eventCases {
		known[tt.file] = true
		if _, err := os.Stat(filepath.Join(eventsDir, tt.file)); err != nil {
			t.Errorf("table names %s: %v", tt.file, err)
		}
	}
	for _, f := range files {
		if !known[filepath.Base(f)] {
			t.Errorf("events/%s has no expected answer in eventCases", filepath.Base(f))
		}
	}
}
