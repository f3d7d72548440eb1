package handler

import (
	"context"
)

// warmer is the part of aim.Client that leaves connections in its pool
// ahead of the calls that need them; an AIM without it is used as it is.
type warmer interface {
	WarmUpService(ctx context.Context) (wait func() error)
	WarmUpStore(ctx context.Context, endpointURL string) error
}

// warmUpService starts the warm-up of AIM's service host (and of a pinned
// store), so its connection opens while Secrets Manager answers. The
// returned func waits for it and logs a failure.
func (h *Handler) warmUpService(ctx context.Context) (wait func()) {
	w, ok := h.opts.AIM.(warmer)
	if !ok {
		return func() {}
	}
	done := w.WarmUpService(ctx)
	return func() { h.logWarmUp(done()) }
}

// warmUpStore leaves a connection to the store's AIM host in the pool, so
// that the first request after init pays one round trip, not three.
func (h *Handler) warmUpStore(ctx context.Context, endpointURL string) {
	if w, ok := h.opts.AIM.(warmer); ok {
		h.logWarmUp(w.WarmUpStore(ctx, endpointURL))
	}
}

// logWarmUp logs a failed warm-up at WARN: it costs the first request a
// new connection, nothing more.
func (h *Handler) logWarmUp(err error) {
	if err != nil {
		h.log.Warn("AIM warm-up failed; the first request will connect", "error", err.Error())
	}
}
