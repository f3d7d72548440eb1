package runtimeapi

import (
	"context"
	"fmt"
	"time"
)

// FunctionError is what a runtime reported on the error endpoints.
type FunctionError struct {
	// Type is the Lambda-Runtime-Function-Error-Type header, or errorType from the body.
	Type string
	// Message is errorMessage from the body.
	Message string
}

// Error implements error.
func (e *FunctionError) Error() string {
	return fmt.Sprintf("function error %s: %s", e.Type, e.Message)
}

// Result is the outcome of one event.
type Result struct {
	// RequestID is the event's Lambda-Runtime-Aws-Request-Id.
	RequestID string
	// HandedOut is when the event was given to the runtime's next request.
	HandedOut time.Time
	// Answered is when the runtime's answer had been read in full.
	Answered time.Time
	// Body is the response payload; nil when the runtime reported an error.
	Body []byte
	// Err is the error the runtime reported, if it did.
	Err *FunctionError
}

// Duration is the time from hand-out to answer.
func (r Result) Duration() time.Duration { return r.Answered.Sub(r.HandedOut) }

// Pending is an event that was queued and may not be answered yet.
type Pending struct {
	id      string
	payload []byte
	result  Result
	done    chan struct{}
	server  *Server
}

// RequestID is the id the event is handed out with.
func (p *Pending) RequestID() string { return p.id }

// Wait blocks until the event is answered, the server is closed or ctx is done.
func (p *Pending) Wait(ctx context.Context) (Result, error) {
	select {
	case <-p.done:
		return p.result, nil
	case <-p.server.closed:
		return Result{}, fmt.Errorf("wait %s: %w", p.id, ErrClosed)
	case <-ctx.Done():
		return Result{}, fmt.Errorf("wait %s: %w", p.id, ctx.Err())
	}
}

// Enqueue queues an event; the runtime's next request (waiting, or still to come)
// receives it. Events are handed out in order.
func (s *Server) Enqueue(payload []byte) *Pending {
	s.mu.Lock()
	s.seq++
	p := &Pending{
		id:      fmt.Sprintf("bench-%08d", s.seq),
		payload: payload,
		done:    make(chan struct{}),
		server:  s,
	}
	s.pending[p.id] = p
	s.mu.Unlock()
	s.queue <- p
	return p
}

// Invoke queues an event and waits for its answer.
func (s *Server) Invoke(ctx context.Context, payload []byte) (Result, error) {
	return s.Enqueue(payload).Wait(ctx)
}

// WaitNext blocks until the runtime first asks for an event, that is until its init is
// over, and returns when that request arrived. It fails when the runtime reported an
// init error instead.
func (s *Server) WaitNext(ctx context.Context) (time.Time, error) {
	select {
	case <-s.ready:
	case <-s.closed:
		return time.Time{}, fmt.Errorf("wait next: %w", ErrClosed)
	case <-ctx.Done():
		return time.Time{}, fmt.Errorf("wait next: %w", ctx.Err())
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.initErr != nil {
		return time.Time{}, fmt.Errorf("wait next: init failed: %w", s.initErr)
	}
	return s.firstNext, nil
}

// take removes a handed-out event by id, so that each is answered once.
func (s *Server) take(id string) *Pending {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.pending[id]
	if p == nil || p.result.HandedOut.IsZero() {
		return nil
	}
	delete(s.pending, id)
	return p
}
