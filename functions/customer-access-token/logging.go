package main

import (
	"fmt"
	"io"
	"log/slog"
	"strings"

	"github.com/aimcards/customer-access-token/internal/emf"
)

// Lambda's logging controls: Lambda sets these for a custom runtime from
// the function's LoggingConfig (ApplicationLogLevel and LogFormat).
const (
	envLogLevel  = "AWS_LAMBDA_LOG_LEVEL"
	envLogFormat = "AWS_LAMBDA_LOG_FORMAT"
)

// lambdaLevels maps Lambda's application log levels (none set: INFO) onto
// slog's. slog has no TRACE or FATAL: TRACE logs what DEBUG does, FATAL
// what ERROR does.
var lambdaLevels = map[string]slog.Level{
	"":      slog.LevelInfo,
	"TRACE": slog.LevelDebug,
	"DEBUG": slog.LevelDebug,
	"INFO":  slog.LevelInfo,
	"WARN":  slog.LevelWarn,
	"ERROR": slog.LevelError,
	"FATAL": slog.LevelError,
}

// newLogger builds the function's logger from Lambda's logging controls:
// JSON lines unless the format is Text, at the application log level
// (INFO when unset). A value Lambda does not define is reported once.
func newLogger(getenv func(string) string, out io.Writer) *slog.Logger {
	rawLevel := strings.TrimSpace(getenv(envLogLevel))
	level, knownLevel := lambdaLevels[strings.ToUpper(rawLevel)]
	opts := &slog.HandlerOptions{Level: level}
	rawFormat := strings.TrimSpace(getenv(envLogFormat))
	var h slog.Handler
	switch strings.ToUpper(rawFormat) {
	case "TEXT":
		h = slog.NewTextHandler(out, opts)
	default:
		opts.ReplaceAttr = lambdaTimestamp
		h = slog.NewJSONHandler(out, opts)
	}
	log := slog.New(h)
	if !knownLevel {
		log.Warn("unknown "+envLogLevel+"; logging at INFO", "value", rawLevel)
	}
	if f := strings.ToUpper(rawFormat); f != "" && f != "JSON" && f != "TEXT" {
		log.Warn("unknown "+envLogFormat+"; logging JSON", "value", rawFormat)
	}
	return log
}

// lambdaTimestamp names the time "timestamp", the key Lambda's log-level
// filter reads in a custom runtime's JSON lines (see the README's logging
// section): a line without a timestamp it knows is filtered as INFO.
func lambdaTimestamp(groups []string, a slog.Attr) slog.Attr {
	if len(groups) == 0 && a.Key == slog.TimeKey {
		a.Key = "timestamp"
	}
	return a
}

// newMetrics builds the writer of the function's metric records, named
// after the function and version Lambda runs.
// A bad namespace is reported under the variable's name, beside the other
// configuration problems.
func newMetrics(getenv func(string) string, out io.Writer) (*emf.Writer, error) {
	w, err := emf.New(emf.Options{
		Namespace:       getenv("METRICS_NAMESPACE"),
		FunctionName:    getenv("AWS_LAMBDA_FUNCTION_NAME"),
		FunctionVersion: getenv("AWS_LAMBDA_FUNCTION_VERSION"),
		Out:             out,
	})
	if err != nil {
		return nil, fmt.Errorf("METRICS_NAMESPACE: %w", err)
	}
	return w, nil
}
