package rie_test

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aimcards/customer-access-token/internal/dev/rie"
)

// writeFile creates name in dir with the given mode and returns its path.
func writeFile(t *testing.T, dir, name string, mode os.FileMode) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte("#!/bin/sh\n"), mode); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestFind(t *testing.T) {
	gobin, onPath, empty := t.TempDir(), t.TempDir(), t.TempDir()
	inGOBIN := writeFile(t, gobin, "aws-lambda-rie", 0o755)
	inPath := writeFile(t, onPath, "aws-lambda-rie", 0o755)
	explicit := writeFile(t, t.TempDir(), "my-rie", 0o755)
	notExec := writeFile(t, t.TempDir(), "aws-lambda-rie", 0o644)
	for _, tt := range []struct {
		name                string
		rieBin, goBin, path string
		want                string // empty: want exec.ErrNotFound
	}{
		{"RIE_BIN wins", explicit, gobin, onPath, explicit},
		{"GOBIN before PATH", "", gobin, onPath, inGOBIN},
		{"PATH last", "", empty, onPath, inPath},
		{"nowhere", "", empty, empty, ""},
		{"RIE_BIN not executable", notExec, gobin, onPath, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("RIE_BIN", tt.rieBin)
			t.Setenv("GOBIN", tt.goBin)
			t.Setenv("PATH", tt.path)
			got, err := rie.Find()
			if tt.want != "" {
				if err != nil || got != tt.want {
					t.Errorf("got %q, %v, want %q", got, err, tt.want)
				}
				return
			}
			if !errors.Is(err, exec.ErrNotFound) {
				t.Fatalf("got %q, %v, want an error wrapping exec.ErrNotFound", got, err)
			}
			if tt.rieBin == "" && !strings.Contains(err.Error(), rie.InstallHint) {
				t.Errorf("got error %q, want it to say %q", err, rie.InstallHint)
			}
		})
	}
}
