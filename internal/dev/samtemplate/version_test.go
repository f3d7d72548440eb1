package samtemplate

import (
	"maps"
	"path/filepath"
	"strings"
	"testing"
)

// operatorValues are the values an operator gives every stack: the required
// parameters (besides the digest).
var operatorValues = map[string]string{"ApiKeySecretName": "aim/api-key", "AppId": "app-1", "AlarmEmail": "ops@example.com"}

// otherValues holds, for each parameter the function reads, another value
// its constraints accept.
var otherValues = map[string]string{
	"ApiKeySecretName": "aim/other-key", "ApiKeySecretField": "ApiKey", "AppId": "app-2",
	"ServiceUrl": "https://aim.example.com/aeservices30", "EndpointUrl": "https://store.aimsoftware.com",
	"AimEndpointHosts": ".aimsoftware.com", "AimTimeout": "5s", "CacheTtl": "10m", "StaleMax": "2h",
	"FailureBackoff": "10s", "TokenCookie": "aim_token", "AllowedOrigins": "https://shop.example.com",
	"ErrorRedirectUrl": "https://shop.example.com/cards-error", "RedirectAllowedHosts": "aim.example.com",
	"MetricsNamespace": "Shop/Cards", "MemorySize": "256", "ApplicationLogLevel": "DEBUG",
	"SystemLogLevel": "WARN", "ClientLimit": "10", "ClientLimitWindow": "5m",
	"TrustedProxies": "198.51.100.0/24",
}

// notRead are parameters no version freezes: changing one leaves the version
// alone (no rollout for an alarm threshold, or for the function's reserved
// concurrency, which Lambda applies to every version alike).
var notRead = map[string]string{
	"AlarmFailedClicks": "5", "LogRetentionDays": "7", "AlarmEmail": "oncall@example.com", "ApiThrottlingRateLimit": "20",
	"ReservedConcurrency": "10", "OutsideInCheck": "Off",
}

// deploy is one deploy of the test: its parameter values and its code.
type deploy struct {
	name   string
	values map[string]string
	code   string
}

// TestEverySettingPublishesAVersion translates the template the way
// CloudFormation does on a deploy, with the digest make deploy computes, and
// checks that a change of the code or of any parameter the function reads
// publishes a new version (a new AWS::Lambda::Version logical id), while an
// alarm threshold or a log retention does not.
func TestEverySettingPublishesAVersion(t *testing.T) {
	tpl := transformed(t)
	read := tpl.FunctionParameters(functionID)
	for _, name := range []string{"ApiKeySecretName", "AppId", "AimTimeout", "AllowedOrigins", "MemorySize", "MetricsNamespace"} {
		if !strings.Contains(" "+strings.Join(read, " ")+" ", " "+name+" ") {
			t.Errorf("the function's parameters %v leave out %s", read, name)
		}
	}
	codeA, codeB := strings.Repeat("a", 64), strings.Repeat("b", 64)
	deploys := []deploy{{"base", operatorValues, codeA}, {"new code", operatorValues, codeB}}
	for _, name := range read {
		v, ok := otherValues[name]
		if !ok {
			t.Fatalf("the function reads %s; give it another value in otherValues", name)
		}
		deploys = append(deploys, deploy{name, with(operatorValues, name, v), codeA})
	}
	for name, v := range notRead {
		deploys = append(deploys, deploy{"not read: " + name, with(operatorValues, name, v), codeA})
	}
	var values []map[string]string
	for _, d := range deploys {
		for name, v := range d.values {
			if err := tpl.Parameters[name].Check(v); err != nil {
				t.Fatalf("%s: %s: %v", d.name, name, err)
			}
		}
		digest, err := tpl.ConfigDigest(functionID, d.values, d.code)
		if err != nil {
			t.Fatal(err)
		}
		values = append(values, with(d.values, DigestParameter, digest))
	}
	path, _ := filepath.Abs(templateFile)
	results, err := Translate(t.Context(), path, values)
	needTool(t, err)

	_, _, base := published(t, results[0])
	for i, d := range deploys[1:] {
		_, _, version := published(t, results[i+1])
		switch {
		case strings.HasPrefix(d.name, "not read: ") && version != base:
			t.Errorf("%s: version %s, want %s: a change the function does not read needs no rollout", d.name, version, base)
		case !strings.HasPrefix(d.name, "not read: ") && version == base:
			t.Errorf("%s changed: version %s stays, want a new version (live would keep the old setting)", d.name, version)
		}
	}
	for i, r := range results {
		desc := str(function(t, r)["Description"])
		if !strings.HasSuffix(desc, " "+values[i][DigestParameter]) || len(desc) > 256 {
			t.Errorf("%s: function Description %q (%d characters), want the digest at its end and at most Lambda's 256", deploys[i].name, desc, len(desc))
		}
	}
}

// TestPlainSAMDeployStops: without make deploy's digest, CloudFormation must
// refuse the stack (a required parameter), not deploy an unversioned change.
func TestPlainSAMDeployStops(t *testing.T) {
	tpl := transformed(t)
	p, ok := tpl.Parameters[DigestParameter]
	if !ok {
		t.Fatalf("no %s parameter", DigestParameter)
	}
	if _, hasDefault := p.DefaultString(); hasDefault {
		t.Errorf("%s has a default; want none, so a deploy without make deploy stops", DigestParameter)
	}
	for v, ok := range map[string]bool{strings.Repeat("0", 64): true, "": false, "fakesha": false, strings.Repeat("A", 64): false, strings.Repeat("0", 65): false} {
		if err := p.Check(v); (err == nil) != ok {
			t.Errorf("%s=%q: got %v, want accepted=%v", DigestParameter, v, err, ok)
		}
	}
}

func with(values map[string]string, name, v string) map[string]string {
	out := maps.Clone(values)
	out[name] = v
	return out
}
