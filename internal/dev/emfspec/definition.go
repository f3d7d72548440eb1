package emfspec

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
)

// units are the valid CloudWatch units (MetricDatum's Unit).
var units = map[string]bool{
	"Seconds": true, "Microseconds": true, "Milliseconds": true,
	"Bytes": true, "Kilobytes": true, "Megabytes": true, "Gigabytes": true, "Terabytes": true,
	"Bits": true, "Kilobits": true, "Megabits": true, "Gigabits": true, "Terabits": true,
	"Percent": true, "Count": true, "None": true,
	"Bytes/Second": true, "Kilobytes/Second": true, "Megabytes/Second": true,
	"Gigabytes/Second": true, "Terabytes/Second": true,
	"Bits/Second": true, "Kilobits/Second": true, "Megabits/Second": true,
	"Gigabits/Second": true, "Terabits/Second": true, "Count/Second": true,
}

// definition checks one MetricDefinition and reads its target.
func definition(raw json.RawMessage, root map[string]json.RawMessage) (Datum, error) {
	def, err := members(raw)
	if err != nil {
		return Datum{}, err
	}
	if err := exactly(def, []string{"Name"}, []string{"StorageResolution", "Unit"}); err != nil {
		return Datum{}, err
	}
	name, err := str(def["Name"])
	if err != nil {
		return Datum{}, fmt.Errorf("member Name: %w", err)
	}
	if name == "" || len(name) > maxNameLen || name == "_aws" || strings.TrimSpace(name) == "" {
		return Datum{}, fmt.Errorf("metric name %q: want 1..%d characters, not all spaces", name, maxNameLen)
	}
	d := Datum{Name: name, Unit: "None"}
	if raw, ok := def["Unit"]; ok {
		if d.Unit, err = str(raw); err != nil || !units[d.Unit] {
			return Datum{}, fmt.Errorf("metric %q: Unit %s is not a CloudWatch unit", name, raw)
		}
	}
	if raw, ok := def["StorageResolution"]; ok {
		if s := string(raw); s != "1" && s != "60" {
			return Datum{}, fmt.Errorf("metric %q: StorageResolution %s, want 1 or 60", name, raw)
		}
	}
	target, ok := root[name]
	if !ok {
		return Datum{}, fmt.Errorf("metric %q: no such root member", name)
	}
	if d.Values, err = values(target); err != nil {
		return Datum{}, fmt.Errorf("metric %q: %w", name, err)
	}
	return d, nil
}

// values reads a metric target: a number or an array of 1..100 numbers.
func values(raw json.RawMessage) ([]float64, error) {
	if isKind(raw, '0') {
		v, err := number(raw)
		return []float64{v}, err
	}
	var arr []json.RawMessage
	if !isKind(raw, '[') || json.Unmarshal(raw, &arr) != nil {
		return nil, fmt.Errorf("target %s is neither a number nor an array of numbers", raw)
	}
	if len(arr) == 0 || len(arr) > maxValues {
		return nil, fmt.Errorf("target array of %d values, want 1..%d", len(arr), maxValues)
	}
	out := make([]float64, len(arr))
	for i, el := range arr {
		if !isKind(el, '0') {
			return nil, fmt.Errorf("target [%d] %s is not a number", i, el)
		}
		var err error
		if out[i], err = number(el); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func number(raw json.RawMessage) (float64, error) {
	var v float64
	if err := json.Unmarshal(raw, &v); err != nil || math.IsInf(v, 0) {
		return 0, fmt.Errorf("target %s is not a finite number", raw)
	}
	return v, nil
}

// str reads a JSON string (and nothing that merely decodes into one).
func str(raw json.RawMessage) (string, error) {
	var s string
	if !isKind(raw, '"') || json.Unmarshal(raw, &s) != nil {
		return "", fmt.Errorf("%s is not a string", raw)
	}
	return s, nil
}

// isKind reports whether raw is a JSON value of the kind its first byte
// tells: '"' string, '[' array, '{' object, '0' number.
func isKind(raw json.RawMessage, kind byte) bool {
	if len(raw) == 0 {
		return false
	}
	c := raw[0]
	if kind == '0' {
		return c == '-' || c >= '0' && c <= '9'
	}
	return c == kind
}

func printableASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] >= 0x7f {
			return false
		}
	}
	return true
}

var errNotObject = errors.New("not a JSON object")
