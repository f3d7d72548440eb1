package handler

import (
	"context"
)

// preconnecter is the part of aim.Client that opens connections ahead of
// the requests that need them; an AIM without it is used as it is.
type preconnecter interface {
	PreconnectService(ctx context.Context) (wait func() error)
	Preconnect(ctx context.Context, baseURL string) (wait func() error)
}

// preconnectService starts opening the connection GetEndPoint needs (and the
// pinned store's), so it is being opened while Secrets Manager answers. The
// returned func waits for it and logs a failure.
func (h *Handler) preconnectService(ctx context.Context) (wait func()) {
	p, ok := h.opts.AIM.(preconnecter)
	if !ok {
		return func() {}
	}
	done := p.PreconnectService(ctx)
	return func() { h.logPreconnect(done()) }
}

// preconnectStore opens the connection to the store's AIM host, so that
// the first request after init pays one round trip, not three.
func (h *Handler) preconnectStore(ctx context.Context, endpointURL string) {
	if p, ok := h.opts.AIM.(preconnecter); ok {
		h.logPreconnect(p.Preconnect(ctx, endpointURL)())
	}
}

func (h *Handler) logPreconnect(err error) {
	if err != nil {
		h.log.Warn("preconnect failed; the first request will connect", "error", err.Error())
	}
}
