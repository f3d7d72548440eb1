package samtemplate

import (
	"strings"
	"testing"
)

// published returns the function's alias (id and name) and the version the
// alias points at after this deploy: the new version.
func published(t *testing.T, tpl Template) (aliasID, aliasName, versionID string) {
	t.Helper()
	var aliases []string
	for _, id := range tpl.ResourcesOfType("AWS::Lambda::Alias") {
		if name, _ := ref(tpl.Resources[id].Properties["FunctionName"]); name == functionID {
			aliases = append(aliases, id)
		}
	}
	if len(aliases) != 1 {
		t.Fatalf("aliases of %s: got %v, want exactly one (AutoPublishAlias)", functionID, aliases)
	}
	alias := tpl.Resources[aliases[0]]
	versionID, attr, ok := getAtt(alias.Properties["FunctionVersion"])
	if !ok || attr != "Version" {
		t.Fatalf("alias FunctionVersion: got %v, want Fn::GetAtt [<version>, Version]", alias.Properties["FunctionVersion"])
	}
	version := resource(t, tpl, versionID, "AWS::Lambda::Version")
	refTo(t, "version FunctionName", version.Properties["FunctionName"], functionID)
	aliasName = str(alias.Properties["Name"])
	if aliasName == "" {
		t.Fatal("alias has no Name")
	}
	return aliases[0], aliasName, versionID
}

// deploymentGroup returns the CodeDeploy deployment group that shifts the alias.
func deploymentGroup(t *testing.T, tpl Template, aliasID string) Resource {
	t.Helper()
	update, _ := tpl.Resources[aliasID].UpdatePolicy["CodeDeployLambdaAliasUpdate"].(map[string]any)
	groupID, ok := ref(update["DeploymentGroupName"])
	if !ok {
		t.Fatalf("alias UpdatePolicy: got %v, want CodeDeployLambdaAliasUpdate with a DeploymentGroupName Ref", tpl.Resources[aliasID].UpdatePolicy)
	}
	return resource(t, tpl, groupID, "AWS::CodeDeploy::DeploymentGroup")
}

func TestDeploymentGroupRollsBackOnAlarm(t *testing.T) {
	tpl := transformed(t)
	aliasID, _, _ := published(t, tpl)
	group := deploymentGroup(t, tpl, aliasID).Properties

	rollback, _ := group["AutoRollbackConfiguration"].(map[string]any)
	if rollback["Enabled"] != true || !containsString(rollback["Events"], "DEPLOYMENT_STOP_ON_ALARM") {
		t.Errorf("AutoRollbackConfiguration: got %v, want Enabled with DEPLOYMENT_STOP_ON_ALARM", rollback)
	}
	alarms, _ := group["AlarmConfiguration"].(map[string]any)
	if alarms["Enabled"] != true {
		t.Errorf("AlarmConfiguration.Enabled: got %v, want true", alarms["Enabled"])
	}
	if list, _ := alarms["Alarms"].([]any); len(list) < 2 {
		t.Errorf("rollback alarms: got %v, want at least two (Lambda errors and 5xx answers)", alarms["Alarms"])
	}
}

// TestDeploymentTypeIsCanaryByDefault checks the config CodeDeploy gets: the
// DeploymentType parameter (the offline transform puts its default in), whose
// default is a canary and which offers AllAtOnce for development stacks.
func TestDeploymentTypeIsCanaryByDefault(t *testing.T) {
	tpl := transformed(t)
	aliasID, _, _ := published(t, tpl)
	group := deploymentGroup(t, tpl, aliasID).Properties
	param, ok := tpl.Parameters["DeploymentType"]
	if !ok {
		t.Fatal("no DeploymentType parameter")
	}
	def, _ := param.DefaultString()
	if !strings.HasPrefix(def, "Canary") {
		t.Errorf("DeploymentType default: got %q, want a Canary... type", def)
	}
	if param.Check("AllAtOnce") != nil {
		t.Errorf("DeploymentType: AllAtOnce not allowed (%v); development stacks need it", param.AllowedValues)
	}
	sub, _ := field(group["DeploymentConfigName"], "Fn::Sub").([]any)
	if len(sub) != 2 || sub[0] != "CodeDeployDefault.Lambda${ConfigName}" {
		t.Fatalf("DeploymentConfigName: got %v, want Fn::Sub CodeDeployDefault.Lambda${ConfigName}", group["DeploymentConfigName"])
	}
	switch config := field(sub[1], "ConfigName"); config.(type) {
	case string:
		if config != def {
			t.Errorf("ConfigName: got %v, want the DeploymentType default %q", config, def)
		}
	default:
		refTo(t, "ConfigName", config, "DeploymentType")
	}
}

// rollbackAlarms returns the alarms the deployment group stops a rollout on.
func rollbackAlarms(t *testing.T, tpl Template) []string {
	t.Helper()
	aliasID, _, _ := published(t, tpl)
	group := deploymentGroup(t, tpl, aliasID).Properties
	list, _ := field(group["AlarmConfiguration"], "Alarms").([]any)
	var ids []string
	for _, a := range list {
		alarmID, ok := ref(field(a, "Name"))
		if !ok {
			t.Fatalf("rollback alarm: got %v, want {Name: {Ref: <alarm>}}", a)
		}
		resource(t, tpl, alarmID, "AWS::CloudWatch::Alarm")
		ids = append(ids, alarmID)
	}
	return ids
}

// TestRollbackAlarmsWatchTheNewVersion checks each rollback alarm compares
// the version being deployed (its metrics narrowed to that version) with the
// rest of live's traffic (the same metrics for every version).
func TestRollbackAlarmsWatchTheNewVersion(t *testing.T) {
	tpl := transformed(t)
	_, aliasName, versionID := published(t, tpl)
	watched := map[string]bool{}
	for _, alarmID := range rollbackAlarms(t, tpl) {
		metrics, err := tpl.alarmMetrics(alarmID)
		if err != nil {
			t.Fatal(err)
		}
		narrowed, whole := 0, 0
		for _, m := range metrics {
			if checkScope(t, m, aliasName, versionID) {
				narrowed++
				watched[m.Namespace+" "+m.MetricName] = true
			} else {
				whole++
			}
		}
		if narrowed == 0 || whole == 0 {
			t.Errorf("%s: %d metrics of the new version, %d of all live's versions; want both, to compare them", alarmID, narrowed, whole)
		}
	}
	ns := tpl.Defaults()["MetricsNamespace"]
	for _, want := range []string{"AWS/Lambda Errors", ns + " ServerErrors"} {
		if !watched[want] {
			t.Errorf("rollback alarms watch %v of the new version; want one on %s", keys(watched), want)
		}
	}
}

// checkScope checks m is on the function (through the alias, for Lambda's
// own metrics) and reports whether it is narrowed to the new version.
func checkScope(t *testing.T, m AlarmMetric, aliasName, versionID string) bool {
	t.Helper()
	versionDim := "FunctionVersion" // the EMF records' dimension
	if !m.Custom() {
		if m.Namespace != "AWS/Lambda" {
			t.Errorf("%s: %s %s cannot be narrowed to a version", m.Alarm, m.Namespace, m.MetricName)
			return false
		}
		versionDim = "ExecutedVersion"
		sub := str(field(m.Dimensions["Resource"], "Fn::Sub"))
		if want := "${" + functionID + "}:" + aliasName; sub != want {
			t.Errorf("%s: Resource dimension: got %v, want Fn::Sub %s", m.Alarm, m.Dimensions["Resource"], want)
		}
	}
	refTo(t, m.Alarm+" FunctionName", m.Dimensions["FunctionName"], functionID)
	v, ok := m.Dimensions[versionDim]
	if !ok {
		return false
	}
	if id, attr, _ := getAtt(v); id != versionID || attr != "Version" {
		t.Errorf("%s: %s: got %v, want Fn::GetAtt [%s, Version] (the new version)", m.Alarm, versionDim, v, versionID)
	}
	return true
}

// TestRollbackAlarmsNeverBlockTheNextDeploy evaluates the rollback alarms
// on the figures of a minute: a broken new version beside a healthy old one
// stops the rollout; a failure every version shares, and anything once all
// of live is on one version, leaves them OK. CodeDeploy refuses to start a
// deployment while one of its alarms is in ALARM, so an alarm that kept
// watching live would block the hotfix.
func TestRollbackAlarmsNeverBlockTheNextDeploy(t *testing.T) {
	tpl := transformed(t)
	cases := map[string][]alarmCase{
		"NewVersionServerErrorsAlarm": {
			{"the canary fails, the old version does not", sums(60, map[string]float64{"ServerErrors@new": 5, "Clicks@new": 5, "ServerErrors": 5, "Clicks": 50}), true},
			{"the canary fails alongside an old version at 10 %", sums(60, map[string]float64{"ServerErrors@new": 5, "Clicks@new": 5, "ServerErrors": 10, "Clicks": 55}), true},
			{"AIM down for every version", sums(60, map[string]float64{"ServerErrors@new": 5, "Clicks@new": 5, "ServerErrors": 50, "Clicks": 50}), false},
			{"after the shift, live failing", sums(60, map[string]float64{"ServerErrors@new": 50, "Clicks@new": 50, "ServerErrors": 50, "Clicks": 50}), false},
			{"a healthy canary", sums(60, map[string]float64{"ServerErrors@new": 0, "Clicks@new": 5, "ServerErrors": 1, "Clicks": 50}), false},
			{"two failed clicks", sums(60, map[string]float64{"ServerErrors@new": 2, "Clicks@new": 2, "ServerErrors": 2, "Clicks": 20}), false},
		},
		"NewVersionErrorsAlarm": {
			{"the canary crashes", sums(60, map[string]float64{"Errors@new": 1, "Invocations@new": 3, "Invocations": 30}), true},
			{"after the shift, live crashing", sums(60, map[string]float64{"Errors@new": 5, "Invocations@new": 30, "Invocations": 30}), false},
			{"a healthy canary", sums(60, map[string]float64{"Errors@new": 0, "Invocations@new": 3, "Invocations": 30}), false},
		},
	}
	for _, id := range rollbackAlarms(t, tpl) {
		if len(cases[id]) == 0 {
			t.Errorf("%s: no cases; say when it must and must not fire", id)
		}
		checkAlarmCases(t, tpl, id, cases[id])
	}
}

// TestAPIInvokesTheAlias checks that both routes call the live alias, not the
// unqualified function ($LATEST), and that only the alias may be invoked.
func TestAPIInvokesTheAlias(t *testing.T) {
	tpl := transformed(t)
	aliasID, _, _ := published(t, tpl)
	api := resource(t, tpl, apiID, "AWS::ApiGatewayV2::Api")
	paths, _ := field(api.Properties["Body"], "paths").(map[string]any)
	route, _ := paths["/customer-access-token"].(map[string]any)
	for _, method := range []string{"get", "options"} {
		uri := field(field(route[method], "x-amazon-apigateway-integration"), "uri")
		if !strings.Contains(str(field(uri, "Fn::Sub")), "${"+aliasID+"}") {
			t.Errorf("%s /customer-access-token integration uri: got %v, want the alias %s", method, uri, aliasID)
		}
	}
	perms := tpl.ResourcesOfType("AWS::Lambda::Permission")
	if len(perms) == 0 {
		t.Fatal("no AWS::Lambda::Permission for the API")
	}
	for _, id := range perms {
		if fn, _ := ref(tpl.Resources[id].Properties["FunctionName"]); fn == syntheticID {
			continue // the outside-in check's schedule: see TestSchedules
		}
		refTo(t, id+" FunctionName", tpl.Resources[id].Properties["FunctionName"], aliasID)
	}
}

func containsString(list any, want string) bool {
	items, _ := list.([]any)
	for _, item := range items {
		if item == want {
			return true
		}
	}
	return false
}

func keys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
