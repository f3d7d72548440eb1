package samtemplate

import (
	"context"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
)

var loadedConfig struct {
	once   sync.Once
	config SAMConfig
	err    error
}

func samconfig(t *testing.T) SAMConfig {
	t.Helper()
	loadedConfig.once.Do(func() {
		loadedConfig.config, loadedConfig.err = LoadSAMConfig(context.Background(), samConfig)
	})
	needTool(t, loadedConfig.err)
	return loadedConfig.config
}

// deployEnvironments returns the environments that configure `sam deploy`.
func deployEnvironments(t *testing.T, c SAMConfig) []string {
	t.Helper()
	var envs []string
	for _, env := range c.Environments() {
		if c[env]["deploy"] != nil {
			envs = append(envs, env)
		}
	}
	for _, want := range []string{"default", "dev", "prod"} {
		if c[want]["deploy"] == nil {
			t.Errorf("samconfig.toml: no [%s.deploy.parameters]", want)
		}
	}
	return envs
}

// TestSAMConfigValuesAreAccepted checks every environment as make deploy
// passes it, with the operator's own values added: known parameters, allowed
// values, every required parameter set, the template's Rules satisfied, and
// a digest that round-trips through the SAM CLI's override syntax.
func TestSAMConfigValuesAreAccepted(t *testing.T) {
	tpl, c := transformed(t), samconfig(t)
	for _, env := range deployEnvironments(t, c) {
		values, err := tpl.DeployValues(c, env, operatorValues, functionID, strings.Repeat("a", 64))
		if err != nil {
			t.Errorf("%v", err)
			continue
		}
		line, err := FormatOverrides(values)
		if err != nil {
			t.Fatal(err)
		}
		if back, err := ParseOverrides(line); err != nil || !maps.Equal(back, values) {
			t.Errorf("%s: %q reads back as %v (%v), want %v", env, line, back, err, values)
		}
	}
}

// TestSAMConfigHasNoPlaceholders: a shipped value that only looks real (an
// example ARN, AppId or origin) deploys a stack that answers 503 to every
// click. The values only the operator knows are required parameters left
// out of samconfig.toml, so a deploy without them stops; make deploy says
// which.
func TestSAMConfigHasNoPlaceholders(t *testing.T) {
	tpl, c := transformed(t), samconfig(t)
	var required []string
	for name, p := range tpl.Parameters {
		if _, hasDefault := p.DefaultString(); !hasDefault {
			required = append(required, name)
		}
	}
	for _, want := range []string{"ApiKeySecretName", "AppId", DigestParameter} {
		if !slices.Contains(required, want) {
			t.Errorf("%s has a default; want it required (required: %v)", want, required)
		}
	}
	for _, env := range deployEnvironments(t, c) {
		values, err := c.ParameterOverrides(env)
		if err != nil {
			t.Fatal(err)
		}
		for name, v := range values {
			if slices.Contains(required, name) {
				t.Errorf("%s: %s=%s shipped; want it left to the operator", env, name, v)
			}
			for _, fake := range []string{"example", "123456789012", "your-", "000000"} {
				if strings.Contains(strings.ToLower(v), fake) {
					t.Errorf("%s: %s=%s looks like a placeholder", env, name, v)
				}
			}
		}
		_, err = tpl.DeployValues(c, env, nil, functionID, strings.Repeat("a", 64))
		for _, name := range []string{"ApiKeySecretName", "AppId"} {
			if err == nil || !strings.Contains(err.Error(), name+": required") {
				t.Errorf("%s without the operator's values: got %v, want it to stop and name %s", env, err, name)
			}
		}
	}
}

// TestSAMConfigCookieModeHasItsDomain: a browser never sends the storefront's
// cookie to an execute-api host, so an environment in cookie mode must put the
// API on its own domain.
func TestSAMConfigCookieModeHasItsDomain(t *testing.T) {
	tpl, c := transformed(t), samconfig(t)
	for _, env := range deployEnvironments(t, c) {
		values, err := c.ParameterOverrides(env)
		if err != nil {
			t.Fatal(err)
		}
		all := tpl.withDefaults(values)
		if all["TokenCookie"] != "" && all["DomainName"] == "" {
			t.Errorf("%s: TokenCookie=%s without DomainName: every click at the execute-api URL would be 401 missing_token", env, all["TokenCookie"])
		}
	}
}

// TestSAMConfigEnvironmentsAreApart checks each environment deploys its own
// stack in a region it names, and that default and prod roll out gradually.
func TestSAMConfigEnvironmentsAreApart(t *testing.T) {
	tpl, c := transformed(t), samconfig(t)
	stacks := map[string]string{}
	for _, env := range deployEnvironments(t, c) {
		stack, _ := c.Setting(env, "deploy", "stack_name")
		name := str(stack)
		if name == "" || stacks[name] != "" {
			t.Errorf("%s: stack_name %q (also used by %q); want one stack per environment", env, name, stacks[name])
		}
		stacks[name] = env
		region, _ := c.Setting(env, "deploy", "region")
		if !regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-[0-9]$`).MatchString(str(region)) {
			t.Errorf("%s: region %v; want the environment's own region (names are looked up there)", env, region)
		}
	}
	// The shipped default and prod deploys reach customers: a canary (or linear) rollout.
	for _, env := range []string{"default", "prod"} {
		values, err := c.ParameterOverrides(env)
		if err != nil {
			t.Fatal(err)
		}
		if typ := tpl.withDefaults(values)["DeploymentType"]; !strings.HasPrefix(typ, "Canary") && !strings.HasPrefix(typ, "Linear") {
			t.Errorf("%s: DeploymentType %s, want a canary or linear rollout", env, typ)
		}
	}
}

// TestSAMConfigBurstFitsReservedConcurrency checks the part of the capacity
// rule the configuration alone decides: with reserved concurrency, the bursts
// the API lets through on every route at once must fit in the environments
// allowed to run (each route has its own token bucket).
func TestSAMConfigBurstFitsReservedConcurrency(t *testing.T) {
	tpl, c := transformed(t), samconfig(t)
	throttles := routeThrottles(t, tpl)
	for _, env := range deployEnvironments(t, c) {
		values, err := c.ParameterOverrides(env)
		if err != nil {
			t.Fatal(err)
		}
		all := tpl.withDefaults(values)
		if all["ReservedConcurrency"] == "" {
			continue
		}
		reserved, err := strconv.Atoi(all["ReservedConcurrency"])
		if err != nil {
			t.Fatal(err)
		}
		total, parts := 0, []string{}
		for route, params := range throttles {
			burst, err := strconv.Atoi(all[params[1]])
			if err != nil {
				t.Fatalf("%s: %s=%q", env, params[1], all[params[1]])
			}
			total += burst
			parts = append(parts, fmt.Sprintf("%s %d", route, burst))
		}
		if total > reserved {
			t.Errorf("%s: bursts %v add up to %d, above ReservedConcurrency %d; want them to fit", env, parts, total, reserved)
		}
	}
}

// TestDefaultsAreAccepted: a default its own constraints refuse would fail
// every stack that leaves the parameter out.
func TestDefaultsAreAccepted(t *testing.T) {
	tpl := transformed(t)
	for name, p := range tpl.Parameters {
		if def, ok := p.DefaultString(); ok {
			if err := p.Check(def); err != nil {
				t.Errorf("%s default: %v", name, err)
			}
		}
	}
}
