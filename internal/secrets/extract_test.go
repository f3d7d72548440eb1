package secrets_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"testing"

	"github.com/aimcards/customer-access-token/internal/secrets"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager/types"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

func TestAPIKeyFromSecret(t *testing.T) {
	tests := []struct {
		name       string
		str        *string
		bin        []byte
		field      string
		want       string
		wantReason string
	}{
		{name: "plain string", str: aws.String("sk-plain"), want: "sk-plain"},
		{name: "plain string trimmed", str: aws.String("  sk-plain\n"), want: "sk-plain"},
		{name: "JSON ApiKey", str: aws.String(`{"ApiKey":"sk-json","AppId":"x"}`), want: "sk-json"},
		{name: "JSON ApiKey trimmed", str: aws.String(` {"ApiKey":" sk-json "} `), want: "sk-json"},
		{name: "configured field", str: aws.String(`{"ApiKey":"no","aim_key":"sk-field"}`), field: "aim_key", want: "sk-field"},
		{name: "JSON without ApiKey", str: aws.String(`{"apikey":"sk-x"}`), wantReason: `field "ApiKey" missing`},
		{name: "configured field missing", str: aws.String(`{"ApiKey":"sk-x"}`), field: "aim_key", wantReason: `field "aim_key" missing`},
		{name: "field not a string", str: aws.String(`{"ApiKey":12345}`), wantReason: `field "ApiKey" not a string`},
		{name: "field empty", str: aws.String(`{"ApiKey":"  "}`), wantReason: `field "ApiKey" empty`},
		{name: "field null", str: aws.String(`{"ApiKey":null}`), wantReason: `field "ApiKey" empty`},
		{name: "non-object with field", str: aws.String("sk-plain"), field: "aim_key", wantReason: "not a JSON object"},
		{name: "array with field", str: aws.String(`["sk-a"]`), field: "aim_key", wantReason: "not a JSON object"},
		{name: "malformed JSON", str: aws.String(`{"ApiKey": sk-unquoted}`), wantReason: "not a JSON object"},
		{name: "binary only", bin: []byte("sk-bin"), wantReason: "binary-only secret"},
		{name: "no value", wantReason: "empty secret"},
		{name: "empty string", str: aws.String(""), wantReason: "empty secret"},
		{name: "blank string", str: aws.String(" \n\t"), wantReason: "empty secret"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			api := getSecretFunc(func(context.Context, *secretsmanager.GetSecretValueInput, ...func(*secretsmanager.Options)) (*secretsmanager.GetSecretValueOutput, error) {
				return &secretsmanager.GetSecretValueOutput{SecretString: tt.str, SecretBinary: tt.bin}, nil
			})
			c := secrets.NewCache(api, secrets.Options{SecretID: "aim", Field: tt.field})
			got, _, err := c.APIKey(context.Background())
			var se *secrets.Error
			switch {
			case tt.wantReason == "" && err != nil:
				t.Fatalf("got error %v, want key %q", err, tt.want)
			case tt.wantReason == "":
				if got != tt.want {
					t.Errorf("got key %q, want %q", got, tt.want)
				}
			case !errors.As(err, &se):
				t.Fatalf("got (%q, %v), want *secrets.Error", got, err)
			default:
				if se.Reason != tt.wantReason {
					t.Errorf("got Reason %q, want %q", se.Reason, tt.wantReason)
				}
				if strings.Contains(err.Error(), "sk-") {
					t.Errorf("error %q contains the secret", err)
				}
			}
		})
	}
}

// timeoutErr is a net.Error that timed out.
type timeoutErr struct{}

func (timeoutErr) Error() string   { return "i/o timeout" }
func (timeoutErr) Timeout() bool   { return true }
func (timeoutErr) Temporary() bool { return true }

func TestErrorReason(t *testing.T) {
	tests := []struct {
		err  error
		want string
	}{
		{&types.ResourceNotFoundException{}, "not found"},
		{&smithy.GenericAPIError{Code: "AccessDeniedException"}, "access denied"},
		{&smithy.GenericAPIError{Code: "UnrecognizedClientException"}, "bad credentials"},
		{&smithy.GenericAPIError{Code: "ThrottlingException"}, "throttled"},
		{&types.InternalServiceError{}, "service error"},
		{&types.DecryptionFailure{}, "decryption failure"},
		{&types.InvalidRequestException{}, "invalid request"},
		{&types.InvalidParameterException{}, "invalid parameter"},
		{&smithy.GenericAPIError{Code: "SomethingNew"}, "service error"},
		{fmt.Errorf("operation error: %w", context.DeadlineExceeded), "timeout"},
		{context.Canceled, "canceled"},
		{&smithyhttp.RequestSendError{Err: timeoutErr{}}, "timeout"},
		{&smithyhttp.RequestSendError{Err: &net.OpError{Op: "dial", Err: errors.New("connection refused")}}, "unreachable"},
		{errors.New("failed to retrieve credentials"), "request failed"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			api := getSecretFunc(func(context.Context, *secretsmanager.GetSecretValueInput, ...func(*secretsmanager.Options)) (*secretsmanager.GetSecretValueOutput, error) {
				return nil, tt.err
			})
			_, _, err := secrets.NewCache(api, secrets.Options{SecretID: "aim"}).APIKey(context.Background())
			var se *secrets.Error
			if !errors.As(err, &se) {
				t.Fatalf("got error %v, want *secrets.Error", err)
			}
			if se.Reason != tt.want {
				t.Errorf("got Reason %q for %v, want %q", se.Reason, tt.err, tt.want)
			}
			if !errors.Is(err, tt.err) {
				t.Errorf("got error %v, want it to wrap %v", err, tt.err)
			}
		})
	}
}
