package emf

// DefaultNamespace is the CloudWatch namespace when none is configured.
const DefaultNamespace = "AIMCards/CustomerAccessToken"

// Metric names, as alarms and dashboards must spell them.
const (
	MetricRequests          = "Requests"          // every API event: 1
	MetricClicks            = "Clicks"            // 1 for a GET, the button's click
	MetricServerErrors      = "ServerErrors"      // 1 when the status is 5xx
	MetricUnauthorized      = "Unauthorized"      // 1 when the status is 401
	MetricUpstreamErrors    = "UpstreamErrors"    // 1 on upstream_error or upstream_timeout
	MetricUnavailable       = "Unavailable"       // 1 on unavailable
	MetricStaleCredentials  = "StaleCredentials"  // 1 when stale credentials served the request
	MetricColdStart         = "ColdStart"         // 1 on an environment's first invocation, unless the probe's
	MetricAIMLatency        = "AIMLatency"        // ms in CustomerAccessToken; only when it was called
	MetricCredentialLatency = "CredentialLatency" // ms fetching the ApiKey and endpoint
	MetricProbeSuccess      = "ProbeSuccess"      // the probe's only metric: 1 when it had fresh credentials
)

// Dimension names.
const (
	DimensionFunctionName    = "FunctionName"
	DimensionFunctionVersion = "FunctionVersion"
	DimensionOutcome         = "Outcome"
	DimensionCode            = "Code"
)

// OutcomeUnknown is the Outcome dimension of a record whose Outcome is blank.
const OutcomeUnknown = "unknown"

// CodeOK is the Code dimension of an answer that is not a problem.
const CodeOK = "ok"

// The problem codes that count as upstream failures (see the README's
// error table); a test keeps them equal to the answer's codes.
const (
	codeUpstreamError   = "upstream_error"
	codeUpstreamTimeout = "upstream_timeout"
	codeUnavailable     = "unavailable"
)
