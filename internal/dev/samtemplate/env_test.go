package samtemplate

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// contractVariables are the variables of the configuration contract (the
// README's Configuration table) and the parameter each must come from.
var contractVariables = map[string]string{
	"AIM_API_KEY_SECRET_ID":    "ApiKeySecretName",
	"AIM_API_KEY_SECRET_FIELD": "ApiKeySecretField",
	"AIM_APP_ID":               "AppId",
	"AIM_SERVICE_URL":          "ServiceUrl",
	"AIM_ENDPOINT_URL":         "EndpointUrl",
	"AIM_ENDPOINT_HOSTS":       "AimEndpointHosts",
	"AIM_TIMEOUT":              "AimTimeout",
	"CACHE_TTL":                "CacheTtl",
	"STALE_MAX":                "StaleMax",
	"TOKEN_COOKIE":             "TokenCookie",
	"ALLOWED_ORIGINS":          "AllowedOrigins",
	"ERROR_REDIRECT_URL":       "ErrorRedirectUrl",
	"REDIRECT_ALLOWED_HOSTS":   "RedirectAllowedHosts",
	"METRICS_NAMESPACE":        "MetricsNamespace",
}

func environment(t *testing.T, tpl Template) map[string]any {
	t.Helper()
	vars, _ := field(function(t, tpl)["Environment"], "Variables").(map[string]any)
	return vars
}

func TestContractVariablesComeFromParameters(t *testing.T) {
	tpl := transformed(t)
	vars := environment(t, tpl)
	for name, param := range contractVariables {
		refTo(t, name, vars[name], param)
		if _, ok := tpl.Parameters[param]; !ok {
			t.Errorf("%s: no parameter %s", name, param)
		}
	}
}

// TestEveryVariableTheFunctionReadsIsSet reads the function's main package
// for the variable names it looks up and checks the template sets each one.
// AWS_LAMBDA_* variables are Lambda's own; the log-level ones come from
// LoggingConfig.
func TestEveryVariableTheFunctionReadsIsSet(t *testing.T) {
	tpl := transformed(t)
	vars := environment(t, tpl)
	read := variablesRead(t, functionDir)
	if len(read) == 0 {
		t.Fatalf("found no variable names in %s", functionDir)
	}
	for _, name := range read {
		if strings.HasPrefix(name, "AWS_LAMBDA_") {
			continue
		}
		if _, ok := vars[name]; !ok {
			t.Errorf("the function reads %s; the template does not set it", name)
		}
	}
	if slices.Contains(read, "AWS_LAMBDA_LOG_LEVEL") && field(function(t, tpl)["LoggingConfig"], "ApplicationLogLevel") == nil {
		t.Error("the function reads AWS_LAMBDA_LOG_LEVEL; LoggingConfig sets no ApplicationLogLevel")
	}
}

// envName is how a variable name looks: upper case words joined by "_".
var envName = regexp.MustCompile(`^[A-Z][A-Z0-9]*(_[A-Z0-9]+)+$`)

// variablesRead returns the string constants of dir's non-test Go files that
// look like variable names.
func variablesRead(t *testing.T, dir string) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	fset := token.NewFileSet()
	for _, file := range files {
		if strings.HasSuffix(file, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, file, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			if lit, ok := n.(*ast.BasicLit); ok && lit.Kind == token.STRING {
				if s, err := strconv.Unquote(lit.Value); err == nil && envName.MatchString(s) {
					seen[s] = true
				}
			}
			return true
		})
	}
	names := keys(seen)
	slices.Sort(names)
	return names
}

// TestFunctionEnvIsTheLiteralSettings checks what local tools take from the
// template: the literal runtime settings, not the parameter-driven ones.
func TestFunctionEnvIsTheLiteralSettings(t *testing.T) {
	tpl := transformed(t)
	env := tpl.FunctionEnv(functionID)
	for _, name := range []string{"GOMAXPROCS", "SSL_CERT_DIR"} {
		if env[name] == "" {
			t.Errorf("got no literal %s, want the template's runtime setting", name)
		}
	}
	for name := range contractVariables {
		if v, ok := env[name]; ok {
			t.Errorf("got %s=%q as a literal, want it from its parameter", name, v)
		}
	}
	if got := tpl.FunctionEnv("NoSuchFunction"); len(got) != 0 {
		t.Errorf("got %v for a missing resource, want nothing", got)
	}
}
