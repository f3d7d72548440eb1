package devutil_test

import (
	"testing"

	"github.com/aimcards/customer-access-token/internal/dev/devutil"
)

func TestTailKeepsLastLines(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		writes []string
		want   string
	}{
		{"empty", nil, ""},
		{"one line", []string{"a\n"}, "a"},
		{"split writes", []string{"he", "llo\nwor", "ld"}, "hello\nworld"},
		{"drops old lines", []string{"1\n2\n3\n4\n"}, "2\n3\n4"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tl := devutil.NewTail(3)
			for _, w := range tt.writes {
				if n, err := tl.Write([]byte(w)); n != len(w) || err != nil {
					t.Fatalf("Write(%q) = %d, %v; want %d, nil", w, n, err, len(w))
				}
			}
			if got := tl.String(); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}
