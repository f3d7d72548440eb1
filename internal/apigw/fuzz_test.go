package apigw

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"
)

// fuzzOrigins is the allow-list the fuzzed requests are parsed with.
var fuzzOrigins = []string{"https://shop.example.com"}

// fuzzErrorPage is the error page of the second mapper FuzzMapping answers with.
const fuzzErrorPage = "https://shop.example.com/cards/error?from=aim"

// FuzzMapping runs arbitrary bytes through everything the function does with
// an event before and after AIM: Parse, then the answer for every result
// the request can get, built with and without an error page and encoded in
// every payload format. The seed corpus is every event in events/, the ALB
// events in testdata/ (refused) and testdata/fuzz/FuzzMapping.
func FuzzMapping(f *testing.F) {
	files, err := filepath.Glob(filepath.Join("..", "..", "events", "*.json"))
	if err != nil || len(files) == 0 {
		f.Fatalf("no events found: %v", err)
	}
	albFiles, _ := filepath.Glob(filepath.Join("testdata", "alb-*.json"))
	files = append(files, albFiles...)
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	page, _ := url.Parse(fuzzErrorPage)
	mappers := []*Mapper{
		NewMapper(Options{TokenCookie: "aim_token", AllowedOrigins: fuzzOrigins}),
		NewMapper(Options{TokenCookie: "aim_token", AllowedOrigins: fuzzOrigins, ErrorRedirectURL: page}),
	}
	f.Fuzz(func(t *testing.T, payload []byte) {
		req := mappers[0].Parse(payload)
		checkRequest(t, req)
		var results []Result
		switch {
		case req.Err != nil:
			p := Problem{Code: CodeInvalidRequest, Detail: "The request could not be read."}
			var re *RequestError
			if errors.As(req.Err, &re) {
				p = re.Problem()
			}
			results = []Result{Failure(p)}
		case req.Method == http.MethodOptions:
			results = []Result{Preflight()}
		default:
			checkCall(t, req.Call)
			results = []Result{Access("access", "https://aim.example.com/AccountManagement?at=x"), Failure(Problem{Code: CodeUpstreamTimeout})}
		}
		for _, m := range mappers {
			for _, res := range results {
				checkAnswer(t, m, req, res)
			}
		}
	})
}

// checkRequest asserts the invariants of a parsed request: a known format
// unless the payload was unreadable, an allowed origin or none, and an
// error the handler knows how to answer.
func checkRequest(t *testing.T, req Request) {
	t.Helper()
	if norm, err := NormalizeOrigin(req.Origin); req.Origin != "" && (err != nil || !slices.Contains(fuzzOrigins, norm)) {
		t.Fatalf("got origin %q, want an allowed one or none", req.Origin)
	}
	if errors.Is(req.Err, ErrUnknownFormat) {
		if req.Format != FormatUnknown {
			t.Fatalf("got format %v for an unreadable payload, want unknown", req.Format)
		}
		return
	}
	if req.Err == errALB {
		if req.Format != FormatUnknown {
			t.Fatalf("got format %v for an ALB event, want unknown (answered in the 1.0 shape)", req.Format)
		}
		return
	}
	if req.Format != FormatREST && req.Format != FormatHTTP {
		t.Fatalf("got format %v and error %v, want 1.0 or 2.0", req.Format, req.Err)
	}
	if req.Err == nil {
		if req.Method != http.MethodGet && (req.Method != http.MethodOptions || req.Origin == "") {
			t.Fatalf("got method %q from origin %q and no error, want GET or an allowed preflight", req.Method, req.Origin)
		}
		return
	}
	var re *RequestError
	if !errors.As(req.Err, &re) {
		t.Fatalf("got error %T %v, want *RequestError or ErrUnknownFormat", req.Err, req.Err)
	}
	p := re.Problem()
	if re.Param == "" || (re.Detail == "" && p.Code != CodeMethodNotAllowed && p.Code != CodeOriginNotAllowed) {
		t.Fatalf("got RequestError %+v, want Param and Detail set", re)
	}
	if status := p.body().Status; status < 400 || status > 499 {
		t.Fatalf("got status %d for %v, want a 4xx", status, req.Err)
	}
}

// checkCall asserts the invariants of a Call that is about to reach AIM.
func checkCall(t *testing.T, c Call) {
	t.Helper()
	needs, ok := modes[c.Mode]
	if c.Mode != "" && !ok {
		t.Fatalf("got Mode %q, want one of the four modes or empty", c.Mode)
	}
	if (c.ItemKey > 0) != needs || c.ItemKey < 0 {
		t.Fatalf("got ItemKey %d with Mode %q, want ItemKey > 0 iff the mode needs it", c.ItemKey, c.Mode)
	}
	if c.Acct < 0 {
		t.Fatalf("got Acct %d, want >= 0", c.Acct)
	}
	if c.Token == "" {
		t.Fatal("got an empty token and no error")
	}
	checkPrintable(t, "Token", c.Token, MaxTokenLength)
	checkPrintable(t, "DeviceId", c.DeviceID, 256)
}

func checkPrintable(t *testing.T, name, v string, max int) {
	t.Helper()
	if len(v) > max {
		t.Fatalf("got %s of %d bytes, want at most %d", name, len(v), max)
	}
	for i := 0; i < len(v); i++ {
		if v[i] < 0x21 || v[i] > 0x7e || v[i] == ',' {
			t.Fatalf("got %s %q with byte %#x, want printable ASCII without a comma", name, v, v[i])
		}
	}
}

// checkAnswer builds the answer to req, encodes it in every format and
// checks what a caller would: it marshals, the security headers are there,
// CORS names only an allowed origin, an error redirect goes to the error
// page, and a problem body is well-formed.
func checkAnswer(t *testing.T, m *Mapper, req Request, res Result) {
	t.Helper()
	a := m.answer(req, res)
	for _, f := range []Format{FormatREST, FormatHTTP, FormatUnknown} {
		b, err := json.Marshal(f.encode(a))
		if err != nil {
			t.Fatalf("encode %v: %v", f, err)
		}
		var out events.APIGatewayV2HTTPResponse
		if err := json.Unmarshal(b, &out); err != nil {
			t.Fatalf("decode %v answer: %v", f, err)
		}
		if f != FormatHTTP && strings.Contains(string(b), `"cookies"`) {
			t.Fatalf("got a cookies field in a %v answer, want none (REST APIs answer 502)", f)
		}
		if challenge := out.Headers["WWW-Authenticate"]; (out.StatusCode == 401) != strings.HasPrefix(challenge, "Bearer ") {
			t.Fatalf("got status %d with WWW-Authenticate %q, want a Bearer challenge on a 401 and only there", out.StatusCode, challenge)
		}
		if out.StatusCode != a.status || out.Headers["Cache-Control"] != "no-store" {
			t.Fatalf("got status %d and Cache-Control %q, want %d and no-store", out.StatusCode, out.Headers["Cache-Control"], a.status)
		}
		if o := out.Headers["Access-Control-Allow-Origin"]; o != "" && o != req.Origin {
			t.Fatalf("got Access-Control-Allow-Origin %q, want only the allowed origin as sent, %q", o, req.Origin)
		}
	}
	if a.outcome == outcomeError && a.status == 302 && !strings.HasPrefix(a.header.Get("Location"), fuzzErrorPage+"&error=") {
		t.Fatalf("got an error redirect to %q, want the error page", a.header.Get("Location"))
	}
	if a.header.Get("Content-Type") != "application/problem+json" {
		return
	}
	var p problemBody
	if err := json.Unmarshal([]byte(a.body), &p); err != nil {
		t.Fatalf("problem body %q: %v", a.body, err)
	}
	if p.Status != a.status || p.Detail == "" || p.Code == "" || p.Code != a.code {
		t.Fatalf("got problem %+v with status %d code %q, want matching status and code, and a detail", p, a.status, a.code)
	}
}
