package main

import (
	"os"
	"path/filepath"
	"testing"
)

func TestCPUModel(t *testing.T) {
	tests := []struct{ name, cpuinfo, want string }{
		{"x86", "processor\t: 0\nmodel name\t: Intel(R)  Xeon(R) Processor\n", "Intel(R) Xeon(R) Processor"},
		{"arm", "processor\t: 0\nBogoMIPS\t: 243.75\nModel\t: Raspberry Pi 5\n", "Raspberry Pi 5"},
		{"none", "processor\t: 0\n", "unknown CPU"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "cpuinfo")
			if err := os.WriteFile(path, []byte(tt.cpuinfo), 0o644); err != nil {
				t.Fatal(err)
			}
			if got := cpuModel(path); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestLoadAverage(t *testing.T) {
	path := filepath.Join(t.TempDir(), "loadavg")
	if err := os.WriteFile(path, []byte("0.42 0.30 0.20 1/123 4567\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if got := loadAverage(path); got != "0.42" {
		t.Errorf("got %q, want 0.42", got)
	}
	if got := loadAverage(filepath.Join(t.TempDir(), "none")); got != "" {
		t.Errorf("missing file: got %q, want empty", got)
	}
}
