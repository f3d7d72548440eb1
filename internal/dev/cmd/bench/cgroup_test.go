package main

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

func TestCFSQuota(t *testing.T) {
	tests := []struct{ memoryMB, want int }{
		{128, 7235},         // 7.2 % of a CPU
		{1024, 57885},       // 57.9 %
		{1769, 100_000},     // one CPU
		{10240, 578_858},    // 5.8 CPUs
		{16, minCFSQuotaUS}, // below the kernel's minimum
	}
	for _, tt := range tests {
		if got := cfsQuota(tt.memoryMB); got != tt.want {
			t.Errorf("cfsQuota(%d): got %d, want %d", tt.memoryMB, got, tt.want)
		}
	}
}

// fakeCPURoot is a directory that looks like the cpu controller's root.
func fakeCPURoot(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	if err := os.WriteFile(filepath.Join(root, "cpu.cfs_quota_us"), []byte("-1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return root
}

func TestNewCPUGroupWritesPeriodAndQuota(t *testing.T) {
	g, err := newCPUGroup(fakeCPURoot(t), "g", 256)
	if err != nil {
		t.Fatal(err)
	}
	for file, want := range map[string]string{"cpu.cfs_period_us": "100000", "cpu.cfs_quota_us": "14471"} {
		b, err := os.ReadFile(filepath.Join(g.dir, file))
		if err != nil || string(b) != want {
			t.Errorf("%s: got %q, %v, want %q", file, b, err, want)
		}
	}
}

func TestNewCPUGroupWithoutController(t *testing.T) {
	if _, err := newCPUGroup(t.TempDir(), "g", 128); err == nil || !strings.Contains(err.Error(), "no cgroup v1 cpu controller") {
		t.Errorf("got %v, want an error naming the missing controller", err)
	}
}

// The process must be in the group before the bootstrap runs, so that its init
// is charged to the quota.
func TestStartProcessJoinsTheGroupBeforeExec(t *testing.T) {
	g := &cpuGroup{dir: t.TempDir()}
	bin := filepath.Join(t.TempDir(), "bootstrap")
	// In the place of the bootstrap, a script that prints its pid and what the group holds.
	script := "#!/bin/sh\necho $$ $(cat " + filepath.Join(g.dir, "cgroup.procs") + ")\n"
	if err := os.WriteFile(bin, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	p, err := startProcess(testContext(t), bin, nil, g)
	if err != nil {
		t.Fatal(err)
	}
	<-p.ctx.Done()
	pid := strconv.Itoa(p.cmd.Process.Pid)
	if got, want := strings.TrimSpace(p.out.String()), pid+" "+pid; got != want {
		t.Errorf("the bootstrap printed %q, want its pid twice (%q): it ran in the place of the shell, after the shell joined", got, want)
	}
}
