package aim_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/aimcards/customer-access-token/internal/aim"
)

const htmlPage = `<!DOCTYPE html><html><body>Runtime Error</body></html>`

// failureCase is one way CustomerAccessToken can fail.
type failureCase struct {
	name      string
	replies   []reply
	want      aim.Error // Err is not compared
	wantCalls int
}

// oversizeBody is a good answer past the client's 1 MiB bound.
var oversizeBody = okBody + strings.Repeat(" ", 1<<20)

var failureCases = []failureCase{{
	name:    "2xx with ErrorCode and texts",
	replies: []reply{{body: `{"AccountManagementUrl":"https://x.example/m","Status":{"StatusCode":"Error","ErrorCode":"InvalidItemKey","ErrorDisplayText":"That card was not found.","ErrorMessage":"TokenPk 5 not found"}}`}},
	want:    aim.Error{Kind: aim.KindRejected, HTTPStatus: 200, Code: "InvalidItemKey", DisplayText: "That card was not found.", Message: "TokenPk 5 not found"},
}, {
	name:    "2xx with only StatusCode Error",
	replies: []reply{{body: `{"AccountManagementUrl":"https://x.example/m","Status":{"StatusCode":"Error"}}`}},
	want:    aim.Error{Kind: aim.KindRejected, HTTPStatus: 200, Message: "StatusCode Error"},
}, {
	name:    "2xx with ErrorDisplayText and StatusCode Failed",
	replies: []reply{{body: `{"Status":{"StatusCode":"Failed","ErrorDisplayText":"Your session has ended."}}`}},
	want:    aim.Error{Kind: aim.KindRejected, HTTPStatus: 200, DisplayText: "Your session has ended.", Message: "StatusCode Failed"},
}, {
	name:    "2xx with numeric StatusCode 500",
	replies: []reply{{body: `{"AccountManagementUrl":"https://x.example/m","Status":{"StatusCode":500}}`}},
	want:    aim.Error{Kind: aim.KindRejected, HTTPStatus: 200, Message: "StatusCode 500"},
}, {
	name:    "401",
	replies: []reply{{status: 401, body: `{"ResponseStatus":{"ErrorCode":"Unauthorized","Message":"Invalid token"}}`}},
	want:    aim.Error{Kind: aim.KindUnauthorized, HTTPStatus: 401, Code: "Unauthorized", Message: "Invalid token"},
}, {
	name:    "403 without a body",
	replies: []reply{{status: 403}},
	want:    aim.Error{Kind: aim.KindUnauthorized, HTTPStatus: 403},
}, {
	name:    "429 with Retry-After",
	replies: []reply{{status: 429, header: map[string]string{"Retry-After": "30"}, body: "slow down"}},
	want:    aim.Error{Kind: aim.KindThrottled, HTTPStatus: 429, RetryAfter: "30"},
}, {
	name:    "400 with ResponseStatus",
	replies: []reply{{status: 400, body: `{"ResponseStatus":{"ErrorCode":"SerializationException","Message":"ItemKey is not a number"}}`}},
	want:    aim.Error{Kind: aim.KindRejected, HTTPStatus: 400, Code: "SerializationException", Message: "ItemKey is not a number"},
}, {
	name:    "400 with a Status block",
	replies: []reply{{status: 400, body: `{"Status":{"StatusCode":"Error","ErrorCode":"BadMode","ErrorDisplayText":"Pick a card type.","ErrorMessage":"Mode invalid"}}`}},
	want:    aim.Error{Kind: aim.KindRejected, HTTPStatus: 400, Code: "BadMode", DisplayText: "Pick a card type.", Message: "Mode invalid"},
}, {
	name:    "404 with ResponseStatus",
	replies: []reply{{status: 404, body: `{"responseStatus":{"errorCode":"NotFound","message":"no such contract"}}`}},
	want:    aim.Error{Kind: aim.KindRejected, HTTPStatus: 404, Code: "NotFound", Message: "no such contract"},
}, {
	name:    "409 with a text body",
	replies: []reply{{status: 409, header: map[string]string{"Content-Type": "text/plain"}, body: "conflict"}},
	want:    aim.Error{Kind: aim.KindRejected, HTTPStatus: 409},
}, {
	name:    "422 with ResponseStatus",
	replies: []reply{{status: 422, body: `{"ResponseStatus":{"ErrorCode":"ValidationException","Message":"Mode requires ItemKey"}}`}},
	want:    aim.Error{Kind: aim.KindRejected, HTTPStatus: 422, Code: "ValidationException", Message: "Mode requires ItemKey"},
}, {
	name:    "500 with ResponseStatus is not retried",
	replies: []reply{{status: 500, body: `{"ResponseStatus":{"ErrorCode":"NullReferenceException","Message":"Object reference not set"}}`}},
	want:    aim.Error{Kind: aim.KindUpstream, HTTPStatus: 500, Code: "NullReferenceException", Message: "Object reference not set"},
}, {
	name:    "503 is not retried",
	replies: []reply{{status: 503}, {body: okBody}},
	want:    aim.Error{Kind: aim.KindUpstream, HTTPStatus: 503},
}, {
	name:    "502 HTML is not retried",
	replies: []reply{{status: 502, header: map[string]string{"Content-Type": "text/html"}, body: htmlPage}, {body: okBody}},
	want:    aim.Error{Kind: aim.KindUpstream, HTTPStatus: 502},
}, {
	name:    "HTML 200",
	replies: []reply{{header: map[string]string{"Content-Type": "text/html"}, body: htmlPage}},
	want:    aim.Error{Kind: aim.KindUpstream, HTTPStatus: 200},
}, {
	name:    "truncated JSON",
	replies: []reply{{body: okBody[:40]}},
	want:    aim.Error{Kind: aim.KindUpstream, HTTPStatus: 200},
}, {
	name:    "empty 200",
	replies: []reply{{}},
	want:    aim.Error{Kind: aim.KindUpstream, HTTPStatus: 200},
}, {
	name:    "oversize body with Content-Length",
	replies: []reply{{body: oversizeBody}},
	want:    aim.Error{Kind: aim.KindUpstream, HTTPStatus: 200},
}, {
	name:    "oversize chunked body",
	replies: []reply{{body: oversizeBody, chunked: true}},
	want:    aim.Error{Kind: aim.KindUpstream, HTTPStatus: 200},
}, {
	name:    "missing AccountManagementUrl",
	replies: []reply{{body: `{"Token":"acc-1","Status":{"StatusCode":"Success"}}`}},
	want:    aim.Error{Kind: aim.KindUpstream, HTTPStatus: 200},
}, {
	name:    "redirect is not followed",
	replies: []reply{{status: 302, header: map[string]string{"Location": "/elsewhere"}}},
	want:    aim.Error{Kind: aim.KindUpstream, HTTPStatus: 302},
}, {
	name: "secrets echoed by AIM are redacted",
	replies: []reply{{status: 400, body: `{"ResponseStatus":{"ErrorCode":"` + custToken + `","Message":"bad key ` + apiKey + ` or ` + oauthToken + `"},
		"Status":{"ErrorDisplayText":"token ` + custToken + `"}}`}},
	want: aim.Error{Kind: aim.KindRejected, HTTPStatus: 400, Code: "[redacted]", DisplayText: "token [redacted]",
		Message: "bad key [redacted] or [redacted]"},
}}

func TestCustomerAccessTokenFailures(t *testing.T) {
	for _, tt := range failureCases {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeAIM(t, tt.replies...)
			c := newClient(t, f.URL)
			got, err := c.CustomerAccessToken(context.Background(), credsFor(f),
				aim.AccessTokenRequest{Mode: "UPDATE_CARD", ItemKey: 5, Token: custToken})
			if diff := cmp.Diff(aim.AccessToken{}, got); diff != "" {
				t.Errorf("answer on failure is not zero (-want +got):\n%s", diff)
			}
			want := tt.want
			want.Op = "CustomerAccessToken"
			checkError(t, err, want)
			if want, got := max(tt.wantCalls, 1), f.calls(); got != want {
				t.Errorf("got %d calls, want %d", got, want)
			}
		})
	}
}

// checkError asserts err is an *aim.Error like want (but for Err) and that
// its text carries no secret and no request query.
func checkError(t *testing.T, err error, want aim.Error) {
	t.Helper()
	var e *aim.Error
	if !errors.As(err, &e) {
		t.Fatalf("got error %v (%T), want an *aim.Error", err, err)
	}
	if diff := cmp.Diff(want, *e, cmpopts.IgnoreFields(aim.Error{}, "Err")); diff != "" {
		t.Errorf("error mismatch (-want +got):\n%s", diff)
	}
	text := err.Error()
	for _, leak := range []string{apiKey, oauthToken, custToken, "ItemKey=", "Mode=", "/api/"} {
		if strings.Contains(text, leak) {
			t.Errorf("error text %q contains %q", text, leak)
		}
	}
	if !strings.HasPrefix(text, "aim: "+want.Op+": "+string(want.Kind)) {
		t.Errorf("got error text %q, want it to start with %q", text, "aim: "+want.Op+": "+string(want.Kind))
	}
}

// TestCustomerAccessTokenReplay: a call reaches AIM at most twice, and
// twice only when its connection came from the pool and the server closed
// it before answering (see newTransport).
func TestCustomerAccessTokenReplay(t *testing.T) {
	tests := []struct {
		name      string
		reused    bool // a first call leaves a keep-alive connection
		replies   []reply
		wantErr   bool
		wantCalls int // CustomerAccessToken requests the server got for the call
	}{
		{"reused connection closed before the answer, then 200", true, []reply{{hangup: true}, {body: okBody}}, false, 2},
		{"reused connection closed before every answer", true, []reply{{hangup: true}}, true, 2},
		{"new connection closed before the answer", false, []reply{{hangup: true}, {body: okBody}}, true, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeAIM(t)
			c := newClient(t, f.URL)
			if tt.reused {
				f.replies = []reply{{body: okBody}}
				if _, err := c.CustomerAccessToken(context.Background(), credsFor(f), aim.AccessTokenRequest{Token: custToken}); err != nil {
					t.Fatalf("first call: %v", err)
				}
			}
			before := f.calls()
			f.mu.Lock()
			f.replies = append(make([]reply, before), tt.replies...)
			f.mu.Unlock()
			got, err := c.CustomerAccessToken(context.Background(), credsFor(f), aim.AccessTokenRequest{Token: custToken})
			if tt.wantErr {
				checkError(t, err, aim.Error{Op: "CustomerAccessToken", Kind: aim.KindUpstream})
			} else if err != nil {
				t.Fatalf("CustomerAccessToken: %v", err)
			} else if diff := cmp.Diff(okToken, got); diff != "" {
				t.Errorf("answer mismatch (-want +got):\n%s", diff)
			}
			if got := f.calls() - before; got != tt.wantCalls {
				t.Errorf("got %d requests for one call, want %d", got, tt.wantCalls)
			}
		})
	}
}
