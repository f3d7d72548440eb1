//go:build unix

package moto

import (
	"errors"
	"os/exec"
	"syscall"
)

// killGroup kills the process group led by cmd's process, so that whatever
// moto_server's launcher (a pyenv shim, a venv script) started goes too.
func killGroup(cmd *exec.Cmd) error {
	err := syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	if errors.Is(err, syscall.ESRCH) {
		return nil // already gone
	}
	return err
}
