// Command bench measures the function the way the Lambda service runs it, next to a
// hello-world aws-lambda-go function built with the same flags, at several memory
// sizes: init time, first answers (event waiting at exec, and after a freeze), warm
// latency, round trips per upstream host, peak memory, the size of the arm64
// bootstrap, and latency and cost per million requests; and per size the first
// click on a new environment of the function and of a peer, the plain per-click
// integration, over HTTP/1.1 and HTTP/2. It needs no AWS account and no emulator:
// the Runtime API is internal/dev/runtimeapi, Secrets Manager and DynamoDB are
// moto_server and AIM is internal/dev/aimsandbox, each served over TLS with a test
// CA and reached through a proxy that charges every TCP round trip. As root, each
// process runs under the CPU share Lambda gives its memory size (a cgroup v1 CPU
// quota). Run it from the module root (make bench).
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"slices"
	"strconv"
	"strings"
	"time"
)

// options are the command's flags.
type options struct {
	root       string        // module root
	runs       int           // cold runs per scenario and size
	warm       int           // sequential warm invocations per run
	aimRTT     time.Duration // charged per TCP round trip to AIM's hosts, cold scenarios
	awsRTT     time.Duration // charged per TCP round trip to AWS (Secrets Manager, DynamoDB), cold scenarios
	freeze     time.Duration // how long the initialised process sits stopped
	sizes      []int         // memory sizes in MB
	price      price         // to turn durations into cost
	certDir    string        // the processes' SSL_CERT_DIR; "" leaves it unset
	tplEnv     bool          // run with the runtime settings template.yaml gives the function
	runtime    []string      // those settings but SSL_CERT_DIR, as KEY=value
	readme     string        // README to rewrite between the bench markers
	verbose    bool          // print every run's figures to stderr
	aimHTTP1   bool          // AIM's hosts speak HTTP/1.1 only (default: they offer HTTP/2)
	memorySize int           // template.yaml's default MemorySize, in MB
	noHint     bool          // delete the function's endpoint hint before every start
}

func main() {
	o := options{sizes: []int{128, 256, 512, 1024}, memorySize: 128}
	flag.StringVar(&o.root, "root", ".", "module root (where go.mod is)")
	flag.IntVar(&o.runs, "runs", 5, "runs per scenario and size; figures are medians")
	flag.IntVar(&o.warm, "warm", 1000, "sequential warm invocations per run")
	flag.DurationVar(&o.aimRTT, "aim-rtt", 20*time.Millisecond, "charged per TCP round trip to AIM's hosts in the cold scenarios")
	flag.DurationVar(&o.awsRTT, "secrets-rtt", 2*time.Millisecond, "charged per TCP round trip to AWS (Secrets Manager, DynamoDB: one endpoint) in the cold scenarios")
	flag.DurationVar(&o.freeze, "freeze", 300*time.Millisecond, "time the initialised process sits stopped before its first event")
	flag.Func("sizes", "memory sizes in MB, comma-separated (default 128,256,512,1024)", func(s string) (err error) {
		o.sizes, err = parseSizes(s)
		return err
	})
	flag.Float64Var(&o.price.gbSecond, "gb-second", 0.0000133334, "Lambda arm64 price per GB-second, USD")
	flag.Float64Var(&o.price.perMillion, "request-price", 0.20, "Lambda price per million requests, USD")
	flag.StringVar(&o.certDir, "ssl-cert-dir", "", "SSL_CERT_DIR of the processes; empty: as -template-env says")
	flag.BoolVar(&o.tplEnv, "template-env", true, "run both processes with the literal runtime settings template.yaml gives the function (SSL_CERT_DIR, GOMAXPROCS); false: Go's defaults")
	flag.StringVar(&o.readme, "readme", "", "rewrite this README's section between <!-- bench:begin --> and <!-- bench:end -->")
	flag.Float64Var(&cpuScale, "cpu-scale", 1, "scale every CPU quota by this factor: below 1 when this machine's hello-world init is faster than Lambda's published one")
	flag.BoolVar(&o.verbose, "v", false, "print every run's figures to stderr")
	flag.BoolVar(&o.aimHTTP1, "aim-http1", false, "AIM's TLS hosts speak HTTP/1.1 only; by default they offer HTTP/2 (ALPN), as IIS 10 does")
	flag.BoolVar(&o.noHint, "no-hint", false, "delete the function's endpoint hint before every start, as in a new stack's first environment or after a change of the store's host; by default an unmeasured start writes it before each size and protocol")
	flag.Parse()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, o); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

// parseSizes reads "256,128" into memory sizes in MB, smallest first, each 128 to 10,240 as Lambda allows.
func parseSizes(s string) ([]int, error) {
	var sizes []int
	for f := range strings.SplitSeq(s, ",") {
		mb, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || mb < 128 || mb > 10240 {
			return nil, fmt.Errorf("memory size %q: want a whole number of MB from 128 to 10240", f)
		}
		sizes = append(sizes, mb)
	}
	slices.Sort(sizes)
	return slices.Compact(sizes), nil
}

// run builds, measures, prints and, if asked, writes the README section.
func run(ctx context.Context, o options) error {
	if o.runs < 1 || o.warm < 1 || len(o.sizes) == 0 {
		return fmt.Errorf("run: -runs, -warm and -sizes must be at least 1")
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
	if o.tplEnv {
		if err := o.readTemplateEnv(ctx); err != nil {
			return err
		}
	}
	up, err := startUpstreams(ctx, dir, o.certDir)
	if err != nil {
		return err
	}
	defer up.close()
	up.runtime, up.aimHTTP1, up.noHint = o.runtime, o.aimHTTP1, o.noHint
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
