// Command deployparams prints the --parameter-overrides argument make deploy
// gives sam deploy: a value for every template parameter (the samconfig.toml
// environment's, then any PARAMS of this deploy, then the template's
// defaults) and ConfigDigest, the digest of the built code and of every
// setting a version freezes, which makes SAM publish a new version when
// either changes (README, Deploy). It refuses values the stack would refuse,
// before sam does.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/aimcards/customer-access-token/internal/dev/samtemplate"
)

func main() {
	env := flag.String("env", "default", "samconfig.toml environment")
	config := flag.String("config", "samconfig.toml", "SAM CLI configuration file")
	template := flag.String("template", "template.yaml", "SAM template")
	function := flag.String("function", "CustomerAccessTokenFunction", "logical id of the function")
	code := flag.String("code", ".aws-sam/build/CustomerAccessTokenFunction", "the function's build output (sam build)")
	params := flag.String("params", "", "more Key=Value pairs for this deploy, space-separated")
	flag.Parse()
	if err := run(os.Stdout, *env, *config, *template, *function, *code, *params); err != nil {
		fmt.Fprintln(os.Stderr, "deployparams:", err)
		os.Exit(1)
	}
}

func run(out io.Writer, env, config, template, function, code, params string) error {
	ctx := context.Background()
	path, err := filepath.Abs(template)
	if err != nil {
		return err
	}
	tpl, err := samtemplate.Transform(ctx, path)
	if err != nil {
		return err
	}
	c, err := samtemplate.LoadSAMConfig(ctx, config)
	if err != nil {
		return err
	}
	extra, err := samtemplate.ParseOverrides(params)
	if err != nil {
		return err
	}
	codeHash, err := samtemplate.CodeHash(code)
	if err != nil {
		return err
	}
	values, err := tpl.DeployValues(c, env, extra, function, codeHash)
	if err != nil {
		return err
	}
	line, err := samtemplate.FormatOverrides(values)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintln(out, line)
	return err
}
