package samtemplate

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// SAMConfig is samconfig.toml: environment -> command -> the command's
// parameters ("default" -> "deploy" -> {"stack_name": ...}).
type SAMConfig map[string]map[string]map[string]any

// LoadSAMConfig reads a samconfig.toml (with the TOML reader of cfn-lint's
// Python; the module needs no TOML dependency).
func LoadSAMConfig(ctx context.Context, path string) (SAMConfig, error) {
	out, err := runScript(ctx, "toml", path)
	if err != nil {
		return nil, err
	}
	var raw map[string]any
	if err := json.Unmarshal(out, &raw); err != nil {
		return nil, fmt.Errorf("samtemplate: %s: decode: %w", path, err)
	}
	config := SAMConfig{}
	for env, commands := range raw {
		commands, ok := commands.(map[string]any)
		if !ok {
			continue // version = 0.1
		}
		config[env] = map[string]map[string]any{}
		for command, table := range commands {
			params, _ := field(table, "parameters").(map[string]any)
			config[env][command] = params
		}
	}
	return config, nil
}

// Environments returns the environment names, sorted.
func (c SAMConfig) Environments() []string {
	var envs []string
	for env := range c {
		envs = append(envs, env)
	}
	slices.Sort(envs)
	return envs
}

// Setting returns an environment's setting for a command, falling back to its
// global section as the SAM CLI does.
func (c SAMConfig) Setting(env, command, key string) (any, bool) {
	if v, ok := c[env][command][key]; ok {
		return v, true
	}
	v, ok := c[env]["global"][key]
	return v, ok
}

// ParameterOverrides returns the template parameter values an environment's
// `sam deploy` passes: parameter_overrides as one "K=V K2=\"V 2\"" string or
// a list of such strings, the two forms the SAM CLI reads.
func (c SAMConfig) ParameterOverrides(env string) (map[string]string, error) {
	raw, ok := c.Setting(env, "deploy", "parameter_overrides")
	if !ok {
		return map[string]string{}, nil
	}
	var entries []string
	switch raw := raw.(type) {
	case string:
		entries = []string{raw}
	case []any:
		for _, e := range raw {
			s, ok := e.(string)
			if !ok {
				return nil, fmt.Errorf("samtemplate: %s: parameter_overrides entry %v is not a string", env, e)
			}
			entries = append(entries, s)
		}
	default:
		return nil, fmt.Errorf("samtemplate: %s: parameter_overrides is neither a string nor a list", env)
	}
	values := map[string]string{}
	for _, entry := range entries {
		if err := parseOverrides(entry, values); err != nil {
			return nil, fmt.Errorf("samtemplate: %s: %w", env, err)
		}
	}
	return values, nil
}

// ParseOverrides returns the Key=Value pairs of one space-separated string,
// as the SAM CLI reads --parameter-overrides.
func ParseOverrides(s string) (map[string]string, error) {
	values := map[string]string{}
	return values, parseOverrides(s, values)
}

// parseOverrides adds the Key=Value pairs of one space-separated entry, where
// a value may be wrapped in double quotes (and then hold spaces and \").
func parseOverrides(entry string, values map[string]string) error {
	rest := strings.TrimSpace(entry)
	for rest != "" {
		key, after, ok := strings.Cut(rest, "=")
		if !ok || key == "" || strings.ContainsAny(key, " \"") {
			return fmt.Errorf("parameter override %q is not Key=Value", rest)
		}
		value, remaining, err := overrideValue(after)
		if err != nil {
			return fmt.Errorf("parameter %s: %w", key, err)
		}
		values[key] = value
		rest = strings.TrimSpace(remaining)
	}
	return nil
}

// overrideValue splits the value at the start of s from what follows it.
func overrideValue(s string) (value, rest string, err error) {
	if !strings.HasPrefix(s, `"`) {
		value, rest, _ = strings.Cut(s, " ")
		return value, rest, nil
	}
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		switch {
		case s[i] == '\\' && i+1 < len(s):
			i++
			b.WriteByte(s[i])
		case s[i] == '"':
			return b.String(), s[i+1:], nil
		default:
			b.WriteByte(s[i])
		}
	}
	return "", "", fmt.Errorf("unterminated quote in %q", s)
}
