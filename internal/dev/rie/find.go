// Package rie runs the AWS Lambda Runtime Interface Emulator, the program that
// `sam local invoke` runs inside its container, on loopback, and invokes the
// function it hosts.
package rie

import (
	"errors"
	"fmt"
	"go/build"
	"os"
	"os/exec"
	"path/filepath"
)

// Version is the pinned pseudo-version of the emulator (its tags are not semver).
const Version = "v0.0.0-20261030222936-bef5c4ba774d"

// Module is the package path that `go install` builds the emulator from.
const Module = "github.com/aws/aws-lambda-runtime-interface-emulator/cmd/aws-lambda-rie"

// binName is the name `go install` gives the emulator binary.
const binName = "aws-lambda-rie"

// InstallHint is the command that installs the pinned emulator.
const InstallHint = "go install " + Module + "@" + Version

// Find returns the path of the emulator binary: $RIE_BIN when set, else the
// binary in GOBIN (or the first GOPATH's bin), else the one on PATH. When none
// exists the error wraps exec.ErrNotFound and says how to install it.
func Find() (string, error) {
	if p := os.Getenv("RIE_BIN"); p != "" {
		if !isExecutable(p) {
			return "", fmt.Errorf("rie: find: RIE_BIN=%s is not an executable file: %w", p, exec.ErrNotFound)
		}
		return p, nil
	}
	for _, dir := range goBinDirs() {
		if p := filepath.Join(dir, binName); isExecutable(p) {
			return p, nil
		}
	}
	p, err := exec.LookPath(binName)
	if err == nil {
		return p, nil
	}
	if !errors.Is(err, exec.ErrNotFound) {
		err = fmt.Errorf("%w: %v", exec.ErrNotFound, err)
	}
	return "", fmt.Errorf("rie: find %s (run `make tools` or `%s`): %w", binName, InstallHint, err)
}

// goBinDirs lists where `go install` puts binaries: GOBIN, or GOPATH's first
// entry followed by /bin.
func goBinDirs() []string {
	if gobin := os.Getenv("GOBIN"); gobin != "" {
		return []string{gobin}
	}
	paths := filepath.SplitList(build.Default.GOPATH)
	if len(paths) == 0 || paths[0] == "" {
		return nil
	}
	return []string{filepath.Join(paths[0], "bin")}
}

// isExecutable reports whether p is a regular file with an execute bit.
func isExecutable(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.Mode().IsRegular() && fi.Mode().Perm()&0o111 != 0
}
