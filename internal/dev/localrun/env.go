package localrun

import (
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/aimcards/customer-access-token/internal/dev/aimsandbox"
)

// Local values the team agreed on (see events/env.json).
const (
	SecretID      = "aim/api-key"
	AppID         = "sandbox-app"
	TokenCookie   = "aim_token"
	AllowedOrigin = "https://shop.example.com"
	FunctionName  = "CustomerAccessTokenFunction"
	aimTimeout    = "4s"
	cacheTTL      = "5m"
)

// FunctionTimeout is the Lambda timeout of local runs; AIM_TIMEOUT fits in it.
const FunctionTimeout = 10 * time.Second

// FunctionEnv is the function's whole environment for a local run, sorted:
// the variables of the README's Configuration section set for the local
// stack (AIM at sandboxURL), then awsEnv (the SDK's pointers at moto, as
// moto.Server.Env gives them), then overrides. The developer's own
// environment is not passed on, so neither real AWS credentials nor an
// ~/.aws profile can reach a local run.
func FunctionEnv(sandboxURL string, awsEnv []string, overrides map[string]string) []string {
	env := map[string]string{
		"AIM_API_KEY_SECRET_ID": SecretID,
		"AIM_APP_ID":            AppID,
		"AIM_SERVICE_URL":       sandboxURL + aimsandbox.ServicePath,
		"AIM_TIMEOUT":           aimTimeout,
		"CACHE_TTL":             cacheTTL,
		"TOKEN_COOKIE":          TokenCookie,
		"ALLOWED_ORIGINS":       AllowedOrigin,
		// Every event in events/ comes from one address, and the fault
		// tests and the soak repeat AIM's refusals from it: the per-client
		// limit is off here, and the abuse run turns it on.
		"CLIENT_LIMIT":                "0",
		"AWS_LAMBDA_FUNCTION_NAME":    FunctionName,
		"AWS_CONFIG_FILE":             "/dev/null",
		"AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
	}
	for _, kv := range awsEnv {
		if k, v, ok := strings.Cut(kv, "="); ok {
			env[k] = v
		}
	}
	maps.Copy(env, overrides)
	list := make([]string, 0, len(env))
	for _, k := range slices.Sorted(maps.Keys(env)) {
		list = append(list, k+"="+env[k])
	}
	return list
}
