package aim_test

import (
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/aimcards/customer-access-token/internal/aim"
)

func TestErrorString(t *testing.T) {
	tests := []struct {
		err  aim.Error
		want string
	}{
		{aim.Error{Op: "CustomerAccessToken", Kind: aim.KindUpstream, HTTPStatus: 502},
			"aim: CustomerAccessToken: upstream (HTTP 502)"},
		{aim.Error{Op: "CustomerAccessToken", Kind: aim.KindRejected, HTTPStatus: 200, Code: "E1", DisplayText: "shown", Message: "logged"},
			"aim: CustomerAccessToken: rejected (HTTP 200): code E1: logged"},
		{aim.Error{Op: "CustomerAccessToken", Kind: aim.KindRejected, HTTPStatus: 200, DisplayText: "shown"},
			"aim: CustomerAccessToken: rejected (HTTP 200): shown"},
		{aim.Error{Op: "GetEndPoint", Kind: aim.KindTimeout, Err: errors.New("context deadline exceeded")},
			"aim: GetEndPoint: timeout: context deadline exceeded"},
		{aim.Error{Op: "GetEndPoint", Kind: aim.KindThrottled, HTTPStatus: 429, RetryAfter: "30"},
			"aim: GetEndPoint: throttled (HTTP 429)"},
		{aim.Error{Op: "GetEndPoint", Kind: aim.KindUnauthorized, HTTPStatus: 401, Message: strings.Repeat("é", 400)},
			"aim: GetEndPoint: unauthorized (HTTP 401): " + strings.Repeat("é", 150) + "…"},
	}
	for _, tt := range tests {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("got %q, want %q", got, tt.want)
		}
	}
}

func TestErrorUnwrap(t *testing.T) {
	err := error(&aim.Error{Op: "GetEndPoint", Kind: aim.KindUpstream, Err: io.ErrUnexpectedEOF})
	if !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("got errors.Is(%v, io.ErrUnexpectedEOF) false, want true", err)
	}
}
