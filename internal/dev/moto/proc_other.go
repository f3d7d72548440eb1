//go:build !unix

package moto

import (
	"os/exec"
	"syscall"
)

// sysProcAttr has nothing to set where process groups are not available.
func sysProcAttr() *syscall.SysProcAttr { return nil }

// killGroup kills moto_server itself.
func killGroup(cmd *exec.Cmd) error { return cmd.Process.Kill() }
