package aimsandbox

import (
	"net/http"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestGetCustomerTokens(t *testing.T) {
	t.Parallel()
	_, srv := newServer(t)
	for _, method := range []string{http.MethodGet, http.MethodPost} {
		resp, body := call(t, srv, method, "/api/GetCustomerTokens", goodHeaders())
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%s: got status %d, want 200 (body %s)", method, resp.StatusCode, body)
		}
		got := decode[struct {
			CustomerTokens []customerToken
			Status         Status
		}](t, body)
		want := []customerToken{
			{TokenStr: "sbx-card-9001", CardType: "VISA", LastFour: "4242", Expiration: "12/29", ReasonOnFile: "Primary card", TokenPk: 9001, Primary: true},
			{TokenStr: "sbx-card-9002", CardType: "MCARD", LastFour: "4444", Expiration: "06/28", ReasonOnFile: "Backup card", TokenPk: 9002},
		}
		if diff := cmp.Diff(want, got.CustomerTokens); diff != "" {
			t.Errorf("%s: CustomerTokens mismatch (-want +got):\n%s", method, diff)
		}
		if got.Status.StatusCode != "Success" {
			t.Errorf("%s: got StatusCode %q, want Success", method, got.Status.StatusCode)
		}
	}
}

func TestGetCustomerTokensNeedsToken(t *testing.T) {
	t.Parallel()
	_, srv := newServer(t)
	h := goodHeaders()
	h.Del("Token")
	resp, body := call(t, srv, http.MethodGet, "/api/GetCustomerTokens", h)
	wantError(t, resp, body, http.StatusUnauthorized, "Token required")
}
