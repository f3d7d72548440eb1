package main

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"strconv"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/aimcards/customer-access-token/internal/dev/moto"
)

// Local values shared by every run (see the README's local-run section).
const (
	secretName    = "aim/api-key"
	appID         = "sandbox-app"
	allowedOrigin = "https://shop.example.com"
	tokenCookie   = "aim_token"
	table         = "bench-client-limit" // CLIENT_LIMIT_TABLE: the endpoint hint's too
)

// upstreams are the long-lived parts: the test CA and its bundle, AWS (moto_server,
// Secrets Manager and the function's DynamoDB table, behind a TLS-terminating
// proxy behind a round-trip proxy) and AIM's hosts.
type upstreams struct {
	ca      *testCA
	bundle  string   // SSL_CERT_FILE: the system bundle and the test CA
	certDir string   // SSL_CERT_DIR, or "" for Go's default directories
	runtime []string // other runtime settings the template gives the function (GOMAXPROCS=1)
	moto    *moto.Server
	faults  *moto.FaultProxy   // counts GetSecretValue
	aws     *host              // AWS as the function reaches it: Secrets Manager and DynamoDB
	db      *dynamodb.Client   // the table, reached directly: the bench's own calls are not counted
	aim     map[bool]*aimHosts // per aimHTTP1, started on first use
	apiKey  string
	// aimHTTP1 keeps AIM's hosts to HTTP/1.1; by default they offer HTTP/2
	// over TLS, as IIS 10 does (what the store hosts speak is not known).
	aimHTTP1 bool
	noHint   bool // delete the endpoint hint before every process start
}

// startUpstreams makes the CA and its bundle in dir, starts moto_server, seeds
// the ApiKey secret and puts the TLS and round-trip proxies in front. certDir is
// the processes' SSL_CERT_DIR, "" to leave it unset.
func startUpstreams(ctx context.Context, dir, certDir string) (*upstreams, error) {
	ca, err := newTestCA()
	if err != nil {
		return nil, err
	}
	up := &upstreams{ca: ca, apiKey: "sbx-api-key-" + rand.Text(), certDir: certDir, aim: map[bool]*aimHosts{}}
	if up.bundle, err = ca.writeBundle(dir, systemBundle); err != nil {
		return nil, err
	}
	if up.moto, err = moto.Start(ctx); err != nil {
		return nil, fmt.Errorf("start upstreams: %w (install: %s)", err, moto.InstallHint)
	}
	if _, err := up.moto.CreateSecret(ctx, secretName, up.apiKey); err != nil {
		up.close()
		return nil, fmt.Errorf("start upstreams: %w", err)
	}
	if err := up.moto.CreateLimitTable(ctx, table); err != nil {
		up.close()
		return nil, fmt.Errorf("start upstreams: %w", err)
	}
	up.db = dynamodb.NewFromConfig(up.moto.AWSConfig())
	up.faults = moto.NewFaultProxy(up.moto.URL)
	if up.aws, err = startHost(up.faults, ca, false); err != nil {
		up.close()
		return nil, fmt.Errorf("start upstreams: %w", err)
	}
	return up, nil
}

// close stops what startUpstreams and aimHosts started.
func (up *upstreams) close() {
	for _, a := range up.aim {
		a.close()
	}
	if up.aws != nil {
		up.aws.close()
	}
	up.moto.Stop() //nolint:errcheck // nothing to do about a failed stop at exit.
}

// aimHosts are AIM's hosts for the protocol set in aimHTTP1, started on first
// use and then kept for the run, as a store's hosts keep their addresses: an
// endpoint hint one environment writes names a live host for the next.
func (up *upstreams) aimHosts() (*aimHosts, error) {
	if a := up.aim[up.aimHTTP1]; a != nil {
		return a, nil
	}
	a, err := startAIM(up.ca, up.apiKey, !up.aimHTTP1)
	if err != nil {
		return nil, err
	}
	up.aim[up.aimHTTP1] = a
	return a, nil
}

// secretGets is how many GetSecretValue calls reached Secrets Manager so far.
func (up *upstreams) secretGets() int { return up.faults.Calls(opGetSecretValue) }

// opGetSecretValue is the Secrets Manager call the function makes.
const opGetSecretValue = "GetSecretValue"

// env is the function's environment for one run: Lambda's variables, the runtime
// API, the function's configuration and the SDK pointed at Secrets Manager and
// DynamoDB, over TLS through the proxy. Nothing is inherited from
// this process, as nothing is in Lambda. Go reads the roots in SSL_CERT_FILE and
// then every file in SSL_CERT_DIR, or by default in /etc/ssl/certs and
// /etc/pki/tls/certs, as it does in Lambda's image.
func (up *upstreams) env(runtimeAPI, serviceURL string, memoryMB int) []string {
	env := append(up.moto.Env(),
		"AWS_ENDPOINT_URL_SECRETS_MANAGER="+up.aws.url(),
		"AWS_ENDPOINT_URL_DYNAMODB="+up.aws.url(),
		"AWS_CONFIG_FILE=/nonexistent/config",
		"AWS_SHARED_CREDENTIALS_FILE=/nonexistent/credentials",
		"AWS_LAMBDA_RUNTIME_API="+runtimeAPI,
		"AWS_LAMBDA_FUNCTION_NAME=bench",
		"AWS_LAMBDA_FUNCTION_VERSION=$LATEST",
		"AWS_LAMBDA_FUNCTION_MEMORY_SIZE="+strconv.Itoa(memoryMB),
		"AWS_EXECUTION_ENV=AWS_Lambda_provided.al2023",
		"TZ=:UTC",
		"AIM_API_KEY_SECRET_ID="+secretName,
		"AIM_APP_ID="+appID,
		"AIM_SERVICE_URL="+serviceURL+"/aeservices30",
		"AIM_TIMEOUT=4s",
		"CACHE_TTL=5m",
		"TOKEN_COOKIE="+tokenCookie,
		"ALLOWED_ORIGINS="+allowedOrigin,
		"CLIENT_LIMIT_TABLE="+table,
	)
	if up.bundle != "" {
		env = append(env, "SSL_CERT_FILE="+up.bundle)
	}
	if up.certDir != "" {
		env = append(env, "SSL_CERT_DIR="+up.certDir)
	}
	return append(env, up.runtime...)
}

// host is one upstream host as the function sees it: an HTTP server on loopback,
// over TLS with the test CA's certificate, behind the round-trip proxy the
// function dials.
type host struct {
	srv    *http.Server
	rt     *rtProxy
	served served
}

// startHost serves h on loopback, over TLS with ca's certificate, behind a
// round-trip proxy charging nothing yet. It offers HTTP/2 when h2 is set,
// HTTP/1.1 only otherwise (AWS's host: the bench keeps it as it was).
func startHost(h http.Handler, ca *testCA, h2 bool) (*host, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("start host: %w", err)
	}
	hs := &host{}
	hs.srv = &http.Server{
		Handler:   hs.served.wrap(h),
		ConnState: hs.served.connState,
		// A process killed mid-handshake is expected here; do not log it.
		ErrorLog: log.New(io.Discard, "", 0),
	}
	if !h2 {
		hs.srv.TLSNextProto = map[string]func(*http.Server, *tls.Conn, http.Handler){}
	}
	hs.srv.TLSConfig = ca.serverConfig(h2)
	go hs.srv.ServeTLS(ln, "", "") //nolint:errcheck // returns ErrServerClosed after close.
	if hs.rt, err = startRTProxy(ln.Addr().String()); err != nil {
		hs.srv.Close() //nolint:errcheck
		return nil, err
	}
	return hs, nil
}

// url is the host's base URL, through the round-trip proxy.
func (h *host) url() string { return "https://" + h.rt.addr() }

func (h *host) close() {
	h.rt.close()
	h.srv.Close() //nolint:errcheck
}
