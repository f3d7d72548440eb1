package samtemplate

import (
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// stage returns the HTTP API's one stage.
func stage(t *testing.T, tpl Template) (string, map[string]any) {
	t.Helper()
	id, s := only(t, tpl, "AWS::ApiGatewayV2::Stage")
	refTo(t, "stage ApiId", s.Properties["ApiId"], apiID)
	return id, s.Properties
}

func TestStageThrottling(t *testing.T) {
	tpl := transformed(t)
	_, props := stage(t, tpl)
	settings, _ := props["DefaultRouteSettings"].(map[string]any)
	for _, key := range []string{"ThrottlingRateLimit", "ThrottlingBurstLimit"} {
		name, p := paramRef(t, tpl, "DefaultRouteSettings."+key, settings[key])
		def, _ := p.DefaultString()
		n, err := strconv.ParseFloat(def, 64)
		if p.Type != "Number" || err != nil || n < 1 {
			t.Errorf("%s: got Type %s, default %q; want a Number with a default of at least 1", name, p.Type, def)
		}
		if p.Check("0") == nil {
			t.Errorf("%s accepts 0, which would refuse every request", name)
		}
	}
}

// wantAccessLog maps each access log field the README's queries use to the
// context variables that may fill it.
var wantAccessLog = map[string][]string{
	"requestId":               {"$context.requestId"},
	"status":                  {"$context.status"},
	"routeKey":                {"$context.routeKey"},
	"ip":                      {"$context.identity.sourceIp"},
	"integrationLatency":      {"$context.integration.latency", "$context.integrationLatency"},
	"integrationErrorMessage": {"$context.integrationErrorMessage"},
	"integrationRequestId":    {"$context.integration.requestId"},
}

func TestAccessLogs(t *testing.T) {
	tpl := transformed(t)
	_, props := stage(t, tpl)
	settings, _ := props["AccessLogSettings"].(map[string]any)

	groupID, attr, ok := getAtt(settings["DestinationArn"])
	if !ok || attr != "Arn" {
		t.Fatalf("DestinationArn: got %v, want Fn::GetAtt [<log group>, Arn]", settings["DestinationArn"])
	}
	group := resource(t, tpl, groupID, "AWS::Logs::LogGroup")
	if name, _ := ref(field(function(t, tpl)["LoggingConfig"], "LogGroup")); name == groupID {
		t.Errorf("access logs go to the function's log group %s; want their own", groupID)
	}
	retention, p := paramRef(t, tpl, "access log RetentionInDays", group.Properties["RetentionInDays"])
	if p.Check("30") != nil || p.Check("0") == nil {
		t.Errorf("%s: got AllowedValues %v, want CloudWatch's retention days", retention, p.AllowedValues)
	}

	var format map[string]string
	if err := json.Unmarshal([]byte(str(settings["Format"])), &format); err != nil {
		t.Fatalf("access log Format is not a JSON object of strings: %v\n%s", err, settings["Format"])
	}
	for key, vars := range wantAccessLog {
		if !slices.Contains(vars, format[key]) {
			t.Errorf("access log %q: got %q, want one of %v", key, format[key], vars)
		}
	}
	// Headers, query strings and authorizer context can carry the customer's token.
	for key, v := range format {
		lower := strings.ToLower(v)
		for _, secret := range []string{"$request.", "header", "querystring", "authorizer"} {
			if strings.Contains(lower, secret) {
				t.Errorf("access log %q logs %q: it may carry a token", key, v)
			}
		}
	}
}
