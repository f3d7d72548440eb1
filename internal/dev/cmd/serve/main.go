// Command serve runs the function locally behind an HTTP API, the way
// `sam local start-api` does but without Docker, and serves the example
// store page beside it. It builds the bootstrap, starts moto (with the ApiKey
// secret), the AIM sandbox and the Runtime Interface Emulator on loopback,
// prints the URLs to open and stops everything on Ctrl-C.
//
// The page and the API are two origins on the same host (127.0.0.1, two
// ports): CORS applies between them, and the HttpOnly token cookie the page
// sets still reaches the API, since cookies are scoped to a host, not a port.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"

	"github.com/aimcards/customer-access-token/internal/dev/aimsandbox"
	"github.com/aimcards/customer-access-token/internal/dev/devserver"
	"github.com/aimcards/customer-access-token/internal/dev/localrun"
	"github.com/aimcards/customer-access-token/internal/dev/storefront"
)

// shutdownGrace bounds the wait for open requests on Ctrl-C.
const shutdownGrace = 5 * time.Second

func main() {
	apiPort := flag.Int("port", 3000, "port of the local API (the function) on 127.0.0.1")
	pagePort := flag.Int("page-port", 3001, "port of the example store page on 127.0.0.1")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, *apiPort, *pagePort, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintf(os.Stderr, "serve: %v\n", err)
		stop()
		os.Exit(1)
	}
}

// run serves until ctx is done, then stops everything it started.
func run(ctx context.Context, apiPort, pagePort int, out, logs io.Writer) (err error) {
	apiL, err := listen(apiPort)
	if err != nil {
		return err
	}
	pageL, err := listen(pagePort)
	if err != nil {
		return errors.Join(err, apiL.Close())
	}
	pageOrigin := "http://" + pageL.Addr().String()
	apiURL := "http://" + apiL.Addr().String() + devserver.Path
	stack, err := localrun.Start(ctx, localrun.Options{Output: logs, Env: functionEnv(pageOrigin)})
	if err != nil {
		return errors.Join(err, apiL.Close(), pageL.Close())
	}
	defer func() { err = errors.Join(err, stack.Close()) }()
	store, err := storefront.New(storefront.Config{
		CardAPIURL:  apiURL,
		ServiceURL:  stack.SandboxURL + aimsandbox.ServicePath,
		APIKey:      stack.APIKey,
		AppID:       localrun.AppID,
		TokenCookie: localrun.TokenCookie,
	})
	if err != nil {
		return errors.Join(err, apiL.Close(), pageL.Close())
	}
	logger := slog.New(slog.NewTextHandler(logs, nil))
	api := &http.Server{Handler: devserver.New(stack, logger), ReadHeaderTimeout: 10 * time.Second}
	page := &http.Server{Handler: store, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = api.Serve(apiL) }()
	go func() { _ = page.Serve(pageL) }()
	printURLs(out, pageOrigin, apiURL, stack.SandboxURL)
	<-ctx.Done()
	shutdownCtx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	return errors.Join(api.Shutdown(shutdownCtx), page.Shutdown(shutdownCtx))
}

// functionEnv points the function's CORS and error redirects at the page.
func functionEnv(pageOrigin string) map[string]string {
	return map[string]string{
		"ALLOWED_ORIGINS":    pageOrigin,
		"TOKEN_COOKIE":       localrun.TokenCookie,
		"ERROR_REDIRECT_URL": pageOrigin + "/",
	}
}

// listen opens a loopback port.
func listen(port int) (net.Listener, error) {
	l, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
	if err != nil {
		return nil, fmt.Errorf("listen on 127.0.0.1:%d: %w", port, err)
	}
	return l, nil
}

// printURLs tells the developer what to open.
func printURLs(out io.Writer, pageOrigin, apiURL, sandboxURL string) {
	fmt.Fprintf(out, "\nStore page:  %s/   (sign in as %s / %s)\n", pageOrigin, aimsandbox.TestUsername, aimsandbox.TestPassword)
	fmt.Fprintf(out, "Card API:    %s   (a GET here is what the function receives)\n", apiURL)
	fmt.Fprintf(out, "AIM sandbox: %s\n", sandboxURL)
	fmt.Fprintln(out, "Press Ctrl-C to stop.")
}
