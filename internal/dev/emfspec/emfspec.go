// Package emfspec checks CloudWatch embedded-metric-format records
// against the specification, strictly, and returns the data points
// CloudWatch would extract from them. Tests use it; it never ships.
//
// Specification:
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html
package emfspec

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
)

// Limits from the specification and CloudWatch's PutMetricData rules.
const (
	maxRecordBytes = 256 << 10      // a CloudWatch Logs event
	maxMetrics     = 100            // MetricDefinitions per directive
	maxDimensions  = 30             // keys per DimensionSet
	maxValues      = 100            // numbers in an array metric target
	maxNameLen     = 255            // metric names and namespaces
	maxDimKeyLen   = 250            // DimensionSet references (the spec's schema)
	maxDimValueLen = 1024           // dimension target values
	minTimestampMS = 946684800000   // 2000-01-01: below it, seconds were sent
	maxTimestampMS = 32503680000000 // 3000-01-01: above it, micro- or nanoseconds
)

// Datum is one data point CloudWatch extracts from a record.
type Datum struct {
	Namespace  string
	Dimensions map[string]string
	Name       string
	Unit       string // "None" when the definition gives none
	Values     []float64
	Timestamp  int64 // ms since the epoch
}

// Check reports whether line is one valid record.
func Check(line []byte) error {
	_, err := Extract(line)
	return err
}

// Extract validates line as one record (one JSON object on one line,
// optionally ending in a newline) and returns its data points, one per
// metric per DimensionSet per directive.
func Extract(line []byte) ([]Datum, error) {
	body := bytes.TrimSuffix(line, []byte("\n"))
	if len(line) > maxRecordBytes {
		return nil, fmt.Errorf("record: %d bytes, want at most %d", len(line), maxRecordBytes)
	}
	if bytes.ContainsAny(body, "\r\n") {
		return nil, errors.New("record: spans more than one line")
	}
	root, err := members(body)
	if err != nil {
		return nil, fmt.Errorf("root: %w", err)
	}
	meta, ok := root["_aws"]
	if !ok {
		return nil, errors.New("root: no _aws member")
	}
	ts, directives, err := metadata(meta)
	if err != nil {
		return nil, err
	}
	var out []Datum
	for i, raw := range directives {
		ds, err := directive(raw, root, ts)
		if err != nil {
			return nil, fmt.Errorf("_aws.CloudWatchMetrics[%d]: %w", i, err)
		}
		out = append(out, ds...)
	}
	return out, nil
}

// metadata checks the _aws object: exactly Timestamp and CloudWatchMetrics.
func metadata(raw json.RawMessage) (int64, []json.RawMessage, error) {
	aws, err := members(raw)
	if err != nil {
		return 0, nil, fmt.Errorf("_aws: %w", err)
	}
	if err := exactly(aws, []string{"CloudWatchMetrics", "Timestamp"}, nil); err != nil {
		return 0, nil, fmt.Errorf("_aws: %w", err)
	}
	ts, err := timestamp(aws["Timestamp"])
	if err != nil {
		return 0, nil, fmt.Errorf("_aws.Timestamp: %w", err)
	}
	var directives []json.RawMessage
	if !isKind(aws["CloudWatchMetrics"], '[') || json.Unmarshal(aws["CloudWatchMetrics"], &directives) != nil {
		return 0, nil, errors.New("_aws.CloudWatchMetrics: not an array")
	}
	if len(directives) == 0 {
		return 0, nil, errors.New("_aws.CloudWatchMetrics: empty, so the record defines no metric")
	}
	return ts, directives, nil
}

// timestamp reads an integer number of milliseconds in a plausible range.
func timestamp(raw json.RawMessage) (int64, error) {
	var ts int64
	if !isKind(raw, '0') || bytes.ContainsAny(raw, ".eE-") || json.Unmarshal(raw, &ts) != nil {
		return 0, fmt.Errorf("%s is not a non-negative integer", raw)
	}
	if ts < minTimestampMS || ts > maxTimestampMS {
		return 0, fmt.Errorf("%d is not milliseconds since the epoch (want %d..%d)", ts, int64(minTimestampMS), int64(maxTimestampMS))
	}
	return ts, nil
}

// exactly checks that obj has every required key, and no key outside
// required and optional.
func exactly(obj map[string]json.RawMessage, required, optional []string) error {
	for _, k := range required {
		if _, ok := obj[k]; !ok {
			return fmt.Errorf("no %s member", k)
		}
	}
	for _, k := range slices.Sorted(maps.Keys(obj)) {
		if !slices.Contains(required, k) && !slices.Contains(optional, k) {
			return fmt.Errorf("unknown member %q", k)
		}
	}
	return nil
}
