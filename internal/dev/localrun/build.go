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

// Build compiles the function for this host into dir/bootstrap, as the
// provided.al2023 runtime expects it (static, -tags lambda.norpc), and
// returns its path. It must run inside the module's checkout.
func Build(ctx context.Context, dir string) (bootstrapPath string, err error) {
	out := filepath.Join(dir, "bootstrap")
	cmd := exec.CommandContext(ctx, "go", "build", "-tags", "lambda.norpc", "-trimpath", "-o", out, FunctionPackage)
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS="+runtime.GOOS, "GOARCH="+runtime.GOARCH)
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stderr, &stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("localrun: build %s: %w\n%s", FunctionPackage, err, strings.TrimSpace(stderr.String()))
	}
	return out, nil
}
