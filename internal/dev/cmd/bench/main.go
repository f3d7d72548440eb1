// Command bench measures the function the way the Lambda service runs it, next to a
// hello-world aws-lambda-go function built with the same flags: init time, first
// answers (cold, and after a freeze), warm latency, upstream calls, peak memory and
// the size of the arm64 bootstrap. It needs no AWS account and no emulator: the
// Runtime API is internal/dev/runtimeapi, Secrets Manager is moto_server behind a delaying
// proxy, AIM is internal/dev/aimsandbox. Run it from the module root (make bench).
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"time"
)

// options are the command's flags.
type options struct {
	root    string        // module root
	runs    int           // cold runs per scenario
	warm    int           // sequential warm invocations per run
	latency time.Duration // added to every upstream call in the cold scenarios
	freeze  time.Duration // how long the initialised process sits stopped
	readme  string        // README to rewrite between the bench markers
	verbose bool          // print every run's figures to stderr
}

func main() {
	var o options
	flag.StringVar(&o.root, "root", ".", "module root (where go.mod is)")
	flag.IntVar(&o.runs, "runs", 7, "runs per scenario; figures are medians")
	flag.IntVar(&o.warm, "warm", 1000, "sequential warm invocations per run")
	flag.DurationVar(&o.latency, "latency", 30*time.Millisecond, "latency added to every upstream call in the cold scenarios")
	flag.DurationVar(&o.freeze, "freeze", 300*time.Millisecond, "time the initialised process sits stopped before its first event")
	flag.StringVar(&o.readme, "readme", "", "rewrite this README's section between <!-- bench:begin --> and <!-- bench:end -->")
	flag.BoolVar(&o.verbose, "v", false, "print every run's figures to stderr")
	flag.Parse()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, o); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

// run builds, measures, prints and, if asked, writes the README section.
func run(ctx context.Context, o options) error {
	if o.runs < 1 || o.warm < 1 {
		return fmt.Errorf("run: -runs and -warm must be at least 1")
	}
	m := machineInfo() // before the builds load the machine
	dir, err := os.MkdirTemp("", "bench-")
	if err != nil {
		return fmt.Errorf("run: %w", err)
	}
	defer os.RemoveAll(dir)
	bins, err := buildAll(ctx, o.root, dir)
	if err != nil {
		return err
	}
	up, err := startUpstreams(ctx)
	if err != nil {
		return err
	}
	defer up.close()
	r, err := measure(ctx, o, bins, up)
	if err != nil {
		return err
	}
	md := report(r, o, m)
	fmt.Print(md)
	if o.readme != "" {
		return updateREADME(o.readme, md)
	}
	return nil
}
