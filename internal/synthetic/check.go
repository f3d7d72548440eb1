package synthetic

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"time"

	"github.com/aimcards/customer-access-token/internal/apigw"
	"github.com/aimcards/customer-access-token/internal/emf"
)

// MetricPublicCheckSuccess is the outside-in check's metric: 1 when the
// public URL answered as it should, 0 when not, by FunctionName.
const MetricPublicCheckSuccess = "PublicCheckSuccess"

// CheckOptions configures a Check.
type CheckOptions struct {
	Client       *http.Client // bounded by the run's context; default http.DefaultClient
	Namespace    string       // the function's metrics namespace
	FunctionName string       // the FunctionName dimension: the checked function's name
	Metrics      io.Writer    // stdout in Lambda: where the EMF record goes
	Logger       *slog.Logger
	Now          func() time.Time
}

// Check is the outside-in check: it requests the public URL as a
// storefront script does (the JSON answer, unknownToken), so DNS, the
// certificate, API Gateway, its permission to call the function, the
// function, Secrets Manager, discovery and CustomerAccessToken are all on
// its path, and writes PublicCheckSuccess.
type Check struct{ opts CheckOptions }

// NewCheck builds a Check.
func NewCheck(opts CheckOptions) (*Check, error) {
	if opts.Namespace == "" || opts.FunctionName == "" || opts.Metrics == nil {
		return nil, errors.New("synthetic: the check needs a metrics namespace, a function name and an output")
	}
	opts.Client = cmp.Or(opts.Client, http.DefaultClient)
	opts.Logger = cmp.Or(opts.Logger, slog.Default())
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return &Check{opts}, nil
}

// Run requests url (the public GET /customer-access-token), writes one
// metric record and one log line, and reports whether the check passed.
func (c *Check) Run(ctx context.Context, url string) bool {
	start := c.opts.Now()
	status, err := c.request(ctx, url)
	attrs := []any{"url", url, "status", status, "duration_ms", c.opts.Now().Sub(start).Milliseconds()}
	level, outcome := slog.LevelInfo, "ok"
	if err != nil {
		level, outcome, attrs = slog.LevelError, "failed", append(attrs, "cause", err.Error())
	}
	c.opts.Logger.Log(ctx, level, "outside-in check", append(attrs, "outcome", outcome)...)
	if werr := c.writeMetric(err == nil); werr != nil {
		c.opts.Logger.Error("outside-in check: metric record not written", "error", werr.Error())
	}
	return err == nil
}

// maxBody bounds the answer read: a problem is a few hundred bytes.
const maxBody = 64 << 10

// request sends the click and checks the answer is the refusal of
// unknownToken, as problem+json.
func (c *Check) request(ctx context.Context, url string) (status int, err error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url+"?format=json", nil)
	if err != nil {
		return 0, fmt.Errorf("build the request: %w", err)
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Token", unknownToken)
	req.Header.Set(apigw.SyntheticHeader, markOutside)
	resp, err := c.opts.Client.Do(req)
	if err != nil {
		return 0, err // names the host and the step: DNS, connection, TLS, timeout
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return resp.StatusCode, fmt.Errorf("read the answer: %w", err)
	}
	if mt, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type")); mt != "application/problem+json" {
		return resp.StatusCode, fmt.Errorf("answered %d as %q, want application/problem+json", resp.StatusCode, mt)
	}
	return resp.StatusCode, checkRefusal(resp.StatusCode, body)
}

// checkRecord is the check's EMF line: PublicCheckSuccess by FunctionName.
// Go's field names are the members EMF reads.
type checkRecord struct {
	AWS                checkMeta `json:"_aws"`
	FunctionName       string
	PublicCheckSuccess int
}

type checkMeta struct {
	Timestamp         int64 // ms since the epoch
	CloudWatchMetrics []checkDirective
}

type checkDirective struct {
	Namespace  string
	Dimensions [][]string
	Metrics    []struct{ Name, Unit string }
}

// writeMetric writes the check's record as one line.
func (c *Check) writeMetric(ok bool) error {
	rec := checkRecord{
		AWS: checkMeta{c.opts.Now().UnixMilli(), []checkDirective{{
			c.opts.Namespace, [][]string{{emf.DimensionFunctionName}}, []struct{ Name, Unit string }{{MetricPublicCheckSuccess, "Count"}},
		}}},
		FunctionName: c.opts.FunctionName,
	}
	if ok {
		rec.PublicCheckSuccess = 1
	}
	return json.NewEncoder(c.opts.Metrics).Encode(rec)
}
