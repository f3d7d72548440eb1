// Package handler is the Lambda handler: it reads an API Gateway event,
// gets the store's credentials, asks AIM for a customer access token and
// answers with a redirect, a JSON body or a problem.
package handler

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/aimcards/customer-access-token/internal/aim"
	"github.com/aimcards/customer-access-token/internal/apigw"
	"github.com/aimcards/customer-access-token/internal/emf"
	"github.com/aimcards/customer-access-token/internal/stale"
	"github.com/aws/aws-lambda-go/lambdacontext"
)

// KeySource holds the store's AIM ApiKey (see secrets.Cache). stale is set
// when a refresh failed and an older key is served.
type KeySource interface {
	APIKey(ctx context.Context) (key string, stale bool, err error)
	Refresh(ctx context.Context) (key string, refreshed bool, err error)
}

// AIM is the part of the AIM client the handler uses (see aim.Client).
// DialStore leaves a connection in its pool ahead of the call that needs it.
type AIM interface {
	GetEndPoint(ctx context.Context, apiKey string) (aim.Endpoint, error)
	CustomerAccessToken(ctx context.Context, creds aim.Credentials, req aim.AccessTokenRequest) (aim.AccessToken, error)
	DialStore(ctx context.Context, endpointURL string) (wait func())
}

// EndpointHints keeps the store's endpoint for the next new environment
// (see endpointhint.Table).
type EndpointHints interface {
	Get(ctx context.Context) (string, error)
	Put(ctx context.Context, endpointURL string) error
}

// ClientLimit counts AIM's refusals per client (see clientlimit.Limiter).
type ClientLimit interface {
	Blocked(client string) (wait time.Duration, blocked bool)
	Refused(ctx context.Context, client string)
	Served(client string)
}

// Options configures a Handler.
type Options struct {
	Keys                 KeySource
	AIM                  AIM
	Limit                ClientLimit   // nil: no per-client limit
	Hints                EndpointHints // nil: none
	CredentialBudget     time.Duration // bound on fetching credentials in one request; default 4s
	Mapping              apigw.Options // how events are read and answered: token cookie, origins, error page
	RedirectAllowedHosts []string      // hosts allowed in AccountManagementUrl, as AllowedHost writes them; empty: any
	Logger               *slog.Logger
	Metrics              *emf.Writer // one metric record per invocation; nil: none
	Now                  func() time.Time

	// Policy is the endpoint cache's stale-on-error policy (CACHE_TTL,
	// STALE_MAX, ...); its Now and Logger are the handler's.
	Policy stale.Options
}

// answerMargin is kept back from the Lambda deadline for answering, so that
// a slow AIM is answered 504 before Lambda ends the invocation.
const answerMargin = 250 * time.Millisecond

// Handler answers API Gateway events. Build it with New.
type Handler struct {
	opts   Options
	mapper *apigw.Mapper
	creds  *credentials
}

// New builds a Handler.
func New(opts Options) *Handler {
	opts.Logger = cmp.Or(opts.Logger, slog.Default())
	opts.CredentialBudget = cmp.Or(opts.CredentialBudget, 4*time.Second)
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return &Handler{
		opts:   opts,
		mapper: apigw.NewMapper(opts.Mapping),
		creds:  newCredentials(opts),
	}
}

// Prefetch fetches the ApiKey, endpoint and OAuthToken ahead of the first
// request (the service host's connection is dialled before, see
// aim.Client.DialService), and opens the store host's connection as soon as
// its name is known (from the endpoint hint, beside discovery; else after
// it), waiting for it so that init does not end mid-handshake: the first
// request after init pays one round trip, not three. A failure is logged
// and left for the request path to retry.
func (h *Handler) Prefetch(ctx context.Context, budget time.Duration) {
	ctx, cancel := context.WithTimeoutCause(ctx, budget, stale.ErrCutShort)
	defer cancel()
	start := h.opts.Now()
	hinted := h.dialHint(ctx)
	var u credUsage
	creds, err := h.creds.get(ctx, &u)
	if err != nil {
		msg := "credential prefetch failed; will retry on the first request"
		if errors.Is(context.Cause(ctx), stale.ErrCutShort) { // not the upstream's failure: no back-off
			msg = "credential prefetch cut short by init's " + budget.String() + " budget; the first request will try again"
		}
		h.opts.Logger.Warn(msg, "error", err.Error())
		return
	}
	dialled := make(chan struct{})
	go func() { h.opts.AIM.DialStore(ctx, creds.Endpoint.URL)(); close(dialled) }()
	select { // the hint is written while the store's handshake runs
	case hint := <-hinted:
		if hint != creds.Endpoint.URL {
			if err := h.opts.Hints.Put(ctx, creds.Endpoint.URL); err != nil {
				h.opts.Logger.Warn("endpoint hint not kept", "error", err.Error())
			}
		}
		<-dialled
	case <-dialled: // the table has not answered: the next new environment writes it
	}
	h.opts.Logger.Info("credentials prefetched", "ms", h.opts.Now().Sub(start).Milliseconds(),
		"secrets_ms", u.secrets.Milliseconds(), "discovery_ms", u.discovery.Milliseconds())
}

// dialHint dials the store host the hint names as soon as the table
// answers, beside discovery, and then sends what it named.
func (h *Handler) dialHint(ctx context.Context) <-chan string {
	hinted := make(chan string, 1)
	if h.opts.Hints != nil {
		go func() {
			hint, err := h.opts.Hints.Get(ctx)
			if err != nil {
				h.opts.Logger.Warn("endpoint hint not read", "error", err.Error())
			} else if hint != "" {
				h.opts.AIM.DialStore(ctx, hint)
			}
			hinted <- hint
		}()
	}
	return hinted
}

// Invoke is the Lambda entry point (it implements lambda.Handler): the
// runtime hands it the payload's raw bytes, so a payload that is not JSON
// at all reaches Handle and is answered 400 instead of failing in the
// runtime's own decoding. The template's scheduled probe goes to probe
// instead. It encodes the answer with encoding/json as the runtime would
// have, without HTML escaping.
func (h *Handler) Invoke(ctx context.Context, payload []byte) ([]byte, error) {
	var out any
	if isProbe(payload) {
		out = h.probe(ctx)
	} else {
		out, _ = h.Handle(ctx, payload)
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(out); err != nil {
		return nil, fmt.Errorf("handler: encode the answer: %w", err)
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

// Handle answers one payload: parse, then credentials and AIM, then
// answer. It never returns an error: every failure is an answer, so no bad
// request becomes a Lambda function error. The answer is an API Gateway
// response value.
func (h *Handler) Handle(ctx context.Context, payload []byte) (out any, err error) {
	rec := &record{start: h.opts.Now(), requestID: requestID(ctx)}
	var req apigw.Request
	defer func() {
		if p := recover(); p != nil {
			h.opts.Logger.Error("handler panic", "request_id", rec.requestID, "panic", slog.AnyValue(p).String())
			out = h.answer(rec, req, h.fail(rec, errInternal))
		}
		h.logRecord(rec)
	}()
	req = h.mapper.Parse(payload)
	rec.format, rec.apiRequestID, rec.click, rec.synthetic = req.Format, req.RequestID, req.Method == http.MethodGet, req.Synthetic
	if deadline, ok := ctx.Deadline(); ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithDeadline(ctx, deadline.Add(-answerMargin))
		defer cancel()
	}
	return h.answer(rec, req, h.serve(ctx, req, rec)), nil
}

// requestID is Lambda's id of the invocation; "" outside Lambda.
func requestID(ctx context.Context) (id string) {
	if lc, ok := lambdacontext.FromContext(ctx); ok {
		id = lc.AwsRequestID
	}
	return id
}

// answer builds the answer to req once, and is the one place the log
// record takes its outcome, status and code from: the final answer.
func (h *Handler) answer(rec *record, req apigw.Request, res apigw.Result) any {
	resp := h.mapper.Answer(req, res)
	rec.outcome, rec.status, rec.code = resp.Outcome, resp.Status, resp.Code
	return resp.Payload
}
