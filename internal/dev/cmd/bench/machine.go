package main

import (
	"bufio"
	"fmt"
	"os"
	"runtime"
	"strings"
	"time"
)

// machine describes where the figures were taken.
type machine struct {
	cpu   string
	cores int
	goVer string
	date  string
	load  string // 1-minute load average when the run started
}

// String is the machine as one line of the report.
func (m machine) String() string {
	s := fmt.Sprintf("%s, %d cores, %s, %s", m.cpu, m.cores, m.goVer, m.date)
	if m.load != "" {
		s += ", load average " + m.load + " at start"
	}
	return s
}

// machineInfo reads the CPU model from /proc/cpuinfo and the Go toolchain this
// command (and so the bootstraps, built by the same go) runs with.
func machineInfo() machine {
	return machine{
		cpu:   cpuModel("/proc/cpuinfo"),
		cores: runtime.NumCPU(),
		goVer: runtime.Version() + " " + runtime.GOOS + "/" + runtime.GOARCH,
		date:  time.Now().UTC().Format(time.DateOnly),
		load:  loadAverage("/proc/loadavg"),
	}
}

// loadAverage is the 1-minute load average from a loadavg file, or "" if unknown.
// Other work on the machine shows in every figure, so the report says how busy it was.
func loadAverage(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	if f := strings.Fields(string(b)); len(f) > 0 {
		return f[0]
	}
	return ""
}

// cpuModel is the first "model name" (x86) or "Model" (arm) in a cpuinfo file.
func cpuModel(path string) string {
	f, err := os.Open(path)
	if err != nil {
		return "unknown CPU"
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		k = strings.TrimSpace(k)
		if ok && (k == "model name" || k == "Model") && strings.TrimSpace(v) != "" {
			return strings.Join(strings.Fields(v), " ")
		}
	}
	return "unknown CPU"
}
