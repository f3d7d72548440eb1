package moto

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
)

// Fake AWS settings: moto accepts any credentials, and a fixed region keeps
// ARNs predictable.
const (
	Region          = "us-east-1"
	AccessKeyID     = "testing"
	SecretAccessKey = "testing"
)

// AWSConfig returns an SDK configuration that sends every service client
// built from it (for example secretsmanager.NewFromConfig) to this server,
// with fake static credentials.
func (s *Server) AWSConfig() aws.Config {
	return aws.Config{
		Region:       Region,
		Credentials:  credentials.NewStaticCredentialsProvider(AccessKeyID, SecretAccessKey, ""),
		BaseEndpoint: aws.String(s.URL),
	}
}

// Env returns the environment variables that point an AWS SDK in a child
// process at this server. Append them after os.Environ() so they win.
func (s *Server) Env() []string {
	return []string{
		"AWS_ENDPOINT_URL_SECRETS_MANAGER=" + s.URL,
		"AWS_ENDPOINT_URL_DYNAMODB=" + s.URL,
		"AWS_REGION=" + Region,
		"AWS_DEFAULT_REGION=" + Region,
		"AWS_ACCESS_KEY_ID=" + AccessKeyID,
		"AWS_SECRET_ACCESS_KEY=" + SecretAccessKey,
		"AWS_EC2_METADATA_DISABLED=true",
	}
}

// CreateSecret creates a secret holding value as its SecretString and
// returns its ARN.
func (s *Server) CreateSecret(ctx context.Context, name, value string) (arn string, err error) {
	out, err := s.client.CreateSecret(ctx, &secretsmanager.CreateSecretInput{
		Name:         aws.String(name),
		SecretString: aws.String(value),
	})
	if err != nil {
		return "", fmt.Errorf("moto: create secret %q: %w", name, err)
	}
	return aws.ToString(out.ARN), nil
}

// PutSecret stores value as a new current version of the secret, as a
// rotation would.
func (s *Server) PutSecret(ctx context.Context, name, value string) error {
	_, err := s.client.PutSecretValue(ctx, &secretsmanager.PutSecretValueInput{
		SecretId:     aws.String(name),
		SecretString: aws.String(value),
	})
	if err != nil {
		return fmt.Errorf("moto: put secret %q: %w", name, err)
	}
	return nil
}

// CreateBinarySecret creates a secret holding only SecretBinary and returns
// its ARN.
func (s *Server) CreateBinarySecret(ctx context.Context, name string, b []byte) (arn string, err error) {
	out, err := s.client.CreateSecret(ctx, &secretsmanager.CreateSecretInput{
		Name:         aws.String(name),
		SecretBinary: b,
	})
	if err != nil {
		return "", fmt.Errorf("moto: create binary secret %q: %w", name, err)
	}
	return aws.ToString(out.ARN), nil
}
