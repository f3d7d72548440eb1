package samtemplate

import (
	"bytes"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aimcards/customer-access-token/internal/dev/emfspec"
	"github.com/aimcards/customer-access-token/internal/emf"
)

// emitted returns the data points of a real record: the function's own
// emf.Writer writes it, and emfspec reads it as CloudWatch would.
func emitted(t *testing.T, namespace string) []emfspec.Datum {
	t.Helper()
	var out bytes.Buffer
	w, err := emf.New(emf.Options{Namespace: namespace, FunctionName: "fn", FunctionVersion: "7", Out: &out})
	if err != nil {
		t.Fatal(err)
	}
	// AIMCalled: a record carries AIMLatency only when AIM was called.
	inv := emf.Invocation{Outcome: emf.OutcomeRedirect, Status: 302, AIMCalled: true, AIMLatency: time.Millisecond}
	if err := w.Emit(inv); err != nil {
		t.Fatal(err)
	}
	data, err := emfspec.Extract(out.Bytes())
	if err != nil || len(data) == 0 {
		t.Fatalf("the function's record: %d data points, %v\n%s", len(data), err, out.Bytes())
	}
	return data
}

// TestNamespaceDefaultIsTheFunctions keeps the template's default namespace
// equal to the one the function uses without METRICS_NAMESPACE.
func TestNamespaceDefaultIsTheFunctions(t *testing.T) {
	tpl := transformed(t)
	if got := tpl.Defaults()["MetricsNamespace"]; got != emf.DefaultNamespace {
		t.Errorf("MetricsNamespace default: got %q, want emf.DefaultNamespace %q", got, emf.DefaultNamespace)
	}
}

// TestCustomAlarmsWatchEmittedMetrics checks every alarm on a custom namespace
// against a record the function writes: the namespace parameter the function
// gets, a metric name it emits, and a dimension set it publishes.
func TestCustomAlarmsWatchEmittedMetrics(t *testing.T) {
	tpl := transformed(t)
	metrics, err := tpl.CustomAlarmMetrics()
	if err != nil {
		t.Fatal(err)
	}
	if len(metrics) == 0 {
		t.Fatal("no alarm on the function's EMF metrics")
	}
	nsParam, _ := ref(environment(t, tpl)["METRICS_NAMESPACE"])
	for _, m := range metrics {
		if m.NamespaceParameter != nsParam || nsParam == "" {
			t.Errorf("%s: namespace from %q, want the parameter METRICS_NAMESPACE comes from (%q)", m.Alarm, m.NamespaceParameter, nsParam)
		}
		refTo(t, m.Alarm+" FunctionName", m.Dimensions["FunctionName"], functionID)
	}
	for _, m := range Unemitted(metrics, emitted(t, tpl.Defaults()["MetricsNamespace"])) {
		t.Errorf("%s watches %s %s with dimensions %v: no record of the function carries it", m.Alarm, m.Namespace, m.MetricName, m.DimensionNames())
	}
}

// wantAlarm is an alarm the Operations section describes: a metric to watch
// and what its statistic must be ("" for any).
type wantAlarm struct{ namespace, metric, stat string }

func TestAlarmsCoverWhatUsersFeel(t *testing.T) {
	tpl := transformed(t)
	ns := tpl.Defaults()["MetricsNamespace"]
	metrics, err := tpl.AlarmMetrics()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []wantAlarm{
		{ns, "UpstreamErrors", ""}, {ns, "Unavailable", ""}, {ns, "StaleCredentials", ""},
		{"AWS/Lambda", "Duration", "p99"}, {"AWS/Lambda", "Throttles", ""}, {"AWS/ApiGateway", "5xx", ""},
	} {
		found := slices.ContainsFunc(metrics, func(m AlarmMetric) bool {
			return m.Namespace == want.namespace && m.MetricName == want.metric && (want.stat == "" || m.Stat == want.stat)
		})
		if !found {
			t.Errorf("no alarm on %s %s %s", want.namespace, want.metric, want.stat)
		}
	}
	stageID, _ := stage(t, tpl)
	for _, m := range metrics {
		if m.Namespace == "AWS/ApiGateway" {
			refTo(t, m.Alarm+" ApiId", m.Dimensions["ApiId"], apiID)
			refTo(t, m.Alarm+" Stage", m.Dimensions["Stage"], stageID)
		}
		if m.Namespace == "AWS/Lambda" {
			refTo(t, m.Alarm+" FunctionName", m.Dimensions["FunctionName"], functionID)
		}
	}
}

// TestDurationAlarmIsBelowTheTimeout keeps the p99 alarm between half the
// function's Timeout and the Timeout itself, whatever either becomes.
func TestDurationAlarmIsBelowTheTimeout(t *testing.T) {
	tpl := transformed(t)
	timeout, ok := function(t, tpl)["Timeout"].(float64)
	if !ok {
		t.Fatalf("function Timeout: got %v, want a number", function(t, tpl)["Timeout"])
	}
	for _, id := range tpl.ResourcesOfType("AWS::CloudWatch::Alarm") {
		p := tpl.Resources[id].Properties
		if p["Namespace"] != "AWS/Lambda" || p["MetricName"] != "Duration" {
			continue
		}
		threshold, _ := p["Threshold"].(float64)
		if threshold < timeout*1000/2 || threshold >= timeout*1000 {
			t.Errorf("%s: threshold %v ms, want in [%v, %v) for a %v s Timeout", id, threshold, timeout*500, timeout*1000, timeout)
		}
		if !strings.HasPrefix(str(p["ComparisonOperator"]), "GreaterThan") {
			t.Errorf("%s: ComparisonOperator %v, want GreaterThan...", id, p["ComparisonOperator"])
		}
	}
}

// TestAlarmsNotifyTheOptionalTopic checks every alarm sends ALARM and OK to
// AlarmTopicArn when it is set and has no action otherwise.
func TestAlarmsNotifyTheOptionalTopic(t *testing.T) {
	tpl := transformed(t)
	for _, id := range tpl.ResourcesOfType("AWS::CloudWatch::Alarm") {
		p := tpl.Resources[id].Properties
		for _, key := range []string{"AlarmActions", "OKActions"} {
			args, _ := field(p[key], "Fn::If").([]any)
			if len(args) != 3 {
				t.Errorf("%s %s: got %v, want Fn::If [cond, [Ref topic], Ref AWS::NoValue]", id, key, p[key])
				continue
			}
			cond := str(args[0])
			if list, _ := args[1].([]any); len(list) != 1 {
				t.Errorf("%s %s: got %v, want one topic", id, key, args[1])
			} else {
				refTo(t, id+" "+key, list[0], "AlarmTopicArn")
			}
			refTo(t, id+" "+key+" when unset", args[2], "AWS::NoValue")
			if exists(t, tpl, cond, nil) || !exists(t, tpl, cond, withTopic) {
				t.Errorf("%s %s: condition %s must hold only with AlarmTopicArn set", id, key, cond)
			}
		}
		if p["TreatMissingData"] == nil {
			t.Errorf("%s: no TreatMissingData (no traffic would read as breaching or stay INSUFFICIENT_DATA)", id)
		}
	}
}

// mathID is an id in a metric math expression.
var mathID = regexp.MustCompile(`\b[a-z][A-Za-z0-9_]*\b`)

// TestMetricMathIsWellFormed checks each metric math alarm returns exactly one
// series and its expression names only queries it defines.
func TestMetricMathIsWellFormed(t *testing.T) {
	tpl := transformed(t)
	for _, id := range tpl.ResourcesOfType("AWS::CloudWatch::Alarm") {
		queries, _ := tpl.Resources[id].Properties["Metrics"].([]any)
		if len(queries) == 0 {
			continue
		}
		ids, returned := map[string]bool{}, 0
		for _, q := range queries {
			ids[str(field(q, "Id"))] = true
			if field(q, "ReturnData") != false {
				returned++
			}
		}
		if returned != 1 {
			t.Errorf("%s: %d queries return data, want 1", id, returned)
		}
		for _, q := range queries {
			expr := str(field(q, "Expression"))
			for _, name := range mathID.FindAllString(expr, -1) {
				if !ids[name] {
					t.Errorf("%s: expression %q names %s, which is no query id", id, expr, name)
				}
			}
			if expr != "" && field(q, "ReturnData") == false {
				t.Errorf("%s: expression %q returns no data", id, expr)
			}
		}
	}
}
