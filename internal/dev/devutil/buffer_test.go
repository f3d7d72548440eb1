package devutil_test

import (
	"strings"
	"sync"
	"testing"

	"github.com/aimcards/customer-access-token/internal/dev/devutil"
)

func TestBufferKeepsEveryWrite(t *testing.T) {
	t.Parallel()
	var b devutil.Buffer
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 100 {
				if n, err := b.Write([]byte("ab\n")); n != 3 || err != nil {
					t.Errorf("Write: got %d, %v; want 3, nil", n, err)
				}
			}
		})
	}
	wg.Wait()
	if got, want := b.String(), strings.Repeat("ab\n", 800); got != want {
		t.Errorf("got %d bytes, want %d bytes of whole lines", len(got), len(want))
	}
}
