package samtemplate

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
)

// dashboardMetric is one metric line of a dashboard widget.
type dashboardMetric struct {
	namespace, name, stat string
	dims                  []string
}

// dashboard returns the dashboard body with ${...} placeholders filled (the
// metrics namespace with its default, anything else with its own name) and
// its metric lines and search expressions.
func dashboard(t *testing.T, tpl Template) (metrics []dashboardMetric, expressions []string) {
	t.Helper()
	_, d := only(t, tpl, "AWS::CloudWatch::Dashboard")
	body := str(field(d.Properties["DashboardBody"], "Fn::Sub"))
	filled := subPlaceholder.ReplaceAllStringFunc(body, func(p string) string {
		if p == "${MetricsNamespace}" {
			return tpl.Defaults()["MetricsNamespace"]
		}
		return strings.Trim(p, "${}")
	})
	var parsed struct {
		Widgets []struct {
			Type       string `json:"type"`
			Properties struct {
				Stat    string  `json:"stat"`
				Metrics [][]any `json:"metrics"`
			} `json:"properties"`
		} `json:"widgets"`
	}
	if err := json.Unmarshal([]byte(filled), &parsed); err != nil {
		t.Fatalf("dashboard body is not JSON: %v", err)
	}
	for _, w := range parsed.Widgets {
		for _, line := range w.Properties.Metrics {
			m, expr := metricLine(line, w.Properties.Stat)
			if expr != "" {
				expressions = append(expressions, expr)
			} else {
				metrics = append(metrics, m)
			}
		}
	}
	return metrics, expressions
}

// metricLine reads [namespace, name, dim, value, ..., {options}] or
// [{expression: ...}].
func metricLine(line []any, widgetStat string) (dashboardMetric, string) {
	m := dashboardMetric{stat: widgetStat}
	var strs []string
	for _, e := range line {
		switch e := e.(type) {
		case string:
			strs = append(strs, e)
		case map[string]any:
			if expr := str(e["expression"]); expr != "" {
				return m, expr
			}
			if s := str(e["stat"]); s != "" {
				m.stat = s
			}
		}
	}
	if len(strs) >= 2 {
		m.namespace, m.name = strs[0], strs[1]
		for i := 2; i+1 < len(strs); i += 2 {
			m.dims = append(m.dims, strs[i])
		}
		slices.Sort(m.dims)
	}
	return m, ""
}

func TestDashboardShowsTheFigures(t *testing.T) {
	tpl := transformed(t)
	metrics, expressions := dashboard(t, tpl)
	ns := tpl.Defaults()["MetricsNamespace"]
	for _, want := range []wantAlarm{
		{ns, "AIMLatency", "p50"}, {ns, "AIMLatency", "p99"}, {ns, "CredentialLatency", ""},
		{ns, "ColdStart", "Sum"}, {"AWS/Lambda", "Duration", "p99"}, {"AWS/Lambda", "Throttles", "Sum"},
		{"AWS/Lambda", "ConcurrentExecutions", ""}, {"AWS/ApiGateway", "4xx", "Sum"}, {"AWS/ApiGateway", "5xx", "Sum"},
	} {
		if !slices.ContainsFunc(metrics, func(m dashboardMetric) bool {
			return m.namespace == want.namespace && m.name == want.metric && (want.stat == "" || m.stat == want.stat)
		}) {
			t.Errorf("dashboard has no %s %s %s", want.namespace, want.metric, want.stat)
		}
	}
	byOutcome := slices.ContainsFunc(expressions, func(e string) bool {
		return strings.HasPrefix(e, "SEARCH(") && strings.Contains(e, "{"+ns+",Code,FunctionName,Outcome}") && strings.Contains(e, `MetricName="Requests"`)
	})
	if !byOutcome {
		t.Errorf("dashboard expressions %q: want a SEARCH of Requests by Code and Outcome in %s", expressions, ns)
	}
}

// TestDashboardShowsEmittedMetrics holds the dashboard to what the function's
// records carry, like the alarms.
func TestDashboardShowsEmittedMetrics(t *testing.T) {
	tpl := transformed(t)
	metrics, _ := dashboard(t, tpl)
	var custom []AlarmMetric
	for _, m := range metrics {
		if strings.HasPrefix(m.namespace, "AWS/") {
			continue
		}
		dims := map[string]any{}
		for _, d := range m.dims {
			dims[d] = d
		}
		custom = append(custom, AlarmMetric{Alarm: "dashboard", Namespace: m.namespace, MetricName: m.name, Dimensions: dims})
	}
	for _, m := range Unemitted(custom, emitted(t, tpl.Defaults()["MetricsNamespace"])) {
		t.Errorf("dashboard shows %s %s with dimensions %v: no record of the function carries it", m.Namespace, m.MetricName, m.DimensionNames())
	}
}
