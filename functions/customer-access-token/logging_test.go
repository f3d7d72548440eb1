package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/aimcards/customer-access-token/internal/dev/emfspec"
	"github.com/aimcards/customer-access-token/internal/emf"
)

// lambdaEnv is an environment holding only vars.
func lambdaEnv(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

// logAll builds the logger for vars, logs one line at each slog level
// and returns the output.
func logAll(vars map[string]string) string {
	var out bytes.Buffer
	log := newLogger(lambdaEnv(vars), &out)
	log.Debug("d")
	log.Info("i")
	log.Warn("w")
	log.Error("e")
	return strings.TrimSuffix(out.String(), "\n")
}

// TestLoggerLevels follows AWS_LAMBDA_LOG_LEVEL: the lines each level
// lets through, and one warning for a level Lambda does not define.
func TestLoggerLevels(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		level string
		want  string // messages written, in order
	}{
		{"", "i w e"},
		{"TRACE", "d i w e"},
		{"DEBUG", "d i w e"},
		{"INFO", "i w e"},
		{"WARN", "w e"},
		{"ERROR", "e"},
		{"FATAL", "e"},
		{" warn ", "w e"},
		{"VERBOSE", "unknown AWS_LAMBDA_LOG_LEVEL; logging at INFO i w e"},
	} {
		out := logAll(map[string]string{envLogLevel: tc.level})
		var msgs []string
		for _, line := range strings.Split(out, "\n") {
			var rec struct {
				Level, Msg, Timestamp string
				Value                 string
			}
			if err := json.Unmarshal([]byte(line), &rec); err != nil {
				t.Fatalf("level %q: line %q is not JSON: %v", tc.level, line, err)
			}
			if rec.Timestamp == "" || rec.Level == "" {
				t.Errorf("level %q: line %q has no timestamp or level, which Lambda's filter reads", tc.level, line)
			}
			if rec.Value != "" && rec.Value != tc.level {
				t.Errorf("got value %q in the warning, want %q", rec.Value, tc.level)
			}
			msgs = append(msgs, rec.Msg)
		}
		if got := strings.Join(msgs, " "); got != tc.want {
			t.Errorf("AWS_LAMBDA_LOG_LEVEL=%q: got messages %q, want %q", tc.level, got, tc.want)
		}
	}
}

// TestLoggerFormats follows AWS_LAMBDA_LOG_FORMAT: JSON by default and for
// JSON, key=value text for Text.
func TestLoggerFormats(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		format, wantPrefix string
		wantLines          int
	}{
		{"", `{"timestamp":"`, 3},
		{"JSON", `{"timestamp":"`, 3},
		{"Text", `time=`, 3},
		{"text", `time=`, 3},
		{"xml", `{"timestamp":"`, 4}, // and a warning
	} {
		out := logAll(map[string]string{envLogFormat: tc.format})
		lines := strings.Split(out, "\n")
		if len(lines) != tc.wantLines {
			t.Errorf("AWS_LAMBDA_LOG_FORMAT=%q: got %d lines, want %d:\n%s", tc.format, len(lines), tc.wantLines, out)
		}
		for _, line := range lines {
			if !strings.HasPrefix(line, tc.wantPrefix) {
				t.Errorf("AWS_LAMBDA_LOG_FORMAT=%q: got line %q, want it to start with %q", tc.format, line, tc.wantPrefix)
			}
		}
	}
}

// TestMetricsFromEnvironment names the records after the namespace,
// function and version in the environment.
func TestMetricsFromEnvironment(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	w, err := newMetrics(lambdaEnv(map[string]string{
		"METRICS_NAMESPACE": "Shop/Cards", "AWS_LAMBDA_FUNCTION_NAME": "cat-fn", "AWS_LAMBDA_FUNCTION_VERSION": "3",
	}), &out)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Emit(emf.Invocation{Outcome: "json", Status: 200}); err != nil {
		t.Fatal(err)
	}
	data, err := emfspec.Extract(out.Bytes())
	if err != nil {
		t.Fatalf("%v\n%s", err, out.Bytes())
	}
	for _, d := range data {
		if d.Namespace != "Shop/Cards" || d.Dimensions[emf.DimensionFunctionName] != "cat-fn" {
			t.Errorf("got namespace %q and function %q, want Shop/Cards and cat-fn", d.Namespace, d.Dimensions[emf.DimensionFunctionName])
		}
		if v, ok := d.Dimensions[emf.DimensionFunctionVersion]; ok && v != "3" {
			t.Errorf("got version %q, want 3", v)
		}
	}
	if _, err := newMetrics(lambdaEnv(map[string]string{"METRICS_NAMESPACE": "AWS/Lambda"}), &out); err == nil || !strings.HasPrefix(err.Error(), "METRICS_NAMESPACE: ") {
		t.Errorf("METRICS_NAMESPACE=AWS/Lambda: got %v, want an error naming the variable", err)
	}
}
