package samtemplate

import (
	"bytes"
	"cmp"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aimcards/customer-access-token/internal/dev/emfspec"
	"github.com/aimcards/customer-access-token/internal/emf"
)

// emitted returns the data points of real records, a click's and the
// probe's: the function's own emf.Writer writes them, and emfspec reads
// them as CloudWatch would.
func emitted(t *testing.T, namespace string) []emfspec.Datum {
	t.Helper()
	var out bytes.Buffer
	w, err := emf.New(emf.Options{Namespace: namespace, FunctionName: "fn", FunctionVersion: "7", Out: &out})
	if err != nil {
		t.Fatal(err)
	}
	// AIMCalled: a record carries AIMLatency only when AIM was called.
	inv := emf.Invocation{Outcome: "redirect", Status: 302, Click: true, AIMCalled: true, AIMLatency: time.Millisecond}
	if err := w.Emit(inv); err != nil {
		t.Fatal(err)
	}
	if err := w.Probe(true, "req-1"); err != nil {
		t.Fatal(err)
	}
	var all []emfspec.Datum
	for line := range bytes.Lines(out.Bytes()) {
		data, err := emfspec.Extract(line)
		if err != nil || len(data) == 0 {
			t.Fatalf("the function's record: %d data points, %v\n%s", len(data), err, line)
		}
		all = append(all, data...)
	}
	return all
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

// TestAlarmsNotifyTheAlarmDestination checks every alarm sends ALARM and OK
// to the one destination the stack has: the topic it makes for AlarmEmail, or
// the AlarmTopicName topic of its own account and region. The
// AlarmsGoSomewhere rule (TestRulesRefuseADomainWithoutCertificate) makes one
// of them required.
func TestAlarmsNotifyTheAlarmDestination(t *testing.T) {
	tpl := transformed(t)
	topicID, topic := only(t, tpl, "AWS::SNS::Topic")
	subs, _ := topic.Properties["Subscription"].([]any)
	if len(subs) != 1 || field(subs[0], "Protocol") != "email" {
		t.Errorf("%s Subscription: got %v, want one email subscription", topicID, topic.Properties["Subscription"])
	} else {
		refTo(t, topicID+" email", field(subs[0], "Endpoint"), "AlarmEmail")
	}
	if exists(t, tpl, topic.Condition, withTopic) || !exists(t, tpl, topic.Condition, operatorValues) {
		t.Errorf("%s (condition %q): want it exactly when AlarmEmail is set", topicID, topic.Condition)
	}
	for _, id := range tpl.ResourcesOfType("AWS::CloudWatch::Alarm") {
		p := tpl.Resources[id].Properties
		for _, key := range []string{"AlarmActions", "OKActions"} {
			list, _ := p[key].([]any)
			args, _ := field(firstOf(list), "Fn::If").([]any)
			if len(list) != 1 || len(args) != 3 {
				t.Errorf("%s %s: got %v, want [Fn::If [HasAlarmEmail, Ref topic, the AlarmTopicName ARN]]", id, key, p[key])
				continue
			}
			if exists(t, tpl, str(args[0]), withTopic) || !exists(t, tpl, str(args[0]), operatorValues) {
				t.Errorf("%s %s: condition %v must hold exactly when AlarmEmail is set", id, key, args[0])
			}
			refTo(t, id+" "+key+" with AlarmEmail", args[1], topicID)
			want := "arn:${AWS::Partition}:sns:${AWS::Region}:${AWS::AccountId}:${AlarmTopicName}"
			if got := str(field(args[2], "Fn::Sub")); got != want {
				t.Errorf("%s %s with AlarmTopicName: got %v, want Fn::Sub %s", id, key, args[2], want)
			}
		}
		if p["TreatMissingData"] == nil {
			t.Errorf("%s: no TreatMissingData (no traffic would read as breaching or stay INSUFFICIENT_DATA)", id)
		}
	}
}

func firstOf(list []any) any {
	if len(list) == 0 {
		return nil
	}
	return list[0]
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

// alarmCase is one evaluation of an alarm: each metric's figure for the
// period ("Name" for every version, "Name@new" for the new version alone)
// and whether the alarm must breach.
type alarmCase struct {
	name   string
	data   map[string]float64
	breach bool
}

// checkAlarmCases evaluates alarm id on each case as CloudWatch would for
// one period: the metric (or the expression over its queries) against the
// threshold.
func checkAlarmCases(t *testing.T, tpl Template, id string, cases []alarmCase) {
	t.Helper()
	p := resource(t, tpl, id, "AWS::CloudWatch::Alarm").Properties
	for _, c := range cases {
		value, err := alarmValue(tpl, p, c.data)
		if err != nil {
			t.Fatalf("%s, %s: %v", id, c.name, err)
		}
		threshold, _ := p["Threshold"].(float64)
		var breach bool
		switch op := str(p["ComparisonOperator"]); op {
		case "GreaterThanOrEqualToThreshold":
			breach = value >= threshold
		case "GreaterThanThreshold":
			breach = value > threshold
		case "LessThanThreshold":
			breach = value < threshold
		case "LessThanOrEqualToThreshold":
			breach = value <= threshold
		default:
			t.Fatalf("%s: ComparisonOperator %s", id, op)
		}
		if breach != c.breach {
			t.Errorf("%s, %s %v: got value %v against %s %v (breach %v), want breach %v", id, c.name, c.data, value, p["ComparisonOperator"], threshold, breach, c.breach)
		}
	}
}

func alarmValue(tpl Template, p map[string]any, data map[string]float64) (float64, error) {
	if name := str(p["MetricName"]); name != "" {
		v, ok := data[name]
		if !ok {
			return 0, fmt.Errorf("no figure for %s", name)
		}
		return v, nil
	}
	queries, _ := p["Metrics"].([]any)
	vars, expr := map[string]float64{}, ""
	for _, q := range queries {
		if metric := field(field(q, "MetricStat"), "Metric"); metric != nil {
			key := str(field(metric, "MetricName"))
			dims, _ := field(metric, "Dimensions").([]any)
			for _, d := range dims {
				if _, attr, ok := getAtt(field(d, "Value")); ok && attr == "Version" {
					key += "@new"
				}
			}
			v, ok := data[key]
			if !ok {
				return 0, fmt.Errorf("no figure for %s", key)
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

// TestAlarmsFireAtAnyVolume evaluates the operational alarms on a quiet
// storefront (2 clicks in 5 minutes, 6 in the 15-minute period), a single
// failure, and a busy day: an outage fires at every volume, noise does not.
func TestAlarmsFireAtAnyVolume(t *testing.T) {
	tpl := transformed(t)
	failures := func(metric, clicks string) []alarmCase {
		return []alarmCase{
			{"quiet store, every click fails", map[string]float64{metric: 6, clicks: 6}, true},
			{"quiet night, one failed click", map[string]float64{metric: 1, clicks: 1}, false},
			{"busy day, 3 failures in 1000", map[string]float64{metric: 3, clicks: 1000}, false},
			{"busy day, 15% fail", map[string]float64{metric: 150, clicks: 1000}, true},
			{"no traffic", map[string]float64{metric: 0, clicks: 0}, false},
		}
	}
	cases := map[string][]alarmCase{
		"UpstreamErrorsAlarm": failures("UpstreamErrors", "Clicks"),
		"UnavailableAlarm":    failures("Unavailable", "Clicks"),
		"Api5xxAlarm":         failures("5xx", "Count"),
		"UnauthorizedAlarm": {
			{"a regression: every click 401", map[string]float64{"Unauthorized": 6, "Clicks": 6}, true},
			{"one customer's expired session", map[string]float64{"Unauthorized": 2, "Clicks": 2}, false},
			{"busy day, the usual 2%", map[string]float64{"Unauthorized": 20, "Clicks": 1000}, false},
		},
		"ProbeAlarm": {
			{"no probe got credentials", map[string]float64{"ProbeSuccess": 0}, true},
			{"the probe got credentials", map[string]float64{"ProbeSuccess": 1}, false},
		},
		"StaleCredentialsAlarm": {
			{"clicks served stale", map[string]float64{"StaleCredentials": 2}, true},
			{"fresh credentials", map[string]float64{"StaleCredentials": 0}, false},
		},
	}
	for id, cs := range cases {
		checkAlarmCases(t, tpl, id, cs)
		p := tpl.Resources[id].Properties
		if window := number(p["EvaluationPeriods"]) * alarmPeriod(p); window > 1800 {
			t.Errorf("%s: looks at %v s; want an outage to page within 30 minutes", id, window)
		}
	}
	probe := tpl.Resources["ProbeAlarm"].Properties
	if probe["TreatMissingData"] != "breaching" {
		t.Errorf("ProbeAlarm TreatMissingData: got %v, want breaching (no probe at all is an outage)", probe["TreatMissingData"])
	}
}

// TestSharesCountClicksOnly: preflights and the probe are no clicks, so no
// alarm divides by Requests (every API event) or counts them.
func TestSharesCountClicksOnly(t *testing.T) {
	tpl := transformed(t)
	metrics, err := tpl.CustomAlarmMetrics()
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range metrics {
		if m.MetricName == "Requests" {
			t.Errorf("%s watches Requests; want Clicks (GETs), so preflights and the probe do not dilute a share", m.Alarm)
		}
	}
	for _, m := range mustAlarmMetrics(t, tpl) {
		if m.Namespace == "AWS/ApiGateway" && m.Dimensions["Route"] != "GET /customer-access-token" {
			t.Errorf("%s watches %s for route %v; want the GET route only", m.Alarm, m.MetricName, m.Dimensions["Route"])
		}
	}
}

func mustAlarmMetrics(t *testing.T, tpl Template) []AlarmMetric {
	t.Helper()
	metrics, err := tpl.AlarmMetrics()
	if err != nil {
		t.Fatal(err)
	}
	return metrics
}

func number(v any) float64 {
	f, _ := v.(float64)
	return f
}

// alarmPeriod returns the alarm's period, or its first query's.
func alarmPeriod(p map[string]any) float64 {
	if period, ok := p["Period"].(float64); ok {
		return period
	}
	queries, _ := p["Metrics"].([]any)
	return number(field(field(firstOf(queries), "MetricStat"), "Period"))
}
