package emf

import (
	"cmp"
	"strings"
	"time"
)

// record is one EMF line: the metadata under _aws, then as members of the
// root the dimensions and metrics, named as in names.go (TestRecordMembers
// keeps the two equal), and the properties request_id, apigw_request_id and
// status, which join the record to the log line and access log. A new
// metric is a member here, its name in names.go, and its declaration in
// directives.
type record struct {
	AWS               metadata `json:"_aws"`
	FunctionName      string   `json:"FunctionName"`
	FunctionVersion   string   `json:"FunctionVersion"`
	Outcome           string   `json:"Outcome"`
	Code              string   `json:"Code"`
	Requests          int      `json:"Requests"`
	Clicks            int      `json:"Clicks"`
	ServerErrors      int      `json:"ServerErrors"`
	Unauthorized      int      `json:"Unauthorized"`
	UpstreamErrors    int      `json:"UpstreamErrors"`
	Unavailable       int      `json:"Unavailable"`
	StaleCredentials  int      `json:"StaleCredentials"`
	ColdStart         int      `json:"ColdStart"`
	AIMLatency        *float64 `json:"AIMLatency,omitempty"` // only when AIM was called
	CredentialLatency float64  `json:"CredentialLatency"`
	RequestID         string   `json:"request_id"`
	APIRequestID      string   `json:"apigw_request_id"`
	Status            int      `json:"status"`
}

// probeRecord is the scheduled probe's line: ProbeSuccess by function only.
type probeRecord struct {
	AWS          metadata `json:"_aws"`
	FunctionName string   `json:"FunctionName"`
	ProbeSuccess int      `json:"ProbeSuccess"`
	RequestID    string   `json:"request_id"`
}

type metadata struct {
	Timestamp         int64       `json:"Timestamp"` // ms since the epoch
	CloudWatchMetrics []directive `json:"CloudWatchMetrics"`
}

// directive tells CloudWatch which members are metrics, and under which
// sets of dimensions.
type directive struct {
	Namespace  string     `json:"Namespace"`
	Dimensions [][]string `json:"Dimensions"`
	Metrics    []metric   `json:"Metrics"`
}

type metric struct {
	Name string `json:"Name"`
	Unit string `json:"Unit"`
}

// directives declares the record's metrics: every one by function and by
// function and version, and Requests by outcome and code too. withAIM
// declares AIMLatency, for records of invocations that called AIM.
func directives(ns string, withAIM bool) []directive {
	var ms []metric
	for _, m := range []string{MetricRequests, MetricClicks, MetricServerErrors, MetricUnauthorized, MetricUpstreamErrors, MetricUnavailable, MetricStaleCredentials, MetricColdStart} {
		ms = append(ms, metric{m, "Count"})
	}
	if withAIM {
		ms = append(ms, metric{MetricAIMLatency, "Milliseconds"})
	}
	ms = append(ms, metric{MetricCredentialLatency, "Milliseconds"})
	return []directive{
		{ns, [][]string{{DimensionFunctionName}, {DimensionFunctionName, DimensionFunctionVersion}}, ms},
		{ns, [][]string{{DimensionFunctionName, DimensionOutcome, DimensionCode}}, []metric{{MetricRequests, "Count"}}},
	}
}

// count is a Count metric's value: 1 when the event happened.
func count(happened bool) int {
	if happened {
		return 1
	}
	return 0
}

// millis is d in milliseconds with microsecond precision; a negative d (a
// clock step) is 0.
func millis(d time.Duration) float64 {
	return float64(max(d, 0).Microseconds()) / 1000
}

// dimensionValue makes s a value CloudWatch accepts as a dimension:
// printable ASCII, at least one non-space, at most 1024 characters; def
// when s is blank. Values from the closed sets pass through unchanged.
func dimensionValue(s, def string) string {
	s = cmp.Or(strings.TrimSpace(s), def)
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r >= 0x7f {
			return '_'
		}
		return r
	}, s)
	return s[:min(len(s), 1024)]
}
