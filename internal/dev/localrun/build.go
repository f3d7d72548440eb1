// Package localrun runs the function the way `sam local invoke` does, with no
// AWS account and no Docker: moto_server holds the ApiKey secret, the AIM
// sandbox serves on loopback, and the real bootstrap runs under the Lambda
// Runtime Interface Emulator.
package localrun

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
)

// FunctionPackage is the function's main package.
const FunctionPackage = "github.com/aimcards/customer-access-token/functions/customer-access-token"

// SyntheticPackage is the deploy gate's and outside-in check's main package.
const SyntheticPackage = "github.com/aimcards/customer-access-token/functions/synthetic-check"

// Build compiles the function for this host into dir/bootstrap, as the
// provided.al2023 runtime expects it (static, -tags lambda.norpc), and
// returns its path. It must run inside the module's checkout.
func Build(ctx context.Context, dir string) (bootstrapPath string, err error) {
	return BuildPackage(ctx, dir, FunctionPackage)
}

// BuildPackage compiles the main package pkg as Build does, with any more
// build tags (the synthetic check's synthetic_fault), into dir/bootstrap.
func BuildPackage(ctx context.Context, dir, pkg string, tags ...string) (bootstrapPath string, err error) {
	out := filepath.Join(dir, "bootstrap")
	cmd := exec.CommandContext(ctx, "go", "build", "-tags", strings.Join(append([]string{"lambda.norpc"}, tags...), ","), "-trimpath", "-o", out, pkg)
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS="+runtime.GOOS, "GOARCH="+runtime.GOARCH)
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stderr, &stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("localrun: build %s: %w\n%s", pkg, err, strings.TrimSpace(stderr.String()))
	}
	return out, nil
}
