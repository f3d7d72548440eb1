package main

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
)

// The packages that become bootstraps.
const (
	functionPkg = "./functions/customer-access-token"
	helloPkg    = "./internal/dev/cmd/helloworld"
	peerPkg     = "./internal/dev/cmd/peer"
)

// binaries are the bootstraps the benchmark runs and weighs.
type binaries struct {
	function, hello string // built for this machine
	peer            string // the per-click integration, built for this machine
	functionArm     size   // built for linux/arm64, as sam build makes it
	helloArm        size
}

// size is a bootstrap's raw and zipped size in bytes.
type size struct{ raw, zipped int64 }

// buildAll builds both bootstraps for this machine and for linux/arm64 into dir.
func buildAll(ctx context.Context, root, dir string) (binaries, error) {
	var b binaries
	b.function = filepath.Join(dir, "function", "bootstrap")
	b.hello = filepath.Join(dir, "hello", "bootstrap")
	b.peer = filepath.Join(dir, "peer", "bootstrap")
	for pkg, out := range map[string]string{functionPkg: b.function, helloPkg: b.hello, peerPkg: b.peer} {
		if err := build(ctx, root, pkg, out, runtime.GOOS, runtime.GOARCH); err != nil {
			return b, err
		}
	}
	var err error
	if b.functionArm, err = armSize(ctx, root, functionPkg, filepath.Join(dir, "function-arm64")); err != nil {
		return b, err
	}
	b.helloArm, err = armSize(ctx, root, helloPkg, filepath.Join(dir, "hello-arm64"))
	return b, err
}

// build runs go build with the flags of the template's Makefile build target.
func build(ctx context.Context, root, pkg, out, goos, goarch string) error {
	cmd := exec.CommandContext(ctx, "go", "build", "-tags", "lambda.norpc", "-trimpath",
		"-ldflags=-s -w", "-o", out, pkg)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "GOOS="+goos, "GOARCH="+goarch, "CGO_ENABLED=0")
	if msg, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("build %s for %s/%s: %w\n%s", pkg, goos, goarch, err, msg)
	}
	return nil
}

// armSize builds pkg for linux/arm64 and weighs it, raw and zipped.
func armSize(ctx context.Context, root, pkg, dir string) (size, error) {
	out := filepath.Join(dir, "bootstrap")
	if err := build(ctx, root, pkg, out, "linux", "arm64"); err != nil {
		return size{}, err
	}
	fi, err := os.Stat(out)
	if err != nil {
		return size{}, fmt.Errorf("size %s: %w", pkg, err)
	}
	z, err := zippedSize(out)
	return size{raw: fi.Size(), zipped: z}, err
}

// zippedSize is the size of a deflated zip holding the file as "bootstrap", as
// sam deploy uploads it.
func zippedSize(path string) (int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, fmt.Errorf("zip %s: %w", path, err)
	}
	defer f.Close()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, err := zw.CreateHeader(&zip.FileHeader{Name: "bootstrap", Method: zip.Deflate})
	if err == nil {
		_, err = io.Copy(w, f)
	}
	if err == nil {
		err = zw.Close()
	}
	if err != nil {
		return 0, fmt.Errorf("zip %s: %w", path, err)
	}
	return int64(buf.Len()), nil
}
