package aim_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/aimcards/customer-access-token/internal/aim"
)

func TestCustomerAccessTokenTimeouts(t *testing.T) {
	tests := []struct {
		name       string
		reply      reply
		timeout    time.Duration // Options.Timeout
		ctxTimeout time.Duration // 0: no ctx deadline
		wantStatus int           // HTTPStatus of the error
		wantCalls  int
	}{
		{name: "server slower than Timeout", reply: reply{hang: true}, timeout: 150 * time.Millisecond, wantCalls: 1},
		{name: "body stalls past Timeout", reply: reply{body: `{"Token":`, stall: true}, timeout: 150 * time.Millisecond, wantStatus: 200, wantCalls: 1},
		{name: "ctx deadline sooner than Timeout", reply: reply{hang: true}, timeout: 5 * time.Second, ctxTimeout: 100 * time.Millisecond, wantCalls: 1},
		{name: "ctx already past its deadline", reply: reply{body: okBody}, timeout: time.Second, ctxTimeout: -time.Second, wantCalls: 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeAIM(t, tt.reply)
			c := newClient(t, f.URL, func(o *aim.Options) { o.Timeout = tt.timeout })
			ctx := context.Background()
			if tt.ctxTimeout != 0 {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, tt.ctxTimeout)
				defer cancel()
			}
			_, err := c.CustomerAccessToken(ctx, credsFor(f), aim.AccessTokenRequest{Token: custToken})
			checkError(t, err, aim.Error{Op: "CustomerAccessToken", Kind: aim.KindTimeout, HTTPStatus: tt.wantStatus})
			if !errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("got %v, want it to wrap context.DeadlineExceeded", err)
			}
			if got := f.calls(); got != tt.wantCalls {
				t.Errorf("got %d calls, want %d", got, tt.wantCalls)
			}
		})
	}
}

func TestCustomerAccessTokenCanceled(t *testing.T) {
	f := newFakeAIM(t, reply{body: okBody})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := newClient(t, f.URL).CustomerAccessToken(ctx, credsFor(f), aim.AccessTokenRequest{Token: custToken})
	checkError(t, err, aim.Error{Op: "CustomerAccessToken", Kind: aim.KindUpstream})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("got %v, want it to wrap context.Canceled", err)
	}
}

func TestCustomerAccessTokenConnectionRefused(t *testing.T) {
	f := newFakeAIM(t, reply{body: okBody})
	creds := credsFor(f)
	f.Close()
	_, err := newClient(t, "https://unused.invalid").CustomerAccessToken(context.Background(), creds, aim.AccessTokenRequest{Token: custToken})
	checkError(t, err, aim.Error{Op: "CustomerAccessToken", Kind: aim.KindUpstream})
}
