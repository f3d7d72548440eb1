package samtemplate

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
)

// DigestParameter is the parameter the digest goes in: the function's
// AutoPublishCodeSha256. SAM names the published version after its first ten
// characters alone (samtranslator's LogicalIdGenerator uses a given hash
// instead of hashing the code and Environment), so the digest must cover
// everything a version freezes: the code and every setting.
const DigestParameter = "ConfigDigest"

// notVersioned are the function's properties a version does not freeze, left
// out of the digest: SAM appends the digest to the Description, and reserved
// concurrency belongs to the function, whichever versions run.
var notVersioned = []string{"Description", "ReservedConcurrentExecutions"}

// versioned returns the properties of resource id that a version freezes.
func (t Template) versioned(id string) map[string]any {
	props := map[string]any{}
	for k, v := range t.Resources[id].Properties {
		if !slices.Contains(notVersioned, k) {
			props[k] = v
		}
	}
	return props
}

// ConfigDigest returns the hex SHA-256 of what the function resource id is
// made of: codeHash (see CodeHash) and its versioned properties after the
// transform with every parameter reference replaced by its value in values
// (defaults for the rest). Resource references stay as written: each names a
// resource whose name is fixed for the stack's life (the log group and the
// limit table are named after the stack).
func (t Template) ConfigDigest(id string, values map[string]string, codeHash string) (string, error) {
	if _, ok := t.Resources[id]; !ok {
		return "", fmt.Errorf("samtemplate: no resource %s", id)
	}
	all := t.withDefaults(values)
	props := map[string]any{}
	for k, v := range t.versioned(id) {
		props[k] = t.substitute(v, all)
	}
	for _, name := range t.FunctionParameters(id) {
		if _, ok := all[name]; !ok {
			return "", fmt.Errorf("samtemplate: parameter %s has no value", name)
		}
	}
	b, err := json.Marshal(map[string]any{"code": codeHash, "properties": props}) // sorted keys
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:]), nil
}

// FunctionParameters returns the parameters the versioned properties of
// resource id refer to, directly or through the conditions they name,
// sorted, without DigestParameter.
func (t Template) FunctionParameters(id string) []string {
	versioned := t.versioned(id)
	props := []any{versioned}
	for _, c := range conditionNames(versioned) {
		props = append(props, t.Conditions[c])
	}
	var names []string
	for _, name := range references(props) {
		if _, ok := t.Parameters[name]; ok && name != DigestParameter {
			names = append(names, name)
		}
	}
	return names
}

// substitute replaces each {"Ref": parameter} in v by the parameter's value.
func (t Template) substitute(v any, values map[string]string) any {
	switch v := v.(type) {
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = t.substitute(e, values)
		}
		return out
	case map[string]any:
		if name, ok := ref(v); ok {
			if value, isParam := values[name]; isParam {
				return value
			}
		}
		out := make(map[string]any, len(v))
		for k, e := range v {
			out[k] = t.substitute(e, values)
		}
		return out
	}
	return v
}

// conditionNames returns the conditions the Fn::If of v name, recursively.
func conditionNames(v any) []string {
	var names []string
	switch v := v.(type) {
	case []any:
		for _, e := range v {
			names = append(names, conditionNames(e)...)
		}
	case map[string]any:
		if args, ok := v["Fn::If"].([]any); ok && len(args) == 3 {
			names = append(names, str(args[0]))
		}
		if c, ok := v["Condition"].(string); ok && len(v) == 1 {
			names = append(names, c)
		}
		for _, e := range v {
			names = append(names, conditionNames(e)...)
		}
	}
	slices.Sort(names)
	return slices.Compact(names)
}

// CodeHash returns the hex SHA-256 of the files under dir (what sam build put
// in the function's artifact folder), by path and content.
func CodeHash(dir string) (string, error) {
	h := sha256.New()
	n := 0
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		sum := sha256.Sum256(b)
		fmt.Fprintf(h, "%s %x\n", filepath.ToSlash(rel), sum)
		n++
		return nil
	})
	if err == nil && n == 0 {
		err = fmt.Errorf("no files: run sam build first")
	}
	if err != nil {
		return "", fmt.Errorf("samtemplate: code in %s: %w", dir, err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
