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
