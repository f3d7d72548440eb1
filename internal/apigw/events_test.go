package apigw

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// readEvent loads a payload from the project's events/ folder.
func readEvent(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "events", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestEventsDecode decodes every file in events/ and checks it is the
// payload format its name says; the scheduled probe's event is the
// handler's, and no API event.
func TestEventsDecode(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob(filepath.Join("..", "..", "events", "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no events found: %v", err)
	}
	for _, f := range files {
		name := filepath.Base(f)
		if name == "env.json" {
			continue
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			ev, err := decode(readEvent(t, name))
			if name == "scheduled-probe.json" { // EventBridge's, for the handler's probe: no API event
				if err == nil {
					t.Errorf("got %v event, want an error: the probe's event is no API request", ev.Format)
				}
				return
			}
			if err != nil {
				t.Fatalf("decode: %v", err)
			}
			want := FormatREST
			if strings.HasPrefix(name, "httpapi-") {
				want = FormatHTTP
			}
			if ev.Format != want {
				t.Errorf("format: got %v, want %v", ev.Format, want)
			}
			if ev.RequestID == "" || ev.Method == "" {
				t.Errorf("got request id %q and method %q, want both set", ev.RequestID, ev.Method)
			}
		})
	}
}

// TestHeaderNames checks header names are read case-insensitively, every
// spelling's values kept, and a 1.0 event's multi-value map read when it
// sent one.
func TestHeaderNames(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		payload string
		want    []string // the Origin values
	}{
		{`{"version":"2.0","requestContext":{"http":{"method":"GET"}},"headers":{"Origin":"a","origin":"b","Host":"h"}}`, []string{"a", "b"}},
		{`{"httpMethod":"GET","headers":{"ORIGIN":"x"},"multiValueHeaders":{"Origin":["x","y"],"origin":["z"]}}`, []string{"x", "y", "z"}},
		{`{"httpMethod":"GET","headers":{"oRiGiN":"x","Host":"h"}}`, []string{"x"}},
	} {
		ev, err := decode([]byte(tt.payload))
		if err != nil {
			t.Fatalf("%s: %v", tt.payload, err)
		}
		got := slices.Sorted(slices.Values(ev.Headers["origin"]))
		if _, n := ev.Header("Origin"); !slices.Equal(got, tt.want) || n != len(tt.want) {
			t.Errorf("%s: got Origin %q (%d), want %q", tt.payload, got, n, tt.want)
		}
	}
}

// TestParseEvents parses the real payloads into calls or request errors.
func TestParseEvents(t *testing.T) {
	t.Parallel()
	const tok = "sbx-customer-token-0001"
	tests := []struct {
		file      string
		want      Call
		wantJSON  bool
		wantParam string // the parameter a *RequestError names
		wantCode  Code
	}{
		{file: "httpapi-add-customer-card.json", want: Call{Mode: "ADD_CUSTOMER_CARD", Token: tok}},
		{file: "httpapi-add-contract-card.json", want: Call{Mode: "ADD_CONTRACT_CARD", ItemKey: 5001, Token: tok}},
		{file: "httpapi-add-student-card.json", want: Call{Mode: "ADD_STUDENT_CARD", ItemKey: 7001, Token: tok}},
		{file: "httpapi-update-card.json", want: Call{Mode: "UPDATE_CARD", ItemKey: 9001, Token: tok}},
		{file: "httpapi-no-mode.json", want: Call{Token: tok}},
		{file: "httpapi-json.json", want: Call{Mode: "ADD_CUSTOMER_CARD", Token: tok}, wantJSON: true},
		{file: "httpapi-accept-json.json", want: Call{Mode: "ADD_CUSTOMER_CARD", Token: tok}, wantJSON: true},
		{file: "httpapi-cookie-token.json", want: Call{Mode: "ADD_CUSTOMER_CARD", Token: tok}},
		{file: "httpapi-bearer-token.json", want: Call{Mode: "ADD_CUSTOMER_CARD", Token: tok}},
		{file: "httpapi-expired-token.json", want: Call{Mode: "ADD_CUSTOMER_CARD", Token: "sbx-expired-token-0001"}},
		{file: "httpapi-unknown-card.json", want: Call{Mode: "UPDATE_CARD", ItemKey: 9999, Token: tok}},
		{file: "httpapi-bad-mode.json", wantParam: "Mode", wantCode: CodeInvalidRequest},
		{file: "httpapi-missing-itemkey.json", wantParam: "ItemKey", wantCode: CodeInvalidRequest},
		{file: "httpapi-itemkey-with-customer-card.json", wantParam: "ItemKey", wantCode: CodeInvalidRequest},
		{file: "httpapi-itemkey-overflow.json", wantParam: "ItemKey", wantCode: CodeInvalidRequest},
		{file: "httpapi-acct-overflow.json", wantParam: "Acct", wantCode: CodeInvalidRequest},
		{file: "httpapi-repeated-mode.json", wantParam: "Mode", wantCode: CodeInvalidRequest},
		{file: "httpapi-token-in-query.json", wantParam: "Token", wantCode: CodeInvalidRequest},
		{file: "httpapi-missing-token.json", wantParam: "Token", wantCode: CodeMissingToken},
		{file: "httpapi-long-token.json", wantParam: "Token", wantCode: CodeInvalidRequest},
		{file: "rest-add-customer-card.json", want: Call{Mode: "ADD_CUSTOMER_CARD", Token: tok}},
		{file: "rest-add-contract-card.json", want: Call{Mode: "ADD_CONTRACT_CARD", ItemKey: 5001, Token: tok}},
		{file: "rest-add-student-card.json", want: Call{Mode: "ADD_STUDENT_CARD", ItemKey: 7001, Token: tok}},
		{file: "rest-update-card.json", want: Call{Mode: "UPDATE_CARD", ItemKey: 9001, Token: tok}},
		{file: "rest-no-mode.json", want: Call{Token: tok}},
		{file: "rest-json.json", want: Call{Mode: "ADD_CUSTOMER_CARD", Token: tok}, wantJSON: true},
		{file: "rest-cookie-token.json", want: Call{Mode: "ADD_CUSTOMER_CARD", Token: tok}},
		{file: "rest-repeated-mode.json", wantParam: "Mode", wantCode: CodeInvalidRequest},
		{file: "rest-missing-token.json", wantParam: "Token", wantCode: CodeMissingToken},
		{file: "rest-bad-mode.json", wantParam: "Mode", wantCode: CodeInvalidRequest},
	}
	m := NewMapper(Options{TokenCookie: "aim_token"})
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			t.Parallel()
			req := m.Parse(readEvent(t, tt.file))
			if req.Method != "GET" {
				t.Fatalf("method: got %s, want GET", req.Method)
			}
			if req.Client != "203.0.113.10" {
				t.Errorf("client: got %q, want the event's sourceIp 203.0.113.10", req.Client)
			}
			if tt.wantParam != "" {
				var re *RequestError
				if !errors.As(req.Err, &re) {
					t.Fatalf("got %v, want a *RequestError naming %s", req.Err, tt.wantParam)
				}
				if re.Param != tt.wantParam || re.Problem().Code != tt.wantCode {
					t.Errorf("got param %q code %q, want %q %q", re.Param, re.Problem().Code, tt.wantParam, tt.wantCode)
				}
				return
			}
			if req.Err != nil {
				t.Fatalf("Parse: %v", req.Err)
			}
			if diff := cmp.Diff(tt.want, req.Call); diff != "" {
				t.Errorf("call (-want +got):\n%s", diff)
			}
			if req.WantsJSON != tt.wantJSON {
				t.Errorf("WantsJSON: got %v, want %v", req.WantsJSON, tt.wantJSON)
			}
		})
	}
}
