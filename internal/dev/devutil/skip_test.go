package devutil_test

import (
	"errors"
	"fmt"
	"os/exec"
	"testing"

	"github.com/aimcards/customer-access-token/internal/dev/devutil"
)

func TestMaySkip(t *testing.T) {
	missing := fmt.Errorf("start: %w", exec.ErrNotFound)
	tests := []struct {
		name, ci string
		err      error
		want     bool
	}{
		{"missing tool outside CI", "", missing, true},
		{"missing tool in CI", "true", missing, false},
		{"other error outside CI", "", errors.New("boom"), false},
		{"no error", "", nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("CI", tt.ci)
			if got := devutil.MaySkip(tt.err); got != tt.want {
				t.Errorf("MaySkip(%v) with CI=%q: got %v, want %v", tt.err, tt.ci, got, tt.want)
			}
		})
	}
}
