// Package runtimeapi is a Lambda Runtime API (version 2018-06-01) on loopback that
// hands events to one runtime process, one at a time, and times each step: when the
// process first asks for an event (the end of its init), when an event is handed out
// and when its answer arrives. It stands in for the Lambda service in benchmarks, with
// no AWS account and no emulator.
//
// See https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html.
package runtimeapi

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync"
	"time"
)

// Header names of the Runtime API, as aws-lambda-go spells them.
const (
	HeaderRequestID          = "Lambda-Runtime-Aws-Request-Id"
	HeaderDeadlineMS         = "Lambda-Runtime-Deadline-Ms"
	HeaderInvokedFunctionARN = "Lambda-Runtime-Invoked-Function-Arn"
	HeaderTraceID            = "Lambda-Runtime-Trace-Id"
	HeaderErrorType          = "Lambda-Runtime-Function-Error-Type"
)

// DefaultFunctionARN is the ARN handed out with every event unless Options says otherwise.
const DefaultFunctionARN = "arn:aws:lambda:us-east-1:000000000000:function:bench"

// ErrClosed is returned by waits that were cut short because the Server was closed.
var ErrClosed = errors.New("runtimeapi: server closed")

// Options tunes a Server. The zero value is usable.
type Options struct {
	// FunctionARN is sent in Lambda-Runtime-Invoked-Function-Arn; empty means DefaultFunctionARN.
	FunctionARN string
	// Timeout sets each event's deadline, counted from when it is handed out; zero means 30 s.
	Timeout time.Duration
	// HandOut, when set, is called after an event's HandedOut time is taken and before the
	// event is written to the runtime. The benchmark resumes a stopped process here, as
	// Lambda thaws an environment when an event arrives.
	HandOut func(requestID string)
}

// Server is a Runtime API for one runtime process. Create it with Start.
type Server struct {
	opts  Options
	ln    net.Listener
	srv   *http.Server
	queue chan *Pending

	mu        sync.Mutex
	pending   map[string]*Pending
	firstNext time.Time
	initErr   *FunctionError
	seq       int

	ready  chan struct{} // closed on the first next request or on an init error
	closed chan struct{}
	once   sync.Once
}

// Start listens on a free port of 127.0.0.1 and serves the Runtime API until Close.
func Start(opts Options) (*Server, error) {
	if opts.FunctionARN == "" {
		opts.FunctionARN = DefaultFunctionARN
	}
	if opts.Timeout <= 0 {
		opts.Timeout = 30 * time.Second
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("runtimeapi: listen: %w", err)
	}
	s := &Server{
		opts:    opts,
		ln:      ln,
		queue:   make(chan *Pending, 64),
		pending: make(map[string]*Pending),
		ready:   make(chan struct{}),
		closed:  make(chan struct{}),
	}
	// No read or write timeouts: a next request is a long poll that may wait for minutes.
	s.srv = &http.Server{Handler: s.routes(), ReadHeaderTimeout: 10 * time.Second}
	go s.srv.Serve(ln) //nolint:errcheck // Serve always returns ErrServerClosed after Close.
	return s, nil
}

// Addr is the host:port to give the runtime as AWS_LAMBDA_RUNTIME_API.
func (s *Server) Addr() string { return s.ln.Addr().String() }

// Close stops the server and ends every wait with ErrClosed.
func (s *Server) Close() error {
	s.once.Do(func() { close(s.closed) })
	return s.srv.Close()
}

func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /2018-06-01/runtime/invocation/next", s.handleNext)
	mux.HandleFunc("POST /2018-06-01/runtime/invocation/{id}/response", s.handleResponse)
	mux.HandleFunc("POST /2018-06-01/runtime/invocation/{id}/error", s.handleError)
	mux.HandleFunc("POST /2018-06-01/runtime/init/error", s.handleInitError)
	return mux
}
