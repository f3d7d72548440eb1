//go:build unix && !linux

package moto

import "syscall"

// sysProcAttr puts moto_server in its own process group.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true}
}
