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

// routeKeys returns the HTTP API's routes ("GET /customer-access-token").
func routeKeys(t *testing.T, tpl Template) []string {
	t.Helper()
	paths, _ := field(resource(t, tpl, apiID, "AWS::ApiGatewayV2::Api").Properties["Body"], "paths").(map[string]any)
	var routes []string
	for path, methods := range paths {
		for method := range methods.(map[string]any) {
			routes = append(routes, strings.ToUpper(method)+" "+path)
		}
	}
	slices.Sort(routes)
	if len(routes) == 0 {
		t.Fatal("the API has no routes")
	}
	return routes
}

// routeThrottles returns, for every route, the parameters its rate and burst
// come from: its own route settings, or the stage's default.
func routeThrottles(t *testing.T, tpl Template) map[string][2]string {
	t.Helper()
	_, props := stage(t, tpl)
	out := map[string][2]string{}
	for _, route := range routeKeys(t, tpl) {
		settings, _ := field(props["RouteSettings"], route).(map[string]any)
		if settings["ThrottlingBurstLimit"] == nil {
			settings, _ = props["DefaultRouteSettings"].(map[string]any)
		}
		rate, _ := paramRef(t, tpl, route+" ThrottlingRateLimit", settings["ThrottlingRateLimit"])
		burst, _ := paramRef(t, tpl, route+" ThrottlingBurstLimit", settings["ThrottlingBurstLimit"])
		out[route] = [2]string{rate, burst}
	}
	return out
}

// TestRouteThrottling checks every route has a rate and a burst of its own
// from Number parameters (a stage default would give each route the whole
// burst), and that the GET route's metrics are per route for the alarms.
func TestRouteThrottling(t *testing.T) {
	tpl := transformed(t)
	throttles := routeThrottles(t, tpl)
	seen := map[string]string{}
	for route, params := range throttles {
		for _, name := range params {
			p := tpl.Parameters[name]
			def, _ := p.DefaultString()
			n, err := strconv.ParseFloat(def, 64)
			if p.Type != "Number" || err != nil || n < 1 {
				t.Errorf("%s: %s: got Type %s, default %q; want a Number with a default of at least 1", route, name, p.Type, def)
			}
			if p.Check("0") == nil {
				t.Errorf("%s accepts 0, which would refuse every request", name)
			}
			if other := seen[name]; other != "" {
				t.Errorf("%s and %s share %s: each route needs its own limit", other, route, name)
			}
			seen[name] = route
		}
	}
	if len(throttles) < 2 {
		t.Errorf("routes %v; want GET and OPTIONS", keys(throttles))
	}
	_, props := stage(t, tpl)
	if field(field(props["RouteSettings"], "GET /customer-access-token"), "DetailedMetricsEnabled") != true {
		t.Error("GET /customer-access-token: DetailedMetricsEnabled not true; Api5xxAlarm needs its Route metrics")
	}
}

// TestExecuteAPIEndpointOffWithADomain: with DomainName set, the execute-api
// URL is off (its output too); without, it is the way in.
func TestExecuteAPIEndpointOffWithADomain(t *testing.T) {
	tpl := transformed(t)
	api := resource(t, tpl, apiID, "AWS::ApiGatewayV2::Api").Properties
	// SAM writes it into the OpenAPI body's servers, where API Gateway reads it.
	servers, _ := field(api["Body"], "servers").([]any)
	disabled := field(field(firstOf(servers), "x-amazon-apigateway-endpoint-configuration"), "disableExecuteApiEndpoint")
	args, _ := field(disabled, "Fn::If").([]any)
	if len(args) != 3 || args[1] != true || args[2] != false || !exists(t, tpl, str(args[0]), scenarios["domain"]) || exists(t, tpl, str(args[0]), nil) {
		t.Errorf("disableExecuteApiEndpoint: got %v, want Fn::If [<DomainName set>, true, false]", disabled)
	}
	out, ok := tpl.Outputs["CustomerAccessTokenURL"]
	if !ok || !exists(t, tpl, out.Condition, nil) || exists(t, tpl, out.Condition, scenarios["domain"]) {
		t.Errorf("output CustomerAccessTokenURL (condition %q): want it exactly when DomainName is empty", out.Condition)
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
