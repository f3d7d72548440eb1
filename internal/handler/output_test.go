package handler

import (
	"bytes"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"github.com/aimcards/customer-access-token/internal/emf"
)

// writes records every Write it gets, as separate pieces.
type writes struct {
	mu     sync.Mutex
	pieces []string
}

func (w *writes) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.pieces = append(w.pieces, string(p))
	return len(p), nil
}

func TestOutputHoldsAnInvocationsLines(t *testing.T) {
	t.Parallel()
	var w writes
	o := NewOutput(&w)
	o.Write([]byte("init\n"))
	if len(w.pieces) != 1 {
		t.Fatalf("outside an invocation: got %d writes, want 1 at once", len(w.pieces))
	}
	o.hold()
	o.Write([]byte("line\n"))
	o.Write([]byte("record\n"))
	if len(w.pieces) != 1 {
		t.Fatalf("while holding: got %d writes, want none yet", len(w.pieces)-1)
	}
	o.release()
	if len(w.pieces) != 2 || w.pieces[1] != "line\nrecord\n" {
		t.Fatalf("got writes %q, want the two lines in one write", w.pieces)
	}
	o.release() // nothing held: no empty write
	if len(w.pieces) != 2 {
		t.Errorf("got %d writes after an empty release, want none", len(w.pieces)-2)
	}
	var nilOut *Output
	nilOut.hold()
	nilOut.release()
}

func TestOutputWritesWhatOutgrowsTheBound(t *testing.T) {
	t.Parallel()
	var w writes
	o := NewOutput(&w)
	o.hold()
	big := bytes.Repeat([]byte("x"), maxHeld)
	o.Write(big)
	o.Write([]byte("more\n"))
	if len(w.pieces) != 1 || len(w.pieces[0]) != maxHeld+5 {
		t.Fatalf("got %d writes, want the held %d bytes written once past the bound", len(w.pieces), maxHeld)
	}
	o.release()
	if len(w.pieces) != 1 {
		t.Errorf("got %d writes, want nothing left to write", len(w.pieces))
	}
}

// TestInvocationWritesOnce checks what one invocation puts on stdout: the
// log line and the metric record, in that order, in one write.
func TestInvocationWritesOnce(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		keys *fakeKeys
	}{
		{"redirect", &fakeKeys{key: testAPIKey}},
		{"unavailable", &fakeKeys{err: errors.New("sm down")}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var w writes
			out := NewOutput(&w)
			metrics, err := emf.New(emf.Options{Out: out})
			if err != nil {
				t.Fatal(err)
			}
			h := testHandler(tc.keys, &fakeAIM{}, &bytes.Buffer{}, func(o *Options) {
				o.Logger, o.Metrics, o.Output = slog.New(slog.NewJSONHandler(out, nil)), metrics, out
			})
			invoke(t, h, eventFile(t, "httpapi-add-customer-card.json"))
			if len(w.pieces) != 1 {
				t.Fatalf("got %d writes, want 1: %q", len(w.pieces), w.pieces)
			}
			lines := strings.Split(strings.TrimSuffix(w.pieces[0], "\n"), "\n")
			if len(lines) < 2 || !strings.Contains(lines[len(lines)-2], `"msg":"invocation"`) || !strings.HasPrefix(lines[len(lines)-1], `{"_aws"`) {
				t.Errorf("got %q, want the invocation line then the metric record", w.pieces[0])
			}
			assertNoSecrets(t, w.pieces[0])
		})
	}
}
