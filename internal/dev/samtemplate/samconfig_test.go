package samtemplate

import (
	"context"
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

// TestSAMConfigValuesAreAccepted checks every environment's parameter values
// against the template: known parameters, allowed values, every required
// parameter set, the template's Rules satisfied.
func TestSAMConfigValuesAreAccepted(t *testing.T) {
	tpl, c := transformed(t), samconfig(t)
	for _, env := range deployEnvironments(t, c) {
		values, err := c.ParameterOverrides(env)
		if err != nil {
			t.Fatal(err)
		}
		for name, v := range values {
			p, ok := tpl.Parameters[name]
			if !ok {
				t.Errorf("%s: %s is not a template parameter", env, name)
				continue
			}
			if err := p.Check(v); err != nil {
				t.Errorf("%s: %s: %v", env, name, err)
			}
		}
		for name, p := range tpl.Parameters {
			if _, hasDefault := p.DefaultString(); !hasDefault && values[name] == "" {
				t.Errorf("%s: required parameter %s is not set", env, name)
			}
		}
		if !rulesHold(t, tpl, values) {
			t.Errorf("%s: the values break a template rule (a domain needs its certificate)", env)
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
// stack, that no region is pinned (the file's header says where it comes
// from), and that prod rolls out gradually.
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
		if region, ok := c.Setting(env, "deploy", "region"); ok {
			t.Errorf("%s: region %v pinned; the header comment says the region comes from the profile", env, region)
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
// rule the configuration alone decides: with reserved concurrency, a burst the
// API lets through must fit in the environments allowed to run.
func TestSAMConfigBurstFitsReservedConcurrency(t *testing.T) {
	tpl, c := transformed(t), samconfig(t)
	for _, env := range deployEnvironments(t, c) {
		values, err := c.ParameterOverrides(env)
		if err != nil {
			t.Fatal(err)
		}
		all := tpl.withDefaults(values)
		if all["ReservedConcurrency"] == "" {
			continue
		}
		burst, err1 := strconv.Atoi(all["ApiThrottlingBurstLimit"])
		reserved, err2 := strconv.Atoi(all["ReservedConcurrency"])
		if err1 != nil || err2 != nil || burst > reserved {
			t.Errorf("%s: ApiThrottlingBurstLimit %s, ReservedConcurrency %s; want a burst no larger than the reservation", env, all["ApiThrottlingBurstLimit"], all["ReservedConcurrency"])
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
