package main

import (
	"context"
	"crypto/rand"
	"fmt"
	"net"
	"net/http"

	"github.com/aimcards/customer-access-token/internal/dev/moto"
)

// Local values shared by every run (see /work/shared: the team's local-run facts).
const (
	secretName    = "aim/api-key"
	appID         = "sandbox-app"
	allowedOrigin = "https://shop.example.com"
	tokenCookie   = "aim_token"
)

// upstreams are the long-lived servers: moto_server and the proxy before it that
// adds latency and times GetSecretValue.
type upstreams struct {
	moto        *moto.Server
	secrets     *moto.FaultProxy
	secretTimes recorder
	proxy       *server
	apiKey      string
}

// startUpstreams starts moto_server, seeds the ApiKey secret and puts the proxy in front.
func startUpstreams(ctx context.Context) (*upstreams, error) {
	m, err := moto.Start(ctx)
	if err != nil {
		return nil, fmt.Errorf("start upstreams: %w (install: %s)", err, moto.InstallHint)
	}
	up := &upstreams{moto: m, apiKey: "sbx-api-key-" + rand.Text()}
	if _, err := m.CreateSecret(ctx, secretName, up.apiKey); err != nil {
		up.close()
		return nil, fmt.Errorf("start upstreams: %w", err)
	}
	up.secrets = moto.NewFaultProxy(m.URL)
	if up.proxy, err = serve(timed{next: up.secrets, times: &up.secretTimes, opOf: secretsOp}, nil); err != nil {
		up.close()
		return nil, fmt.Errorf("start upstreams: %w", err)
	}
	return up, nil
}

// close stops what startUpstreams started.
func (up *upstreams) close() {
	if up.proxy != nil {
		up.proxy.close()
	}
	up.moto.Stop() //nolint:errcheck // nothing to do about a failed stop at exit.
}

// env is the function's environment for one run: Lambda's variables, the runtime API,
// the function's configuration and the SDK pointed at the proxy. Nothing is inherited
// from this process, as nothing is in Lambda.
func (up *upstreams) env(runtimeAPI, aimURL string) []string {
	env := append(up.moto.Env(),
		"AWS_ENDPOINT_URL_SECRETS_MANAGER="+up.proxy.url,
		"AWS_CONFIG_FILE=/nonexistent/config",
		"AWS_SHARED_CREDENTIALS_FILE=/nonexistent/credentials",
		"AWS_LAMBDA_RUNTIME_API="+runtimeAPI,
		"AWS_LAMBDA_FUNCTION_NAME=bench",
		"AWS_LAMBDA_FUNCTION_VERSION=$LATEST",
		"AWS_LAMBDA_FUNCTION_MEMORY_SIZE=128",
		"AWS_EXECUTION_ENV=AWS_Lambda_provided.al2023",
		"TZ=:UTC",
		"AIM_API_KEY_SECRET_ID="+secretName,
		"AIM_APP_ID="+appID,
		"AIM_SERVICE_URL="+aimURL+"/aeservices30",
		"AIM_TIMEOUT=4s",
		"CACHE_TTL=5m",
		"TOKEN_COOKIE="+tokenCookie,
		"ALLOWED_ORIGINS="+allowedOrigin,
	)
	return env
}

// server is an http.Server on a free loopback port.
type server struct {
	url string
	srv *http.Server
}

// serve starts h on 127.0.0.1; connState may be nil.
func serve(h http.Handler, connState func(net.Conn, http.ConnState)) (*server, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("serve: %w", err)
	}
	s := &server{url: "http://" + ln.Addr().String(), srv: &http.Server{Handler: h, ConnState: connState}}
	go s.srv.Serve(ln) //nolint:errcheck // returns ErrServerClosed after close.
	return s, nil
}

func (s *server) close() { s.srv.Close() } //nolint:errcheck
