package moto_test

import (
	"context"
	"errors"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/aimcards/customer-access-token/internal/dev/moto"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/smithy-go"
)

// TestFaultProxy drives the real SDK through the proxy: it passes requests
// to moto, answers the injected AWS errors the SDK recognises, counts every
// request (SDK retries included) and stays silent past a client's deadline.
func TestFaultProxy(t *testing.T) {
	t.Parallel()
	s := startMoto(t)
	ctx := t.Context()
	if _, err := s.CreateSecret(ctx, "proxy/key", "v1"); err != nil {
		t.Fatal(err)
	}
	p := moto.NewFaultProxy(s.URL)
	srv := httptest.NewServer(p)
	defer srv.Close()
	cfg := s.AWSConfig()
	cfg.BaseEndpoint = aws.String(srv.URL)
	sm := secretsmanager.NewFromConfig(cfg)
	get := func(ctx context.Context) (string, error) {
		out, err := sm.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String("proxy/key")})
		if err != nil {
			return "", err
		}
		return aws.ToString(out.SecretString), nil
	}

	if v, err := get(ctx); err != nil || v != "v1" {
		t.Fatalf("through the proxy: got %q, %v, want v1", v, err)
	}
	tests := []struct {
		status  int
		errType string
		calls   int // the SDK retries throttling and 5xx twice
	}{
		{400, "AccessDeniedException", 1},
		{400, "ThrottlingException", 3},
		{500, "InternalServiceError", 3},
	}
	for _, tt := range tests {
		p.SetFault(tt.status, tt.errType, 0)
		before := p.Calls("GetSecretValue")
		_, err := get(ctx)
		var api smithy.APIError
		if !errors.As(err, &api) || api.ErrorCode() != tt.errType {
			t.Errorf("got %v, want an API error %s", err, tt.errType)
		}
		if got := p.Calls("GetSecretValue") - before; got != tt.calls {
			t.Errorf("%s: got %d GetSecretValue requests, want %d", tt.errType, got, tt.calls)
		}
	}
	p.SetFault(0, "", 2*time.Second)
	short, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
	_, err := get(short)
	cancel()
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("slow: got %v, want the caller's deadline exceeded", err)
	}
	p.ClearFault()
	if v, err := get(ctx); err != nil || v != "v1" {
		t.Errorf("after ClearFault: got %q, %v, want v1", v, err)
	}
	if p.Requests() != p.Calls("GetSecretValue") {
		t.Errorf("got %d requests but %d GetSecretValue calls, want them equal", p.Requests(), p.Calls("GetSecretValue"))
	}
}
