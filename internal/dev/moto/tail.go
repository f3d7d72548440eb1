package moto

import (
	"bytes"
	"strings"
	"sync"
)

// tail is an io.Writer that keeps the last lines written to it, so a failed
// start can show what moto_server said.
type tail struct {
	mu    sync.Mutex
	max   int
	lines []string
	part  []byte // an unfinished last line
}

func newTail(max int) *tail { return &tail{max: max} }

// Write records p, keeping at most t.max complete lines.
func (t *tail) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.part = append(t.part, p...)
	for {
		i := bytes.IndexByte(t.part, '\n')
		if i < 0 {
			break
		}
		t.lines = append(t.lines, string(t.part[:i]))
		t.part = t.part[i+1:]
	}
	if n := len(t.lines) - t.max; n > 0 {
		t.lines = append([]string(nil), t.lines[n:]...)
	}
	return len(p), nil
}

// String returns the kept lines, and any unfinished one, joined by newlines.
func (t *tail) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	lines := t.lines
	if len(t.part) > 0 {
		lines = append(lines[:len(lines):len(lines)], string(t.part))
	}
	return strings.Join(lines, "\n")
}
