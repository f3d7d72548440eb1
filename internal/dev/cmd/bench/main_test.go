package main

import (
	"slices"
	"testing"
)

func TestParseSizes(t *testing.T) {
	got, err := parseSizes("1024, 128,512,128")
	if err != nil || !slices.Equal(got, []int{128, 512, 1024}) {
		t.Errorf("got %v, %v, want [128 512 1024]", got, err)
	}
	for _, bad := range []string{"", "64", "128,x", "20000"} {
		if _, err := parseSizes(bad); err == nil {
			t.Errorf("parseSizes(%q): got no error, want one", bad)
		}
	}
}

func TestParsePart(t *testing.T) {
	for in, want := range map[string]part{"": "", "aws": partAWS, " plain ": partPlain} {
		if got, err := parsePart(in); err != nil || got != want {
			t.Errorf("parsePart(%q): got %q, %v, want %q", in, got, err, want)
		}
	}
	if _, err := parsePart("both"); err == nil {
		t.Error(`parsePart("both"): got no error, want one`)
	}
}
