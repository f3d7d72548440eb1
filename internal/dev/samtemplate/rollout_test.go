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

// TestRollbackAlarmsWatchTheNewVersion checks that every metric of every
// rollback alarm is narrowed to the version being deployed, so the canary is
// judged by its own traffic.
func TestRollbackAlarmsWatchTheNewVersion(t *testing.T) {
	tpl := transformed(t)
	aliasID, aliasName, versionID := published(t, tpl)
	group := deploymentGroup(t, tpl, aliasID).Properties
	list, _ := field(group["AlarmConfiguration"], "Alarms").([]any)
	watched := map[string]bool{}
	for _, a := range list {
		alarmID, ok := ref(field(a, "Name"))
		if !ok {
			t.Fatalf("rollback alarm: got %v, want {Name: {Ref: <alarm>}}", a)
		}
		resource(t, tpl, alarmID, "AWS::CloudWatch::Alarm")
		metrics, err := tpl.alarmMetrics(alarmID)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range metrics {
			checkNewVersion(t, m, aliasName, versionID)
			watched[m.Namespace+" "+m.MetricName] = true
		}
	}
	ns := tpl.Defaults()["MetricsNamespace"]
	for _, want := range []string{"AWS/Lambda Errors", ns + " ServerErrors"} {
		if !watched[want] {
			t.Errorf("rollback alarms watch %v; want one on %s", keys(watched), want)
		}
	}
}

func checkNewVersion(t *testing.T, m AlarmMetric, aliasName, versionID string) {
	t.Helper()
	versionDim := "FunctionVersion" // the EMF records' dimension
	if !m.Custom() {
		if m.Namespace != "AWS/Lambda" {
			t.Errorf("%s: %s %s cannot be narrowed to a version", m.Alarm, m.Namespace, m.MetricName)
			return
		}
		versionDim = "ExecutedVersion"
		sub := str(field(m.Dimensions["Resource"], "Fn::Sub"))
		if want := "${" + functionID + "}:" + aliasName; sub != want {
			t.Errorf("%s: Resource dimension: got %v, want Fn::Sub %s", m.Alarm, m.Dimensions["Resource"], want)
		}
	}
	refTo(t, m.Alarm+" FunctionName", m.Dimensions["FunctionName"], functionID)
	if id, attr, _ := getAtt(m.Dimensions[versionDim]); id != versionID || attr != "Version" {
		t.Errorf("%s: %s: got %v, want Fn::GetAtt [%s, Version] (the new version)", m.Alarm, versionDim, m.Dimensions[versionDim], versionID)
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
