package localrun_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/aimcards/customer-access-token/internal/dev/localrun"
)

func TestFunctionEnv(t *testing.T) {
	t.Parallel()
	got := localrun.FunctionEnv("http://127.0.0.1:9",
		[]string{"AWS_REGION=us-east-1", "AWS_CONFIG_FILE=/from-moto"},
		map[string]string{"CACHE_TTL": "2s", "EXTRA": "x"})
	want := []string{
		"AIM_API_KEY_SECRET_ID=aim/api-key",
		"AIM_APP_ID=sandbox-app",
		"AIM_SERVICE_URL=http://127.0.0.1:9/aeservices30",
		"AIM_TIMEOUT=4s",
		"ALLOWED_ORIGINS=https://shop.example.com",
		"AWS_CONFIG_FILE=/from-moto",
		"AWS_LAMBDA_FUNCTION_NAME=CustomerAccessTokenFunction",
		"AWS_REGION=us-east-1",
		"AWS_SHARED_CREDENTIALS_FILE=/dev/null",
		"CACHE_TTL=2s",
		"CLIENT_LIMIT=0",
		"EXTRA=x",
		"TOKEN_COOKIE=aim_token",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("FunctionEnv mismatch (-want +got):\n%s", diff)
	}
}
