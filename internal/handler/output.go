package handler

import (
	"io"
	"sync"
)

// maxHeld bounds what Output holds during one invocation; past it, what is
// held is written at once rather than grow without end.
const maxHeld = 64 << 10

// Output is the function's standard output, shared by its log lines and its
// metric records. During an invocation it holds what is written and writes it
// in one piece when the invocation ends: one system call, and one wake-up of
// whatever reads the output, instead of one for each line. Outside an
// invocation (at init) every write goes out at once. It is safe for
// concurrent use.
type Output struct {
	mu      sync.Mutex
	w       io.Writer
	holding bool
	held    []byte
}

// NewOutput returns an Output writing to w.
func NewOutput(w io.Writer) *Output { return &Output{w: w} }

// Write writes p, or holds it until the invocation ends.
func (o *Output) Write(p []byte) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if !o.holding {
		return o.w.Write(p)
	}
	o.held = append(o.held, p...)
	if len(o.held) > maxHeld {
		return len(p), o.flushLocked()
	}
	return len(p), nil
}

// hold starts holding writes; release ends it. A nil Output does nothing.
func (o *Output) hold() {
	if o == nil {
		return
	}
	o.mu.Lock()
	o.holding = true
	o.mu.Unlock()
}

// release writes what was held, in one write, and stops holding.
func (o *Output) release() {
	if o == nil {
		return
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	o.holding = false
	// Like slog, a failed write to stdout is nobody's to handle.
	_ = o.flushLocked()
}

func (o *Output) flushLocked() error {
	if len(o.held) == 0 {
		return nil
	}
	_, err := o.w.Write(o.held)
	o.held = o.held[:0]
	return err
}
