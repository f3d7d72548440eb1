package samtemplate

import (
	"slices"
	"strings"
	"testing"

	"github.com/aimcards/customer-access-token/internal/endpointhint"
)

// Lambda's log levels, lowest first.
var (
	applicationLevels = []string{"TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"}
	systemLevels      = []string{"DEBUG", "INFO", "WARN"}
)

// TestLogLevelParametersReachLoggingConfig checks LoggingConfig takes both
// levels from parameters offering only levels Lambda accepts. The application
// level stops at INFO: Lambda files a JSON line without "level" (every metric
// record) under INFO, so a higher level would drop the metrics.
func TestLogLevelParametersReachLoggingConfig(t *testing.T) {
	tpl := transformed(t)
	logging, _ := function(t, tpl)["LoggingConfig"].(map[string]any)
	if logging["LogFormat"] != "JSON" {
		t.Errorf("LogFormat: got %v, want JSON (Lambda applies log levels only to JSON logs)", logging["LogFormat"])
	}
	for key, allowed := range map[string][]string{
		"ApplicationLogLevel": applicationLevels[:slices.Index(applicationLevels, "INFO")+1],
		"SystemLogLevel":      systemLevels,
	} {
		name, p := paramRef(t, tpl, "LoggingConfig."+key, logging[key])
		if len(p.AllowedValues) == 0 {
			t.Errorf("%s: no AllowedValues", name)
		}
		for _, v := range p.AllowedValues {
			if !slices.Contains(allowed, scalarString(v)) {
				t.Errorf("%s offers %v; want only %v", name, v, allowed)
			}
		}
		if def, _ := p.DefaultString(); p.Check(def) != nil {
			t.Errorf("%s default %q is not one of its AllowedValues", name, def)
		}
	}
	group, _ := ref(logging["LogGroup"])
	resource(t, tpl, group, "AWS::Logs::LogGroup")
}

// statement is one IAM statement of the function's role and the condition
// that guards its policy ("" when it always applies).
type statement struct {
	guard string
	body  map[string]any
}

func roleStatements(t *testing.T, tpl Template) (managed []any, statements []statement) {
	t.Helper()
	roleID, attr, ok := getAtt(function(t, tpl)["Role"])
	if !ok || attr != "Arn" {
		t.Fatalf("function Role: got %v, want the SAM-made role's Arn", function(t, tpl)["Role"])
	}
	return roleStatementsOf(t, tpl, roleID)
}

// roleStatementsOf returns the managed policies and the inline policies'
// statements of the role roleID, each with the condition guarding it.
func roleStatementsOf(t *testing.T, tpl Template, roleID string) (managed []any, statements []statement) {
	t.Helper()
	role := resource(t, tpl, roleID, "AWS::IAM::Role").Properties
	managed, _ = role["ManagedPolicyArns"].([]any)
	policies, _ := role["Policies"].([]any)
	for _, p := range policies {
		guard := ""
		if args, ok := field(p, "Fn::If").([]any); ok && len(args) == 3 {
			refTo(t, "policy Fn::If else branch", args[2], "AWS::NoValue")
			guard, p = str(args[0]), args[1]
		}
		list, _ := field(field(p, "PolicyDocument"), "Statement").([]any)
		for _, s := range list {
			body, _ := s.(map[string]any)
			statements = append(statements, statement{guard, body})
		}
	}
	return managed, statements
}

// TestLeastPrivilege checks the role: write to the function's own log group
// (no logs:CreateLogGroup, so a deleted group is not recreated without
// retention), read of the one secret by its name in this account and region,
// kms:Decrypt on the given key through Secrets Manager only when a key is
// given, UpdateItem on the client limit table, and GetItem and PutItem on its
// endpoint hint item only. Nothing else, and no managed policy.
func TestLeastPrivilege(t *testing.T) {
	tpl := transformed(t)
	managed, statements := roleStatements(t, tpl)
	if len(managed) != 0 {
		t.Errorf("ManagedPolicyArns: got %v, want none (AWSLambdaBasicExecutionRole may create log groups)", managed)
	}
	logGroup, _ := ref(field(function(t, tpl)["LoggingConfig"], "LogGroup"))
	seen := map[string]bool{}
	for _, s := range statements {
		if s.body["Effect"] != "Allow" {
			continue
		}
		actions := stringList(s.body["Action"])
		slices.Sort(actions)
		sub := str(field(s.body["Resource"], "Fn::Sub"))
		switch {
		case slices.Equal(actions, []string{"logs:CreateLogStream", "logs:PutLogEvents"}):
			seen["logs"] = true
			if id, attr, _ := getAtt(s.body["Resource"]); s.guard != "" || id != logGroup || attr != "Arn" {
				t.Errorf("logs: guard %q, resource %v; want always, on the function's log group %s", s.guard, s.body["Resource"], logGroup)
			}
		case slices.Equal(actions, []string{"secretsmanager:GetSecretValue"}):
			seen["secret"] = true
			if want := "arn:${AWS::Partition}:secretsmanager:${AWS::Region}:${AWS::AccountId}:secret:${ApiKeySecretName}-??????"; s.guard != "" || sub != want {
				t.Errorf("GetSecretValue: guard %q, resource %v; want always, on %s", s.guard, s.body["Resource"], want)
			}
		case slices.Equal(actions, []string{"kms:Decrypt"}):
			seen["kms"] = true
			if want := "arn:${AWS::Partition}:kms:${AWS::Region}:${AWS::AccountId}:key/${KmsKeyId}"; sub != want || field(field(s.body["Condition"], "StringEquals"), "kms:ViaService") == nil {
				t.Errorf("kms:Decrypt: got resource %v, condition %v; want %s via Secrets Manager", s.body["Resource"], s.body["Condition"], want)
			}
			if s.guard == "" || exists(t, tpl, s.guard, nil) || !exists(t, tpl, s.guard, withKMS) {
				t.Errorf("kms:Decrypt guard %q: want it only when KmsKeyId is set", s.guard)
			}
		case slices.Equal(actions, []string{"dynamodb:UpdateItem"}):
			seen["limit"] = true
			if table, attr, _ := getAtt(s.body["Resource"]); s.guard != "" || table != "ClientLimitTable" || attr != "Arn" {
				t.Errorf("dynamodb:UpdateItem: guard %q, resource %v; want always, on ClientLimitTable's ARN only", s.guard, s.body["Resource"])
			}
		case slices.Equal(actions, []string{"dynamodb:GetItem", "dynamodb:PutItem"}):
			seen["hint"] = true
			keys := stringList(field(field(s.body["Condition"], "ForAllValues:StringEquals"), "dynamodb:LeadingKeys"))
			if table, attr, _ := getAtt(s.body["Resource"]); s.guard != "" || table != "ClientLimitTable" || attr != "Arn" || !slices.Equal(keys, []string{endpointhint.Key}) {
				t.Errorf("dynamodb:GetItem, PutItem: guard %q, resource %v, leading keys %q; want always, on ClientLimitTable's ARN, the key %q only",
					s.guard, s.body["Resource"], keys, endpointhint.Key)
			}
		default:
			t.Errorf("unexpected permission %v on %v", actions, s.body["Resource"])
		}
	}
	if !seen["logs"] || !seen["secret"] || !seen["kms"] || !seen["limit"] || !seen["hint"] {
		t.Errorf("got statements for %v, want the log group, the secret, the optional KMS key, the client limit table and the endpoint hint", keys(seen))
	}
}

// TestClientLimitTable checks the per-client limit's table is what the
// function writes (key pk, TTL on expires_at, on demand) and is the one
// CLIENT_LIMIT_TABLE names.
func TestClientLimitTable(t *testing.T) {
	tpl := transformed(t)
	p := resource(t, tpl, "ClientLimitTable", "AWS::DynamoDB::Table").Properties
	key, _ := p["KeySchema"].([]any)
	ttl := field(p, "TimeToLiveSpecification")
	if p["BillingMode"] != "PAY_PER_REQUEST" || len(key) != 1 || str(field(key[0], "AttributeName")) != "pk" ||
		str(field(ttl, "AttributeName")) != "expires_at" || field(ttl, "Enabled") != true {
		t.Errorf("got table %v, want PAY_PER_REQUEST keyed by pk with TTL on expires_at", p)
	}
	// ConfigDigest hashes {Ref: ClientLimitTable}, not the name: the name must not
	// change while the stack lives, or $LATEST would move without a new version.
	if name := str(field(p["TableName"], "Fn::Sub")); !strings.HasPrefix(name, "${AWS::StackName}-") {
		t.Errorf("TableName: got %v, want Fn::Sub ${AWS::StackName}-..., a name fixed for the stack's life", p["TableName"])
	}
	vars := field(field(function(t, tpl), "Environment"), "Variables")
	refTo(t, "CLIENT_LIMIT_TABLE", field(vars, "CLIENT_LIMIT_TABLE"), "ClientLimitTable")
	refTo(t, "CLIENT_LIMIT", field(vars, "CLIENT_LIMIT"), "ClientLimit")
	refTo(t, "CLIENT_LIMIT_WINDOW", field(vars, "CLIENT_LIMIT_WINDOW"), "ClientLimitWindow")
}

func stringList(v any) []string {
	if s, ok := v.(string); ok {
		return []string{s}
	}
	var out []string
	items, _ := v.([]any)
	for _, item := range items {
		out = append(out, str(item))
	}
	return out
}

// TestMemorySizeIsAParameter checks the memory size comes from its
// parameter, whose default is the size the README's Performance section
// chose from make bench.
func TestMemorySizeIsAParameter(t *testing.T) {
	tpl := transformed(t)
	refTo(t, "MemorySize", function(t, tpl)["MemorySize"], "MemorySize")
	if got := tpl.Defaults()["MemorySize"]; got != "1024" {
		t.Errorf("got MemorySize default %q, want 1024", got)
	}
}
