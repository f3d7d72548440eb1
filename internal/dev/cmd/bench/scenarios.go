package main

import (
	"context"
	"fmt"
	"os"
	"sync/atomic"
	"time"

	"github.com/aimcards/customer-access-token/internal/dev/aimsandbox"
	"github.com/aimcards/customer-access-token/internal/dev/runtimeapi"
)

// lambdaSize is the memory size a process runs as, and whether it runs under the
// CPU quota of that size.
type lambdaSize struct {
	memoryMB int
	quota    bool
}

// charges are what the proxies charge per TCP round trip; the zero value charges
// none.
type charges struct{ aim, aws time.Duration }

// session is one bootstrap process with its own Runtime API. AIM's hosts are the
// run's (see upstreams.aimHosts): what they count is the session's from begin on.
type session struct {
	up        *upstreams
	aim       *aimHosts
	api       *runtimeapi.Server
	proc      *process
	cpu       *cpuGroup // nil: full CPU
	thaw      func()    // set before an event is queued; runs when it is handed out
	first     *runtimeapi.Pending
	base      hostTally // what the proxies had counted when the session began
	baseWork  hostWork  // what the servers had counted when the session began
	gets      int       // GetSecretValue calls when the session began
	endpoints int       // GetEndPoint calls when the session began
}

// begin starts a session whose connections are charged c. When queued is not nil
// it is queued before exec, so the process finds it at its first next.
func begin(ctx context.Context, up *upstreams, bin string, sz lambdaSize, c charges, queued []byte) (*session, error) {
	if err := up.clearHint(ctx); err != nil {
		return nil, err
	}
	aim, err := up.aimHosts()
	if err != nil {
		return nil, err
	}
	s := &session{up: up, aim: aim, gets: up.secretGets(), endpoints: aim.sb.Calls(aimsandbox.OpGetEndPoint)}
	s.base, s.baseWork = s.counted()
	up.aws.rt.setRTT(c.aws)
	s.aim.charge(c.aim)
	s.api, err = runtimeapi.Start(runtimeapi.Options{HandOut: func(string) {
		if s.thaw != nil {
			s.thaw()
		}
	}})
	if err != nil {
		return nil, err
	}
	if queued != nil {
		s.first = s.api.Enqueue(queued)
	}
	if sz.quota {
		// A group of its own, so that the process starts with a full quota as a
		// new environment does, whatever the one before it used.
		if s.cpu, err = newCPUGroup(cpuRoot, fmt.Sprintf("bench-%d-%d", os.Getpid(), groupSeq.Add(1)), sz.memoryMB); err != nil {
			s.api.Close()
			return nil, err
		}
	}
	env := up.env(s.api.Addr(), s.aim.service.url(), sz.memoryMB)
	if s.proc, err = startProcess(ctx, bin, env, s.cpu); err != nil {
		s.cpu.remove()
		s.api.Close()
		return nil, err
	}
	return s, nil
}

// groupSeq numbers the CPU groups of this process.
var groupSeq atomic.Int64

// end kills the process, stops the session's Runtime API and cuts what is left
// of its connections to AIM's hosts.
func (s *session) end() {
	s.proc.kill()
	s.cpu.remove()
	s.api.Close()
	s.aim.cut()
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

// hostWork is what the servers counted per upstream host.
type hostWork struct{ service, store, aws work }

// served is what the servers counted since the session began.
func (s *session) served() hostWork {
	_, w := s.counted()
	return hostWork{w.service.sub(s.baseWork.service), w.store.sub(s.baseWork.store), w.aws.sub(s.baseWork.aws)}
}

// hostTally is what the proxies counted per upstream host.
type hostTally struct{ service, store, aws tally }

// tallies is what the proxies counted since the session began.
func (s *session) tallies() hostTally {
	t, _ := s.counted()
	return t.sub(s.base)
}

// endpointCalls is how many GetEndPoint calls AIM's service host answered since
// the session began.
func (s *session) endpointCalls() int { return s.aim.sb.Calls(aimsandbox.OpGetEndPoint) - s.endpoints }

// counted is what the proxies and the servers of the session's hosts counted so far.
func (s *session) counted() (hostTally, hostWork) {
	a, aws := s.aim, s.up.aws
	return hostTally{a.service.rt.tally(), a.store.rt.tally(), aws.rt.tally()},
		hostWork{a.service.served.work(), a.store.served.work(), aws.served.work()}
}

// sub is what was counted since u.
func (t hostTally) sub(u hostTally) hostTally {
	return hostTally{t.service.sub(u.service), t.store.sub(u.store), t.aws.sub(u.aws)}
}
