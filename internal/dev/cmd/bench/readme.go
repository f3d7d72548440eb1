package main

import (
	"errors"
	"fmt"
	"os"
	"strings"
)

// The README markers that enclose the generated section.
const (
	beginMarker = "<!-- bench:begin -->"
	endMarker   = "<!-- bench:end -->"
)

// errNoMarkers says the README has no place for the table.
var errNoMarkers = errors.New("no " + beginMarker + " … " + endMarker + " section")

// updateREADME writes md between the markers of the README at path. A README without
// the markers is left alone, with a note on stderr.
func updateREADME(path, md string) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("update README: %w", err)
	}
	out, err := replaceSection(string(b), md)
	if errors.Is(err, errNoMarkers) {
		fmt.Fprintf(os.Stderr, "bench: %s has %v; not rewritten\n", path, err)
		return nil
	}
	if err != nil {
		return fmt.Errorf("update README %s: %w", path, err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		return fmt.Errorf("update README: %w", err)
	}
	if err := os.WriteFile(path, []byte(out), fi.Mode().Perm()); err != nil {
		return fmt.Errorf("update README: %w", err)
	}
	fmt.Fprintf(os.Stderr, "bench: wrote the table into %s\n", path)
	return nil
}

// replaceSection puts md between the first begin marker and the end marker after it.
func replaceSection(doc, md string) (string, error) {
	i := strings.Index(doc, beginMarker)
	if i < 0 {
		return "", errNoMarkers
	}
	start := i + len(beginMarker)
	j := strings.Index(doc[start:], endMarker)
	if j < 0 {
		return "", errNoMarkers
	}
	return doc[:start] + "\n" + strings.TrimSpace(md) + "\n" + doc[start+j:], nil
}
