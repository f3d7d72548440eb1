package devutil

import (
	"errors"
	"os"
	"os/exec"
)

// MaySkip reports whether a test may skip rather than fail for err: err says
// a tool is not installed (it wraps exec.ErrNotFound) and the run is not CI.
// With CI=true a missing tool is a failure, never a skip.
func MaySkip(err error) bool {
	return errors.Is(err, exec.ErrNotFound) && os.Getenv("CI") != "true"
}
