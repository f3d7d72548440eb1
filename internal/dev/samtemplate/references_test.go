package samtemplate

import "testing"

// TestReferencesExistUnderEveryCondition checks, for each scenario, that every
// resource and output that exists refers only to parameters and to resources
// that exist too: a conditional resource named by an unconditional one fails
// the deploy.
func TestReferencesExistUnderEveryCondition(t *testing.T) {
	tpl := transformed(t)
	for scenario, values := range scenarios {
		holds := func(cond string) bool { return exists(t, tpl, cond, values) }
		check := func(what, cond string, v any) {
			if !exists(t, tpl, cond, values) {
				return
			}
			for _, name := range referencesWhen(v, holds) {
				if _, isParam := tpl.Parameters[name]; isParam {
					continue
				}
				target, ok := tpl.Resources[name]
				switch {
				case !ok:
					t.Errorf("%s: %s refers to %s, which is neither a resource nor a parameter", scenario, what, name)
				case !exists(t, tpl, target.Condition, values):
					t.Errorf("%s: %s refers to %s, which does not exist (condition %s)", scenario, what, name, target.Condition)
				}
			}
		}
		for id, r := range tpl.Resources {
			check(id, r.Condition, []any{r.Properties, r.UpdatePolicy, dependsOnRefs(r.DependsOn)})
		}
		for name, o := range tpl.Outputs {
			check("output "+name, o.Condition, o.Value)
		}
	}
}

// dependsOnRefs turns DependsOn (a name or a list) into Refs for references.
func dependsOnRefs(v any) []any {
	var out []any
	switch v := v.(type) {
	case string:
		out = append(out, map[string]any{"Ref": v})
	case []any:
		for _, name := range v {
			out = append(out, map[string]any{"Ref": name})
		}
	}
	return out
}

// TestEveryParameterIsUsed catches a parameter that reaches nothing.
// DeploymentType and ConfigDigest are the exceptions: SAM puts their values
// into the deployment group and the version at transform time
// (TestDeploymentTypeIsCanaryByDefault, TestEverySettingPublishesAVersion).
func TestEveryParameterIsUsed(t *testing.T) {
	tpl := transformed(t)
	var all []any
	for _, r := range tpl.Resources {
		all = append(all, r.Properties, r.UpdatePolicy)
	}
	for _, o := range tpl.Outputs {
		all = append(all, o.Value)
	}
	for _, c := range tpl.Conditions {
		all = append(all, c)
	}
	used := map[string]bool{"DeploymentType": true, DigestParameter: true}
	for _, name := range references(all) {
		used[name] = true
	}
	for name := range tpl.Parameters {
		if !used[name] {
			t.Errorf("parameter %s is not used by any resource, condition or output", name)
		}
	}
}
