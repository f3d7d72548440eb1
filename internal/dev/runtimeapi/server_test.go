package runtimeapi

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// runtime is a tiny Runtime API client, playing the part aws-lambda-go plays in a bootstrap.
type runtime struct {
	t    *testing.T
	base string
}

func newRuntime(t *testing.T, s *Server) *runtime {
	return &runtime{t: t, base: "http://" + s.Addr() + "/2018-06-01/runtime/"}
}

// next asks for an event and returns its headers and payload.
func (r *runtime) next() (http.Header, []byte) {
	resp, err := http.Get(r.base + "invocation/next")
	if err != nil {
		r.t.Errorf("next: %v", err)
		return nil, nil
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		r.t.Errorf("next: got status %d, want 200", resp.StatusCode)
	}
	return resp.Header, body
}

// post sends body to path (relative to the runtime base) and returns the status code.
func (r *runtime) post(path string, header http.Header, body string) int {
	req, _ := http.NewRequest(http.MethodPost, r.base+path, strings.NewReader(body))
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		r.t.Errorf("post %s: %v", path, err)
		return 0
	}
	resp.Body.Close()
	return resp.StatusCode
}

func startServer(t *testing.T, opts Options) *Server {
	t.Helper()
	s, err := Start(opts)
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func testContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func TestInvokeAnswers(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		path     string
		header   http.Header
		body     string
		wantBody []byte
		wantErr  *FunctionError
	}{
		{name: "response", path: "response", body: `{"statusCode":302}`, wantBody: []byte(`{"statusCode":302}`)},
		{
			name:    "error with type header",
			path:    "error",
			header:  http.Header{HeaderErrorType: {"Runtime.Boom"}},
			body:    `{"errorMessage":"boom","errorType":"ignored"}`,
			wantErr: &FunctionError{Type: "Runtime.Boom", Message: "boom"},
		},
		{
			name:    "error with type in body",
			path:    "error",
			body:    `{"errorMessage":"boom","errorType":"errorString"}`,
			wantErr: &FunctionError{Type: "errorString", Message: "boom"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := startServer(t, Options{})
			rt := newRuntime(t, s)
			done := make(chan struct{})
			t.Cleanup(func() { <-done })
			go func() {
				defer close(done)
				h, payload := rt.next()
				if got, want := string(payload), `{"n":1}`; got != want {
					t.Errorf("payload: got %s, want %s", got, want)
				}
				if got := rt.post("invocation/"+h.Get(HeaderRequestID)+"/"+tt.path, tt.header, tt.body); got != http.StatusAccepted {
					t.Errorf("post: got status %d, want 202", got)
				}
			}()
			res, err := s.Invoke(testContext(t), []byte(`{"n":1}`))
			if err != nil {
				t.Fatalf("Invoke: %v", err)
			}
			if diff := cmp.Diff(tt.wantBody, res.Body); diff != "" {
				t.Errorf("body (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantErr, res.Err); diff != "" {
				t.Errorf("error (-want +got):\n%s", diff)
			}
			if res.HandedOut.IsZero() || res.Answered.Before(res.HandedOut) {
				t.Errorf("got HandedOut %v, Answered %v, want hand-out then answer", res.HandedOut, res.Answered)
			}
		})
	}
}

func TestNextHeaders(t *testing.T) {
	// Not parallel: it bounds the deadline by the clock.
	const arn = "arn:aws:lambda:eu-west-1:123456789012:function:x"
	s := startServer(t, Options{FunctionARN: arn, Timeout: 3 * time.Second})
	rt := newRuntime(t, s)
	p := s.Enqueue([]byte(`{}`))
	before := time.Now()
	h, _ := rt.next()
	if got, want := h.Get(HeaderRequestID), p.RequestID(); got != want {
		t.Errorf("request id: got %q, want %q", got, want)
	}
	if got := h.Get(HeaderInvokedFunctionARN); got != arn {
		t.Errorf("function ARN: got %q, want %q", got, arn)
	}
	if h.Get(HeaderTraceID) == "" {
		t.Errorf("trace id: got none, want one")
	}
	ms, err := strconv.ParseInt(h.Get(HeaderDeadlineMS), 10, 64)
	if err != nil {
		t.Fatalf("deadline %q: %v", h.Get(HeaderDeadlineMS), err)
	}
	deadline := time.UnixMilli(ms)
	if deadline.Before(before.Add(2*time.Second)) || deadline.After(time.Now().Add(3*time.Second)) {
		t.Errorf("deadline: got %v, want about 3 s after %v", deadline, before)
	}
}

func TestEventsQueuedBeforeNextAreHandedOutInOrder(t *testing.T) {
	t.Parallel()
	var handed []string
	s := startServer(t, Options{HandOut: func(id string) { handed = append(handed, id) }})
	var ps []*Pending
	for _, ev := range []string{"a", "b", "c"} {
		ps = append(ps, s.Enqueue([]byte(ev)))
	}
	rt := newRuntime(t, s)
	var got []string
	for range ps {
		h, payload := rt.next()
		got = append(got, string(payload))
		rt.post("invocation/"+h.Get(HeaderRequestID)+"/response", nil, strings.ToUpper(string(payload)))
	}
	if diff := cmp.Diff([]string{"a", "b", "c"}, got); diff != "" {
		t.Errorf("payloads (-want +got):\n%s", diff)
	}
	for i, p := range ps {
		res, err := p.Wait(testContext(t))
		if err != nil {
			t.Fatalf("Wait %d: %v", i, err)
		}
		if want := []byte(strings.ToUpper(got[i])); !bytes.Equal(res.Body, want) {
			t.Errorf("answer %d: got %s, want %s", i, res.Body, want)
		}
		if handed[i] != p.RequestID() {
			t.Errorf("HandOut %d: got %s, want %s", i, handed[i], p.RequestID())
		}
	}
}

func TestWaitNextReportsInitEnd(t *testing.T) {
	t.Parallel()
	s := startServer(t, Options{})
	rt := newRuntime(t, s)
	start := time.Now()
	go func() {
		// The server closes this long poll at cleanup; its outcome is not the point here.
		if resp, err := http.Get(rt.base + "invocation/next"); err == nil {
			resp.Body.Close()
		}
	}()
	at, err := s.WaitNext(testContext(t))
	if err != nil {
		t.Fatalf("WaitNext: %v", err)
	}
	if at.Before(start) || at.After(time.Now()) {
		t.Errorf("got first next at %v, want between %v and now", at, start)
	}
}

func TestWaitNextFailsOnInitError(t *testing.T) {
	t.Parallel()
	s := startServer(t, Options{})
	rt := newRuntime(t, s)
	hdr := http.Header{HeaderErrorType: {"Runtime.ConfigInvalid"}}
	if got := rt.post("init/error", hdr, `{"errorMessage":"bad config"}`); got != http.StatusAccepted {
		t.Errorf("init error: got status %d, want 202", got)
	}
	_, err := s.WaitNext(testContext(t))
	var fe *FunctionError
	if !errors.As(err, &fe) || fe.Type != "Runtime.ConfigInvalid" || fe.Message != "bad config" {
		t.Errorf("got %v, want the init error Runtime.ConfigInvalid: bad config", err)
	}
}

func TestAnswerForUnknownRequestIsRefused(t *testing.T) {
	t.Parallel()
	s := startServer(t, Options{})
	rt := newRuntime(t, s)
	queued := s.Enqueue([]byte(`{}`)) // queued but not handed out: not answerable yet
	for _, id := range []string{"nope", queued.RequestID()} {
		if got := rt.post("invocation/"+id+"/response", nil, `{}`); got != http.StatusBadRequest {
			t.Errorf("answer for %s: got status %d, want 400", id, got)
		}
	}
}

func TestCloseEndsWaits(t *testing.T) {
	t.Parallel()
	s := startServer(t, Options{})
	p := s.Enqueue([]byte(`{}`))
	s.Close()
	if _, err := p.Wait(testContext(t)); !errors.Is(err, ErrClosed) {
		t.Errorf("Wait: got %v, want ErrClosed", err)
	}
	if _, err := s.WaitNext(testContext(t)); !errors.Is(err, ErrClosed) {
		t.Errorf("WaitNext: got %v, want ErrClosed", err)
	}
}
