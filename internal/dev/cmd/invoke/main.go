// Command invoke runs the function locally the way `sam local invoke` does:
// it builds the bootstrap, starts moto (with the ApiKey secret), the AIM
// sandbox and the Runtime Interface Emulator on loopback, posts one event
// (an API Gateway payload, or the scheduled probe's), prints the answer and
// stops everything it started.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/aimcards/customer-access-token/internal/dev/localrun"
)

func main() {
	event := flag.String("event", "events/httpapi-add-customer-card.json", "event to post: API Gateway, or events/scheduled-probe.json")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, *event, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintf(os.Stderr, "invoke: %v\n", err)
		stop()
		os.Exit(1)
	}
}

// run invokes the function with the event at path, prints the answer to out
// and the function's and emulator's output to logs.
func run(ctx context.Context, path string, out, logs io.Writer) (err error) {
	event, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	stack, err := localrun.Start(ctx, localrun.Options{Output: logs})
	if err != nil {
		return err
	}
	defer func() {
		if cerr := stack.Close(); err == nil {
			err = cerr
		}
	}()
	fmt.Fprintf(logs, "invoke: posting %s to the function at %s\n", path, stack.Emulator.URL)
	raw, _, err := stack.Emulator.Invoke(ctx, event)
	if err != nil {
		return err
	}
	answer, err := localrun.DecodeAnswer(raw)
	if err != nil {
		// The scheduled probe's answer is a small JSON value, no HTTP answer.
		fmt.Fprintf(out, "%s\n(no API Gateway response: %v)\n", raw, err)
		return nil
	}
	localrun.FormatAnswer(out, answer)
	return nil
}
