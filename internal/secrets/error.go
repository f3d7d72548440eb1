package secrets

import (
	"cmp"
	"context"
	"errors"
	"net"

	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// Error is returned when no key can be had and there is no older key to fall
// back on. Its text never contains the secret value.
type Error struct {
	// SecretID is the secret's name or ARN, as configured.
	SecretID string
	// Reason is short and safe to log: "not found", "access denied",
	// "throttled", "timeout", "binary-only secret", `field "X" missing`, ...
	Reason string
	// Err is the Secrets Manager or network error, if any.
	Err error
}

// Error returns "secrets: get <SecretID>: <Reason>[: <Err>]".
func (e *Error) Error() string {
	msg := "secrets: get " + e.SecretID + ": " + e.Reason
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

// Unwrap returns the underlying error.
func (e *Error) Unwrap() error { return e.Err }

// reasons maps Secrets Manager error codes to Error.Reason.
var reasons = map[string]string{
	"ResourceNotFoundException":   "not found",
	"AccessDeniedException":       "access denied",
	"AccessDenied":                "access denied",
	"UnrecognizedClientException": "bad credentials",
	"InvalidClientTokenId":        "bad credentials",
	"InvalidSignatureException":   "bad credentials",
	"SignatureDoesNotMatch":       "bad credentials",
	"ExpiredTokenException":       "bad credentials",
	"ExpiredToken":                "bad credentials",
	"ThrottlingException":         "throttled",
	"Throttling":                  "throttled",
	"TooManyRequestsException":    "throttled",
	"RequestLimitExceeded":        "throttled",
	"DecryptionFailure":           "decryption failure",
	"InvalidRequestException":     "invalid request",
	"InvalidParameterException":   "invalid parameter",
}

// classify names the kind of a failed GetSecretValue call.
func classify(err error) string {
	var apiErr smithy.APIError
	var netErr net.Error
	var sendErr *smithyhttp.RequestSendError
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return "timeout"
	case errors.Is(err, context.Canceled):
		return "canceled"
	case errors.As(err, &apiErr):
		return cmp.Or(reasons[apiErr.ErrorCode()], "service error")
	case errors.As(err, &netErr) && netErr.Timeout():
		return "timeout"
	case errors.As(err, &sendErr):
		return "unreachable"
	default:
		return "request failed"
	}
}
