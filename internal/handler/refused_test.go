package handler

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/aimcards/customer-access-token/internal/aim"
)

// TestRefusalAfterRefresh checks what a 401 or 403 from CustomerAccessToken
// answers: one refresh and one retry, then 401 session_expired for a 401
// and 422 aim_rejected (AIM's code passed on) for a 403, with or without a
// refresh the rate limit allows; a refresh that itself fails answers that
// failure.
func TestRefusalAfterRefresh(t *testing.T) {
	t.Parallel()
	refuse := func(statuses ...int) func(aim.Credentials, aim.AccessTokenRequest) (aim.AccessToken, error) {
		n := 0
		return func(aim.Credentials, aim.AccessTokenRequest) (aim.AccessToken, error) {
			if n >= len(statuses) {
				return aim.AccessToken{Token: testAccess, AccountManagementURL: testAccountURL}, nil
			}
			s := statuses[n]
			n++
			return aim.AccessToken{}, &aim.Error{Op: aim.OpCustomerAccessToken, Kind: aim.KindUnauthorized, HTTPStatus: s, Code: fmt.Sprintf("Refused%d", s)}
		}
	}
	rotated := fakeKeys{fresh: testAPIKey + "-rotated"}
	tests := []struct {
		name      string
		keys      fakeKeys
		accessFn  func(aim.Credentials, aim.AccessTokenRequest) (aim.AccessToken, error)
		status    int
		code      string
		aimCode   string
		calls     int
		refreshes int
	}{
		{name: "403 twice", keys: rotated, accessFn: refuse(403, 403), status: 422, code: "aim_rejected", aimCode: "Refused403", calls: 2, refreshes: 1},
		{name: "401 twice", keys: rotated, accessFn: refuse(401, 401), status: 401, code: "session_expired", calls: 2, refreshes: 1},
		{name: "401 then 403", keys: rotated, accessFn: refuse(401, 403), status: 422, code: "aim_rejected", aimCode: "Refused403", calls: 2, refreshes: 1},
		{name: "403 then 401", keys: rotated, accessFn: refuse(403, 401), status: 401, code: "session_expired", calls: 2, refreshes: 1},
		{name: "403 then good", keys: rotated, accessFn: refuse(403), status: 302, calls: 2, refreshes: 1},
		// The refresh brought the same key and OAuthToken: no second call.
		{name: "401, same credentials", accessFn: refuse(401, 401), status: 401, code: "session_expired", calls: 1, refreshes: 1},
		{name: "403, same credentials", accessFn: refuse(403, 403), status: 422, code: "aim_rejected", aimCode: "Refused403", calls: 1, refreshes: 1},
		{name: "403, no refresh allowed", keys: fakeKeys{limited: true}, accessFn: refuse(403, 403), status: 422, code: "aim_rejected", aimCode: "Refused403", calls: 1},
		{name: "401, no refresh allowed", keys: fakeKeys{limited: true}, accessFn: refuse(401, 401), status: 401, code: "session_expired", calls: 1},
		{name: "403, Secrets Manager down", keys: fakeKeys{refreshErr: errors.New("secrets: get aim/api-key: InternalServiceError")},
			accessFn: refuse(403, 403), status: 503, code: "unavailable", calls: 1, refreshes: 1},
		{name: "401, Secrets Manager down", keys: fakeKeys{refreshErr: errors.New("secrets: get aim/api-key: InternalServiceError")},
			accessFn: refuse(401, 401), status: 503, code: "unavailable", calls: 1, refreshes: 1},
		{name: "401, deadline spent refreshing", keys: fakeKeys{refreshErr: fmt.Errorf("secrets: get aim/api-key: %w", context.DeadlineExceeded)},
			accessFn: refuse(401, 401), status: 504, code: "upstream_timeout", calls: 1, refreshes: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			keys := tt.keys
			keys.key = testAPIKey
			var logs bytes.Buffer
			client := &fakeAIM{accessFn: tt.accessFn}
			a := invoke(t, testHandler(&keys, client, &logs, nil), eventFile(t, "httpapi-add-customer-card.json"))
			if a.Status != tt.status {
				t.Fatalf("got status %d (body %s), want %d", a.Status, a.Body, tt.status)
			}
			if client.accessCalls != tt.calls || keys.refreshes != tt.refreshes {
				t.Errorf("got %d AIM calls and %d refreshes, want %d and %d", client.accessCalls, keys.refreshes, tt.calls, tt.refreshes)
			}
			if tt.code == "" {
				return
			}
			p := problemOf(t, a)
			if p.Code != tt.code || p.AIMErrorCode != tt.aimCode {
				t.Errorf("got code %q aimErrorCode %q, want %q %q", p.Code, p.AIMErrorCode, tt.code, tt.aimCode)
			}
			assertNoSecrets(t, logs.String()+a.Body)
		})
	}
}

// TestRefreshDeadlineSpent checks a refresh cut off by the invocation's own
// deadline answers 504, whatever error the key source wraps it in, and also
// when the key source falls back on its older key without an error.
func TestRefreshDeadlineSpent(t *testing.T) {
	t.Parallel()
	for _, keys := range []*fakeKeys{
		{key: testAPIKey, refreshErr: errors.New("secrets: get aim/api-key: request canceled")},
		{key: testAPIKey, limited: true},
	} {
		ctx, cancel := context.WithCancel(t.Context())
		client := &fakeAIM{accessFn: func(aim.Credentials, aim.AccessTokenRequest) (aim.AccessToken, error) {
			cancel() // the deadline runs out while AIM answers
			return aim.AccessToken{}, &aim.Error{Op: aim.OpCustomerAccessToken, Kind: aim.KindUnauthorized, HTTPStatus: 401}
		}}
		out, err := testHandler(keys, client, &bytes.Buffer{}, nil).Invoke(ctx, eventFile(t, "httpapi-json.json"))
		cancel()
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Contains(out, []byte(`"statusCode":504`)) || !bytes.Contains(out, []byte("upstream_timeout")) {
			t.Errorf("keys %+v: got %s, want a 504 upstream_timeout", keys, out)
		}
	}
}
