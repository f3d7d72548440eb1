package samtemplate

import (
	"slices"
	"testing"
)

// Parameter values of the stacks the conditions must get right.
var (
	withDomain  = map[string]string{"DomainName": "cards.shop.example.com", "CertificateArn": "arn:aws:acm:eu-west-1:123456789012:certificate/abc"}
	withZone    = merge(withDomain, map[string]string{"HostedZoneId": "Z0123456789ABC"})
	withKMS     = map[string]string{"KmsKeyId": "1234abcd-12ab-34cd-56ef-1234567890ab"}
	withTopic   = map[string]string{"AlarmEmail": "", "AlarmTopicName": "oncall-alarms"}
	withReserve = map[string]string{"ReservedConcurrency": "10"}
	noCheck     = map[string]string{"OutsideInCheck": "Off"}
	scenarios   = map[string]map[string]string{
		"defaults": operatorValues, "domain": merge(operatorValues, withDomain), "domain+zone": merge(operatorValues, withZone),
		"kms": merge(operatorValues, withKMS), "topic": merge(operatorValues, withTopic), "reserved": merge(operatorValues, withReserve),
		"no public check": merge(operatorValues, noCheck),
	}
)

func merge(a, b map[string]string) map[string]string {
	out := map[string]string{}
	for _, m := range []map[string]string{a, b} {
		for k, v := range m {
			out[k] = v
		}
	}
	return out
}

// exists reports whether a resource or output with condition cond is created
// for values.
func exists(t *testing.T, tpl Template, cond string, values map[string]string) bool {
	t.Helper()
	if cond == "" {
		return true
	}
	holds, err := tpl.Holds(cond, values)
	if err != nil {
		t.Fatal(err)
	}
	return holds
}

func TestReservedConcurrencyIsOptional(t *testing.T) {
	tpl := transformed(t)
	args, _ := field(function(t, tpl)["ReservedConcurrentExecutions"], "Fn::If").([]any)
	if len(args) != 3 {
		t.Fatalf("ReservedConcurrentExecutions: got %v, want Fn::If [cond, Ref param, Ref AWS::NoValue]", function(t, tpl)["ReservedConcurrentExecutions"])
	}
	cond := str(args[0])
	name, p := paramRef(t, tpl, "ReservedConcurrentExecutions value", args[1])
	refTo(t, "ReservedConcurrentExecutions when unset", args[2], "AWS::NoValue")
	if def, _ := p.DefaultString(); def != "" || exists(t, tpl, cond, nil) {
		t.Errorf("%s: default %q, condition %s holds by default; want unset by default", name, def, cond)
	}
	if !exists(t, tpl, cond, map[string]string{name: "10"}) {
		t.Errorf("%s=10: condition %s does not hold", name, cond)
	}
	for v, ok := range map[string]bool{"": true, "10": true, "0": false, "-1": false, "ten": false} {
		if err := p.Check(v); (err == nil) != ok {
			t.Errorf("%s=%q: got %v, want accepted=%v", name, v, err, ok)
		}
	}
}

// TestDomainResourcesExistOnlyWithADomain evaluates each custom-domain
// resource's condition for a stack without a domain, with one, and with its
// hosted zone.
func TestDomainResourcesExistOnlyWithADomain(t *testing.T) {
	tpl := transformed(t)
	want := map[string]map[string]bool{ // type -> scenario -> exists
		"AWS::ApiGatewayV2::DomainName": {"defaults": false, "domain": true, "domain+zone": true},
		"AWS::ApiGatewayV2::ApiMapping": {"defaults": false, "domain": true, "domain+zone": true},
		"AWS::Route53::RecordSet":       {"defaults": false, "domain": false, "domain+zone": true},
	}
	for typ, byScenario := range want {
		_, r := only(t, tpl, typ)
		for scenario, wantExists := range byScenario {
			if got := exists(t, tpl, r.Condition, scenarios[scenario]); got != wantExists {
				t.Errorf("%s (condition %q) with %s: exists %v, want %v", typ, r.Condition, scenario, got, wantExists)
			}
		}
	}
	domainID, _ := only(t, tpl, "AWS::ApiGatewayV2::DomainName")
	_, mapping := only(t, tpl, "AWS::ApiGatewayV2::ApiMapping")
	stageID, _ := stage(t, tpl)
	refTo(t, "ApiMapping ApiId", mapping.Properties["ApiId"], apiID)
	refTo(t, "ApiMapping DomainName", mapping.Properties["DomainName"], domainID)
	refTo(t, "ApiMapping Stage", mapping.Properties["Stage"], stageID)
	_, record := only(t, tpl, "AWS::Route53::RecordSet")
	target, _ := record.Properties["AliasTarget"].(map[string]any)
	for key, attr := range map[string]string{"DNSName": "RegionalDomainName", "HostedZoneId": "RegionalHostedZoneId"} {
		if id, got, _ := getAtt(target[key]); id != domainID || got != attr {
			t.Errorf("AliasTarget.%s: got %v, want Fn::GetAtt [%s, %s]", key, target[key], domainID, attr)
		}
	}
}

func TestCustomURLOutputOnlyWithADomain(t *testing.T) {
	tpl := transformed(t)
	var found []string
	for name, o := range tpl.Outputs {
		if slices.Contains(references(o.Value), "DomainName") {
			found = append(found, name)
			if exists(t, tpl, o.Condition, nil) || !exists(t, tpl, o.Condition, withDomain) {
				t.Errorf("output %s (condition %q): want it only with a DomainName", name, o.Condition)
			}
		}
	}
	if len(found) == 0 {
		t.Error("no output gives the URL on DomainName")
	}
}

// TestRulesRefuseADomainWithoutCertificate checks the template's Rules: a
// DomainName needs its certificate; a hosted zone needs a domain; a token
// cookie needs the domain (the execute-api host never gets the cookie); the
// alarms go to exactly one place.
func TestRulesRefuseADomainWithoutCertificate(t *testing.T) {
	tpl := transformed(t)
	cases := map[string]struct {
		values map[string]string
		ok     bool
	}{
		"defaults":              {operatorValues, true},
		"domain+certificate":    {merge(operatorValues, withDomain), true},
		"domain+zone":           {merge(operatorValues, withZone), true},
		"domain only":           {merge(operatorValues, map[string]string{"DomainName": "cards.shop.example.com"}), false},
		"zone only":             {merge(operatorValues, map[string]string{"HostedZoneId": "Z0123456789ABC"}), false},
		"cookie+domain":         {merge(operatorValues, merge(withDomain, map[string]string{"TokenCookie": "aim_token"})), true},
		"cookie without domain": {merge(operatorValues, map[string]string{"TokenCookie": "aim_token"}), false},
		"existing topic":        {merge(operatorValues, withTopic), true},
		"no alarm destination":  {merge(operatorValues, map[string]string{"AlarmEmail": ""}), false},
		"email and topic":       {merge(operatorValues, map[string]string{"AlarmTopicName": "oncall-alarms"}), false},
	}
	for name, c := range cases {
		if got := rulesHold(t, tpl, c.values); got != c.ok {
			t.Errorf("%s: rules hold %v, want %v", name, got, c.ok)
		}
	}
}

func rulesHold(t *testing.T, tpl Template, values map[string]string) bool {
	t.Helper()
	for name := range tpl.Rules {
		ok, err := tpl.RuleHolds(name, values)
		if err != nil {
			t.Fatal(err)
		}
		if !ok {
			return false
		}
	}
	return true
}
