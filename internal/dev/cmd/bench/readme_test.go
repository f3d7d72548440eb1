package main

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestReplaceSection(t *testing.T) {
	tests := []struct {
		name    string
		doc     string
		want    string
		wantErr error
	}{
		{
			name: "replaces the old table",
			doc:  "# T\n## Performance\n<!-- bench:begin -->\nold\n<!-- bench:end -->\nafter\n",
			want: "# T\n## Performance\n<!-- bench:begin -->\n| new |\n<!-- bench:end -->\nafter\n",
		},
		{
			name: "fills an empty section",
			doc:  "<!-- bench:begin --><!-- bench:end -->",
			want: "<!-- bench:begin -->\n| new |\n<!-- bench:end -->",
		},
		{name: "no markers", doc: "# T\n", wantErr: errNoMarkers},
		{name: "no end marker", doc: "<!-- bench:begin -->\nold\n", wantErr: errNoMarkers},
		{name: "end before begin", doc: "<!-- bench:end --> <!-- bench:begin -->", wantErr: errNoMarkers},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := replaceSection(tt.doc, "\n| new |\n\n")
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("got error %v, want %v", err, tt.wantErr)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("README (-want +got):\n%s", diff)
			}
		})
	}
}

func TestUpdateREADMELeavesAFileWithoutMarkersAlone(t *testing.T) {
	path := filepath.Join(t.TempDir(), "README.md")
	const doc = "# Title\nno section here\n"
	if err := os.WriteFile(path, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := updateREADME(path, "| table |"); err != nil {
		t.Fatalf("got %v, want a note and no error", err)
	}
	b, _ := os.ReadFile(path)
	if string(b) != doc {
		t.Errorf("got %q, want the file unchanged", b)
	}
}
