package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
)

// Lambda gives a function CPU in proportion to its memory: 1,769 MB is one vCPU.
const (
	mbPerVCPU     = 1769
	cfsPeriodUS   = 100_000
	minCFSQuotaUS = 1000 // the kernel's smallest quota is 1 ms
)

// cpuRoot is where the cgroup v1 cpu controller is mounted.
const cpuRoot = "/sys/fs/cgroup/cpu"

// cpuScale scales every quota (-cpu-scale), so that a machine faster than
// Lambda's CPU can be slowed to it: hello-world's init is the yardstick.
var cpuScale = 1.0

// cfsQuota is the CPU time, in µs per cfsPeriodUS, of a function of memoryMB.
func cfsQuota(memoryMB int) int {
	return max(int(cpuScale*float64(cfsPeriodUS*memoryMB/mbPerVCPU)), minCFSQuotaUS)
}

// cpuGroup is a cgroup v1 cpu group with Lambda's CPU share for one memory size.
type cpuGroup struct {
	dir string
}

// newCPUGroup makes root/name with the quota of memoryMB. It needs root and a
// cgroup v1 cpu controller; the error says which is missing.
func newCPUGroup(root, name string, memoryMB int) (*cpuGroup, error) {
	if _, err := os.Stat(filepath.Join(root, "cpu.cfs_quota_us")); err != nil {
		return nil, fmt.Errorf("CPU quota: no cgroup v1 cpu controller at %s: %w", root, err)
	}
	g := &cpuGroup{dir: filepath.Join(root, name)}
	if err := os.Mkdir(g.dir, 0o755); err != nil && !errors.Is(err, os.ErrExist) {
		return nil, fmt.Errorf("CPU quota (needs root): %w", err)
	}
	for file, v := range map[string]int{"cpu.cfs_period_us": cfsPeriodUS, "cpu.cfs_quota_us": cfsQuota(memoryMB)} {
		if err := os.WriteFile(filepath.Join(g.dir, file), []byte(strconv.Itoa(v)), 0o644); err != nil {
			g.remove()
			return nil, fmt.Errorf("CPU quota: %w", err)
		}
	}
	return g, nil
}

// join moves the process pid into the group. cgroup v1 has no way to start a
// process inside a group, and moving one takes 6-25 ms on this kernel (most of
// a hello-world's init): startProcess moves a shell that waits before it execs
// the bootstrap, so that the move is not timed and init is charged to the quota.
func (g *cpuGroup) join(pid int) error {
	if err := os.WriteFile(filepath.Join(g.dir, "cgroup.procs"), []byte(strconv.Itoa(pid)), 0o644); err != nil {
		return fmt.Errorf("CPU quota: join the group: %w", err)
	}
	return nil
}

// remove deletes the group; its processes must have ended.
func (g *cpuGroup) remove() {
	if g != nil {
		os.Remove(g.dir) //nolint:errcheck // a leftover empty group is harmless.
	}
}
