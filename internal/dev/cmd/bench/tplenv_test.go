package main

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestRuntimeSettings(t *testing.T) {
	t.Parallel()
	env := map[string]string{"GOMAXPROCS": "1", "SSL_CERT_DIR": "/nonexistent", "AIM_TIMEOUT": "4s", "GOGC": "200"}
	var dir string
	got := runtimeSettings(env, &dir)
	if diff := cmp.Diff([]string{"GOGC=200", "GOMAXPROCS=1"}, got); diff != "" {
		t.Errorf("settings (-want +got):\n%s", diff)
	}
	if dir != "/nonexistent" {
		t.Errorf("got SSL_CERT_DIR %q, want the template's /nonexistent", dir)
	}
	dir = "/given"
	runtimeSettings(env, &dir)
	if dir != "/given" {
		t.Errorf("got SSL_CERT_DIR %q, want the command line's /given", dir)
	}
}
