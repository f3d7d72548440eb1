package localrun_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/aimcards/customer-access-token/internal/dev/aimsandbox"
)

func TestAIMRefusals(t *testing.T) {
	for _, tt := range []struct {
		file         string
		status       int
		code         string
		detail       string // "": any safe text
		aimErrorCode string
	}{
		{"httpapi-expired-token.json", http.StatusUnauthorized, "session_expired", "", ""},
		// A 2xx with an error in Status: detail is AIM's ErrorDisplayText.
		{"httpapi-unknown-card.json", http.StatusUnprocessableEntity, "aim_rejected",
			"Item 9999 was not found on this account.", "InvalidItemKey"},
	} {
		t.Run(tt.code, func(t *testing.T) {
			a := invokeFile(t, tt.file)
			if a.Status != tt.status {
				t.Fatalf("got status %d, want %d (answer %s)", a.Status, tt.status, a.Raw)
			}
			checkCommonHeaders(t, a, true)
			checkProblem(t, a, tt.code)
			var p problemBody
			_ = json.Unmarshal([]byte(a.Body), &p)
			if tt.detail != "" && p.Detail != tt.detail {
				t.Errorf("got detail %q, want AIM's display text %q", p.Detail, tt.detail)
			}
			if p.AIMErrorCode != tt.aimErrorCode {
				t.Errorf("got aimErrorCode %q, want %q", p.AIMErrorCode, tt.aimErrorCode)
			}
		})
	}
}

func TestAIMOutageIsABadGatewayAndPasses(t *testing.T) {
	s := needStack(t)
	s.Sandbox.SetFault(aimsandbox.OpCustomerAccessToken, aimsandbox.ServerError())
	t.Cleanup(s.Sandbox.ClearFaults)
	a := invokeFile(t, "httpapi-add-customer-card.json")
	if a.Status != http.StatusBadGateway {
		t.Fatalf("during the outage: got status %d, want 502 (answer %s)", a.Status, a.Raw)
	}
	checkCommonHeaders(t, a, true)
	checkProblem(t, a, "upstream_error")

	s.Sandbox.ClearFaults()
	a = invokeFile(t, "httpapi-add-customer-card.json")
	if a.Status != http.StatusFound {
		t.Fatalf("after the outage: got status %d, want 302 (answer %s)", a.Status, a.Raw)
	}
	checkRedirect(t, a)
}

func TestEventOfNeitherFormatIsABadRequest(t *testing.T) {
	a := invoke(t, []byte(`{"hello":"world"}`)) // fails on a Lambda function error
	if a.Status != http.StatusBadRequest {
		t.Errorf("got status %d, want 400 (answer %s)", a.Status, a.Raw)
	}
}
