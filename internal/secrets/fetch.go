package secrets

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
)

// get calls Secrets Manager and extracts the key from the answer.
func (c *Cache) get(ctx context.Context) (string, error) {
	if err := ctx.Err(); err != nil { // out of time before asking: no call
		return "", &Error{SecretID: c.opts.SecretID, Reason: classify(err), Err: err}
	}
	out, err := c.api.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{
		SecretId: aws.String(c.opts.SecretID),
	})
	if err != nil {
		return "", &Error{SecretID: c.opts.SecretID, Reason: classify(err), Err: err}
	}
	key, reason := extract(out, c.opts.Field)
	if reason != "" {
		return "", &Error{SecretID: c.opts.SecretID, Reason: reason}
	}
	return key, nil
}

// extract returns the key held in out, or a short reason why there is none.
// Reasons never quote the secret: JSON errors are dropped because their
// messages can contain characters of it.
func extract(out *secretsmanager.GetSecretValueOutput, field string) (key, reason string) {
	if out.SecretString == nil {
		if len(out.SecretBinary) > 0 {
			return "", "binary-only secret"
		}
		return "", "empty secret"
	}
	s := strings.TrimSpace(*out.SecretString)
	if s == "" {
		return "", "empty secret"
	}
	if field == "" {
		if !strings.HasPrefix(s, "{") {
			return s, ""
		}
		field = "ApiKey"
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal([]byte(s), &obj); err != nil || obj == nil {
		return "", "not a JSON object"
	}
	raw, ok := obj[field]
	if !ok {
		return "", fmt.Sprintf("field %q missing", field)
	}
	var v string
	if err := json.Unmarshal(raw, &v); err != nil {
		return "", fmt.Sprintf("field %q not a string", field)
	}
	if v = strings.TrimSpace(v); v == "" {
		return "", fmt.Sprintf("field %q empty", field)
	}
	return v, ""
}
