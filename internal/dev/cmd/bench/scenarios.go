package main

import (
	"context"
	"fmt"
	"time"

	"github.com/aimcards/customer-access-token/internal/dev/aimsandbox"
	"github.com/aimcards/customer-access-token/internal/dev/runtimeapi"
)

// session is one bootstrap process with its own Runtime API and AIM sandbox.
type session struct {
	up    *upstreams
	sb    *aimsandbox.Sandbox
	aim   *server
	times recorder
	api   *runtimeapi.Server
	proc  *process
	thaw  func() // set before an event is queued; runs when it is handed out
	first *runtimeapi.Pending
}

// begin starts a session with latency added to every upstream call. When queued is
// not nil it is queued before exec, so the process finds it at its first next.
func begin(ctx context.Context, up *upstreams, bin string, latency time.Duration, queued []byte) (*session, error) {
	s := &session{up: up}
	up.secrets.SetFault(0, "", latency)
	up.secretTimes.take(opGetSecretValue)
	s.sb = aimsandbox.New(aimsandbox.Config{APIKey: up.apiKey, AppID: appID, Latency: latency})
	var err error
	if s.aim, err = serve(timed{next: s.sb, times: &s.times, opOf: aimOp}, s.sb.ConnState); err != nil {
		return nil, err
	}
	s.api, err = runtimeapi.Start(runtimeapi.Options{HandOut: func(string) {
		if s.thaw != nil {
			s.thaw()
		}
	}})
	if err != nil {
		s.aim.close()
		return nil, err
	}
	if queued != nil {
		s.first = s.api.Enqueue(queued)
	}
	if s.proc, err = startProcess(ctx, bin, up.env(s.api.Addr(), s.aim.url)); err != nil {
		s.api.Close()
		s.aim.close()
		return nil, err
	}
	return s, nil
}

// end kills the process and stops the session's servers.
func (s *session) end() {
	s.proc.kill()
	s.api.Close()
	s.aim.close()
}

// invoke hands out ev and checks that the answer is a redirect.
func (s *session) invoke(ev []byte) (runtimeapi.Result, error) {
	res, err := s.api.Invoke(s.proc.ctx, ev)
	res, err = checked(s.proc.ctx, res, err)
	if err != nil {
		return res, fmt.Errorf("%w; the function's last log lines:\n%s", err, s.proc.out.String())
	}
	return res, nil
}

// checked turns a wait cut short by the process's exit, or a wrong answer, into an error.
func checked(ctx context.Context, res runtimeapi.Result, err error) (runtimeapi.Result, error) {
	if err != nil {
		if cause := context.Cause(ctx); cause != nil {
			return res, cause
		}
		return res, err
	}
	if res.Err != nil {
		return res, fmt.Errorf("runtime reported an error of type %s", res.Err.Type)
	}
	return res, checkAnswer(res.Body)
}

// initDone waits for the process's first next and returns its init time.
func (s *session) initDone() (time.Duration, error) {
	at, err := s.api.WaitNext(s.proc.ctx)
	if err != nil {
		if cause := context.Cause(s.proc.ctx); cause != nil {
			return 0, cause
		}
		return 0, err
	}
	return at.Sub(s.proc.start), nil
}

// upstreamOps are the upstream operations the function calls, in the order it needs them.
var upstreamOps = []string{opGetSecretValue, string(aimsandbox.OpGetEndPoint), string(aimsandbox.OpCustomerAccessToken)}

// upstreamCalls is how often each upstream operation was called, and its median
// duration measured at the server (one round trip on loopback).
type upstreamCalls struct {
	count     map[string]int
	roundTrip map[string]time.Duration
	total     time.Duration // all calls' durations added up
}

// takeCalls collects the upstream calls since the last take.
func (s *session) takeCalls() upstreamCalls {
	c := upstreamCalls{count: map[string]int{}, roundTrip: map[string]time.Duration{}}
	for _, op := range upstreamOps {
		var d []time.Duration
		if op == opGetSecretValue {
			d = s.up.secretTimes.take(op)
		} else {
			d = s.times.take(op)
		}
		c.count[op] = len(d)
		for _, x := range d {
			c.total += x
		}
		for _, x := range d {
			c.total += x
		}
		if len(d) > 0 {
			c.roundTrip[op] = percentile(d, 50)
		}
	}
	return c
}
