package samtemplate

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
)

// ref returns the name in {"Ref": name}.
func ref(v any) (string, bool) {
	m, ok := v.(map[string]any)
	if !ok || len(m) != 1 {
		return "", false
	}
	name, ok := m["Ref"].(string)
	return name, ok
}

// getAtt returns the resource and attribute of {"Fn::GetAtt": [resource, attribute]}.
func getAtt(v any) (resource, attribute string, ok bool) {
	m, isMap := v.(map[string]any)
	if !isMap || len(m) != 1 {
		return "", "", false
	}
	args, isList := m["Fn::GetAtt"].([]any)
	if !isList || len(args) != 2 {
		return "", "", false
	}
	resource, ok1 := args[0].(string)
	attribute, ok2 := args[1].(string)
	return resource, attribute, ok1 && ok2
}

// subPlaceholder matches ${Name} and ${Name.Attribute} in an Fn::Sub string;
// ${!Literal} is not a reference.
var subPlaceholder = regexp.MustCompile(`\$\{([A-Za-z0-9:]+)(?:\.[A-Za-z0-9.]+)?\}`)

// references returns the logical names (resources or parameters) v refers to
// through Ref, Fn::GetAtt and Fn::Sub, sorted, without pseudo parameters or the
// variables an Fn::Sub defines itself.
func references(v any) []string {
	return referencesWhen(v, nil)
}

// referencesWhen is references, but an Fn::If contributes only the branch
// its condition picks when holds is not nil: what a stack really refers to.
func referencesWhen(v any, holds func(condition string) bool) []string {
	seen := map[string]bool{}
	collectReferences(v, seen, holds)
	names := make([]string, 0, len(seen))
	for name := range seen {
		names = append(names, name)
	}
	slices.Sort(names)
	return names
}

func collectReferences(v any, seen map[string]bool, holds func(string) bool) {
	switch v := v.(type) {
	case []any:
		for _, e := range v {
			collectReferences(e, seen, holds)
		}
	case map[string]any:
		if name, ok := ref(v); ok {
			addReference(name, seen)
			return
		}
		if resource, _, ok := getAtt(v); ok {
			addReference(resource, seen)
			return
		}
		if sub, ok := v["Fn::Sub"]; ok && len(v) == 1 {
			collectSub(sub, seen, holds)
			return
		}
		if args, ok := v["Fn::If"].([]any); ok && len(v) == 1 && len(args) == 3 && holds != nil {
			if holds(str(args[0])) {
				collectReferences(args[1], seen, holds)
			} else {
				collectReferences(args[2], seen, holds)
			}
			return
		}
		for _, e := range v {
			collectReferences(e, seen, holds)
		}
	}
}

// collectSub adds the references of "Fn::Sub": s or "Fn::Sub": [s, variables].
func collectSub(sub any, seen map[string]bool, holds func(string) bool) {
	text, variables := "", map[string]any{}
	switch sub := sub.(type) {
	case string:
		text = sub
	case []any:
		if len(sub) == 2 {
			text, _ = sub[0].(string)
			variables, _ = sub[1].(map[string]any)
		}
	}
	for _, m := range subPlaceholder.FindAllStringSubmatch(text, -1) {
		if _, own := variables[m[1]]; !own {
			addReference(m[1], seen)
		}
	}
	for _, e := range variables {
		collectReferences(e, seen, holds)
	}
}

func addReference(name string, seen map[string]bool) {
	if len(name) > 5 && name[:5] == "AWS::" {
		return
	}
	seen[name] = true
}

// scalarString renders a JSON scalar the way CloudFormation passes parameter
// values: 30 as "30", true as "true".
func scalarString(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(v)
	default:
		return fmt.Sprint(v)
	}
}
