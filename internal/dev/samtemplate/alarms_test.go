package samtemplate

import (
	"bytes"
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
	// The outside-in check's record, as its function writes it (README, Alarms and
	// what to do): PublicCheckSuccess by FunctionName, the customer function's name.
	fmt.Fprintf(&out, `{"_aws":{"Timestamp":1764494175123,"CloudWatchMetrics":[{"Namespace":%q,"Dimensions":[["FunctionName"]],"Metrics":[{"Name":"PublicCheckSuccess","Unit":"Count"}]}]},"FunctionName":"fn","PublicCheckSuccess":1}`+"\n", namespace)
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
		{ns, "UpstreamErrors", "Sum"}, {ns, "Unavailable", "Sum"}, {ns, "ServerErrors", "Sum"}, {ns, "StaleCredentials", "Sum"},
		{ns, "ProbeSuccess", "Sum"}, {ns, "PublicCheckSuccess", "Sum"},
		{"AWS/Lambda", "Duration", "p99"}, {"AWS/Lambda", "Throttles", "Sum"}, {"AWS/ApiGateway", "5xx", "Sum"},
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

// TestAlarmsNotifyTheAlarmDestination checks every alarm that pages sends
// ALARM and OK to the one destination the stack has: the topic it makes for
// AlarmEmail, or the AlarmTopicName topic of its own account and region. The
// AlarmsGoSomewhere rule (TestRulesRefuseADomainWithoutCertificate) makes one
// of them required, in prod as in every stack. An alarm a composite alarm
// names pages only through it, so it has no actions of its own.
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
	inComposite := map[string]bool{}
	composites := tpl.ResourcesOfType("AWS::CloudWatch::CompositeAlarm")
	for _, id := range composites {
		for _, m := range stateRef.FindAllStringSubmatch(str(field(tpl.Resources[id].Properties["AlarmRule"], "Fn::Sub")), -1) {
			inComposite[m[2]] = true
		}
	}
	for _, id := range append(tpl.ResourcesOfType("AWS::CloudWatch::Alarm"), composites...) {
		p := tpl.Resources[id].Properties
		if inComposite[id] {
			if p["AlarmActions"] != nil || p["OKActions"] != nil {
				t.Errorf("%s: actions %v %v; want none, it pages through its composite alarm", id, p["AlarmActions"], p["OKActions"])
			}
			continue
		}
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
	}
	for _, id := range tpl.ResourcesOfType("AWS::CloudWatch::Alarm") {
		if tpl.Resources[id].Properties["TreatMissingData"] == nil {
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

// failureClass is one way a click fails, with the alarms that page on it: one
// over an hour for a quiet store, one over 15 minutes for a busy one.
type failureClass struct {
	failed, clicks string // the metrics: failures and the clicks they are a share of
	hour, quarter  string // alarm ids; "" when the class has no 15-minute alarm
}

var failureClasses = []failureClass{
	{"ServerErrors", "Clicks", "ServerErrorsHourAlarm", ""},
	{"UpstreamErrors", "Clicks", "UpstreamErrorsHourAlarm", "UpstreamErrorsAlarm"},
	{"Unavailable", "Clicks", "UnavailableHourAlarm", "UnavailableAlarm"},
	{"5xx", "Count", "Api5xxHourAlarm", "Api5xxAlarm"},
}

// TestAlarmsFireAtAnyVolume evaluates the operational alarms at a store's
// volumes: 2 clicks an hour, 24 an hour, and a busy day of 1,000 clicks in
// 15 minutes. A total outage pages at every volume, within about an hour at
// 2 clicks an hour; one failed click pages nobody; the "10 % of clicks" rule
// sits exactly at 10 % (99 of 1,000 does not page, 100 does).
func TestAlarmsFireAtAnyVolume(t *testing.T) {
	tpl := transformed(t)
	for _, c := range failureClasses {
		in := func(period float64, failed, clicks float64) map[figure]float64 {
			return sums(period, map[string]float64{c.failed: failed, c.clicks: clicks})
		}
		checkAlarmCases(t, tpl, c.hour, []alarmCase{
			{"2 clicks an hour, both fail (a total outage)", in(3600, 2, 2), true},
			{"2 clicks an hour, one fails", in(3600, 1, 2), false},
			{"3 clicks an hour, 2 fail", in(3600, 2, 3), true},
			{"24 clicks an hour, all fail", in(3600, 24, 24), true},
			{"24 clicks an hour, 2 fail", in(3600, 2, 24), false},
			{"24 clicks an hour, 12 fail (half is not most)", in(3600, 12, 24), false},
			{"busy day, one failure in 4,000", in(3600, 1, 4000), false},
			{"one click, it fails", in(3600, 1, 1), false},
			{"no traffic", in(3600, 0, 0), false},
		})
		checkWindow(t, tpl, c.hour, 3600, 3600)
		if c.quarter == "" {
			continue
		}
		checkAlarmCases(t, tpl, c.quarter, []alarmCase{
			{"24 clicks an hour, all 6 of a quarter fail", in(900, 6, 6), true},
			{"2 clicks an hour: one click in a quarter, it fails", in(900, 1, 1), false},
			{"busy day, one failure in 1,000", in(900, 1, 1000), false},
			{"busy day, 99 failures in 1,000", in(900, 99, 1000), false},
			{"busy day, 100 failures in 1,000 (10 %)", in(900, 100, 1000), true},
			{"no traffic", in(900, 0, 0), false},
		})
		checkWindow(t, tpl, c.quarter, 900, 1800)
	}
	checkAlarmCases(t, tpl, "UnauthorizedAlarm", []alarmCase{
		{"a regression: every click 401", sums(900, map[string]float64{"Unauthorized": 6, "Clicks": 6}), true},
		{"one customer's expired session", sums(900, map[string]float64{"Unauthorized": 2, "Clicks": 2}), false},
		{"busy day, the usual 2%", sums(900, map[string]float64{"Unauthorized": 20, "Clicks": 1000}), false},
	})
	checkAlarmCases(t, tpl, "StaleCredentialsAlarm", []alarmCase{
		{"clicks served stale", sums(300, map[string]float64{"StaleCredentials": 2}), true},
		{"fresh credentials", sums(300, map[string]float64{"StaleCredentials": 0}), false},
	})
}

// checkWindow checks alarm id looks at periods of period seconds and pages
// within at most seconds after the failures are in.
func checkWindow(t *testing.T, tpl Template, id string, period, at float64) {
	t.Helper()
	p := tpl.Resources[id].Properties
	if got := alarmPeriod(p); got != period {
		t.Errorf("%s: period %v s, want %v", id, got, period)
	}
	if window := number(p["EvaluationPeriods"]) * alarmPeriod(p); window > at {
		t.Errorf("%s: looks at %v s; want an outage to page within %v s", id, window, at)
	}
}

// checkAlarms are the scheduled checks' alarms: the one that pages (a
// composite), the one that judges the check's records, and the one that
// tells a stack that has never run the check.
var checkAlarms = []struct{ page, failing, ran, metric string }{
	{"ProbeAlarm", "ProbeFailingAlarm", "ProbeRanAlarm", "ProbeSuccess"},
	{"PublicCheckAlarm", "PublicCheckFailingAlarm", "PublicCheckRanAlarm", "PublicCheckSuccess"},
}

// TestCheckAlarmsPageAtZeroTrafficButNotANewStack: a check that fails or
// stops pages within 15 minutes whatever the traffic; a stack whose check
// has never run (just created) pages nobody.
func TestCheckAlarmsPageAtZeroTrafficButNotANewStack(t *testing.T) {
	tpl := transformed(t)
	for _, c := range checkAlarms {
		checkAlarmCases(t, tpl, c.failing, []alarmCase{
			{"every check in the period failed", sums(300, map[string]float64{c.metric: 0}), true},
			{"a check passed", sums(300, map[string]float64{c.metric: 1}), false},
		})
		failing := tpl.Resources[c.failing].Properties
		if failing["TreatMissingData"] != "breaching" {
			t.Errorf("%s TreatMissingData: got %v, want breaching (a check that stops is an outage)", c.failing, failing["TreatMissingData"])
		}
		checkWindow(t, tpl, c.failing, 300, 900)
		ran := tpl.Resources[c.ran].Properties
		if ran["TreatMissingData"] != "ignore" || ran["MetricName"] != c.metric {
			t.Errorf("%s: TreatMissingData %v on %v; want ignore on %s (INSUFFICIENT_DATA until the first record, then kept)", c.ran, ran["TreatMissingData"], ran["MetricName"], c.metric)
		}
		checkAlarmCases(t, tpl, c.ran, []alarmCase{
			{"one record", map[figure]float64{{c.metric, "SampleCount", 300, "FunctionName"}: 1}, false},
			{"one record a minute", map[figure]float64{{c.metric, "SampleCount", 300, "FunctionName"}: 5}, false},
		})
		rule := str(field(resource(t, tpl, c.page, "AWS::CloudWatch::CompositeAlarm").Properties["AlarmRule"], "Fn::Sub"))
		for _, s := range []struct {
			name   string
			states map[string]string
			firing bool
		}{
			{"a new stack before its first check", map[string]string{c.failing: "ALARM", c.ran: "INSUFFICIENT_DATA"}, false},
			{"checks failing or stopped", map[string]string{c.failing: "ALARM", c.ran: "OK"}, true},
			{"checks passing", map[string]string{c.failing: "OK", c.ran: "OK"}, false},
		} {
			got, err := compositeFires(rule, s.states)
			if err != nil || got != s.firing {
				t.Errorf("%s (%s), %s: fires %v, %v; want %v", c.page, rule, s.name, got, err, s.firing)
			}
		}
		if c.page == "PublicCheckAlarm" {
			for _, id := range []string{c.page, c.failing, c.ran} {
				if cond := tpl.Resources[id].Condition; cond != "HasOutsideInCheck" || exists(t, tpl, cond, scenarios["no public check"]) {
					t.Errorf("%s: condition %q; want HasOutsideInCheck, off with OutsideInCheck=Off", id, cond)
				}
			}
		}
	}
}

// TestSharesCountClicksOnly: preflights and the probe are no clicks, so no
// alarm divides by Requests (every API event) or counts them, and the API's
// alarms watch the GET route's metrics as API Gateway publishes them.
func TestSharesCountClicksOnly(t *testing.T) {
	tpl := transformed(t)
	stageID, _ := stage(t, tpl)
	for _, m := range mustAlarmMetrics(t, tpl) {
		if m.MetricName == "Requests" {
			t.Errorf("%s watches Requests; want Clicks (GETs), so preflights and the probe do not dilute a share", m.Alarm)
		}
		if m.Namespace != "AWS/ApiGateway" {
			continue
		}
		if got := strings.Join(m.DimensionNames(), ","); got != dimsOf(m.MetricName) {
			t.Errorf("%s watches %s by [%s]; API Gateway publishes per-route metrics by [%s]", m.Alarm, m.MetricName, got, dimsOf(m.MetricName))
		}
		refTo(t, m.Alarm+" ApiId", m.Dimensions["ApiId"], apiID)
		refTo(t, m.Alarm+" Stage", m.Dimensions["Stage"], stageID)
		if m.Dimensions["Method"] != "GET" || m.Dimensions["Resource"] != "/customer-access-token" {
			t.Errorf("%s watches %s for %v %v; want the GET /customer-access-token route only", m.Alarm, m.MetricName, m.Dimensions["Method"], m.Dimensions["Resource"])
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
