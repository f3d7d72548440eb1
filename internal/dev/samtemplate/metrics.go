package samtemplate

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/aimcards/customer-access-token/internal/dev/emfspec"
)

// AlarmMetric is one metric an alarm watches: the alarm's own metric, or one
// MetricStat of its metric math.
type AlarmMetric struct {
	Alarm     string // logical id of the AWS::CloudWatch::Alarm
	Namespace string // resolved: a Ref to a parameter becomes its default
	// NamespaceParameter names the parameter Namespace came from ("" for a literal).
	NamespaceParameter string
	MetricName         string
	// Dimensions maps each dimension name to its value as the template has it
	// (a string, or an intrinsic such as {"Ref": "CustomerAccessTokenFunction"}).
	Dimensions map[string]any
	// Stat is the statistic (Sum, p99, ...) the alarm applies.
	Stat string
}

// DimensionNames returns the metric's dimension names, sorted: the dimension
// set a published metric must carry exactly for the alarm to see it.
func (m AlarmMetric) DimensionNames() []string {
	names := make([]string, 0, len(m.Dimensions))
	for name := range m.Dimensions {
		names = append(names, name)
	}
	slices.Sort(names)
	return names
}

// Custom reports whether the metric is on a custom (not AWS/) namespace, that
// is one the function publishes itself through EMF.
func (m AlarmMetric) Custom() bool {
	return !strings.HasPrefix(m.Namespace, "AWS/")
}

// AlarmMetrics returns every metric of every AWS::CloudWatch::Alarm, sorted
// by alarm, namespace and name.
func (t Template) AlarmMetrics() ([]AlarmMetric, error) {
	var all []AlarmMetric
	for _, id := range t.ResourcesOfType("AWS::CloudWatch::Alarm") {
		metrics, err := t.alarmMetrics(id)
		if err != nil {
			return nil, err
		}
		all = append(all, metrics...)
	}
	slices.SortFunc(all, func(a, b AlarmMetric) int {
		return cmp.Or(cmp.Compare(a.Alarm, b.Alarm), cmp.Compare(a.Namespace, b.Namespace), cmp.Compare(a.MetricName, b.MetricName))
	})
	return all, nil
}

// CustomAlarmMetrics returns the metrics of AlarmMetrics on custom
// namespaces: each must be a metric the function really emits, with the same
// namespace and the same dimension set.
func (t Template) CustomAlarmMetrics() ([]AlarmMetric, error) {
	all, err := t.AlarmMetrics()
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(all, func(m AlarmMetric) bool { return !m.Custom() }), nil
}

func (t Template) alarmMetrics(id string) ([]AlarmMetric, error) {
	props := t.Resources[id].Properties
	if _, single := props["MetricName"]; single {
		stat := cmp.Or(str(props["Statistic"]), str(props["ExtendedStatistic"]))
		m, err := t.alarmMetric(id, props, stat)
		return []AlarmMetric{m}, err
	}
	queries, _ := props["Metrics"].([]any)
	var metrics []AlarmMetric
	for _, q := range queries {
		stat, _ := field(q, "MetricStat").(map[string]any)
		if stat == nil {
			continue // an expression
		}
		metric, _ := stat["Metric"].(map[string]any)
		m, err := t.alarmMetric(id, metric, str(stat["Stat"]))
		if err != nil {
			return nil, err
		}
		metrics = append(metrics, m)
	}
	if len(metrics) == 0 {
		return nil, fmt.Errorf("samtemplate: alarm %s watches no metric", id)
	}
	return metrics, nil
}

// alarmMetric reads Namespace, MetricName and Dimensions from props.
func (t Template) alarmMetric(alarm string, props map[string]any, stat string) (AlarmMetric, error) {
	ns, err := t.resolveString(props["Namespace"])
	if err != nil {
		return AlarmMetric{}, fmt.Errorf("samtemplate: alarm %s: namespace: %w", alarm, err)
	}
	m := AlarmMetric{Alarm: alarm, Namespace: ns, MetricName: str(props["MetricName"]), Dimensions: map[string]any{}, Stat: stat}
	m.NamespaceParameter, _ = ref(props["Namespace"])
	if m.MetricName == "" {
		return AlarmMetric{}, fmt.Errorf("samtemplate: alarm %s: no MetricName", alarm)
	}
	dims, _ := props["Dimensions"].([]any)
	for _, d := range dims {
		m.Dimensions[str(field(d, "Name"))] = field(d, "Value")
	}
	return m, nil
}

// resolveString returns a literal string, or the default of the parameter a
// Ref names.
func (t Template) resolveString(v any) (string, error) {
	if s, ok := v.(string); ok {
		return s, nil
	}
	if name, ok := ref(v); ok {
		if p, ok := t.Parameters[name]; ok {
			if s, ok := p.DefaultString(); ok {
				return s, nil
			}
		}
		return "", fmt.Errorf("parameter %q has no default", name)
	}
	return "", fmt.Errorf("cannot resolve %v", v)
}

// field returns v[key] when v is a JSON object.
func field(v any, key string) any {
	m, _ := v.(map[string]any)
	return m[key]
}

// str returns v when it is a string.
func str(v any) string {
	s, _ := v.(string)
	return s
}

// Unemitted returns the metrics that no data point of records matches: same
// namespace, metric name and dimension names. records are what
// emfspec.Extract returns for the function's EMF records, from a test or
// from a real run's output; an alarm on a metric in the result never fires.
func Unemitted(metrics []AlarmMetric, records []emfspec.Datum) []AlarmMetric {
	var missing []AlarmMetric
	for _, m := range metrics {
		dims := m.DimensionNames()
		if !slices.ContainsFunc(records, func(d emfspec.Datum) bool {
			return d.Namespace == m.Namespace && d.Name == m.MetricName && slices.Equal(sortedKeys(d.Dimensions), dims)
		}) {
			missing = append(missing, m)
		}
	}
	return missing
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
