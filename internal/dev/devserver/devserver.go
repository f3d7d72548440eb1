// Package devserver is a local HTTP API in front of the function, like
// `sam local start-api` without Docker: each request becomes an API Gateway
// HTTP API (payload 2.0) event, the function answers through an Invoker, and
// its answer is written back as the HTTP response.
package devserver

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"time"

	"github.com/aws/aws-lambda-go/events"
)

// Path is the one route of the API, as template.yaml declares it.
const Path = "/customer-access-token"

// methods are the methods template.yaml routes to the function.
var methods = map[string]bool{http.MethodGet: true, http.MethodOptions: true}

// maxBody is API Gateway's request payload limit.
const maxBody = 10 << 20

// Invoker runs one API Gateway event through the function and returns the
// function's response object; the local stack's *Stack (package localrun)
// is one.
type Invoker interface {
	Respond(ctx context.Context, event []byte) (events.APIGatewayV2HTTPResponse, error)
}

// Handler is the local API. Its zero value is not usable; call New.
type Handler struct {
	invoker Invoker
	log     *slog.Logger
	turn    chan struct{} // one invocation at a time: one emulator runs one function
	now     func() time.Time
	newID   func() string
}

// New returns a Handler that sends requests to inv and logs one line per
// request to log (nil: slog.Default()).
func New(inv Invoker, log *slog.Logger) *Handler {
	if log == nil {
		log = slog.Default()
	}
	return &Handler{invoker: inv, log: log, turn: make(chan struct{}, 1), now: time.Now, newID: newRequestID}
}

// ServeHTTP routes r the way the HTTP API does: GET and OPTIONS on Path reach
// the function, anything else is API Gateway's own 404.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != Path || !methods[r.Method] {
		writeGatewayError(w, http.StatusNotFound, "Not Found")
		return
	}
	id := h.newID()
	event, err := buildEvent(r, id, h.now())
	if err != nil {
		h.log.Warn("devserver: read request", "request_id", id, "err", err)
		writeGatewayError(w, http.StatusRequestEntityTooLarge, "Request Entity Too Large")
		return
	}
	resp, body, err := h.invoke(r.Context(), event)
	if err != nil {
		h.log.Error("devserver: invoke", "request_id", id, "err", err)
		writeGatewayError(w, http.StatusInternalServerError, "Internal Server Error")
		return
	}
	h.log.Info("devserver", "request_id", id, "method", r.Method, "path", r.URL.Path, "status", resp.StatusCode)
	writeResponse(w, resp, body)
}

// invoke waits for its turn, then sends event to the function. It returns
// the function's response and its body, decoded.
func (h *Handler) invoke(ctx context.Context, event []byte) (events.APIGatewayV2HTTPResponse, []byte, error) {
	select {
	case h.turn <- struct{}{}:
	case <-ctx.Done():
		return events.APIGatewayV2HTTPResponse{}, nil, ctx.Err()
	}
	defer func() { <-h.turn }()
	resp, err := h.invoker.Respond(ctx, event)
	if err != nil {
		return resp, nil, err
	}
	body, err := ResponseBody(resp)
	return resp, body, err
}

// writeGatewayError answers as API Gateway does when it, not the function,
// refuses a request: {"message": "..."}.
func writeGatewayError(w http.ResponseWriter, status int, message string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"message": message})
}
