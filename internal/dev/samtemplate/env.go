package samtemplate

// FunctionEnv returns the environment variables that the template sets to a
// literal, non-empty value on the function with the given logical id (those
// set from a parameter or another intrinsic, and empty ones, are left out), so that local tools run the
// function with the same runtime settings as the deployed one.
func (t Template) FunctionEnv(logicalID string) map[string]string {
	env := map[string]string{}
	r, ok := t.Resources[logicalID]
	if !ok {
		return env
	}
	e, _ := r.Properties["Environment"].(map[string]any)
	vars, _ := e["Variables"].(map[string]any)
	for name, v := range vars {
		if s, ok := v.(string); ok && s != "" {
			env[name] = s
		}
	}
	return env
}
