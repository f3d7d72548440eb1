package localrun_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/aimcards/customer-access-token/internal/dev/localrun"
)

func TestDecodeAnswer(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name        string
		raw         string
		wantStatus  int
		wantHeaders http.Header
		wantCookies []string
		wantBody    string
	}{
		{
			name:        "2.0 with cookies",
			raw:         `{"statusCode":302,"headers":{"location":"http://x/y","vary":"Origin"},"cookies":["a=1"],"body":""}`,
			wantStatus:  302,
			wantHeaders: http.Header{"Location": {"http://x/y"}, "Vary": {"Origin"}},
			wantCookies: []string{"a=1"},
		},
		{
			name:        "1.0 merges headers into multiValueHeaders",
			raw:         `{"statusCode":200,"headers":{"Vary":"Origin","X-A":"1"},"multiValueHeaders":{"Vary":["Origin","Accept"]},"body":"{}"}`,
			wantStatus:  200,
			wantHeaders: http.Header{"Vary": {"Origin", "Accept"}, "X-A": {"1"}},
			wantBody:    "{}",
		},
		{
			name:        "base64 body",
			raw:         `{"statusCode":200,"body":"aGVsbG8=","isBase64Encoded":true}`,
			wantStatus:  200,
			wantHeaders: http.Header{},
			wantBody:    "hello",
		},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := localrun.DecodeAnswer([]byte(tt.raw))
			if err != nil {
				t.Fatalf("DecodeAnswer: %v", err)
			}
			if got.Status != tt.wantStatus || got.Body != tt.wantBody {
				t.Errorf("got status %d body %q, want %d %q", got.Status, got.Body, tt.wantStatus, tt.wantBody)
			}
			if diff := cmp.Diff(tt.wantHeaders, got.Headers); diff != "" {
				t.Errorf("headers mismatch (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantCookies, got.Cookies); diff != "" {
				t.Errorf("cookies mismatch (-want +got):\n%s", diff)
			}
			if string(got.Raw) != tt.raw {
				t.Errorf("got Raw %s, want the input", got.Raw)
			}
		})
	}
}

func TestDecodeAnswerRefusesNonAnswers(t *testing.T) {
	t.Parallel()
	for _, raw := range []string{
		`Task timed out after 10.00 seconds`,
		`{"errorMessage":"boom","errorType":"errorString"}`,
		`{"statusCode":200,"body":"***","isBase64Encoded":true}`,
	} {
		if _, err := localrun.DecodeAnswer([]byte(raw)); err == nil {
			t.Errorf("DecodeAnswer(%q): got no error, want one", raw)
		}
	}
}

func TestFormatAnswer(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	localrun.FormatAnswer(&b, localrun.Answer{
		Status:  422,
		Headers: http.Header{"Vary": {"Origin"}, "Content-Type": {"application/problem+json"}},
		Cookies: []string{"a=1; Secure"},
		Body:    `{"status":422,"code":"aim_rejected"}`,
	})
	want := `HTTP 422 Unprocessable Entity
Content-Type: application/problem+json
Vary: Origin
Set-Cookie: a=1; Secure

{
  "status": 422,
  "code": "aim_rejected"
}
`
	if diff := cmp.Diff(want, b.String()); diff != "" {
		t.Errorf("FormatAnswer mismatch (-want +got):\n%s", diff)
	}
}

func TestSecretSetFindsLeaks(t *testing.T) {
	t.Parallel()
	var s secretSet
	s.addURL("http://127.0.0.1:1/AccountManagement?at=sbx-access-ABCDEFGH")
	s.addEvent([]byte(`{"headers":{"cookie":"x=1; aim_token=cookie-token-123"},"queryStringParameters":{"token":"query-token-456"}}`))
	out := `{"level":"INFO","host":"127.0.0.1:1"} at=sbx-access-ABCDEFGH cookie-token-123 query-token-456`
	if got := s.leaks(out); len(got) != 3 {
		t.Errorf("got %d leaks %v, want 3 (access token, cookie token, query token)", len(got), got)
	}
}
