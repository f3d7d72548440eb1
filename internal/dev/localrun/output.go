package localrun

import (
	"bytes"
	"sync"
)

// Output collects what the emulator and the function print, written from
// several goroutines, so a run can be searched afterwards (for secrets that
// must never be printed, say). Pass it as Options.Output.
type Output struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

// Write implements io.Writer.
func (o *Output) Write(p []byte) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.buf.Write(p)
}

// String returns everything written so far.
func (o *Output) String() string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.buf.String()
}
