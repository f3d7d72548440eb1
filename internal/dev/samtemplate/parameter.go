package samtemplate

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
)

// Check reports whether CloudFormation would accept v for the parameter:
// AllowedPattern (matching the whole value), AllowedValues, MinLength,
// MaxLength and, for
// a Number, MinValue.
func (p Parameter) Check(v string) error {
	if p.AllowedPattern != "" {
		re, err := regexp.Compile("^(?:" + p.AllowedPattern + ")$")
		if err != nil {
			return fmt.Errorf("AllowedPattern %q: %w", p.AllowedPattern, err)
		}
		if !re.MatchString(v) {
			return fmt.Errorf("%q does not match %s", v, p.AllowedPattern)
		}
	}
	if len(p.AllowedValues) > 0 && !slices.ContainsFunc(p.AllowedValues, func(a any) bool { return scalarString(a) == v }) {
		return fmt.Errorf("%q is not one of %v", v, p.AllowedValues)
	}
	if p.MinLength != nil && len(v) < *p.MinLength {
		return fmt.Errorf("%q is shorter than %d", v, *p.MinLength)
	}
	if p.MaxLength != nil && len(v) > *p.MaxLength {
		return fmt.Errorf("%q is longer than %d", v, *p.MaxLength)
	}
	if p.Type == "Number" {
		n, err := strconv.ParseFloat(v, 64)
		if err != nil {
			return fmt.Errorf("%q is not a number", v)
		}
		if p.MinValue != nil && n < *p.MinValue {
			return fmt.Errorf("%v is below %v", n, *p.MinValue)
		}
	}
	return nil
}
