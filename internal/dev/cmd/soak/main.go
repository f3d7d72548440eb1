// Command soak sends many invocations through the Runtime Interface Emulator
// to one warm function against the AIM sandbox, a mix of good and bad
// requests, and reports the function process's peak RSS, open descriptors,
// threads and AIM connections at a checkpoint and at the end. It is a
// benchmark-style run (`make soak`), not a test: only the answers' statuses
// and the peak-RSS growth are checked.
package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/aimcards/customer-access-token/internal/dev/localrun"
)

// mix is the round-robin of requests: event file and the status it must get.
var mix = []struct {
	file   string
	status int
}{
	{"httpapi-add-customer-card.json", 302},
	{"httpapi-json.json", 200},
	{"rest-update-card.json", 302},
	{"httpapi-bad-mode.json", 400},
	{"httpapi-missing-token.json", 401},
	{"httpapi-expired-token.json", 401},
	{"httpapi-add-contract-card.json", 302},
	{"httpapi-preflight.json", 204},
	{"httpapi-method-post.json", 405},
	{"httpapi-unknown-card.json", 422},
	{"rest-cookie-token.json", 302},
	{"httpapi-long-token.json", 400},
}

func main() {
	n := flag.Int("n", 20000, "invocations")
	checkpoint := flag.Int("checkpoint", 1000, "invocation count of the first measurement")
	events := flag.String("events", "events", "folder of event files")
	maxGrowth := flag.Float64("max-growth", 0.10, "allowed peak RSS growth from the checkpoint to the end")
	flag.Parse()
	if err := run(*n, *checkpoint, *events, *maxGrowth); err != nil {
		fmt.Fprintln(os.Stderr, "soak:", err)
		os.Exit(1)
	}
}

func run(n, checkpoint int, dir string, maxGrowth float64) (err error) {
	payloads, err := load(dir)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	s, err := localrun.Start(ctx, localrun.Options{})
	cancel()
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, s.Close()) }()
	var rows []figures
	start := time.Now()
	var pid int
	for i := 1; i <= n; i++ {
		m := mix[i%len(mix)]
		a, err := s.Invoke(context.Background(), payloads[i%len(mix)])
		if err != nil {
			return fmt.Errorf("invocation %d (%s): %w", i, m.file, err)
		}
		if a.Status != m.status {
			return fmt.Errorf("invocation %d (%s): got status %d, want %d", i, m.file, a.Status, m.status)
		}
		if i == 1 {
			if pid, err = findProcess(s.Bootstrap); err != nil {
				return err
			}
		}
		if i == checkpoint || i == n {
			f, err := measure(pid, i, time.Since(start))
			if err != nil {
				return err
			}
			f.aimConns = s.Sandbox.Connections()
			rows = append(rows, f)
		}
	}
	printTable(rows, pid)
	if len(rows) == 2 && float64(rows[1].peakRSS) > float64(rows[0].peakRSS)*(1+maxGrowth) {
		return fmt.Errorf("peak RSS grew from %d kB to %d kB, more than %.0f%%", rows[0].peakRSS, rows[1].peakRSS, maxGrowth*100)
	}
	return nil
}

// load reads the mix's event files.
func load(dir string) ([][]byte, error) {
	out := make([][]byte, len(mix))
	for i, m := range mix {
		b, err := os.ReadFile(filepath.Join(dir, m.file))
		if err != nil {
			return nil, err
		}
		out[i] = b
	}
	return out, nil
}

// findProcess returns the pid of the process running the bootstrap at path:
// the emulator's child. The path is unique to the stack (a temporary
// directory), so no other process matches.
func findProcess(path string) (int, error) {
	dirs, err := os.ReadDir("/proc")
	if err != nil {
		return 0, err
	}
	for _, d := range dirs {
		pid, err := strconv.Atoi(d.Name())
		if err != nil {
			continue
		}
		if exe, err := os.Readlink(filepath.Join("/proc", d.Name(), "exe")); err == nil && exe == path {
			return pid, nil
		}
	}
	return 0, errors.New("no process runs " + path)
}

// figures are one measurement of the function process.
type figures struct {
	invocations int
	elapsed     time.Duration
	peakRSS     int64 // VmHWM, kB
	rss         int64 // VmRSS, kB
	threads     int64
	fds         int
	aimConns    int
}

// measure reads /proc/pid/status and counts /proc/pid/fd.
func measure(pid, invocations int, elapsed time.Duration) (figures, error) {
	f := figures{invocations: invocations, elapsed: elapsed}
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return f, err
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		k, v, _ := strings.Cut(sc.Text(), ":")
		num, _ := strconv.ParseInt(strings.Fields(v + " 0")[0], 10, 64)
		switch k {
		case "VmHWM":
			f.peakRSS = num
		case "VmRSS":
			f.rss = num
		case "Threads":
			f.threads = num
		}
	}
	fds, err := os.ReadDir(fmt.Sprintf("/proc/%d/fd", pid))
	if err != nil {
		return f, err
	}
	f.fds = len(fds)
	return f, nil
}

func printTable(rows []figures, pid int) {
	fmt.Printf("function process %d; request mix of %d kinds (good redirects and JSON, 400/401/405/422, preflight)\n\n", pid, len(mix))
	fmt.Println("| invocations | elapsed | peak RSS (VmHWM) | RSS | open fds | OS threads | AIM connections |")
	fmt.Println("|---:|---:|---:|---:|---:|---:|---:|")
	for _, r := range rows {
		fmt.Printf("| %d | %s | %.1f MiB | %.1f MiB | %d | %d | %d |\n", r.invocations, r.elapsed.Round(time.Millisecond),
			float64(r.peakRSS)/1024, float64(r.rss)/1024, r.fds, r.threads, r.aimConns)
	}
	if len(rows) == 2 {
		fmt.Printf("\npeak RSS growth from %d to %d invocations: %+.1f%%\n", rows[0].invocations, rows[1].invocations,
			100*(float64(rows[1].peakRSS)/float64(rows[0].peakRSS)-1))
	}
	fmt.Println("Goroutines cannot be read from outside the process; OS threads (/proc/PID/status) stand in for them.")
}
