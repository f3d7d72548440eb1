package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aimcards/customer-access-token/internal/dev/samtemplate"
)

// deployer runs deployparams as make deploy does, against the repository's
// template and a samconfig.toml of the test's own.
type deployer struct {
	t            *testing.T
	config, code string
}

func newDeployer(t *testing.T) deployer {
	t.Helper()
	dir := t.TempDir()
	config := filepath.Join(dir, "samconfig.toml")
	toml := `version = 0.1
[test.deploy.parameters]
stack_name = "cards-test"
parameter_overrides = ["AppId=app-1", "ApiKeySecretName=aim/api-key", "AlarmEmail=ops@example.com"]
`
	code := filepath.Join(dir, "build")
	if err := os.WriteFile(config, []byte(toml), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(code, 0o700); err != nil {
		t.Fatal(err)
	}
	d := deployer{t, config, code}
	d.build("bootstrap v1")
	return d
}

// build writes the "built" code.
func (d deployer) build(content string) {
	d.t.Helper()
	if err := os.WriteFile(filepath.Join(d.code, "bootstrap"), []byte(content), 0o600); err != nil {
		d.t.Fatal(err)
	}
}

// deploy returns the values deployparams passes with these PARAMS.
func (d deployer) deploy(params string) map[string]string {
	d.t.Helper()
	var out bytes.Buffer
	err := run(&out, "test", d.config, "../../../../template.yaml", "CustomerAccessTokenFunction", d.code, params)
	if errors.Is(err, exec.ErrNotFound) && os.Getenv("CI") != "true" {
		d.t.Skipf("skipped: %v (with CI=true this is a failure)", err)
	}
	if err != nil {
		d.t.Fatal(err)
	}
	values, err := samtemplate.ParseOverrides(strings.TrimSpace(out.String()))
	if err != nil {
		d.t.Fatalf("deployparams printed %q: %v", out.String(), err)
	}
	return values
}

// TestEveryParameterIsPassed: make deploy names every template parameter, its
// default included, so CloudFormation runs exactly what the digest hashed
// and a PARAMS value lasts one deploy. The case: AimTimeout=8s, then
// a deploy without it (back to the default 4s, a new version), then 4s
// passed by hand (the same as the default: nothing to publish).
func TestEveryParameterIsPassed(t *testing.T) {
	d := newDeployer(t)
	tpl, err := samtemplate.Transform(t.Context(), mustAbs(t, "../../../../template.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	plain := d.deploy("")
	for name := range tpl.Parameters {
		if _, ok := plain[name]; !ok {
			t.Errorf("%s: not passed; sam deploy would keep its previous value (UsePreviousValue)", name)
		}
	}
	if plain["AimTimeout"] != "4s" || plain["ReservedConcurrency"] != "" {
		t.Errorf("defaults: AimTimeout %q, ReservedConcurrency %q; want 4s and empty, passed explicitly", plain["AimTimeout"], plain["ReservedConcurrency"])
	}
	digest := samtemplate.DigestParameter
	again := d.deploy("")
	slow := d.deploy("AimTimeout=8s")
	back := d.deploy("")
	byHand := d.deploy("AimTimeout=4s")
	reserved := d.deploy("ReservedConcurrency=10")
	d.build("bootstrap v2")
	newCode := d.deploy("")
	for _, c := range []struct {
		name string
		got  map[string]string
		same bool
	}{
		{"the same deploy again", again, true},
		{"AimTimeout=8s for one deploy", slow, false},
		{"the default passed by hand", byHand, true},
		{"ReservedConcurrency (no version freezes it)", reserved, true},
		{"new code", newCode, false},
	} {
		if (c.got[digest] == plain[digest]) != c.same {
			t.Errorf("%s: digest %s, plain deploy's %s; want same=%v", c.name, c.got[digest], plain[digest], c.same)
		}
	}
	if back["AimTimeout"] != "4s" || back[digest] != plain[digest] {
		t.Errorf("the deploy after AimTimeout=8s: AimTimeout %q digest %s; want 4s and the plain deploy's digest %s", back["AimTimeout"], back[digest], plain[digest])
	}
}

func mustAbs(t *testing.T, path string) string {
	t.Helper()
	abs, err := filepath.Abs(path)
	if err != nil {
		t.Fatal(err)
	}
	return abs
}
