package handler

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"
)

// hostileToken is a well-formed customer token for the cases that must fail
// on something else.
const hostileToken = testCustomer

// v2Event builds an HTTP API (2.0) event.
func v2Event(method, rawQuery string, headers map[string]string, cookies ...string) []byte {
	ev := events.APIGatewayV2HTTPRequest{
		Version:        "2.0",
		RouteKey:       "GET /customer-access-token",
		RawPath:        "/customer-access-token",
		RawQueryString: rawQuery,
		Headers:        headers,
		Cookies:        cookies,
	}
	ev.RequestContext.HTTP.Method = method
	ev.RequestContext.RequestID = "hostile-v2"
	b, _ := json.Marshal(ev)
	return b
}

// v1Event builds a REST API (1.0) event from multi-value maps, as REST APIs
// send them.
func v1Event(method string, query, headers map[string][]string) []byte {
	ev := events.APIGatewayProxyRequest{
		HTTPMethod:                      method,
		Path:                            "/customer-access-token",
		MultiValueHeaders:               headers,
		MultiValueQueryStringParameters: query,
	}
	ev.RequestContext.RequestID = "hostile-v1"
	b, _ := json.Marshal(ev)
	return b
}

// tokenHeader is the usual headers of a signed-in GET plus extra ones.
func tokenHeader(extra ...string) map[string]string {
	h := map[string]string{"token": hostileToken, "origin": "https://shop.example.com"}
	for i := 0; i+1 < len(extra); i += 2 {
		h[extra[i]] = extra[i+1]
	}
	return h
}

func one(v ...string) []string { return v }

// hostileCases is every kind of input anyone can send the endpoint. None of
// them may reach AIM; each answers a 4xx with a detail.
func hostileCases() []struct {
	name    string
	payload []byte
	status  int
	code    string
} {
	big := strings.Repeat("A", 64<<10)
	withQuery := func(q string) []byte { return v2Event("GET", q, tokenHeader()) }
	v1Query := func(q map[string][]string) []byte {
		return v1Event("GET", q, map[string][]string{"Token": one(hostileToken)})
	}
	type c = struct {
		name    string
		payload []byte
		status  int
		code    string
	}
	return []c{
		// Not an API Gateway event at all.
		{"empty payload", []byte(""), 400, "invalid_request"},
		{"whitespace", []byte(" \n\t"), 400, "invalid_request"},
		{"not JSON", []byte("<xml>GET</xml>"), 400, "invalid_request"},
		{"truncated JSON", v2Event("GET", "Mode=ADD_CUSTOMER_CARD", tokenHeader())[:60], 400, "invalid_request"},
		{"JSON null", []byte("null"), 400, "invalid_request"},
		{"JSON array", []byte(`[{"version":"2.0"}]`), 400, "invalid_request"},
		{"JSON string", []byte(`"GET /customer-access-token"`), 400, "invalid_request"},
		{"empty object", []byte(`{}`), 400, "invalid_request"},
		{"S3 event", []byte(`{"Records":[{"eventSource":"aws:s3","eventName":"ObjectCreated:Put"}]}`), 400, "invalid_request"},
		// Only the template's Scheduled Event is the probe; any other EventBridge event is refused.
		{"other EventBridge event", []byte(`{"version":"0","source":"aws.events","detail-type":"EC2 Instance State-change Notification"}`), 400, "invalid_request"},
		{"someone else's scheduled event", []byte(`{"version":"0","source":"shop.cron","detail-type":"Scheduled Event"}`), 400, "invalid_request"},
		{"version 3.0", []byte(`{"version":"3.0","httpMethod":"GET","headers":{"Token":"x"}}`), 400, "invalid_request"},
		{"2.0 with wrong types", []byte(`{"version":"2.0","headers":["token"],"requestContext":{"http":{"method":"GET"}}}`), 400, "invalid_request"},
		{"1.0 with wrong types", []byte(`{"httpMethod":"GET","multiValueHeaders":{"Token":"not-a-list"}}`), 400, "invalid_request"},
		{"bad query escape", withQuery("Mode=%zz"), 400, "invalid_request"},
		// An Application Load Balancer event looks like a REST API one.
		{"ALB event", []byte(`{"requestContext":{"elb":{"targetGroupArn":"arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/t/1"}},"httpMethod":"GET","path":"/customer-access-token","queryStringParameters":{"Mode":"ADD_CUSTOMER_CARD"},"headers":{"token":"` + hostileToken + `"}}`), 400, "invalid_request"},
		{"ALB event, multi-value", []byte(`{"requestContext":{"elb":{"targetGroupArn":"arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/t/1"}},"httpMethod":"GET","multiValueHeaders":{"token":["` + hostileToken + `"]}}`), 400, "invalid_request"},
		// CR, LF and NUL wherever a value comes from.
		{"CRLF in Token header", v2Event("GET", "", tokenHeader("token", "abc\r\nSet-Cookie: x=1")), 400, "invalid_request"},
		{"NUL in Token header", v2Event("GET", "", tokenHeader("token", "abc\x00def")), 400, "invalid_request"},
		{"LF in Bearer token", v2Event("GET", "", map[string]string{"authorization": "Bearer abc\ndef"}), 400, "invalid_request"},
		{"CR in DeviceId", v2Event("GET", "", tokenHeader("deviceid", "dev\r1")), 400, "invalid_request"},
		{"NUL in DeviceId 1.0", v1Event("GET", nil, map[string][]string{"Token": one(hostileToken), "DeviceId": one("d\x00")}), 400, "invalid_request"},
		{"CRLF in Mode", withQuery("Mode=ADD_CUSTOMER_CARD%0D%0A"), 400, "invalid_request"},
		{"NUL in ItemKey", withQuery("Mode=UPDATE_CARD&ItemKey=9001%00"), 400, "invalid_request"},
		{"LF in format", withQuery("format=json%0A"), 400, "invalid_request"},
		{"CRLF in cookie", v2Event("GET", "", nil, "aim_token=abc\r\nX-Evil: 1"), 400, "invalid_request"},
		{"NUL in cookie header 1.0", v1Event("GET", nil, map[string][]string{"Cookie": one("aim_token=abc\x00")}), 400, "invalid_request"},
		// Look-alikes that strings.ToUpper would turn into a real Mode.
		{"long s in lower-case Mode", withQuery("Mode=add_%C5%BFtudent_card&ItemKey=7001"), 400, "invalid_request"},
		{"long s in Mode", withQuery("Mode=ADD_CU%C5%BFTOMER_CARD"), 400, "invalid_request"},
		{"Cyrillic A in Mode", withQuery("Mode=%D0%90DD_CUSTOMER_CARD"), 400, "invalid_request"},
		{"fullwidth Mode", withQuery("Mode=%EF%BC%A1DD_CUSTOMER_CARD"), 400, "invalid_request"},
		{"zero-width space in Mode", withQuery("Mode=ADD_CUSTOMER_CARD%E2%80%8B"), 400, "invalid_request"},
		{"Mode with trailing space", withQuery("Mode=ADD_CUSTOMER_CARD+"), 400, "invalid_request"},
		{"look-alike Mode 1.0", v1Query(map[string][]string{"Mode": one("UPDATE_CARD\u0131")}), 400, "invalid_request"},
		// Numbers: overflow and other notations.
		{"ItemKey overflows int64", withQuery("Mode=UPDATE_CARD&ItemKey=9223372036854775808"), 400, "invalid_request"},
		{"ItemKey far overflow", withQuery("Mode=UPDATE_CARD&ItemKey=" + strings.Repeat("9", 400)), 400, "invalid_request"},
		{"Acct overflows int32", withQuery("Acct=2147483648"), 400, "invalid_request"},
		{"ItemKey hex", withQuery("Mode=UPDATE_CARD&ItemKey=0x2329"), 400, "invalid_request"},
		{"ItemKey exponent", withQuery("Mode=UPDATE_CARD&ItemKey=9e3"), 400, "invalid_request"},
		{"ItemKey decimal point", withQuery("Mode=UPDATE_CARD&ItemKey=9001.0"), 400, "invalid_request"},
		{"ItemKey plus sign", withQuery("Mode=UPDATE_CARD&ItemKey=%2B9001"), 400, "invalid_request"},
		{"ItemKey negative", withQuery("Mode=UPDATE_CARD&ItemKey=-9001"), 400, "invalid_request"},
		{"ItemKey zero", withQuery("Mode=UPDATE_CARD&ItemKey=0"), 400, "invalid_request"},
		{"ItemKey leading zero", withQuery("Mode=UPDATE_CARD&ItemKey=09001"), 400, "invalid_request"},
		{"ItemKey leading space", withQuery("Mode=UPDATE_CARD&ItemKey=+9001"), 400, "invalid_request"},
		{"ItemKey trailing space", withQuery("Mode=UPDATE_CARD&ItemKey=9001%20"), 400, "invalid_request"},
		{"ItemKey underscore", withQuery("Mode=UPDATE_CARD&ItemKey=9_001"), 400, "invalid_request"},
		{"ItemKey fullwidth digits", withQuery("Mode=UPDATE_CARD&ItemKey=%EF%BC%99001"), 400, "invalid_request"},
		{"ItemKey empty with mode", withQuery("Mode=UPDATE_CARD&ItemKey="), 400, "invalid_request"},
		{"Acct octal 1.0", v1Query(map[string][]string{"Acct": one("0o17")}), 400, "invalid_request"},
		{"Acct negative 1.0", v1Query(map[string][]string{"Acct": one("-1")}), 400, "invalid_request"},
		// Repeated parameters and headers, both formats, any case.
		{"Mode twice", withQuery("Mode=ADD_CUSTOMER_CARD&Mode=UPDATE_CARD&ItemKey=1"), 400, "invalid_request"},
		{"Mode in two cases", withQuery("Mode=ADD_CUSTOMER_CARD&mode=ADD_CUSTOMER_CARD"), 400, "invalid_request"},
		{"ItemKey twice", withQuery("Mode=UPDATE_CARD&ItemKey=1&ITEMKEY=2"), 400, "invalid_request"},
		{"Acct twice", withQuery("Acct=1&Acct=1"), 400, "invalid_request"},
		{"format twice", withQuery("format=json&format=json"), 400, "invalid_request"},
		{"Mode twice 1.0", v1Query(map[string][]string{"Mode": one("ADD_CUSTOMER_CARD", "ADD_CUSTOMER_CARD")}), 400, "invalid_request"},
		{"ItemKey in two cases 1.0", v1Query(map[string][]string{"Mode": one("UPDATE_CARD"), "ItemKey": one("1"), "itemkey": one("2")}), 400, "invalid_request"},
		{"Token header twice 1.0", v1Event("GET", nil, map[string][]string{"Token": one(hostileToken, "other")}), 400, "invalid_request"},
		{"Token header in two cases 2.0", v2Event("GET", "", map[string]string{"Token": hostileToken, "token": "other"}), 400, "invalid_request"},
		{"Authorization twice 1.0", v1Event("GET", nil, map[string][]string{"Authorization": one("Bearer a", "Bearer b")}), 400, "invalid_request"},
		{"Token header joined by an HTTP API", v2Event("GET", "", tokenHeader("token", hostileToken+","+hostileToken)), 400, "invalid_request"},
		{"Bearer joined by an HTTP API", v2Event("GET", "", map[string]string{"authorization": "Bearer a,Bearer b"}), 400, "invalid_request"},
		{"DeviceId joined by an HTTP API", v2Event("GET", "", tokenHeader("deviceid", "d1,d2")), 400, "invalid_request"},
		{"DeviceId twice 1.0", v1Event("GET", nil, map[string][]string{"Token": one(hostileToken), "DeviceId": one("a", "b")}), 400, "invalid_request"},
		// The customer token belongs in a header, never the URL.
		{"Token in query", withQuery("Token=" + hostileToken), 400, "invalid_request"},
		{"token in query lower case", withQuery("Mode=ADD_CUSTOMER_CARD&token=" + hostileToken), 400, "invalid_request"},
		{"Token in query 1.0", v1Query(map[string][]string{"TOKEN": one(hostileToken)}), 400, "invalid_request"},
		{"empty Token in query", withQuery("Token="), 400, "invalid_request"},
		// 64 KiB values.
		{"64 KiB Token header", v2Event("GET", "", tokenHeader("token", big)), 400, "invalid_request"},
		{"64 KiB Bearer token", v2Event("GET", "", map[string]string{"authorization": "Bearer " + big}), 400, "invalid_request"},
		{"64 KiB cookie", v2Event("GET", "", nil, "aim_token="+big), 400, "invalid_request"},
		{"64 KiB DeviceId", v2Event("GET", "", tokenHeader("deviceid", big)), 400, "invalid_request"},
		{"64 KiB Mode", withQuery("Mode=" + big), 400, "invalid_request"},
		{"64 KiB Accept, no token", v2Event("GET", "", map[string]string{"accept": big}), 401, "missing_token"},
		{"64 KiB Token 1.0", v1Event("GET", nil, map[string][]string{"Token": one(big)}), 400, "invalid_request"},
		// CORS and methods.
		{"preflight from another origin", v2Event("OPTIONS", "", map[string]string{"origin": "https://evil.example"}), 403, "origin_not_allowed"},
		{"preflight from a look-alike origin", v2Event("OPTIONS", "", map[string]string{"origin": "https://shop.example.com.evil.example"}), 403, "origin_not_allowed"},
		{"preflight from origin null", v2Event("OPTIONS", "", map[string]string{"origin": "null"}), 403, "origin_not_allowed"},
		{"preflight over http", v2Event("OPTIONS", "", map[string]string{"origin": "http://shop.example.com"}), 403, "origin_not_allowed"},
		{"preflight without origin", v2Event("OPTIONS", "", nil), 403, "origin_not_allowed"},
		{"preflight with two origins 1.0", v1Event("OPTIONS", nil, map[string][]string{"Origin": one("https://shop.example.com", "https://evil.example")}), 403, "origin_not_allowed"},
		{"preflight with 64 KiB origin", v2Event("OPTIONS", "", map[string]string{"origin": big}), 403, "origin_not_allowed"},
		{"POST", v2Event("POST", "", tokenHeader()), 405, "method_not_allowed"},
		{"PUT 1.0", v1Event("PUT", nil, map[string][]string{"Token": one(hostileToken)}), 405, "method_not_allowed"},
		{"DELETE", v2Event("DELETE", "", tokenHeader()), 405, "method_not_allowed"},
		{"PATCH", v2Event("PATCH", "", tokenHeader()), 405, "method_not_allowed"},
		{"HEAD", v2Event("HEAD", "", tokenHeader()), 405, "method_not_allowed"},
		{"TRACE 1.0", v1Event("TRACE", nil, map[string][]string{"Token": one(hostileToken)}), 405, "method_not_allowed"},
		{"made-up method", v2Event("GETX", "", tokenHeader()), 405, "method_not_allowed"},
		{"empty method 2.0", v2Event("", "", tokenHeader()), 405, "method_not_allowed"},
		// No token at all, or a token that is not one.
		{"no token", v2Event("GET", "Mode=ADD_CUSTOMER_CARD", nil), 401, "missing_token"},
		{"Basic auth", v2Event("GET", "", map[string]string{"authorization": "Basic dXNlcjpwYXNz"}), 401, "missing_token"},
		{"Bearer with no token", v2Event("GET", "", map[string]string{"authorization": "Bearer "}), 401, "missing_token"},
		{"other cookie only", v2Event("GET", "", nil, "session=abc"), 401, "missing_token"},
		{"non-ASCII token", v2Event("GET", "", tokenHeader("token", "tök")), 400, "invalid_request"},
		{"token with space", v2Event("GET", "", tokenHeader("token", "a b")), 400, "invalid_request"},
	}
}

// TestHostileInput sends every hostile case through Handle: each answers a
// 4xx problem with a detail, reaches neither AIM nor discovery, and leaks no
// secret into the answer or the log.
func TestHostileInput(t *testing.T) {
	t.Parallel()
	for _, tt := range hostileCases() {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var logs bytes.Buffer
			client := &fakeAIM{}
			h := testHandler(&fakeKeys{key: testAPIKey}, client, &logs, nil)
			a := invoke(t, h, tt.payload)
			if a.Status != tt.status {
				t.Fatalf("status: got %d, want %d (body %s)", a.Status, tt.status, a.Body)
			}
			p := problemOf(t, a)
			if p.Code != tt.code || p.Status != tt.status {
				t.Errorf("problem: got code %v status %v, want %s %d", p.Code, p.Status, tt.code, tt.status)
			}
			if p.Detail == "" {
				t.Errorf("got an empty detail, want one that says what is wrong")
			}
			if client.accessCalls != 0 || client.endpointCalls != 0 {
				t.Errorf("AIM calls: got %d CustomerAccessToken and %d GetEndPoint, want none", client.accessCalls, client.endpointCalls)
			}
			if a.Headers["Cache-Control"] != "no-store" || a.Headers["X-Content-Type-Options"] != "nosniff" {
				t.Errorf("got Cache-Control %q and X-Content-Type-Options %q, want no-store and nosniff", a.Headers["Cache-Control"], a.Headers["X-Content-Type-Options"])
			}
			if o := a.Headers["Access-Control-Allow-Origin"]; o != "" && o != "https://shop.example.com" {
				t.Errorf("got Access-Control-Allow-Origin %q, want none or the allowed origin", o)
			}
			var heads string
			for k, v := range a.Headers {
				heads += k + ": " + v + "\n"
			}
			assertNoSecrets(t, logs.String()+a.Body+heads)
		})
	}
}

// TestHostileAnswersNameTheParameter checks the detail of a few refusals
// says which parameter was wrong, so a storefront developer can fix it.
func TestHostileAnswersNameTheParameter(t *testing.T) {
	t.Parallel()
	tests := []struct {
		payload []byte
		want    string
	}{
		{v2Event("GET", "Mode=UPDATE_CARD&ItemKey=0x10", tokenHeader()), "ItemKey"},
		{v2Event("GET", "Acct=2147483648", tokenHeader()), "Acct"},
		{v2Event("GET", "Mode=ADD_CU%C5%BFTOMER_CARD", tokenHeader()), "Mode"},
		{v2Event("GET", "mode=ADD_CUSTOMER_CARD&MODE=ADD_CUSTOMER_CARD", tokenHeader()), "Mode"},
		{v2Event("GET", "token=x", tokenHeader()), "URL"},
		{v2Event("GET", "", tokenHeader("token", strings.Repeat("t", 4097))), "Token"},
		{v2Event("GET", "", tokenHeader("token", "a,b")), "Token"},
		{v2Event("GET", "", map[string]string{"authorization": "Bearer a, Bearer b"}), "Authorization"},
		{v2Event("GET", "", tokenHeader("deviceid", "d1,d2")), "DeviceId"},
		{v2Event("GET", "Mode=%zz&utm_content=50%off", tokenHeader()), "Mode"},
	}
	for _, tt := range tests {
		h := testHandler(&fakeKeys{key: testAPIKey}, &fakeAIM{}, &bytes.Buffer{}, nil)
		d := problemOf(t, invoke(t, h, tt.payload)).Detail
		if !strings.Contains(d, tt.want) {
			t.Errorf("detail: got %q, want it to mention %s", d, tt.want)
		}
	}
}
