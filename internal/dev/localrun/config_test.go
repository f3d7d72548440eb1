package localrun_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/aimcards/customer-access-token/internal/dev/localrun"
)

// TestBadConfigurationStopsTheFunction runs the real bootstrap with
// configuration that can never work: it must exit at once, before asking
// the runtime for an event, with one clear log line naming every problem.
func TestBadConfigurationStopsTheFunction(t *testing.T) {
	t.Parallel()
	boot := needStack(t).Bootstrap
	tests := []struct {
		name string
		env  []string
		want []string // in the problems
	}{
		{"plain http origin that is not loopback", []string{"ALLOWED_ORIGINS=http://shop.example.com"},
			[]string{"ALLOWED_ORIGINS", `"http://shop.example.com"`, "https"}},
		{"every problem in one line", []string{
			"ALLOWED_ORIGINS=https://shop.example.com/cards", "REDIRECT_ALLOWED_HOSTS=https://aim.example.com", "METRICS_NAMESPACE=AWS/Cards",
			"AIM_ENDPOINT_URL=http://aim-store.example:7890",
		}, []string{"ALLOWED_ORIGINS", "REDIRECT_ALLOWED_HOSTS", "METRICS_NAMESPACE", "AIM_ENDPOINT_URL"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			cmd := exec.CommandContext(ctx, boot)
			cmd.Env = append([]string{
				"AIM_API_KEY_SECRET_ID=" + localrun.SecretID, "AIM_APP_ID=" + localrun.AppID,
				// Nowhere to ask for events: a function that passed its
				// configuration would fail differently, and later.
				"AWS_LAMBDA_RUNTIME_API=127.0.0.1:1",
				"AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null", "AWS_REGION=us-east-1",
			}, tt.env...)
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			err := cmd.Run()
			var exit *exec.ExitError
			if !errors.As(err, &exit) || exit.ExitCode() != 1 {
				t.Fatalf("got %v, want exit status 1", err)
			}
			lines := strings.Split(strings.TrimSpace(stdout.String()), "\n")
			if len(lines) != 1 || stderr.Len() != 0 {
				t.Fatalf("got stdout %q and stderr %q, want one line on stdout", stdout.String(), stderr.String())
			}
			var line struct {
				Level, Msg string
				Problems   []string
			}
			if err := json.Unmarshal([]byte(lines[0]), &line); err != nil {
				t.Fatalf("line %s: %v", lines[0], err)
			}
			problems := strings.Join(line.Problems, "\n")
			if line.Level != "ERROR" || line.Msg != "invalid configuration" {
				t.Errorf("got %s, want an ERROR line 'invalid configuration'", lines[0])
			}
			for _, w := range tt.want {
				if !strings.Contains(problems, w) {
					t.Errorf("got problems %q, want them to mention %s", line.Problems, w)
				}
			}
		})
	}
}
