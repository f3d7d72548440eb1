package main

import (
	"context"
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"strconv"

	"github.com/aimcards/customer-access-token/internal/dev/samtemplate"
)

// functionID is the function's logical id in template.yaml.
const functionID = "CustomerAccessTokenFunction"

// readTemplateEnv takes the literal runtime settings template.yaml gives the
// function (SSL_CERT_DIR, GOMAXPROCS), so that both processes run as a
// deployed function would, and its default MemorySize. An -ssl-cert-dir given on the command line wins.
func (o *options) readTemplateEnv(ctx context.Context) error {
	tpl, err := samtemplate.Transform(ctx, filepath.Join(o.root, "template.yaml"))
	if err != nil {
		return fmt.Errorf("template-env: %w (-template-env=false runs with Go's defaults)", err)
	}
	o.runtime = runtimeSettings(tpl.FunctionEnv(functionID), &o.certDir)
	o.memorySize, err = strconv.Atoi(tpl.Defaults()["MemorySize"])
	return err
}

// runtimeSettings picks the settings of env that belong to the runtime rather
// than to the function's configuration, which the bench sets itself; it
// moves SSL_CERT_DIR into certDir unless certDir is already set.
func runtimeSettings(env map[string]string, certDir *string) []string {
	if *certDir == "" {
		*certDir = env["SSL_CERT_DIR"]
	}
	var out []string
	for _, k := range slices.Sorted(maps.Keys(env)) {
		if k == "GOMAXPROCS" || k == "GODEBUG" || k == "GOGC" || k == "GOMEMLIMIT" {
			out = append(out, k+"="+env[k])
		}
	}
	return out
}
