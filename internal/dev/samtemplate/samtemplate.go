// Package samtemplate loads template.yaml the way CloudFormation sees it: after
// the SAM transform, run offline by the copy of the SAM translator that
// cfn-lint carries. Tests use it to check the deployed wiring (the alias, the
// CodeDeploy deployment group, the alarms) rather than the SAM shorthand.
package samtemplate

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
)

// Region is the region the transform is run for. The transformed wiring does
// not depend on it: ARNs keep ${AWS::Region}.
const Region = "us-east-1"

// Template is a CloudFormation template after the SAM transform.
type Template struct {
	Parameters map[string]Parameter `json:"Parameters"`
	Conditions map[string]any       `json:"Conditions"`
	Rules      map[string]Rule      `json:"Rules"`
	Resources  map[string]Resource  `json:"Resources"`
	Outputs    map[string]Output    `json:"Outputs"`
}

// Parameter is a template parameter with the constraints CloudFormation
// enforces on its value.
type Parameter struct {
	Type           string   `json:"Type"`
	Default        any      `json:"Default"`
	AllowedPattern string   `json:"AllowedPattern"`
	AllowedValues  []any    `json:"AllowedValues"`
	MinValue       *float64 `json:"MinValue"`
	MinLength      *int     `json:"MinLength"`
	MaxLength      *int     `json:"MaxLength"`
}

// Rule is a template rule: when RuleCondition holds, every assertion must.
type Rule struct {
	RuleCondition any `json:"RuleCondition"`
	Assertions    []struct {
		Assert            any    `json:"Assert"`
		AssertDescription string `json:"AssertDescription"`
	} `json:"Assertions"`
}

// Resource is one resource of the transformed template. Properties keep
// intrinsic functions as JSON objects ({"Ref": ...}, {"Fn::GetAtt": [...]}).
type Resource struct {
	Type         string         `json:"Type"`
	Condition    string         `json:"Condition"`
	DependsOn    any            `json:"DependsOn"`
	Properties   map[string]any `json:"Properties"`
	UpdatePolicy map[string]any `json:"UpdatePolicy"`
}

// Output is one stack output.
type Output struct {
	Condition string `json:"Condition"`
	Value     any    `json:"Value"`
}

// Transform runs the SAM transform on the template file at path and returns
// the result. Without cfn-lint (or its Python) the error wraps exec.ErrNotFound.
func Transform(ctx context.Context, path string) (Template, error) {
	out, err := runScript(ctx, "transform", path, Region)
	if err != nil {
		return Template{}, err
	}
	var t Template
	if err := json.Unmarshal(out, &t); err != nil {
		return Template{}, fmt.Errorf("samtemplate: transform %s: decode: %w", path, err)
	}
	return t, nil
}

// Translate runs the SAM transform on the template file at path once for each
// map of parameter values, as CloudFormation's own transform does on a deploy
// with those values (parameters left out take their defaults), and returns the
// results in order.
func Translate(ctx context.Context, path string, values []map[string]string) ([]Template, error) {
	arg, err := json.Marshal(values)
	if err != nil {
		return nil, err
	}
	out, err := runScript(ctx, "translate", path, Region, string(arg))
	if err != nil {
		return nil, err
	}
	var ts []Template
	if err := json.Unmarshal(out, &ts); err != nil || len(ts) != len(values) {
		return nil, fmt.Errorf("samtemplate: translate %s: got %d templates for %d value sets: %v", path, len(ts), len(values), err)
	}
	return ts, nil
}

// DefaultString returns the parameter's default as CloudFormation passes it
// (always a string), and whether there is one.
func (p Parameter) DefaultString() (string, bool) {
	if p.Default == nil {
		return "", false
	}
	return scalarString(p.Default), true
}

// ResourcesOfType returns the logical ids of the resources of type typ.
func (t Template) ResourcesOfType(typ string) []string {
	var ids []string
	for id, r := range t.Resources {
		if r.Type == typ {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	return ids
}

// Defaults returns every parameter's default value by name.
func (t Template) Defaults() map[string]string {
	values := make(map[string]string, len(t.Parameters))
	for name, p := range t.Parameters {
		if v, ok := p.DefaultString(); ok {
			values[name] = v
		}
	}
	return values
}
