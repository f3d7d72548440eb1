package apigw

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func httpEvent(rawQuery string, headers map[string][]string) event {
	q := parseQuery(rawQuery)
	if headers == nil {
		headers = map[string][]string{}
	}
	if _, ok := headers["token"]; !ok {
		headers["token"] = []string{"tok-1"}
	}
	return event{Format: FormatHTTP, Method: "GET", Query: q, Headers: headers}
}

func TestParseCallQuery(t *testing.T) {
	t.Parallel()
	tests := []struct {
		query     string
		want      Call
		wantParam string
	}{
		{query: "mode=update_card&itemkey=42", want: Call{Mode: "UPDATE_CARD", ItemKey: 42, Token: "tok-1"}},
		{query: "MODE=Add_Customer_Card&ACCT=7", want: Call{Mode: "ADD_CUSTOMER_CARD", Acct: 7, Token: "tok-1"}},
		{query: "Mode=&ItemKey=", want: Call{Token: "tok-1"}},
		{query: "Acct=2147483647", want: Call{Acct: 2147483647, Token: "tok-1"}},
		{query: "Mode=UPDATE_CARD&ItemKey=9223372036854775807", want: Call{Mode: "UPDATE_CARD", ItemKey: 9223372036854775807, Token: "tok-1"}},
		{query: "utm_source=mail&utm_source=x", want: Call{Token: "tok-1"}},
		{query: "Mode=UPDATE_CARD&ItemKey=9223372036854775808", wantParam: "ItemKey"},
		{query: "Acct=2147483648", wantParam: "Acct"},
		{query: "Acct=0", wantParam: "Acct"},
		{query: "Acct=-1", wantParam: "Acct"},
		{query: "Acct=+1", wantParam: "Acct"},
		{query: "Acct=007", wantParam: "Acct"},
		{query: "Acct=1e3", wantParam: "Acct"},
		{query: "Acct=0x10", wantParam: "Acct"},
		{query: "Acct= 5", wantParam: "Acct"},
		{query: "Mode=UPDATE_CARD&ItemKey=1.0", wantParam: "ItemKey"},
		{query: "Mode=UPDATE_CARD", wantParam: "ItemKey"},
		{query: "ItemKey=5", wantParam: "ItemKey"},
		{query: "Mode=ADD_CUSTOMER_CARD&ItemKey=5", wantParam: "ItemKey"},
		{query: "Mode=ADD_EVERYTHING", wantParam: "Mode"},
		{query: "Mode=upd%C4%B1te_card", wantParam: "Mode"}, // dotless ı upper-cases to I
		{query: "Mode=ADD_CUSTOMER_CARD%00", wantParam: "Mode"},
		{query: "Mode=UPDATE_CARD&mode=UPDATE_CARD&ItemKey=1", wantParam: "Mode"},
		{query: "Acct=1&acct=2", wantParam: "Acct"},
		{query: "token=abc", wantParam: "Token"},
		{query: "TOKEN=", wantParam: "Token"},
		// Read parameter by parameter: a broken escape matters only in a
		// parameter the function reads.
		{query: "Mode=ADD_CUSTOMER_CARD&utm_content=50%off", want: Call{Mode: "ADD_CUSTOMER_CARD", Token: "tok-1"}},
		{query: "utm_content=50%off&Acct=7&ref=%", want: Call{Acct: 7, Token: "tok-1"}},
		{query: "50%off=1&Acct=7", want: Call{Acct: 7, Token: "tok-1"}},
		{query: "a=1;b=2&Acct=7", want: Call{Acct: 7, Token: "tok-1"}},
		{query: "Mode=%zz", wantParam: "Mode"},
		{query: "mode=ADD%2", wantParam: "Mode"},
		{query: "Mode=UPDATE_CARD&ItemKey=9%0", wantParam: "ItemKey"},
		{query: "ACCT=%G1", wantParam: "Acct"},
		{query: "Token=%zz", wantParam: "Token"},
		{query: "Mode=ADD_CUSTOMER_CARD&Mode=%zz", wantParam: "Mode"},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			t.Parallel()
			call, err := parseCall(httpEvent(tt.query, nil), "")
			if tt.wantParam != "" {
				var re *RequestError
				if !errors.As(err, &re) || re.Param != tt.wantParam {
					t.Fatalf("got %v, want a *RequestError naming %s", err, tt.wantParam)
				}
				if re.Detail == "" {
					t.Error("got an empty detail, want a sentence")
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseCall: %v", err)
			}
			if diff := cmp.Diff(tt.want, call); diff != "" {
				t.Errorf("call (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseCallToken(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("a", MaxTokenLength+1)
	tests := []struct {
		name       string
		headers    map[string][]string
		cookies    []string
		authorizer bool
		want       string
		wantCode   Code
		wantParam  string // the RequestError's Param, when checked
	}{
		{name: "header", headers: map[string][]string{"token": {"t1"}}, want: "t1"},
		{name: "header wins over bearer", headers: map[string][]string{"token": {"t1"}, "authorization": {"Bearer t2"}}, want: "t1"},
		{name: "bearer", headers: map[string][]string{"token": nil, "authorization": {"bearer t2"}}, want: "t2"},
		{name: "bearer belongs to authorizer", headers: map[string][]string{"token": nil, "authorization": {"Bearer jwt"}}, authorizer: true, wantCode: CodeMissingToken},
		{name: "basic is not a token", headers: map[string][]string{"token": nil, "authorization": {"Basic dTpw"}}, wantCode: CodeMissingToken},
		{name: "cookie", headers: map[string][]string{"token": nil}, cookies: []string{"a=b", " aim_token=t3"}, want: "t3"},
		{name: "other cookie", headers: map[string][]string{"token": nil}, cookies: []string{"aim_tokenx=t3"}, wantCode: CodeMissingToken},
		{name: "none", headers: map[string][]string{"token": nil}, wantCode: CodeMissingToken},
		{name: "too long", headers: map[string][]string{"token": {long}}, wantCode: CodeInvalidRequest},
		{name: "longest", headers: map[string][]string{"token": {long[1:]}}, want: long[1:]},
		{name: "CR LF", headers: map[string][]string{"token": {"a\r\nb"}}, wantCode: CodeInvalidRequest},
		{name: "NUL", headers: map[string][]string{"token": {"a\x00b"}}, wantCode: CodeInvalidRequest},
		{name: "non-ASCII", headers: map[string][]string{"token": {"tökén"}}, wantCode: CodeInvalidRequest},
		{name: "repeated", headers: map[string][]string{"token": {"a", "b"}}, wantCode: CodeInvalidRequest},
		{name: "repeated, joined by an HTTP API", headers: map[string][]string{"token": {"a,b"}}, wantCode: CodeInvalidRequest, wantParam: "Token"},
		{name: "repeated with a space", headers: map[string][]string{"token": {"a, b"}}, wantCode: CodeInvalidRequest, wantParam: "Token"},
		{name: "trailing comma", headers: map[string][]string{"token": {"a,"}}, wantCode: CodeInvalidRequest, wantParam: "Token"},
		{name: "bearer repeated", headers: map[string][]string{"token": nil, "authorization": {"Bearer a,Bearer b"}}, wantCode: CodeInvalidRequest, wantParam: "Authorization"},
		{name: "bearer with a comma", headers: map[string][]string{"token": nil, "authorization": {"Bearer a,b"}}, wantCode: CodeInvalidRequest, wantParam: "Authorization"},
		{name: "DeviceId repeated", headers: map[string][]string{"token": {"t1"}, "deviceid": {"d1,d2"}}, wantCode: CodeInvalidRequest, wantParam: "DeviceId"},
		{name: "bad cookie value", headers: map[string][]string{"token": nil}, cookies: []string{"aim_token=a b"}, wantCode: CodeInvalidRequest},
		{name: "malformed other cookie", headers: map[string][]string{"token": nil, "cookie": {"junk=a\x00b; aim_token=t3"}}, want: "t3"},
		{name: "malformed cookie name", headers: map[string][]string{"token": nil}, cookies: []string{"bad name=1", "aim_token=t3"}, want: "t3"},
		{name: "cookie with a comma", headers: map[string][]string{"token": nil}, cookies: []string{"aim_token=a,b"}, wantCode: CodeInvalidRequest},
		{name: "percent-encoded cookie (PHP, Express)", headers: map[string][]string{"token": nil}, cookies: []string{"aim_token=ab%2Fc%3D%3D"}, want: "ab/c=="},
		{name: "lower-case escapes", headers: map[string][]string{"token": nil}, cookies: []string{"aim_token=ab%2fc"}, want: "ab/c"},
		{name: "plus stays a plus", headers: map[string][]string{"token": nil}, cookies: []string{"aim_token=a+b"}, want: "a+b"},
		{name: "quoted and encoded", headers: map[string][]string{"token": nil}, cookies: []string{`aim_token="a%3Db"`}, want: "a=b"},
		{name: "broken escape in cookie", headers: map[string][]string{"token": nil}, cookies: []string{"aim_token=50%off"}, wantCode: CodeInvalidRequest, wantParam: "Cookie aim_token"},
		{name: "encoded space", headers: map[string][]string{"token": nil}, cookies: []string{"aim_token=a%20b"}, wantCode: CodeInvalidRequest},
		{name: "encoded non-ASCII", headers: map[string][]string{"token": nil}, cookies: []string{"aim_token=t%C3%B6k"}, wantCode: CodeInvalidRequest},
		{name: "encoded comma", headers: map[string][]string{"token": nil}, cookies: []string{"aim_token=a%2Cb"}, wantCode: CodeInvalidRequest},
		{name: "encoded CR LF", headers: map[string][]string{"token": nil}, cookies: []string{"aim_token=a%0D%0Ab"}, wantCode: CodeInvalidRequest},
		{name: "empty duplicate first", headers: map[string][]string{"token": nil}, cookies: []string{"aim_token=", "aim_token=t3"}, want: "t3"},
		{name: "empty duplicate in one header", headers: map[string][]string{"token": nil, "cookie": {"aim_token=; aim_token=t3"}}, want: "t3"},
		{name: "empty quoted duplicate", headers: map[string][]string{"token": nil}, cookies: []string{`aim_token=""`, "aim_token=t3"}, want: "t3"},
		{name: "only empty", headers: map[string][]string{"token": nil}, cookies: []string{"aim_token=", "aim_token="}, wantCode: CodeMissingToken},
		{name: "first non-empty wins", headers: map[string][]string{"token": nil}, cookies: []string{"aim_token=t1", "aim_token=t2"}, want: "t1"},
		{name: "quoted cookie", headers: map[string][]string{"token": nil}, cookies: []string{`aim_token="t3"`}, want: "t3"},
		{name: "malformed token cookie", headers: map[string][]string{"token": nil, "cookie": {`a=1; aim_token="t3`}}, wantCode: CodeInvalidRequest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ev := httpEvent("", tt.headers)
			ev.Cookies, ev.Authorizer = tt.cookies, tt.authorizer
			call, err := parseCall(ev, "aim_token")
			if tt.wantCode != "" {
				var re *RequestError
				if !errors.As(err, &re) || re.Problem().Code != tt.wantCode {
					t.Fatalf("got %v, want code %s", err, tt.wantCode)
				}
				if tt.wantParam != "" && re.Param != tt.wantParam {
					t.Errorf("got Param %q, want %q", re.Param, tt.wantParam)
				}
				return
			}
			if err != nil || call.Token != tt.want {
				t.Fatalf("got token %q (err %v), want %q", call.Token, err, tt.want)
			}
		})
	}
}

func TestWantsJSON(t *testing.T) {
	t.Parallel()
	tests := []struct {
		query, accept string
		want          bool
		wantErr       bool
	}{
		{accept: "", want: false},
		{accept: "*/*", want: false},
		{accept: "application/json", want: true},
		{accept: "application/json, text/plain, */*", want: true},
		{accept: "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", want: false},
		{accept: "text/html;q=0.5, application/json", want: true},
		{accept: "application/*", want: true},
		{accept: "text/html, application/json", want: false},
		{accept: "application/json;q=0", want: false},
		{query: "format=json", accept: "text/html", want: true},
		{query: "FORMAT=JSON", want: true},
		{query: "format=xml", wantErr: true},
		{query: "format=json&format=json", wantErr: true},
		{query: "format=%js", accept: "application/json", want: false, wantErr: true},
		{query: "format=json&utm_content=50%off", want: true},
	}
	for _, tt := range tests {
		t.Run(tt.query+" "+tt.accept, func(t *testing.T) {
			t.Parallel()
			ev := httpEvent(tt.query, map[string][]string{"accept": {tt.accept}})
			got, err := wantsJSON(ev)
			if (err != nil) != tt.wantErr || got != tt.want {
				t.Errorf("got %v, %v; want %v, error %v", got, err, tt.want, tt.wantErr)
			}
		})
	}
}
