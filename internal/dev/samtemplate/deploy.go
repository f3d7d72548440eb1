package samtemplate

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
)

// DeployValues returns the value of every template parameter for env, as
// make deploy passes them: env's parameter_overrides, then extra (a
// PARAMS=... of one deploy), then the template's defaults for the rest, and
// the digest of those values and codeHash for function. Every parameter is
// passed, defaults included: a parameter left out would keep its previous
// value in the stack (the SAM CLI sends UsePreviousValue), not the value the
// digest hashed, and a PARAMS value would outlive its deploy. It refuses what
// CloudFormation would: an unknown parameter, a value its constraints refuse,
// a required parameter left out, a broken rule, so a deploy that could not
// work stops here and says what to add where.
func (t Template) DeployValues(c SAMConfig, env string, extra map[string]string, function, codeHash string) (map[string]string, error) {
	if c[env]["deploy"] == nil {
		return nil, fmt.Errorf("samconfig.toml has no [%s.deploy.parameters]", env)
	}
	values, err := c.ParameterOverrides(env)
	if err != nil {
		return nil, err
	}
	maps.Copy(values, extra)
	var problems []error
	for _, name := range slices.Sorted(maps.Keys(values)) {
		p, ok := t.Parameters[name]
		switch {
		case name == DigestParameter:
			problems = append(problems, fmt.Errorf("%s: computed by make deploy; remove it", name))
		case !ok:
			problems = append(problems, fmt.Errorf("%s: not a template parameter", name))
		default:
			if err := p.Check(values[name]); err != nil {
				problems = append(problems, fmt.Errorf("%s: %w", name, err))
			}
		}
	}
	for _, name := range slices.Sorted(maps.Keys(t.Parameters)) {
		if _, hasDefault := t.Parameters[name].DefaultString(); !hasDefault && name != DigestParameter && values[name] == "" {
			problems = append(problems, fmt.Errorf("%s: required; add \"%s=...\" to parameter_overrides of [%s.deploy.parameters] in samconfig.toml, or PARAMS=\"%s=...\"", name, name, env, name))
		}
	}
	for _, name := range slices.Sorted(maps.Keys(t.Rules)) {
		if ok, err := t.RuleHolds(name, values); err != nil || !ok {
			problems = append(problems, fmt.Errorf("rule %s: %s", name, ruleProblem(err, t.Rules[name])))
		}
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("%s: %w", env, errors.Join(problems...))
	}
	digest, err := t.ConfigDigest(function, values, codeHash)
	if err != nil {
		return nil, err
	}
	values = t.withDefaults(values)
	values[DigestParameter] = digest
	return values, nil
}

func ruleProblem(err error, r Rule) string {
	if err != nil {
		return err.Error()
	}
	var descs []string
	for _, a := range r.Assertions {
		descs = append(descs, a.AssertDescription)
	}
	return strings.Join(descs, " ")
}

// FormatOverrides writes values as one --parameter-overrides argument of the
// SAM CLI: Key="value" pairs, sorted. A value with a double quote is refused:
// the SAM CLI has no escape for it.
func FormatOverrides(values map[string]string) (string, error) {
	var pairs []string
	for _, name := range slices.Sorted(maps.Keys(values)) {
		if strings.Contains(values[name], `"`) {
			return "", fmt.Errorf("%s: a double quote cannot be passed to sam deploy", name)
		}
		pairs = append(pairs, name+`="`+values[name]+`"`)
	}
	return strings.Join(pairs, " "), nil
}
