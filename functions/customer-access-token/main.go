// Command customer-access-token is the Lambda behind a storefront's "Manage
// my cards" button: it answers with a redirect to AIM's card-management page.
package main

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/aimcards/customer-access-token/internal/aim"
	"github.com/aimcards/customer-access-token/internal/apigw"
	"github.com/aimcards/customer-access-token/internal/clientlimit"
	"github.com/aimcards/customer-access-token/internal/emf"
	"github.com/aimcards/customer-access-token/internal/endpointhint"
	"github.com/aimcards/customer-access-token/internal/handler"
	"github.com/aimcards/customer-access-token/internal/secrets"
	"github.com/aimcards/customer-access-token/internal/stale"
	"github.com/aws/aws-lambda-go/lambda"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
)

// prefetchBudget bounds the credential fetch at init; see the README's
// Credentials over time section.
const prefetchBudget = 2 * time.Second

func main() {
	// Log lines and metric records go to stdout as they are made, so a
	// process that dies mid-invocation loses none that were made.
	log := newLogger(os.Getenv, os.Stdout)
	cfg, cfgErr := parseConfig(os.Getenv)
	metrics, metricsErr := newMetrics(os.Getenv, os.Stdout)
	if err := errors.Join(cfgErr, metricsErr); err != nil {
		// One line naming every problem, then exit: a function that can
		// never answer correctly fails its init instead.
		log.Error("invalid configuration", "problems", strings.Split(err.Error(), "\n"))
		os.Exit(1)
	}
	h, err := build(context.Background(), cfg, log, metrics)
	if err != nil {
		log.Error("cannot start", "error", err.Error())
		os.Exit(1)
	}
	h.Prefetch(context.Background(), prefetchBudget)
	// The handler itself, not h.Handle: as a lambda.Handler it gets the
	// payload's raw bytes, so a payload that is not JSON is answered too.
	lambda.Start(h)
}

// build makes the AIM client, the SDK client and the handler, once. The
// connection to AIM's service host, which the prefetch's GetEndPoint needs,
// is dialled first, so that it is up by the time Secrets Manager answers.
func build(ctx context.Context, cfg config, log *slog.Logger, metrics *emf.Writer) (*handler.Handler, error) {
	client, err := aim.NewClient(cfg.aimOptions())
	if err != nil {
		return nil, err
	}
	client.DialService(ctx)
	awsCfg, err := awsconfig.LoadDefaultConfig(ctx)
	if err != nil {
		return nil, err
	}
	policy := stale.Options{TTL: cfg.CacheTTL, StaleMax: cfg.StaleMax, FailureBackoff: cfg.FailureBackoff, Logger: log}
	keys := secrets.NewCache(secretsmanager.NewFromConfig(awsCfg), secrets.Options{
		SecretID: cfg.SecretID, Field: cfg.SecretField, Policy: policy,
	})
	limit := clientlimit.Options{Limit: cfg.ClientLimit, Window: cfg.ClientLimitWindow, Table: cfg.ClientLimitTable, Logger: log}
	var hints handler.EndpointHints
	if cfg.ClientLimitTable != "" {
		db := dynamodb.NewFromConfig(awsCfg)
		limit.DB, hints = db, endpointhint.Table{DB: db, Name: cfg.ClientLimitTable}
	}
	return handler.New(handler.Options{
		Keys:             keys,
		AIM:              client,
		Policy:           policy,
		Limit:            clientlimit.New(limit),
		Hints:            hints,
		CredentialBudget: cfg.AIMTimeout,
		Mapping: apigw.Options{
			TokenCookie: cfg.TokenCookie, AllowedOrigins: cfg.AllowedOrigins, ErrorRedirectURL: cfg.ErrorRedirectURL, TrustedProxies: cfg.TrustedProxies,
		},
		RedirectAllowedHosts: cfg.RedirectAllowedHosts,
		Logger:               log,
		Metrics:              metrics,
	}), nil
}
