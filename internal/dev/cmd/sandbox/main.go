// Command sandbox serves the AIM sandbox alone on a fixed loopback address,
// for `sam local invoke` and `sam local start-api` users, whose function
// (configured by events/env.json) expects AIM at 127.0.0.1:8081.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net/http"
	"os"
	"os/signal"

	"github.com/aimcards/customer-access-token/internal/dev/aimsandbox"
	"github.com/aimcards/customer-access-token/internal/dev/localrun"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8081", "loopback address to serve the AIM sandbox on")
	apiKey := flag.String("api-key", "", "the ApiKey the sandbox accepts: the value stored in the "+localrun.SecretID+" secret")
	flag.Parse()
	if *apiKey == "" {
		fmt.Fprintln(os.Stderr, "sandbox: -api-key is required (the value of the "+localrun.SecretID+" secret)")
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	sb := aimsandbox.New(aimsandbox.Config{APIKey: *apiKey, AppID: localrun.AppID})
	srv := &http.Server{Addr: *addr, Handler: sb, ConnState: sb.ConnState}
	go func() {
		<-ctx.Done()
		srv.Close()
	}()
	fmt.Printf("AIM sandbox on http://%s (AIM_SERVICE_URL http://%s%s, AppId %s); customer %s / %s, token %s\n",
		*addr, *addr, aimsandbox.ServicePath, localrun.AppID, aimsandbox.TestUsername, aimsandbox.TestPassword, aimsandbox.TestCustomerToken)
	if err := srv.ListenAndServe(); !errors.Is(err, http.ErrServerClosed) {
		fmt.Fprintln(os.Stderr, "sandbox:", err)
		os.Exit(1)
	}
}
