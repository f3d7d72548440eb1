package handler

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
)

// isProbe tells the template's probe, an EventBridge Scheduled Event
// (events/scheduled-probe.json), from an API request.
func isProbe(payload []byte) bool {
	var ev struct {
		Source     string `json:"source"`
		DetailType string `json:"detail-type"`
	}
	return json.Unmarshal(payload, &ev) == nil && ev.Source == "aws.events" && ev.DetailType == "Scheduled Event"
}

// probe gets the credentials as a click would (the same cache), with no
// customer token, CustomerAccessToken call or client limit, and writes
// ProbeSuccess: 1 when they were had and none was stale. A failure is its
// answer, never a function error: EventBridge does not retry, and the
// rollback alarm on Lambda Errors does not blame a version for an outage.
func (h *Handler) probe(ctx context.Context) map[string]string {
	ctx, cancel := context.WithTimeout(ctx, h.opts.CredentialBudget)
	defer cancel()
	var u credUsage
	_, err := h.creds.get(ctx, &u)
	if err == nil && u.stale {
		err = errors.New("stale credentials served: a refresh failed (see the warning before)")
	}
	id, level, outcome := requestID(ctx), slog.LevelInfo, "ok"
	attrs := []any{"request_id", id, "secrets_ms", ms(u.secrets), "discovery_ms", ms(u.discovery), "stale_credentials", u.stale}
	if err != nil {
		level, outcome, attrs = slog.LevelError, "failed", append(attrs, "cause", err.Error())
	}
	h.opts.Logger.Log(ctx, level, "probe", append(attrs, "outcome", outcome)...)
	_ = h.opts.Metrics.Probe(err == nil, id)
	return map[string]string{"probe": outcome}
}
