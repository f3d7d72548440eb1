package samtemplate

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
)

// The function and the names the contract gives its configuration.
const (
	functionID   = "CustomerAccessTokenFunction"
	apiID        = "Api"
	templateFile = "../../../template.yaml"
	samConfig    = "../../../samconfig.toml"
	functionDir  = "../../../functions/customer-access-token"
)

var loaded struct {
	once     sync.Once
	template Template
	err      error
}

// transformed returns template.yaml after the SAM transform, run once per test
// binary (it takes about two seconds).
func transformed(t *testing.T) Template {
	t.Helper()
	loaded.once.Do(func() {
		path, err := filepath.Abs(templateFile)
		if err != nil {
			loaded.err = err
			return
		}
		loaded.template, loaded.err = Transform(context.Background(), path)
	})
	needTool(t, loaded.err)
	return loaded.template
}

// needTool skips the test when cfn-lint is missing, unless CI=true, where a
// missing tool fails it. Any other error fails it.
func needTool(t *testing.T, err error) {
	t.Helper()
	if err == nil {
		return
	}
	if errors.Is(err, exec.ErrNotFound) && os.Getenv("CI") != "true" {
		t.Skipf("skipped: %v (with CI=true this is a failure)", err)
	}
	t.Fatal(err)
}

// resource returns the resource id, failing the test when it is missing or
// not of type typ.
func resource(t *testing.T, tpl Template, id, typ string) Resource {
	t.Helper()
	r, ok := tpl.Resources[id]
	if !ok {
		t.Fatalf("no resource %s", id)
	}
	if r.Type != typ {
		t.Fatalf("%s: got type %s, want %s", id, r.Type, typ)
	}
	return r
}

// refTo fails the test unless v is {"Ref": want}.
func refTo(t *testing.T, what string, v any, want string) {
	t.Helper()
	if got, ok := ref(v); !ok || got != want {
		t.Errorf("%s: got %v, want {Ref: %s}", what, v, want)
	}
}

// paramRef returns the parameter v refers to, failing the test unless v is a
// Ref to a template parameter.
func paramRef(t *testing.T, tpl Template, what string, v any) (string, Parameter) {
	t.Helper()
	name, ok := ref(v)
	p, isParam := tpl.Parameters[name]
	if !ok || !isParam {
		t.Fatalf("%s: got %v, want a Ref to a parameter", what, v)
	}
	return name, p
}

// function returns the function resource's properties.
func function(t *testing.T, tpl Template) map[string]any {
	t.Helper()
	return resource(t, tpl, functionID, "AWS::Lambda::Function").Properties
}

// only returns the single resource of type typ.
func only(t *testing.T, tpl Template, typ string) (string, Resource) {
	t.Helper()
	ids := tpl.ResourcesOfType(typ)
	if len(ids) != 1 {
		t.Fatalf("resources of type %s: got %v, want exactly one", typ, ids)
	}
	return ids[0], tpl.Resources[ids[0]]
}
