package samtemplate

import (
	"slices"
	"strings"
	"testing"
)

// syntheticID is the deploy gate's and outside-in check's function.
const syntheticID = "SyntheticCheckFunction"

// TestGateRunsBeforeAnyTraffic checks the transformed template: CodeDeploy
// runs the synthetic check as the live alias's BeforeAllowTrafficHook; the
// hook invokes the version this deploy publishes (by number) of this
// function; it has no alias or deployment of its own and a timeout far
// under CodeDeploy's hour.
func TestGateRunsBeforeAnyTraffic(t *testing.T) {
	tpl := transformed(t)
	aliasID, _, versionID := published(t, tpl)
	update, _ := tpl.Resources[aliasID].UpdatePolicy["CodeDeployLambdaAliasUpdate"].(map[string]any)
	refTo(t, "alias BeforeAllowTrafficHook", update["BeforeAllowTrafficHook"], syntheticID)
	hook := resource(t, tpl, syntheticID, "AWS::Lambda::Function").Properties
	if timeout := number(hook["Timeout"]); timeout <= 0 || timeout > 300 {
		t.Errorf("hook Timeout: got %v, want a few minutes at most (CodeDeploy waits an hour)", hook["Timeout"])
	}
	vars, _ := field(hook["Environment"], "Variables").(map[string]any)
	refTo(t, "CHECKED_FUNCTION_NAME", vars["CHECKED_FUNCTION_NAME"], functionID)
	if id, attr, _ := getAtt(vars["CHECKED_FUNCTION_VERSION"]); id != versionID || attr != "Version" {
		t.Errorf("CHECKED_FUNCTION_VERSION: got %v, want Fn::GetAtt [%s, Version], the version being deployed", vars["CHECKED_FUNCTION_VERSION"], versionID)
	}
	refTo(t, "METRICS_NAMESPACE", vars["METRICS_NAMESPACE"], "MetricsNamespace")
	refTo(t, "DEPLOY_GATE", vars["DEPLOY_GATE"], "DeployGate")
	if _, p := paramRef(t, tpl, "DEPLOY_GATE", vars["DEPLOY_GATE"]); p.Check("Off") != nil || p.Check("On") != nil || !strings.EqualFold(str(p.Default), "On") {
		t.Errorf("DeployGate: got default %v, values %v; want On by default and Off offered", p.Default, p.AllowedValues)
	}
	for _, typ := range []string{"AWS::Lambda::Alias", "AWS::Lambda::Version"} {
		for _, id := range tpl.ResourcesOfType(typ) {
			if fn, _ := ref(tpl.Resources[id].Properties["FunctionName"]); fn == syntheticID {
				t.Errorf("%s %s of the hook: want none, the gate must not wait for a deployment of itself", typ, id)
			}
		}
	}
}

// TestDeployRole checks CodeDeploy's own role: the live alias's
// GetAlias/UpdateAlias (and the provisioned concurrency read CodeDeploy
// makes), invoking the hook, reading this stack's alarms. Nothing on "*",
// no managed policy, and SAM makes no role of its own.
func TestDeployRole(t *testing.T) {
	tpl := transformed(t)
	aliasID, aliasName, _ := published(t, tpl)
	group := deploymentGroup(t, tpl, aliasID).Properties
	roleID, attr, _ := getAtt(group["ServiceRoleArn"])
	if roleID != "DeployRole" || attr != "Arn" {
		t.Fatalf("deployment group ServiceRoleArn: got %v, want DeployRole's Arn", group["ServiceRoleArn"])
	}
	if _, ok := tpl.Resources["CodeDeployServiceRole"]; ok {
		t.Error("got SAM's CodeDeployServiceRole (AWSCodeDeployRoleForLambda, on *), want none")
	}
	checkTrust(t, tpl, roleID, "codedeploy.amazonaws.com")
	want := map[string]string{
		"lambda:GetAlias,lambda:GetProvisionedConcurrencyConfig,lambda:UpdateAlias": "${" + functionID + ".Arn}:" + aliasName,
		"lambda:InvokeFunction":     syntheticID + ".Arn",
		"cloudwatch:DescribeAlarms": "arn:${AWS::Partition}:cloudwatch:${AWS::Region}:${AWS::AccountId}:alarm:${AWS::StackName}-*",
	}
	checkStatements(t, tpl, roleID, want)
	// DescribeAlarms is scoped by the stack's name: every rollback alarm must
	// be one CloudFormation names after the stack.
	alarms, _ := field(group["AlarmConfiguration"], "Alarms").([]any)
	for _, a := range alarms {
		id, _ := ref(field(a, "Name"))
		if r := resource(t, tpl, id, "AWS::CloudWatch::Alarm"); r.Properties["AlarmName"] != nil {
			t.Errorf("rollback alarm %s has its own AlarmName; DeployRole reads only <stack name>-* alarms", id)
		}
	}
}

// TestSyntheticCheckRole checks the hook's role: its own log group, the
// function's versions, and the verdict on this stack's CodeDeploy
// application only.
func TestSyntheticCheckRole(t *testing.T) {
	tpl := transformed(t)
	aliasID, _, _ := published(t, tpl)
	hook := resource(t, tpl, syntheticID, "AWS::Lambda::Function").Properties
	roleID, attr, _ := getAtt(hook["Role"])
	if attr != "Arn" {
		t.Fatalf("hook Role: got %v, want a role's Arn", hook["Role"])
	}
	checkTrust(t, tpl, roleID, "lambda.amazonaws.com")
	logGroup, _ := ref(field(hook["LoggingConfig"], "LogGroup"))
	app, _ := ref(deploymentGroup(t, tpl, aliasID).Properties["ApplicationName"])
	resource(t, tpl, app, "AWS::CodeDeploy::Application")
	checkStatements(t, tpl, roleID, map[string]string{
		"logs:CreateLogStream,logs:PutLogEvents":          logGroup + ".Arn",
		"lambda:InvokeFunction":                           "${" + functionID + ".Arn}:*",
		"codedeploy:PutLifecycleEventHookExecutionStatus": "arn:${AWS::Partition}:codedeploy:${AWS::Region}:${AWS::AccountId}:deploymentgroup:${" + app + "}/*",
	})
}

// TestSchedules checks both schedules: the probe calls live every 5
// minutes; the outside-in check calls the synthetic check every 5 minutes
// with the public URL (the domain when set, else execute-api), and is
// disabled by OutsideInCheck=Off.
func TestSchedules(t *testing.T) {
	tpl := transformed(t)
	aliasID, _, _ := published(t, tpl)
	var probe, check []string
	for _, id := range tpl.ResourcesOfType("AWS::Events::Rule") {
		p := tpl.Resources[id].Properties
		targets, _ := p["Targets"].([]any)
		if p["ScheduleExpression"] != "rate(5 minutes)" || len(targets) != 1 {
			t.Errorf("%s: got %v with %d targets, want rate(5 minutes) with one", id, p["ScheduleExpression"], len(targets))
			continue
		}
		if a, _ := ref(field(targets[0], "Arn")); a == aliasID {
			probe = append(probe, id)
			continue
		}
		if fn, attr, _ := getAtt(field(targets[0], "Arn")); fn != syntheticID || attr != "Arn" {
			t.Errorf("%s targets %v, want live or the synthetic check", id, field(targets[0], "Arn"))
			continue
		}
		check = append(check, id)
		input, _ := field(field(targets[0], "Input"), "Fn::If").([]any)
		if len(input) != 3 || input[0] != "HasDomain" ||
			str(field(input[1], "Fn::Sub")) != `{"checkUrl": "https://${DomainName}/customer-access-token"}` ||
			str(field(input[2], "Fn::Sub")) != `{"checkUrl": "https://${Api}.execute-api.${AWS::Region}.${AWS::URLSuffix}/customer-access-token"}` {
			t.Errorf("%s Input: got %v, want the custom domain's URL with DomainName, else execute-api's", id, field(targets[0], "Input"))
		}
		state, _ := field(p["State"], "Fn::If").([]any)
		if len(state) != 3 || state[1] != "ENABLED" || state[2] != "DISABLED" ||
			!exists(t, tpl, str(state[0]), nil) || exists(t, tpl, str(state[0]), map[string]string{"OutsideInCheck": "Off"}) {
			t.Errorf("%s State: got %v, want ENABLED by default and DISABLED with OutsideInCheck=Off", id, p["State"])
		}
	}
	if len(probe) != 1 || len(check) != 1 {
		t.Errorf("got probe schedules %v and outside-in schedules %v, want one each", probe, check)
	}
}

// checkTrust fails unless role roleID may be assumed by service only.
func checkTrust(t *testing.T, tpl Template, roleID, service string) {
	t.Helper()
	doc := resource(t, tpl, roleID, "AWS::IAM::Role").Properties["AssumeRolePolicyDocument"]
	list, _ := field(doc, "Statement").([]any)
	if len(list) != 1 || field(field(list[0], "Principal"), "Service") != service || field(list[0], "Action") != "sts:AssumeRole" {
		t.Errorf("%s trust: got %v, want %s only", roleID, doc, service)
	}
}

// checkStatements fails unless role roleID has no managed policy and
// exactly the statements of want (sorted actions joined by commas → the
// resource: a Fn::Sub string, or "Id.Arn" for a Fn::GetAtt), none guarded.
func checkStatements(t *testing.T, tpl Template, roleID string, want map[string]string) {
	t.Helper()
	managed, statements := roleStatementsOf(t, tpl, roleID)
	if len(managed) != 0 {
		t.Errorf("%s ManagedPolicyArns: got %v, want none", roleID, managed)
	}
	got := map[string]string{}
	for _, s := range statements {
		actions := stringList(s.body["Action"])
		slices.Sort(actions)
		res := str(field(s.body["Resource"], "Fn::Sub"))
		if id, attr, ok := getAtt(s.body["Resource"]); ok {
			res = id + "." + attr
		}
		if s.guard != "" || s.body["Effect"] != "Allow" || res == "" || strings.Contains(res, "*") && !strings.HasSuffix(res, "-*") && !strings.HasSuffix(res, ":*") && !strings.HasSuffix(res, "/*") {
			t.Errorf("%s: statement %v: want an unguarded Allow on a named resource", roleID, s.body)
		}
		got[strings.Join(actions, ",")] = res
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: %s: got resource %q, want %q", roleID, k, got[k], v)
		}
	}
	for k, v := range got {
		if _, ok := want[k]; !ok {
			t.Errorf("%s: unexpected permission %s on %s", roleID, k, v)
		}
	}
}
