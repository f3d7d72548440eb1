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

// TestOutputWrittenAsMade checks what one invocation puts on stdout: the
// invocation line, then the metric record, each in its own write as it is
// made, and no secret.
func TestOutputWrittenAsMade(t *testing.T) {
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
			metrics, err := emf.New(emf.Options{Out: &w})
			if err != nil {
				t.Fatal(err)
			}
			h := testHandler(tc.keys, &fakeAIM{}, &bytes.Buffer{}, func(o *Options) {
				o.Logger, o.Metrics = slog.New(slog.NewJSONHandler(&w, nil)), metrics
			})
			invoke(t, h, eventFile(t, "httpapi-add-customer-card.json"))
			n := len(w.pieces)
			if n < 2 || !strings.Contains(w.pieces[n-2], `"msg":"invocation"`) || !strings.HasPrefix(w.pieces[n-1], `{"_aws"`) {
				t.Errorf("got writes %q, want the invocation line then the metric record, one write each", w.pieces)
			}
			assertNoSecrets(t, strings.Join(w.pieces, ""))
		})
	}
}
