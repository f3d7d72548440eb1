package handler

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aimcards/customer-access-token/internal/aim"
)

// fuzzStatuses are the statuses the handler may answer with; 500 would mean
// a recovered panic.
var fuzzStatuses = map[int]bool{200: true, 204: true, 302: true, 400: true, 401: true, 403: true, 405: true, 422: true, 502: true, 503: true, 504: true}

// fuzzAIMOutcomes are what the fake AIM does, chosen by the fuzzer.
var fuzzAIMOutcomes = []func(aim.Credentials, aim.AccessTokenRequest) (aim.AccessToken, error){
	nil, // success with the sentinel token and URL
	func(aim.Credentials, aim.AccessTokenRequest) (aim.AccessToken, error) {
		return aim.AccessToken{}, &aim.Error{Op: aim.OpCustomerAccessToken, Kind: aim.KindUnauthorized, HTTPStatus: 401}
	},
	func(aim.Credentials, aim.AccessTokenRequest) (aim.AccessToken, error) {
		return aim.AccessToken{}, &aim.Error{Op: aim.OpCustomerAccessToken, Kind: aim.KindUnauthorized, HTTPStatus: 403, Code: "NotAllowed"}
	},
	func(aim.Credentials, aim.AccessTokenRequest) (aim.AccessToken, error) {
		return aim.AccessToken{}, &aim.Error{Op: aim.OpCustomerAccessToken, Kind: aim.KindRejected, HTTPStatus: 200, Code: "InvalidItemKey", DisplayText: "No such card."}
	},
	func(aim.Credentials, aim.AccessTokenRequest) (aim.AccessToken, error) {
		return aim.AccessToken{}, &aim.Error{Op: aim.OpCustomerAccessToken, Kind: aim.KindTimeout}
	},
	func(aim.Credentials, aim.AccessTokenRequest) (aim.AccessToken, error) {
		return aim.AccessToken{Token: testAccess, AccountManagementURL: "javascript:alert(1)//" + testAccess}, nil
	},
}

// FuzzHandle runs arbitrary payloads through Invoke, as the runtime hands
// them over, over fakes: it never returns a Lambda error, answers only with a known status (or the probe's answer), and never puts
// a secret in the log or in an answer body other than the JSON success.
func FuzzHandle(f *testing.F) {
	// Seeds: every event in events/, the ALB events apigw refuses, and
	// payloads that are not JSON.
	files, err := filepath.Glob(filepath.Join("..", "..", "events", "*.json"))
	if err != nil || len(files) == 0 {
		f.Fatalf("no events found: %v", err)
	}
	albFiles, _ := filepath.Glob(filepath.Join("..", "apigw", "testdata", "alb-*.json"))
	files = append(files, albFiles...)
	for i, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b, uint8(i))
	}
	f.Add([]byte("not json"), uint8(0))
	f.Add([]byte("hello"), uint8(0))
	f.Fuzz(func(t *testing.T, payload []byte, outcome uint8) {
		var logs bytes.Buffer
		keys := &fakeKeys{key: testAPIKey}
		if outcome%7 == 6 {
			keys.err = errors.New("secrets: get aim/api-key: throttled")
		}
		client := &fakeAIM{accessFn: fuzzAIMOutcomes[int(outcome)%len(fuzzAIMOutcomes)]}
		h := testHandler(keys, client, &logs, nil)
		if isProbe(payload) { // the scheduled probe answers no API response
			if got := invokeProbe(t, h, payload); got != probeOK && got != probeFailed {
				t.Fatalf("probe answered %s, want %s or %s", got, probeOK, probeFailed)
			}
			assertNoSecrets(t, logs.String())
			return
		}
		a := invoke(t, h, payload)
		if !fuzzStatuses[a.Status] {
			t.Fatalf("got status %d (body %s), want one of the handler's statuses", a.Status, a.Body)
		}
		secrets := []string{testAPIKey, testOAuthToken}
		if a.Status != 200 {
			secrets = append(secrets, testAccess, testAccountURL, "sentinel-url-secret")
		}
		seen := a.Body
		for k, v := range a.Headers {
			if k != "Location" || a.Status != 302 {
				seen += "\n" + k + ": " + v
			}
		}
		for _, s := range secrets {
			if strings.Contains(seen, s) {
				t.Fatalf("answer carries secret %q:\n%s", s, seen)
			}
		}
		for _, s := range []string{testAPIKey, testOAuthToken, testCustomer, testAccess, "sentinel-url-secret"} {
			if strings.Contains(logs.String(), s) {
				t.Fatalf("log carries secret %q:\n%s", s, logs.String())
			}
		}
		if a.Status >= 400 {
			if p := problemOf(t, a); p.Detail == "" || p.Code == "" {
				t.Fatalf("got problem %v, want a code and a detail", p)
			}
		}
	})
}
