package main

import (
	"log/slog"
	"strings"
	"testing"
)

// TestBuildNeedsTheTemplatesVariables: without the checked function's name
// and version or the metrics namespace the hook refuses to start (a failed
// init, which CodeDeploy sees as a failed hook) rather than gate nothing.
func TestBuildNeedsTheTemplatesVariables(t *testing.T) {
	t.Setenv("AWS_REGION", "us-east-1")
	t.Setenv("AWS_CONFIG_FILE", "/dev/null")
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
	full := map[string]string{
		"CHECKED_FUNCTION_NAME":    "cat",
		"CHECKED_FUNCTION_VERSION": "7",
		"METRICS_NAMESPACE":        "AIMCards/CustomerAccessToken",
		"DEPLOY_GATE":              "On",
	}
	log := slog.New(slog.DiscardHandler)
	if h, err := build(t.Context(), func(k string) string { return full[k] }, log); err != nil || h.Gate == nil || h.Check == nil {
		t.Fatalf("got %v, %v with every variable set, want a gate and a check", h, err)
	}
	for _, missing := range []string{"CHECKED_FUNCTION_NAME", "CHECKED_FUNCTION_VERSION", "METRICS_NAMESPACE"} {
		getenv := func(k string) string {
			if k == missing {
				return ""
			}
			return full[k]
		}
		if _, err := build(t.Context(), getenv, log); err == nil || !strings.Contains(err.Error(), "synthetic:") {
			t.Errorf("without %s: got %v, want the start refused", missing, err)
		}
	}
}
