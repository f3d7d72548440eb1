package runtimeapi

import (
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"time"
)

// errorBody is the JSON a runtime posts to the error endpoints.
type errorBody struct {
	ErrorMessage string `json:"errorMessage"`
	ErrorType    string `json:"errorType"`
}

func (s *Server) handleNext(w http.ResponseWriter, r *http.Request) {
	s.markNext(time.Now())
	select {
	case p := <-s.queue:
		s.handOut(w, p)
	case <-r.Context().Done():
	case <-s.closed:
		http.Error(w, "server closed", http.StatusGone)
	}
}

// markNext records the first next request, which ends the runtime's init.
func (s *Server) markNext(at time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.firstNext.IsZero() && s.initErr == nil {
		s.firstNext = at
		close(s.ready)
	}
}

func (s *Server) handOut(w http.ResponseWriter, p *Pending) {
	s.mu.Lock()
	p.result.RequestID = p.id
	p.result.HandedOut = time.Now()
	deadline := p.result.HandedOut.Add(s.opts.Timeout)
	s.mu.Unlock()
	if s.opts.HandOut != nil {
		s.opts.HandOut(p.id)
	}
	h := w.Header()
	h.Set(HeaderRequestID, p.id)
	h.Set(HeaderDeadlineMS, strconv.FormatInt(deadline.UnixMilli(), 10))
	h.Set(HeaderInvokedFunctionARN, s.opts.FunctionARN)
	h.Set(HeaderTraceID, "Root=1-00000000-000000000000000000000000;Parent=0000000000000000;Sampled=0")
	h.Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	w.Write(p.payload) //nolint:errcheck // a broken runtime shows as an unanswered event.
}

func (s *Server) handleResponse(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	at := time.Now()
	if err != nil {
		http.Error(w, "read body", http.StatusBadRequest)
		return
	}
	s.finish(w, r.PathValue("id"), at, body, nil)
}

func (s *Server) handleError(w http.ResponseWriter, r *http.Request) {
	fe := readError(r)
	s.finish(w, r.PathValue("id"), time.Now(), nil, fe)
}

// finish answers the runtime and completes the pending event with the given id.
func (s *Server) finish(w http.ResponseWriter, id string, at time.Time, body []byte, fe *FunctionError) {
	p := s.take(id)
	if p == nil {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		io.WriteString(w, `{"errorMessage":"unknown request id","errorType":"InvalidRequestID"}`) //nolint:errcheck
		return
	}
	s.mu.Lock()
	p.result.Answered, p.result.Body, p.result.Err = at, body, fe
	s.mu.Unlock()
	w.WriteHeader(http.StatusAccepted)
	close(p.done)
}

func (s *Server) handleInitError(w http.ResponseWriter, r *http.Request) {
	fe := readError(r)
	s.mu.Lock()
	if s.firstNext.IsZero() && s.initErr == nil {
		s.initErr = fe
		close(s.ready)
	}
	s.mu.Unlock()
	w.WriteHeader(http.StatusAccepted)
}

// readError decodes an error post; a body that is not the usual JSON is kept as the message.
func readError(r *http.Request) *FunctionError {
	raw, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	var b errorBody
	if json.Unmarshal(raw, &b) != nil {
		b.ErrorMessage = string(raw)
	}
	fe := &FunctionError{Type: r.Header.Get(HeaderErrorType), Message: b.ErrorMessage}
	if fe.Type == "" {
		fe.Type = b.ErrorType
	}
	return fe
}
