package apigw

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// checkFastDecode fails when fastDecode accepts a payload encoding/json
// refuses, or reads any field the function uses differently.
func checkFastDecode(t *testing.T, b []byte) {
	t.Helper()
	var fast payload
	if !fastDecode(b, &fast) {
		return
	}
	var slow payload
	if err := json.Unmarshal(b, &slow); err != nil {
		t.Fatalf("fastDecode read %q, encoding/json refuses it: %v", b, err)
	}
	slow.multiHeaders = len(slow.MultiValueHeaders)
	type view struct {
		Version, HTTPMethod, RawQuery, RequestID, Method string
		Cookies                                          []string
		Query                                            map[string]string
		MultiQuery                                       map[string][]string
		Authorizer, ALB, MultiNil, UseMulti, HeadersNil  bool
		Headers, MultiOnly                               map[string][]string
	}
	see := func(p payload) view {
		sorted := func(m map[string][]string) map[string][]string {
			for k, v := range m {
				m[k] = slices.Sorted(slices.Values(v))
			}
			return m
		}
		return view{
			Version: p.Version, HTTPMethod: p.HTTPMethod, RawQuery: p.RawQueryString,
			RequestID: p.RequestContext.RequestID, Method: p.RequestContext.HTTP.Method,
			Cookies: p.Cookies, Query: p.QueryStringParameters, MultiQuery: p.MultiValueQuery,
			Authorizer: hasAuthorizer(p.RequestContext.Authorizer), ALB: isALB(p.RequestContext.ELB),
			MultiNil: p.MultiValueHeaders == nil, UseMulti: p.multiHeaders > 0, HeadersNil: p.Headers == nil,
			Headers:   sorted(lowerKeys(p.MultiValueHeaders, p.Headers, p.multiHeaders > 0)),
			MultiOnly: sorted(lowerKeys(nil, p.Headers, false)),
		}
	}
	if diff := cmp.Diff(see(slow), see(fast)); diff != "" {
		t.Fatalf("%q: fastDecode differs from encoding/json (-json +fast):\n%s", b, diff)
	}
}

// TestFastDecodeAgrees runs shapes fastDecode must read like
// encoding/json or give up on.
func TestFastDecodeAgrees(t *testing.T) {
	t.Parallel()
	accepted := 0
	for _, s := range []string{
		`{"version":"2.0","requestContext":{"http":{"method":"GET"},"requestId":"r","timeEpoch":1767225603000},"headers":{"Origin":"a","origin":"b","Host":"h"},"rawQueryString":"a=1"}`,
		`{"httpMethod":"GET","headers":{"Accept":"x"},"multiValueHeaders":{"Accept":["x","y"],"accept":["z"],"Host":["h"]}}`,
		`{"httpMethod":"GET","multiValueHeaders":{"Host":["h"]},"headers":{"token":"t"}}`,
		`{"httpMethod":"GET","multiValueHeaders":{},"headers":{"token":"t"}}`,
		`{"httpMethod":"GET","queryStringParameters":{},"multiValueQueryStringParameters":{"a":[],"b":["1","2"]},"cookies":[]}`,
		`{"httpMethod":"GET","requestContext":{"authorizer":{},"elb":null}}`,
		`{"httpMethod":"GET","requestContext":{"authorizer":{ }}}`,
		`{"httpMethod":"GET","requestContext":{"authorizer":{"a" : [1, -0.5e+3, true, false, null, "x\"\\\/"]}}}`,
		`{"httpMethod":"GET","requestContext":{"authorizer":[]}}`,
		`{"httpMethod":"GET","requestContext":{"elb":{"targetGroupArn":"x"}}}`,
		`{"httpMethod":"GET","requestContext":{"elb":"null"}}`,
		`{"HTTPMETHOD":"GET"}`,
		`{"http_method":"GET"}`,
		`{"httpMethod":"GET","httpMethod":"POST"}`,
		`{"httpMethod":"GET","headers":{"token":"a","token":"b"}}`,
		`{"httpMethod":"GET","headers":{"x":"a","x":"b"}}`,
		`{"httpMethod":null}`,
		`{"httpMethod":"GET","queryStringParameters":null,"multiValueQueryStringParameters":null,"headers":null,"multiValueHeaders":null,"cookies":null,"version":null,"rawQueryString":null}`,
		`{"version":"2.0","requestContext":null}`,
		`{"version":"2.0","requestContext":{"requestId":null,"http":null}}`,
		`{"version":"2.0","requestContext":{"http":{"method":null}}}`,
		`{"version":"2.0","requestContext":{"http":{"method":"GET","method":"PUT"}}}`,
		`{"version":"2.0","requestContext":{"http":{"sourceIp":"192.0.2.1","method":"GET","sourceIP":"x"}}}`,
		`{"version":"2.0","requestContext":{"http":{"sourceIp":"192.0.2.1","sourceIp":"192.0.2.2"}}}`,
		`{"version":"2.0","requestContext":{"http":{"sourceIp":null,"protocol":"HTTP/1.1"}}}`,
		`{"httpMethod":"GET","requestContext":{"identity":{"sourceIp":"2001:db8::1","userAgent":"u"}}}`,
		`{"httpMethod":"GET","requestContext":{"identity":null,"Identity":{}}}`,
		`{"httpMethod":"GET","requestContext":{"identity":{"sourceIp":1}}}`,
		`{"httpMethod":"GET","requestContext":{"identity":{},"identity":{}}}`,
		`{"version":"2.0","requestContext":{"requestId":"a","requestId":"b"}}`,
		`{"version":"2.0","requestContext":{"requestId":"a"},"requestContext":{"elb":{}}}`,
		`{"httpMethod":"GET","headers":{"token":null}}`,
		`{"httpMethod":"GET","cookies":[null]}`,
		`{"httpMethod":"GET","headers":nul}`,
		`{"httpMethod":1}`,
		`{"httpMethod":"G\u0045T"}`,
		`{"httpMethod":"G\tT"}`,
		`{"httpMethod":"GET","headers":{"token":"a\nb\\c\/d\"e"}}`,
		`{"version":"2.0","cookies":["a=1","b=\"2\""],"requestContext":{"http":{"method":"get","Method":"x"}}}`,
		`{"version":"2.0","requestContext":{"requestID":"x"}}`,
		`{"version":"2.0","body":"{\"a\":1}","isBase64Encoded":false,"x":01}`,
		`{"version":"2.0","x":1.}`,
		`{"version":"2.0","x":-}`,
		`{"version":"2.0","x":tru}`,
		`{"version":"2.0"} x`,
		`{"version":"2.0"}  `,
		` {"version" : "2.0" , "headers" : { "accept" : "a" } } `,
		`{"version":"2.0",}`,
		`{"version":"2.0" "x":1}`,
		`{}`,
		`null`,
		`[]`,
		`{"version":"2.0","headers":{"tOKEN":"t","DeviceId":"d","Authorization":"Bearer x","cookie":"c=1","Accept":"a","ORIGIN":"o"}}`,
		"{\"version\":\"2.0\",\"headers\":{\"token\":\"\xc3\xa9\"}}",
	} {
		checkFastDecode(t, []byte(s))
		var p payload
		if fastDecode([]byte(s), &p) {
			accepted++
		}
	}
	if accepted < 10 {
		t.Errorf("got %d shapes read by fastDecode, want most of the valid ones", accepted)
	}
}

// TestFastDecodeReadsTheEvents checks every sample event takes the fast
// path, and reads as encoding/json reads it.
func TestFastDecodeReadsTheEvents(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob(filepath.Join("..", "..", "events", "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no events found: %v", err)
	}
	albFiles, _ := filepath.Glob(filepath.Join("testdata", "alb-*.json"))
	for _, name := range append(files, albFiles...) {
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		var p payload
		if filepath.Base(name) != "env.json" && !fastDecode(b, &p) {
			t.Errorf("%s: got it left to encoding/json, want it read by fastDecode", name)
		}
		checkFastDecode(t, b)
	}
}
