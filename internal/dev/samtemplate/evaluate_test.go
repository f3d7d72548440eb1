package samtemplate

import (
	"cmp"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// figure names one series as CloudWatch stores it: a query gets a value only
// when it asks for this metric, statistic and period with exactly these
// dimension names, so an alarm that asks for Average, another period or a
// dimension nobody publishes finds nothing, as in CloudWatch.
type figure struct {
	metric string
	stat   string
	period float64
	dims   string // the dimension names, sorted, comma-separated
}

// dimsOf returns the dimension names metric name is published with ("@new"
// for the new version's series): API Gateway's per-route metrics ("Monitor
// CloudWatch metrics for HTTP APIs"), Lambda's per-alias metrics, and the
// function's EMF records (see emitted).
func dimsOf(name string) string {
	base, isNew := strings.CutSuffix(name, "@new")
	switch {
	case base == "5xx" || base == "Count":
		return "ApiId,Method,Resource,Stage"
	case (base == "Errors" || base == "Invocations") && isNew:
		return "ExecutedVersion,FunctionName,Resource"
	case base == "Errors" || base == "Invocations":
		return "FunctionName,Resource"
	case isNew:
		return "FunctionName,FunctionVersion"
	}
	return "FunctionName"
}

// sums returns figures for one period: the Sum of each named metric, on the
// dimensions it is published with.
func sums(period float64, counts map[string]float64) map[figure]float64 {
	out := map[figure]float64{}
	for name, v := range counts {
		base, _ := strings.CutSuffix(name, "@new")
		out[figure{base, "Sum", period, dimsOf(name)}] = v
	}
	return out
}

// alarmCase is one evaluation of an alarm on the figures of its window and
// whether the alarm must breach.
type alarmCase struct {
	name   string
	data   map[figure]float64
	breach bool
}

// checkAlarmCases evaluates alarm id on each case as CloudWatch would for a
// window where every period has the case's figures: the metric (or the
// expression over its queries) against the threshold.
func checkAlarmCases(t *testing.T, tpl Template, id string, cases []alarmCase) {
	t.Helper()
	p := resource(t, tpl, id, "AWS::CloudWatch::Alarm").Properties
	for _, c := range cases {
		breach, value, err := alarmBreaches(tpl, p, c.data)
		if err != nil {
			t.Fatalf("%s, %s: %v", id, c.name, err)
		}
		if breach != c.breach {
			t.Errorf("%s, %s %v: got value %v against %s %v (breach %v), want breach %v", id, c.name, c.data, value, p["ComparisonOperator"], p["Threshold"], breach, c.breach)
		}
	}
}

// alarmBreaches returns whether the alarm's value for data crosses its
// threshold, and the value.
func alarmBreaches(tpl Template, p map[string]any, data map[figure]float64) (bool, float64, error) {
	value, err := alarmValue(tpl, p, data)
	if err != nil {
		return false, 0, err
	}
	threshold, ok := p["Threshold"].(float64)
	if !ok {
		return false, 0, fmt.Errorf("no Threshold")
	}
	switch op := str(p["ComparisonOperator"]); op {
	case "GreaterThanOrEqualToThreshold":
		return value >= threshold, value, nil
	case "GreaterThanThreshold":
		return value > threshold, value, nil
	case "LessThanThreshold":
		return value < threshold, value, nil
	case "LessThanOrEqualToThreshold":
		return value <= threshold, value, nil
	default:
		return false, 0, fmt.Errorf("ComparisonOperator %q", op)
	}
}

// alarmValue returns the alarm's value: its metric's figure, or its
// expression over the figures of its queries.
func alarmValue(tpl Template, p map[string]any, data map[figure]float64) (float64, error) {
	if str(p["MetricName"]) != "" {
		stat := cmp.Or(str(p["Statistic"]), str(p["ExtendedStatistic"]))
		return lookUp(p, stat, number(p["Period"]), data)
	}
	queries, _ := p["Metrics"].([]any)
	vars, expr := map[string]float64{}, ""
	for _, q := range queries {
		if stat := field(q, "MetricStat"); stat != nil {
			metric, _ := field(stat, "Metric").(map[string]any)
			v, err := lookUp(metric, str(field(stat, "Stat")), number(field(stat, "Period")), data)
			if err != nil {
				return 0, err
			}
			vars[str(field(q, "Id"))] = v
			continue
		}
		expr = cmp.Or(str(field(q, "Expression")), str(field(field(q, "Expression"), "Fn::Sub")))
	}
	// Fill ${Parameter} with its default, as a stack without overrides has it.
	expr = subPlaceholder.ReplaceAllStringFunc(expr, func(s string) string { return tpl.Defaults()[strings.Trim(s, "${}")] })
	return evalMath(expr, vars)
}

// lookUp returns the figure of metric (MetricName and Dimensions) for stat
// and period.
func lookUp(metric map[string]any, stat string, period float64, data map[figure]float64) (float64, error) {
	var dims []string
	list, _ := metric["Dimensions"].([]any)
	for _, d := range list {
		dims = append(dims, str(field(d, "Name")))
	}
	slices.Sort(dims)
	key := figure{str(metric["MetricName"]), stat, period, strings.Join(dims, ",")}
	v, ok := data[key]
	if !ok {
		return 0, fmt.Errorf("no figure for %s %s over %v s by [%s]: nothing publishes it, or the case does not give it", key.metric, key.stat, key.period, key.dims)
	}
	return v, nil
}

// stateRef matches ALARM("${Alarm}"), OK(...) and INSUFFICIENT_DATA(...) in a
// composite alarm's rule.
var stateRef = regexp.MustCompile(`\b(ALARM|OK|INSUFFICIENT_DATA)\("\$\{([A-Za-z0-9]+)\}"\)`)

// compositeFires evaluates a composite alarm's rule for the given states of
// the alarms it names: each STATE("x") is 1 when x is in that state, NOT is
// 1 minus what follows.
func compositeFires(rule string, states map[string]string) (bool, error) {
	var err error
	expr := stateRef.ReplaceAllStringFunc(rule, func(s string) string {
		m := stateRef.FindStringSubmatch(s)
		state, ok := states[m[2]]
		if !ok {
			err = fmt.Errorf("no state for %s", m[2])
		}
		if state == m[1] {
			return "1"
		}
		return "0"
	})
	if err != nil {
		return false, err
	}
	v, err := evalMath(strings.ReplaceAll(expr, "NOT ", "1 - "), nil)
	return v != 0, err
}

// TestEvalMath checks the evaluator's own arithmetic, precedence and errors
// on figures worked out by hand.
func TestEvalMath(t *testing.T) {
	vars := map[string]float64{"failed": 2, "clicks": 3}
	for _, c := range []struct {
		expr string
		want float64
	}{
		{"1 + 2 * 3", 7}, {"(1 + 2) * 3", 9}, {"10 - 4 - 3", 3}, {"12 / 4 / 3", 1},
		{"2 * failed > clicks", 1}, {"2 * failed >= clicks + 1", 1}, {"failed == 2", 1}, {"failed < 2", 0}, {"failed <= 2", 1},
		{"1 AND 0", 0}, {"1 AND 2", 1}, {"0 OR 3", 1}, {"0 OR 0", 0}, {"1 OR 0 AND 0", 1},
		{"IF(failed >= 2 AND 2 * failed > clicks, 1, 0)", 1}, {"IF(failed >= 3, 1, 0)", 0},
		{"IF(clicks > failed, failed, 0) * 10", 20}, {"1 - 1 AND 1", 0},
	} {
		got, err := evalMath(c.expr, vars)
		if err != nil || got != c.want {
			t.Errorf("evalMath(%q): got %v, %v; want %v", c.expr, got, err, c.want)
		}
	}
	for _, bad := range []string{"nope + 1", "IF(1, 2)", "(1 + 2", "1 2"} {
		if _, err := evalMath(bad, vars); err == nil {
			t.Errorf("evalMath(%q): got no error, want one", bad)
		}
	}
}

// TestEvaluatorRefusesWhatCloudWatchWouldNotAnswer feeds the evaluator an
// hour alarm as the template has it and then with one thing wrong each: a
// statistic, a period or a dimension set nothing publishes must find no
// figure, not quietly reuse the right one.
func TestEvaluatorRefusesWhatCloudWatchWouldNotAnswer(t *testing.T) {
	query := func(name, stat string, period float64, dims ...string) map[string]any {
		var list []any
		for _, d := range dims {
			list = append(list, map[string]any{"Name": d, "Value": d})
		}
		return map[string]any{"Id": strings.ToLower(name), "ReturnData": false, "MetricStat": map[string]any{
			"Metric": map[string]any{"Namespace": "N", "MetricName": name, "Dimensions": list}, "Stat": stat, "Period": period}}
	}
	alarm := func(failed map[string]any) map[string]any {
		return map[string]any{"Threshold": 1.0, "ComparisonOperator": "GreaterThanOrEqualToThreshold", "Metrics": []any{
			failed, query("Clicks", "Sum", 3600, "FunctionName"),
			map[string]any{"Id": "verdict", "Expression": "IF(unavailable >= 2 AND 2 * unavailable > clicks, 1, 0)"}}}
	}
	outage := sums(3600, map[string]float64{"Unavailable": 2, "Clicks": 2})
	breach, _, err := alarmBreaches(Template{}, alarm(query("Unavailable", "Sum", 3600, "FunctionName")), outage)
	if err != nil || !breach {
		t.Fatalf("the right alarm on an outage: breach %v, %v; want true", breach, err)
	}
	for name, q := range map[string]map[string]any{
		"Average instead of Sum":    query("Unavailable", "Average", 3600, "FunctionName"),
		"15 minutes, not an hour":   query("Unavailable", "Sum", 900, "FunctionName"),
		"a dimension not published": query("Unavailable", "Sum", 3600, "FunctionName", "Route"),
	} {
		if _, _, err := alarmBreaches(Template{}, alarm(q), outage); err == nil {
			t.Errorf("%s: got a value, want no figure", name)
		}
	}
	for _, c := range []struct {
		states map[string]string
		want   bool
	}{
		{map[string]string{"F": "ALARM", "R": "INSUFFICIENT_DATA"}, false},
		{map[string]string{"F": "ALARM", "R": "OK"}, true},
		{map[string]string{"F": "OK", "R": "OK"}, false},
	} {
		got, err := compositeFires(`ALARM("${F}") AND NOT INSUFFICIENT_DATA("${R}")`, c.states)
		if err != nil || got != c.want {
			t.Errorf("composite with %v: got %v, %v; want %v", c.states, got, err, c.want)
		}
	}
}
