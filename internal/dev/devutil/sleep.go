package devutil

import (
	"context"
	"time"
)

// Sleep waits d or until ctx ends, whichever comes first; it reports whether
// d passed. A d of zero or less passes at once.
func Sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
