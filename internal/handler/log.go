package handler

import (
	"context"
	"log/slog"
	"strings"
	"time"

	"github.com/aimcards/customer-access-token/internal/apigw"
	"github.com/aimcards/customer-access-token/internal/emf"
)

// record collects what the summary log line of one invocation says. It
// holds no secret: causes are error strings built without secret values,
// and of the AccountManagementUrl only the host is kept.
type record struct {
	start        time.Time
	requestID    string // Lambda's
	apiRequestID string // API Gateway's requestContext.requestId, as in its access log
	format       apigw.Format
	click        bool // a GET: the button's click
	synthetic    bool // one of the stack's own checks: no click in any metric
	outcome      string
	status       int
	code         apigw.Code
	cause        string
	aimCalls     int
	aimTime      time.Duration
	creds        credUsage // Secrets Manager and discovery time, stale credentials
	urlHost      string
	secrets      []string // values that must never be logged, blanked from cause
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

// logRecord writes the invocation's log line, then its metric record.
func (h *Handler) logRecord(rec *record) {
	level := slog.LevelInfo
	if rec.status >= 500 {
		level = slog.LevelError
	} else if rec.status >= 400 {
		level = slog.LevelWarn
	}
	attrs := []slog.Attr{
		slog.String("request_id", rec.requestID),
		slog.String("apigw_request_id", rec.apiRequestID),
		slog.String("payload_format", rec.format.String()),
		slog.String("outcome", rec.outcome),
		slog.Int("status", rec.status),
		slog.Int("aim_calls", rec.aimCalls),
		slog.Float64("aim_ms", ms(rec.aimTime)),
		slog.Float64("secrets_ms", ms(rec.creds.secrets)),
		slog.Float64("discovery_ms", ms(rec.creds.discovery)),
		slog.Bool("stale_credentials", rec.creds.stale),
		slog.Float64("duration_ms", ms(h.opts.Now().Sub(rec.start))),
	}
	for _, kv := range [][2]string{{"code", string(rec.code)}, {"cause", rec.redact(rec.cause)}, {"url_host", rec.urlHost}} {
		if kv[1] != "" {
			attrs = append(attrs, slog.String(kv[0], kv[1]))
		}
	}
	if rec.synthetic {
		attrs = append(attrs, slog.Bool("synthetic", true))
	}
	h.opts.Logger.LogAttrs(context.Background(), level, "invocation", attrs...)
	if rec.synthetic {
		return // counted in no share: the checks write their own metric
	}
	// Like slog, a failed stdout write is not the caller's problem.
	_ = h.opts.Metrics.Emit(emf.Invocation{
		Outcome: rec.outcome, Code: string(rec.code), Status: rec.status, Click: rec.click,
		AIMCalled: rec.aimCalls > 0, AIMLatency: rec.aimTime, CredentialLatency: rec.creds.secrets + rec.creds.discovery,
		Stale: rec.creds.stale, RequestID: rec.requestID, APIRequestID: rec.apiRequestID,
	})
}

// ms is d in milliseconds, to the microsecond.
func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
