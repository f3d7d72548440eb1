package samtemplate

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/aimcards/customer-access-token/internal/dev/emfspec"
	"github.com/google/go-cmp/cmp"
)

func TestParseOverrides(t *testing.T) {
	cases := []struct {
		in   string
		want map[string]string
	}{
		{`A=1 B=two`, map[string]string{"A": "1", "B": "two"}},
		{`  Url=https://x.example/a=b  `, map[string]string{"Url": "https://x.example/a=b"}},
		{`Quoted="a b" Empty="" Esc="say \"hi\""`, map[string]string{"Quoted": "a b", "Empty": "", "Esc": `say "hi"`}},
		{`Bare=`, map[string]string{"Bare": ""}},
	}
	for _, c := range cases {
		got := map[string]string{}
		if err := parseOverrides(c.in, got); err != nil {
			t.Errorf("parseOverrides(%q): %v", c.in, err)
			continue
		}
		if diff := cmp.Diff(c.want, got); diff != "" {
			t.Errorf("parseOverrides(%q) (-want +got):\n%s", c.in, diff)
		}
	}
	for _, bad := range []string{`novalue`, `A="open`, `=x`} {
		if err := parseOverrides(bad, map[string]string{}); err == nil {
			t.Errorf("parseOverrides(%q): got no error, want one", bad)
		}
	}
}

func TestParameterOverridesForms(t *testing.T) {
	c := SAMConfig{
		"str":  {"deploy": {"parameter_overrides": `A=1 B="x y"`}},
		"list": {"deploy": {"parameter_overrides": []any{"A=1", `B="x y"`}}},
	}
	want := map[string]string{"A": "1", "B": "x y"}
	for _, env := range c.Environments() {
		got, err := c.ParameterOverrides(env)
		if err != nil {
			t.Fatalf("%s: %v", env, err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", env, diff)
		}
	}
}

func TestShebangPython(t *testing.T) {
	dir := t.TempDir()
	write := func(name, first string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(first+"\nrest\n"), 0o755); err != nil {
			t.Fatal(err)
		}
		return p
	}
	python := write("python3.11", "#!/bin/sh")
	cases := map[string]string{
		write("pip-entry", "#!"+python):            python,
		write("bash-shim", "#!/usr/bin/env bash"):  "",
		write("no-shebang", "import sys"):          "",
		write("gone", "#!/nonexistent/python3.99"): "",
	}
	for path, want := range cases {
		if got := shebangPython(path); got != want {
			t.Errorf("shebangPython(%s): got %q, want %q", filepath.Base(path), got, want)
		}
	}
}

func TestHolds(t *testing.T) {
	tpl := Template{
		Parameters: map[string]Parameter{"Name": {Default: ""}, "Zone": {Default: ""}},
		Conditions: map[string]any{
			"HasName": map[string]any{"Fn::Not": []any{map[string]any{"Fn::Equals": []any{map[string]any{"Ref": "Name"}, ""}}}},
			"HasBoth": map[string]any{"Fn::And": []any{
				map[string]any{"Condition": "HasName"},
				map[string]any{"Fn::Not": []any{map[string]any{"Fn::Equals": []any{map[string]any{"Ref": "Zone"}, ""}}}},
			}},
			"Loop": map[string]any{"Condition": "Loop"},
		},
	}
	cases := []struct {
		cond   string
		values map[string]string
		want   bool
	}{
		{"HasName", nil, false},
		{"HasName", map[string]string{"Name": "x"}, true},
		{"HasBoth", map[string]string{"Name": "x"}, false},
		{"HasBoth", map[string]string{"Name": "x", "Zone": "z"}, true},
		{"HasBoth", map[string]string{"Zone": "z"}, false},
	}
	for _, c := range cases {
		got, err := tpl.Holds(c.cond, c.values)
		if err != nil || got != c.want {
			t.Errorf("Holds(%s, %v): got %v, %v; want %v", c.cond, c.values, got, err, c.want)
		}
	}
	if _, err := tpl.Holds("Loop", nil); err == nil {
		t.Error("Holds(Loop): got no error for a condition that names itself")
	}
}

func TestReferences(t *testing.T) {
	v := map[string]any{
		"A": map[string]any{"Ref": "Param"},
		"B": map[string]any{"Fn::GetAtt": []any{"Res", "Arn"}},
		"C": map[string]any{"Fn::Sub": "${Other.Arn}:${AWS::Region}:${!Literal}"},
		"D": map[string]any{"Fn::Sub": []any{"${own}-${Third}", map[string]any{"own": map[string]any{"Ref": "Fourth"}}}},
	}
	want := []string{"Fourth", "Other", "Param", "Res", "Third"}
	if diff := cmp.Diff(want, references(v)); diff != "" {
		t.Errorf("references (-want +got):\n%s", diff)
	}
}

func TestParameterCheck(t *testing.T) {
	minOne := 1.0
	p := Parameter{Type: "Number", MinValue: &minOne, AllowedPattern: "[0-9]+"}
	for v, ok := range map[string]bool{"1": true, "20": true, "0": false, "x": false, "1x": false} {
		if err := p.Check(v); (err == nil) != ok {
			t.Errorf("Check(%q): got %v, want ok=%v", v, err, ok)
		}
	}
	levels := Parameter{AllowedValues: []any{"INFO", "WARN"}}
	if err := levels.Check("DEBUG"); err == nil {
		t.Error(`Check("DEBUG") against [INFO WARN]: got no error`)
	}
}

// TestMissingTransformIsNotFound runs Transform with a cfn-lint whose Python
// cannot import the transform (a stand-in exits as the script does then) and
// with one whose transform fails: only the first is a missing tool.
func TestMissingTransformIsNotFound(t *testing.T) {
	for status, wantNotFound := range map[int]bool{exitMissing: true, 1: false} {
		dir := t.TempDir()
		python := filepath.Join(dir, "python3")
		writeScript(t, python, fmt.Sprintf("#!/bin/sh\necho 'problem' >&2\nexit %d\n", status))
		writeScript(t, filepath.Join(dir, "cfn-lint"), "#!"+python+"\n")
		t.Setenv("PATH", dir)
		_, err := Transform(context.Background(), "template.yaml")
		if err == nil || errors.Is(err, exec.ErrNotFound) != wantNotFound {
			t.Errorf("exit %d: got %v, want an error that is exec.ErrNotFound: %v", status, err, wantNotFound)
		}
	}
}

func writeScript(t *testing.T, path, text string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), 0o755); err != nil {
		t.Fatal(err)
	}
}

func TestUnemitted(t *testing.T) {
	records := []emfspec.Datum{
		{Namespace: "NS", Name: "Requests", Dimensions: map[string]string{"FunctionName": "f"}},
		{Namespace: "NS", Name: "Requests", Dimensions: map[string]string{"FunctionName": "f", "Outcome": "json", "Code": "ok"}},
	}
	metric := func(ns, name string, dims ...string) AlarmMetric {
		m := AlarmMetric{Alarm: name, Namespace: ns, MetricName: name, Dimensions: map[string]any{}}
		for _, d := range dims {
			m.Dimensions[d] = "x"
		}
		return m
	}
	metrics := []AlarmMetric{
		metric("NS", "Requests", "FunctionName"),
		metric("NS", "Requests", "Outcome", "FunctionName", "Code"),
		metric("NS", "Requests", "FunctionName", "FunctionVersion"), // set not published
		metric("NS", "Errors", "FunctionName"),                      // name not published
		metric("Other", "Requests", "FunctionName"),                 // namespace differs
	}
	var got []string
	for _, m := range Unemitted(metrics, records) {
		got = append(got, m.Namespace+" "+m.MetricName+" "+fmt.Sprint(m.DimensionNames()))
	}
	want := []string{"NS Requests [FunctionName FunctionVersion]", "NS Errors [FunctionName]", "Other Requests [FunctionName]"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Unemitted (-want +got):\n%s", diff)
	}
}
