package handler

import (
	"context"
	"log/slog"
	"strings"
	"time"

	"github.com/aimcards/customer-access-token/internal/apigw"
)

// record collects what the summary log line of one invocation says. It
// holds no secret: causes are error strings built without secret values,
// and of the AccountManagementUrl only the host is kept.
type record struct {
	start     time.Time
	requestID string
	format    apigw.Format
	outcome   string
	status    int
	code      apigw.Code
	cause     string
	aimCalls  int
	aimTime   time.Duration
	creds     credUsage // Secrets Manager and discovery time, stale credentials
	urlHost   string
	secrets   []string // values that must never be logged, blanked from cause
}

// redact blanks every secret value of the invocation out of s, in case an
// upstream message echoed one.
func (rec *record) redact(s string) string {
	for _, v := range rec.secrets {
		if v != "" {
			s = strings.ReplaceAll(s, v, "[redacted]")
		}
	}
	return s
}

func (h *Handler) logRecord(rec *record) {
	level := slog.LevelInfo
	if rec.status >= 500 {
		level = slog.LevelError
	} else if rec.status >= 400 {
		level = slog.LevelWarn
	}
	attrs := []slog.Attr{
		slog.String("request_id", rec.requestID),
		slog.String("payload_format", rec.format.String()),
		slog.String("outcome", rec.outcome),
		slog.Int("status", rec.status),
		slog.Int("aim_calls", rec.aimCalls),
		slog.Float64("aim_ms", float64(rec.aimTime.Microseconds())/1000),
		slog.Float64("secrets_ms", float64(rec.creds.secrets.Microseconds())/1000),
		slog.Float64("discovery_ms", float64(rec.creds.discovery.Microseconds())/1000),
		slog.Bool("stale_credentials", rec.creds.stale),
		slog.Float64("duration_ms", float64(h.opts.Now().Sub(rec.start).Microseconds())/1000),
	}
	if rec.code != "" {
		attrs = append(attrs, slog.String("code", string(rec.code)))
	}
	if rec.cause != "" {
		attrs = append(attrs, slog.String("cause", rec.redact(rec.cause)))
	}
	if rec.urlHost != "" {
		attrs = append(attrs, slog.String("url_host", rec.urlHost))
	}
	h.log.LogAttrs(context.Background(), level, "invocation", attrs...)
}
