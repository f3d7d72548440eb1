package emf

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// counts are the Count metrics of directive 1, in record order.
var counts = []string{
	MetricRequests, MetricServerErrors, MetricUpstreamErrors,
	MetricUnavailable, MetricStaleCredentials, MetricColdStart,
}

// appendHead encodes the part of every record that never changes: the two
// metric directives and the function's dimensions. withAIM lists
// AIMLatency, for records of invocations that called AIM.
func appendHead(b []byte, ns, name, version string, withAIM bool) []byte {
	b = append(b, `,"CloudWatchMetrics":[{"Namespace":`...)
	b = appendString(b, ns)
	b = append(b, `,"Dimensions":[["`+DimensionFunctionName+`"],["`+DimensionFunctionName+`","`+DimensionFunctionVersion+`"]],"Metrics":[`...)
	for _, m := range counts {
		b = append(b, `{"Name":"`+m+`","Unit":"Count"},`...)
	}
	if withAIM {
		b = append(b, `{"Name":"`+MetricAIMLatency+`","Unit":"Milliseconds"},`...)
	}
	b = append(b, `{"Name":"`+MetricCredentialLatency+`","Unit":"Milliseconds"}]},{"Namespace":`...)
	b = appendString(b, ns)
	b = append(b, `,"Dimensions":[["`+DimensionFunctionName+`","`+DimensionOutcome+`","`+DimensionCode+`"]],"Metrics":[{"Name":"`+MetricRequests+`","Unit":"Count"}]}]},"`+DimensionFunctionName+`":`...)
	b = appendString(b, name)
	b = append(b, `,"`+DimensionFunctionVersion+`":`...)
	b = appendString(b, version)
	return append(b, ',')
}

// appendRecord encodes one record as one line.
func (w *Writer) appendRecord(b []byte, inv *Invocation, cold bool) []byte {
	b = append(b, `{"_aws":{"Timestamp":`...)
	b = strconv.AppendInt(b, w.now().UnixMilli(), 10)
	head := w.head[0]
	if inv.AIMCalled {
		head = w.head[1]
	}
	b = append(b, head...)
	code := dimensionValue(inv.Code, CodeOK)
	b = append(b, `"`+DimensionOutcome+`":`...)
	b = appendString(b, dimensionValue(inv.Outcome, OutcomeUnknown))
	b = append(b, `,"`+DimensionCode+`":`...)
	b = appendString(b, code)
	b = appendCount(b, MetricRequests, true)
	b = appendCount(b, MetricServerErrors, inv.Status >= 500)
	b = appendCount(b, MetricUpstreamErrors, code == codeUpstreamError || code == codeUpstreamTimeout)
	b = appendCount(b, MetricUnavailable, code == codeUnavailable)
	b = appendCount(b, MetricStaleCredentials, inv.Stale)
	b = appendCount(b, MetricColdStart, cold)
	if inv.AIMCalled {
		b = appendMillis(b, MetricAIMLatency, inv.AIMLatency)
	}
	b = appendMillis(b, MetricCredentialLatency, inv.CredentialLatency)
	b = append(b, `,"`+PropertyRequestID+`":`...)
	b = appendString(b, inv.RequestID)
	b = append(b, `,"`+PropertyAPIRequestID+`":`...)
	b = appendString(b, inv.APIRequestID)
	b = append(b, `,"`+PropertyStatus+`":`...)
	b = strconv.AppendInt(b, int64(inv.Status), 10)
	return append(b, "}\n"...)
}

func appendCount(b []byte, name string, one bool) []byte {
	b = append(b, ',', '"')
	b = append(b, name...)
	if one {
		return append(b, `":1`...)
	}
	return append(b, `":0`...)
}

// appendMillis writes d in milliseconds with microsecond precision.
func appendMillis(b []byte, name string, d time.Duration) []byte {
	b = append(b, ',', '"')
	b = append(b, name...)
	b = append(b, '"', ':')
	return strconv.AppendFloat(b, float64(max(d, 0).Microseconds())/1000, 'f', -1, 64)
}

// dimensionValue makes s a value CloudWatch accepts as a dimension:
// printable ASCII, at least one non-space, at most 1024 characters; def
// when s is blank. Values from the closed sets pass through unchanged.
func dimensionValue(s, def string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return def
	}
	clean := len(s) <= 1024
	for i := 0; clean && i < len(s); i++ {
		clean = s[i] >= 0x20 && s[i] < 0x7f
	}
	if clean {
		return s
	}
	var sb strings.Builder
	for _, r := range s {
		if sb.Len() == 1024 {
			break
		}
		if r < 0x20 || r >= 0x7f {
			r = '_'
		}
		sb.WriteRune(r)
	}
	return sb.String()
}

// appendString writes s as a JSON string; invalid UTF-8 becomes U+FFFD.
func appendString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x80 {
			r, size := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && size == 1 {
				b = append(b, `\ufffd`...)
			} else {
				b = append(b, s[i:i+size]...)
			}
			i += size
			continue
		}
		switch {
		case c == '"' || c == '\\':
			b = append(b, '\\', c)
		case c < 0x20:
			b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
		default:
			b = append(b, c)
		}
		i++
	}
	return append(b, '"')
}
