package samtemplate

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestBuildIgnoresGitState builds bootstrap with the Makefile in a copy of
// the working tree under its own git repository: committed, then with an
// uncommitted README edit, then with the edit committed. The three builds
// must be byte for byte the same, so the code digest (CodeHash) and with it
// the published version change only when the code does, whatever the
// checkout's state (Go stamps the commit and a dirty flag unless told not to).
func TestBuildIgnoresGitState(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the function three times")
	}
	for _, tool := range []string{"git", "make"} {
		_, err := exec.LookPath(tool)
		needTool(t, err)
	}
	root, err := filepath.Abs("../../..")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	files := strings.Split(strings.TrimSpace(run(t, root, "git", "ls-files", "--cached", "--others", "--exclude-standard")), "\n")
	for _, f := range files {
		b, err := os.ReadFile(filepath.Join(root, f))
		if os.IsNotExist(err) {
			continue // deleted in the working tree
		}
		if err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, f)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, f), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	git := func(args ...string) {
		run(t, dir, "git", append([]string{"-c", "user.name=test", "-c", "user.email=test@example.com"}, args...)...)
	}
	build := func(name string) []byte {
		out := filepath.Join(dir, ".aws-sam", name)
		// GOFLAGS as Go has it by default: a machine's own go env (say
		// GOFLAGS=-buildvcs=false) must not be what makes the build reproducible.
		run(t, dir, "env", "GOFLAGS=-buildvcs=auto", "make", "--no-print-directory", "build-CustomerAccessTokenFunction", "ARTIFACTS_DIR="+out)
		b, err := os.ReadFile(filepath.Join(out, "bootstrap"))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	git("init", "-q")
	git("add", "-A")
	git("commit", "-q", "-m", "first")
	committed := build("committed")
	f, err := os.OpenFile(filepath.Join(dir, "README.md"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString("\nAn edit that changes no code.\n"); err != nil {
		t.Fatal(err)
	}
	f.Close()
	dirty := build("dirty")
	git("commit", "-q", "-am", "second")
	next := build("next-commit")
	if !bytes.Equal(committed, dirty) || !bytes.Equal(committed, next) {
		t.Errorf("bootstrap differs: committed vs uncommitted README edit equal %v, vs the edit committed equal %v; want the same bytes (GO_LAMBDA_FLAGS -buildvcs=false)",
			bytes.Equal(committed, dirty), bytes.Equal(committed, next))
	}
}

// run runs a command in dir and returns its output, failing the test on error.
func run(t *testing.T, dir, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return string(out)
}

// TestDeployCanRunUnattended reads the commands make deploy would run (make
// -n runs none): CONFIRM=no gives sam deploy no change-set prompt and no
// error for an empty change set, for a pipeline; by default it asks.
func TestDeployCanRunUnattended(t *testing.T) {
	_, err := exec.LookPath("make")
	needTool(t, err)
	for confirm, want := range map[string]bool{"SAM_ENV=prod": false, "CONFIRM=yes": false, "CONFIRM=no": true} {
		out := run(t, "../../..", "make", "--no-print-directory", "-n", "deploy", confirm)
		var deploy string
		for line := range strings.Lines(out) {
			if strings.HasPrefix(line, "sam deploy ") {
				deploy = line
			}
		}
		got := strings.Contains(deploy, "--no-confirm-changeset") && strings.Contains(deploy, "--no-fail-on-empty-changeset")
		if deploy == "" || got != want || !strings.Contains(deploy, `--parameter-overrides "$overrides"`) {
			t.Errorf("make deploy %s runs %q; want --no-confirm-changeset --no-fail-on-empty-changeset %v and the overrides", confirm, deploy, want)
		}
	}
}
