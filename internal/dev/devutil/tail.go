package devutil

import (
	"bytes"
	"strings"
	"sync"
)

// Tail is an io.Writer that keeps only the last lines written to it, so an
// error can show what a child process said last. It is safe for several
// goroutines.
type Tail struct {
	mu    sync.Mutex
	max   int
	lines []string
	part  []byte // an unfinished last line
}

// NewTail returns a Tail that keeps the last lines complete lines.
func NewTail(lines int) *Tail { return &Tail{max: lines} }

// Write records p, keeping at most the last t.max complete lines.
func (t *Tail) Write(p []byte) (int, error) {
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
func (t *Tail) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	lines := t.lines
	if len(t.part) > 0 {
		lines = append(lines[:len(lines):len(lines)], string(t.part))
	}
	return strings.Join(lines, "\n")
}
