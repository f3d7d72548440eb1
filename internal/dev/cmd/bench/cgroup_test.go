package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
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

// The wrapper must join the group before exec, so that the process's init is charged.
func TestCommandJoinsTheGroupBeforeExec(t *testing.T) {
	g := &cpuGroup{dir: t.TempDir()}
	argv := g.command("/bin/sh")
	if got := (*cpuGroup)(nil).command("/bin/true"); !slices.Equal(got, []string{"/bin/true"}) {
		t.Errorf("no group: got %q, want the binary alone", got)
	}
	// The shell in the place of the bootstrap prints its pid: the same as the one written.
	cmd := exec.Command(argv[0], append(argv[1:], "-c", "echo $$")...)
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	procs, err := os.ReadFile(filepath.Join(g.dir, "cgroup.procs"))
	if err != nil {
		t.Fatal(err)
	}
	pid := strconv.Itoa(cmd.Process.Pid)
	if strings.TrimSpace(string(procs)) != pid || strings.TrimSpace(string(out)) != pid {
		t.Errorf("got %q in cgroup.procs and %q from the exec'd program, want the child's pid %s in both", procs, out, pid)
	}
}
