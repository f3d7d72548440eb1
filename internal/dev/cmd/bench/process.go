package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/aimcards/customer-access-token/internal/dev/devutil"
)

// process is a running bootstrap.
type process struct {
	cmd    *exec.Cmd
	start  time.Time // just before exec
	out    *devutil.Tail
	ctx    context.Context // ends when the process exits
	cancel context.CancelCauseFunc
}

// startProcess execs bin with env, inside g when g is not nil: a shell joins
// the group, waits, and is released to exec bin once the move is done, so the
// start is taken just before that exec. The returned process's context ends,
// with the exit status and the last output as its cause, when the process exits.
func startProcess(ctx context.Context, bin string, env []string, g *cpuGroup) (*process, error) {
	p := &process{cmd: exec.Command(bin), out: devutil.NewTail(40)}
	var release io.WriteCloser
	if g != nil {
		p.cmd = exec.Command("/bin/sh", "-c", `read -r go && exec "$0"`, bin)
		var err error
		if release, err = p.cmd.StdinPipe(); err != nil {
			return nil, err
		}
	}
	p.cmd.Env = env
	p.cmd.Stdout, p.cmd.Stderr = p.out, p.out
	p.ctx, p.cancel = context.WithCancelCause(ctx)
	p.start = time.Now()
	if err := p.cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", bin, err)
	}
	go func() {
		err := p.cmd.Wait()
		p.cancel(fmt.Errorf("bootstrap exited (%v); last output:\n%s", err, p.out.String()))
	}()
	if g != nil {
		err := g.join(p.cmd.Process.Pid)
		p.start = time.Now()
		if err == nil {
			_, err = release.Write([]byte("go\n"))
		}
		release.Close() //nolint:errcheck // the shell has read its line or is killed below.
		if err != nil {
			p.kill()
			return nil, err
		}
	}
	return p, nil
}

// stop freezes the process as Lambda freezes an idle environment.
func (p *process) stop() error { return p.cmd.Process.Signal(syscall.SIGSTOP) }

// resume thaws a stopped process.
func (p *process) resume() error { return p.cmd.Process.Signal(syscall.SIGCONT) }

// kill ends the process and waits for it to be gone.
func (p *process) kill() {
	p.cmd.Process.Kill() //nolint:errcheck // it may have exited already.
	<-p.ctx.Done()
}

// cpu is the user and system CPU time of the process, once it has ended.
func (p *process) cpu() time.Duration {
	if st := p.cmd.ProcessState; st != nil {
		return st.UserTime() + st.SystemTime()
	}
	return 0
}

// peakRSS reads VmHWM, the resident set's high-water mark, in bytes.
func (p *process) peakRSS() (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", p.cmd.Process.Pid))
	if err != nil {
		return 0, fmt.Errorf("peak RSS: %w", err)
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			if err != nil {
				return 0, fmt.Errorf("peak RSS: %q: %w", v, err)
			}
			return kb * 1024, nil
		}
	}
	return 0, fmt.Errorf("peak RSS: no VmHWM in /proc/%d/status", p.cmd.Process.Pid)
}
