package main

import (
	"os/exec"
	"strings"
	"testing"
)

// devTools is the folder of everything that never goes into bootstrap.
const devTools = "github.com/aimcards/customer-access-token/internal/dev"

// TestBootstrapShipsNoDevTools guards the layout: nothing the Lambda is
// built from may come from the local tools (sandbox, emulator drivers,
// local stack, bench, storefront).
func TestBootstrapShipsNoDevTools(t *testing.T) {
	t.Parallel()
	out, err := exec.CommandContext(t.Context(), "go", "list", "-deps", "-tags", "lambda.norpc", "../...").Output()
	if err != nil {
		t.Fatalf("go list -deps: %v", err)
	}
	deps := strings.Fields(string(out))
	if len(deps) < 10 {
		t.Fatalf("got %d packages from go list -deps, want the function's whole graph", len(deps))
	}
	for _, p := range deps {
		if p == devTools || strings.HasPrefix(p, devTools+"/") {
			t.Errorf("the function depends on %s, a local tool; want nothing under %s", p, devTools)
		}
	}
}
