package handler

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/aimcards/customer-access-token/internal/aim"
	"github.com/aimcards/customer-access-token/internal/dev/emfspec"
	"github.com/aimcards/customer-access-token/internal/emf"
)

// TestOneMetricRecordPerInvocation checks the record each answer writes:
// valid EMF, the final answer's outcome and code, AIMLatency only when AIM
// was called, Clicks for a GET only, Unauthorized for a 401, and no secret.
func TestOneMetricRecordPerInvocation(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		payload []byte
		aim     *fakeAIM
		keys    *fakeKeys
		want    string // Outcome/Code
		wantAIM bool
		wantCU  string // Clicks/Unauthorized
	}{
		{"redirect", eventFile(t, "httpapi-add-customer-card.json"), &fakeAIM{}, &fakeKeys{key: testAPIKey}, "redirect/ok", true, "1/0"},
		{"unavailable", eventFile(t, "httpapi-add-customer-card.json"), &fakeAIM{}, &fakeKeys{err: errors.New("sm down")}, "error/unavailable", false, "1/0"},
		{"upstream", eventFile(t, "httpapi-add-customer-card.json"), &fakeAIM{accessFn: func(aim.Credentials, aim.AccessTokenRequest) (aim.AccessToken, error) {
			return aim.AccessToken{}, &aim.Error{Op: aim.OpCustomerAccessToken, Kind: aim.KindTimeout}
		}}, &fakeKeys{key: testAPIKey}, "error/upstream_timeout", true, "1/0"},
		{"forbidden", eventFile(t, "httpapi-add-customer-card.json"), &fakeAIM{accessFn: func(aim.Credentials, aim.AccessTokenRequest) (aim.AccessToken, error) {
			return aim.AccessToken{}, &aim.Error{Op: aim.OpCustomerAccessToken, Kind: aim.KindUnauthorized, HTTPStatus: 403}
		}}, &fakeKeys{key: testAPIKey}, "error/aim_rejected", true, "1/0"},
		{"unreadable", []byte("hello"), &fakeAIM{}, &fakeKeys{key: testAPIKey}, "unreadable/invalid_request", false, "0/0"},
		{"bad request", v2Event("GET", "Mode=%zz", tokenHeader()), &fakeAIM{}, &fakeKeys{key: testAPIKey}, "error/invalid_request", false, "1/0"},
		{"preflight", eventFile(t, "httpapi-preflight.json"), &fakeAIM{}, &fakeKeys{key: testAPIKey}, "preflight/ok", false, "0/0"},
		{"POST", eventFile(t, "httpapi-method-post.json"), &fakeAIM{}, &fakeKeys{key: testAPIKey}, "error/method_not_allowed", false, "0/0"},
		{"missing token", eventFile(t, "httpapi-missing-token.json"), &fakeAIM{}, &fakeKeys{key: testAPIKey}, "error/missing_token", false, "1/1"},
		{"expired session", eventFile(t, "httpapi-expired-token.json"), &fakeAIM{accessFn: func(aim.Credentials, aim.AccessTokenRequest) (aim.AccessToken, error) {
			return aim.AccessToken{}, &aim.Error{Op: aim.OpCustomerAccessToken, Kind: aim.KindUnauthorized, HTTPStatus: 401}
		}}, &fakeKeys{key: testAPIKey}, "error/session_expired", true, "1/1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var logs, metrics bytes.Buffer
			w, err := emf.New(emf.Options{Out: &metrics})
			if err != nil {
				t.Fatal(err)
			}
			h := testHandler(tc.keys, tc.aim, &logs, func(o *Options) { o.Metrics = w })
			invoke(t, h, tc.payload)
			if n := strings.Count(metrics.String(), "\n"); n != 1 {
				t.Fatalf("got %d metric records, want 1:\n%s", n, metrics.String())
			}
			if err := emfspec.Check(metrics.Bytes()); err != nil {
				t.Fatalf("%v\n%s", err, metrics.Bytes())
			}
			data, err := emfspec.Extract(metrics.Bytes())
			if err != nil {
				t.Fatal(err)
			}
			var gotAIM bool
			var got string
			counts := map[string]float64{}
			for _, d := range data {
				if d.Name == emf.MetricAIMLatency {
					gotAIM = true
				}
				if len(d.Dimensions) == 1 {
					counts[d.Name] = d.Values[0]
				}
				if o, ok := d.Dimensions[emf.DimensionOutcome]; ok {
					got = o + "/" + d.Dimensions[emf.DimensionCode]
				}
			}
			if got != tc.want || gotAIM != tc.wantAIM {
				t.Errorf("got %s with AIMLatency %v, want %s with %v", got, gotAIM, tc.want, tc.wantAIM)
			}
			if cu := fmt.Sprintf("%v/%v", counts[emf.MetricClicks], counts[emf.MetricUnauthorized]); cu != tc.wantCU {
				t.Errorf("got Clicks/Unauthorized %s, want %s", cu, tc.wantCU)
			}
			line := logLine(t, &logs)
			code, _ := line["code"].(string)
			if code == "" {
				code = emf.CodeOK
			}
			if logged := fmt.Sprintf("%v/%s", line["outcome"], code); logged != got {
				t.Errorf("got log line %s and metric record %s, want the same answer", logged, got)
			}
			for _, secret := range []string{testAPIKey, testOAuthToken, testCustomer, testAccess, "sentinel-url-secret"} {
				if strings.Contains(metrics.String(), secret) {
					t.Errorf("metric record holds %q", secret)
				}
			}
		})
	}
}
