package samtemplate

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// InstallHint says how to get the tools this package runs.
const InstallHint = "install it with: pip install cfn-lint (it carries the SAM translator)"

// exitMissing is the status the scripts exit with when cfnlint or samtranslator
// cannot be imported: the tool is missing, not the template wrong.
const exitMissing = 3

// script is what runs in cfn-lint's Python: "transform <template> <region>"
// prints the template after the SAM transform as JSON, the way cfn-lint
// transforms it (parameter values unknown: AutoPublishCodeSha256 becomes
// "fakesha"); "translate <template> <region> <values>" prints a JSON list of
// the template translated with each parameter value map of the JSON list
// values, as CloudFormation's own transform sees a deploy's values; "toml
// <file>" prints a TOML file (samconfig.toml) as JSON. Problems go to stderr.
const script = `
import json, sys
mode = sys.argv[1]
if mode == "toml":
    import tomllib
    with open(sys.argv[2], "rb") as f:
        json.dump(tomllib.load(f), sys.stdout)
    sys.exit(0)
try:
    from cfnlint.decode import decode
    from cfnlint.template.transforms._sam import Transform
except ImportError as e:
    print("cannot import cfn-lint's SAM transform: %s" % e, file=sys.stderr)
    sys.exit(3)
template, problems = decode(sys.argv[2])
if problems:
    for p in problems:
        print(p, file=sys.stderr)
    sys.exit(1)
if mode == "translate":
    import copy, os
    from cfnlint.decode.utils import convert_dict
    from samtranslator.translator.translator import Translator
    os.environ["AWS_DEFAULT_REGION"] = sys.argv[3]
    out = []
    for values in json.loads(sys.argv[4]):
        t = copy.deepcopy(template)
        transform = Transform(sys.argv[2], t, sys.argv[3])
        shas = {k: r["Properties"].get("AutoPublishCodeSha256") for k, r in t["Resources"].items() if isinstance(r.get("Properties"), dict)}
        transform._replace_local_codeuri()
        for k, sha in shas.items():
            if sha is not None:
                t["Resources"][k]["Properties"]["AutoPublishCodeSha256"] = sha
        translator = Translator(managed_policy_map=transform._managed_policy_map, sam_parser=transform._sam_parser)
        out.append(convert_dict(translator.translate(sam_template=t, parameter_values=values, passthrough_metadata=True)))
    json.dump(out, sys.stdout)
    sys.exit(0)
transform = Transform(sys.argv[2], template, sys.argv[3])
problems = transform.transform_template()
if problems:
    for p in problems:
        print(p, file=sys.stderr)
    sys.exit(1)
json.dump(transform.template(), sys.stdout)
`

// runScript runs the script in cfn-lint's Python with args and returns its
// standard output. A missing cfn-lint or Python is an error that wraps
// exec.ErrNotFound.
func runScript(ctx context.Context, args ...string) ([]byte, error) {
	python, err := findPython()
	if err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, python, append([]string{"-c", script}, args...)...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err = cmd.Run()
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit) && exit.ExitCode() == exitMissing:
		return nil, fmt.Errorf("samtemplate: %s: %s (%s): %w", python, strings.TrimSpace(stderr.String()), InstallHint, exec.ErrNotFound)
	case err != nil:
		return nil, fmt.Errorf("samtemplate: %s %s: %w: %s", filepath.Base(python), args[0], err, strings.TrimSpace(stderr.String()))
	}
	return stdout.Bytes(), nil
}

// findPython returns the Python whose cfn-lint is first on PATH: the
// interpreter named by cfn-lint's "#!" line when it is a Python script (a pip
// entry point), else python3 on PATH (pyenv's cfn-lint is a shim, and so is its
// python3).
func findPython() (string, error) {
	lint, err := exec.LookPath("cfn-lint")
	if err != nil {
		return "", fmt.Errorf("samtemplate: cfn-lint is not on PATH; %s: %w", InstallHint, exec.ErrNotFound)
	}
	if python := shebangPython(lint); python != "" {
		return python, nil
	}
	python, err := exec.LookPath("python3")
	if err != nil {
		return "", fmt.Errorf("samtemplate: python3 is not on PATH next to %s: %w", lint, exec.ErrNotFound)
	}
	return python, nil
}

// shebangPython returns the interpreter of a "#!/path/python" or
// "#!/usr/bin/env python3" first line, or "" when path is not a Python script.
func shebangPython(path string) string {
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	line, _ := bufio.NewReader(f).ReadString('\n')
	fields := strings.Fields(strings.TrimPrefix(line, "#!"))
	if !strings.HasPrefix(line, "#!") || len(fields) == 0 {
		return ""
	}
	interp := fields[0]
	if filepath.Base(interp) == "env" && len(fields) > 1 {
		interp = fields[1]
	}
	if !strings.HasPrefix(filepath.Base(interp), "python") {
		return ""
	}
	if p, err := exec.LookPath(interp); err == nil {
		return p
	}
	return ""
}
