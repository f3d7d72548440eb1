package samtemplate

import "fmt"

// Holds evaluates the template condition name for the parameter values given
// (a parameter missing from values takes its default), the way CloudFormation
// decides whether a conditional resource exists.
func (t Template) Holds(name string, values map[string]string) (bool, error) {
	expr, ok := t.Conditions[name]
	if !ok {
		return false, fmt.Errorf("samtemplate: no condition %q", name)
	}
	return t.truth(expr, t.withDefaults(values), 0)
}

// RuleHolds reports whether the template rule name is satisfied by values:
// its RuleCondition does not hold, or every assertion does.
func (t Template) RuleHolds(name string, values map[string]string) (bool, error) {
	rule, ok := t.Rules[name]
	if !ok {
		return false, fmt.Errorf("samtemplate: no rule %q", name)
	}
	all := t.withDefaults(values)
	if rule.RuleCondition != nil { // no RuleCondition: the rule always applies
		applies, err := t.truth(rule.RuleCondition, all, 0)
		if err != nil || !applies {
			return true, err
		}
	}
	for _, a := range rule.Assertions {
		holds, err := t.truth(a.Assert, all, 0)
		if err != nil || !holds {
			return false, err
		}
	}
	return true, nil
}

func (t Template) withDefaults(values map[string]string) map[string]string {
	all := t.Defaults()
	for k, v := range values {
		all[k] = v
	}
	return all
}

// maxDepth stops a condition that names itself.
const maxDepth = 32

// truth evaluates a condition expression: Fn::Equals, Fn::Not, Fn::And,
// Fn::Or and {"Condition": name}.
func (t Template) truth(expr any, values map[string]string, depth int) (bool, error) {
	if depth > maxDepth {
		return false, fmt.Errorf("samtemplate: conditions nest too deep")
	}
	m, ok := expr.(map[string]any)
	if !ok || len(m) != 1 {
		return false, fmt.Errorf("samtemplate: not a condition: %v", expr)
	}
	for fn, arg := range m {
		args, _ := arg.([]any)
		switch fn {
		case "Condition":
			name, _ := arg.(string)
			inner, ok := t.Conditions[name]
			if !ok {
				return false, fmt.Errorf("samtemplate: no condition %q", name)
			}
			return t.truth(inner, values, depth+1)
		case "Fn::Equals":
			return t.equals(args, values)
		case "Fn::Not":
			if len(args) != 1 {
				return false, fmt.Errorf("samtemplate: Fn::Not takes one condition: %v", arg)
			}
			holds, err := t.truth(args[0], values, depth+1)
			return !holds, err
		case "Fn::And", "Fn::Or":
			return t.combine(fn == "Fn::And", args, values, depth)
		}
	}
	return false, fmt.Errorf("samtemplate: unsupported condition %v", expr)
}

func (t Template) equals(args []any, values map[string]string) (bool, error) {
	if len(args) != 2 {
		return false, fmt.Errorf("samtemplate: Fn::Equals takes two values: %v", args)
	}
	a, err := value(args[0], values)
	if err != nil {
		return false, err
	}
	b, err := value(args[1], values)
	return a == b, err
}

func (t Template) combine(and bool, args []any, values map[string]string, depth int) (bool, error) {
	for _, a := range args {
		holds, err := t.truth(a, values, depth+1)
		if err != nil {
			return false, err
		}
		if holds != and {
			return holds, nil
		}
	}
	return and, nil
}

// value resolves a literal or a Ref to a parameter.
func value(v any, values map[string]string) (string, error) {
	if name, ok := ref(v); ok {
		s, ok := values[name]
		if !ok {
			return "", fmt.Errorf("samtemplate: no value for parameter %q", name)
		}
		return s, nil
	}
	switch v.(type) {
	case string, float64, bool:
		return scalarString(v), nil
	}
	return "", fmt.Errorf("samtemplate: cannot evaluate %v", v)
}
