package moto

import "syscall"

// sysProcAttr puts moto_server in its own process group, and asks the kernel
// to kill it if the test binary dies without calling Stop.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}
