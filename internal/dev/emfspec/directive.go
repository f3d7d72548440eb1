package emfspec

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// directive checks one MetricDirective against the root's members and
// returns its data points.
func directive(raw json.RawMessage, root map[string]json.RawMessage, ts int64) ([]Datum, error) {
	d, err := members(raw)
	if err != nil {
		return nil, err
	}
	if err := exactly(d, []string{"Dimensions", "Metrics", "Namespace"}, nil); err != nil {
		return nil, err
	}
	ns, err := namespace(d["Namespace"])
	if err != nil {
		return nil, fmt.Errorf("member Namespace: %w", err)
	}
	sets, err := dimensionSets(d["Dimensions"], root)
	if err != nil {
		return nil, fmt.Errorf("member Dimensions: %w", err)
	}
	defs, err := definitions(d["Metrics"], root)
	if err != nil {
		return nil, fmt.Errorf("member Metrics: %w", err)
	}
	var out []Datum
	for _, set := range sets {
		for _, def := range defs {
			def.Namespace, def.Dimensions, def.Timestamp = ns, set, ts
			out = append(out, def)
		}
	}
	return out, nil
}

// namespace applies CloudWatch's namespace rules.
func namespace(raw json.RawMessage) (string, error) {
	ns, err := str(raw)
	switch {
	case err != nil:
		return "", err
	case ns == "" || len(ns) > maxNameLen || strings.TrimSpace(ns) == "":
		return "", fmt.Errorf("%q: want 1..%d characters, not all spaces", ns, maxNameLen)
	case strings.HasPrefix(ns, "AWS/"):
		return "", fmt.Errorf("%q: AWS/ is reserved for AWS services", ns)
	}
	for _, r := range ns {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("./-_#: ", r)) {
			return "", fmt.Errorf("%q: character %q not allowed", ns, r)
		}
	}
	return ns, nil
}

// dimensionSets checks the DimensionSet arrays and resolves each key to
// its root member, which must be a string CloudWatch accepts.
func dimensionSets(raw json.RawMessage, root map[string]json.RawMessage) ([]map[string]string, error) {
	var sets [][]json.RawMessage
	if !isKind(raw, '[') || json.Unmarshal(raw, &sets) != nil {
		return nil, errors.New("not an array of DimensionSet arrays")
	}
	if len(sets) == 0 {
		return nil, errors.New("empty; want at least one DimensionSet")
	}
	out := make([]map[string]string, 0, len(sets))
	for i, set := range sets {
		if len(set) > maxDimensions {
			return nil, fmt.Errorf("[%d]: %d keys, want at most %d", i, len(set), maxDimensions)
		}
		dims := make(map[string]string, len(set))
		for _, keyRaw := range set {
			key, value, err := dimension(keyRaw, root)
			if err != nil {
				return nil, fmt.Errorf("[%d]: %w", i, err)
			}
			if _, dup := dims[key]; dup {
				return nil, fmt.Errorf("[%d]: %q twice", i, key)
			}
			dims[key] = value
		}
		out = append(out, dims)
	}
	return out, nil
}

func dimension(keyRaw json.RawMessage, root map[string]json.RawMessage) (key, value string, err error) {
	key, err = str(keyRaw)
	if err != nil {
		return "", "", fmt.Errorf("key: %w", err)
	}
	if key == "" || len(key) > maxDimKeyLen || !printableASCII(key) || strings.HasPrefix(key, ":") || key == "_aws" {
		return "", "", fmt.Errorf("key %q: want 1..%d printable ASCII characters, not starting with a colon", key, maxDimKeyLen)
	}
	target, ok := root[key]
	if !ok {
		return "", "", fmt.Errorf("dimension %q: no such root member", key)
	}
	value, err = str(target)
	if err != nil {
		return "", "", fmt.Errorf("dimension %q: %w", key, err)
	}
	if len(value) > maxDimValueLen || !printableASCII(value) || strings.TrimSpace(value) == "" {
		return "", "", fmt.Errorf("dimension %q: value %q: want 1..%d printable ASCII characters, not all spaces", key, value, maxDimValueLen)
	}
	return key, value, nil
}

// definitions checks the MetricDefinitions and reads their targets.
func definitions(raw json.RawMessage, root map[string]json.RawMessage) ([]Datum, error) {
	var defs []json.RawMessage
	if !isKind(raw, '[') || json.Unmarshal(raw, &defs) != nil {
		return nil, errors.New("not an array of MetricDefinition objects")
	}
	if len(defs) == 0 || len(defs) > maxMetrics {
		return nil, fmt.Errorf("%d definitions, want 1..%d", len(defs), maxMetrics)
	}
	out := make([]Datum, 0, len(defs))
	for i, raw := range defs {
		d, err := definition(raw, root)
		if err != nil {
			return nil, fmt.Errorf("[%d]: %w", i, err)
		}
		if slices.ContainsFunc(out, func(o Datum) bool { return o.Name == d.Name }) {
			return nil, fmt.Errorf("[%d]: metric %q defined twice", i, d.Name)
		}
		out = append(out, d)
	}
	return out, nil
}
