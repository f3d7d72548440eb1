package devutil_test

import (
	"context"
	"testing"
	"time"

	"github.com/aimcards/customer-access-token/internal/dev/devutil"
)

func TestSleep(t *testing.T) {
	t.Parallel()
	ended, cancel := context.WithCancel(t.Context())
	cancel()
	tests := []struct {
		name string
		ctx  context.Context
		d    time.Duration
		want bool
	}{
		{"passes", t.Context(), time.Nanosecond, true},
		{"zero passes at once", t.Context(), 0, true},
		{"zero passes even when ctx ended", ended, 0, true},
		{"ctx ends first", ended, time.Hour, false},
	}
	for _, tt := range tests {
		if got := devutil.Sleep(tt.ctx, tt.d); got != tt.want {
			t.Errorf("%s: Sleep(%v): got %v, want %v", tt.name, tt.d, got, tt.want)
		}
	}
}
