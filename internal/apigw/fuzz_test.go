package apigw

import (
	"encoding/json"
	"errors"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"
)

// fuzzOrigins is the allow-list the fuzzed answers are finished with.
var fuzzOrigins = []string{"https://shop.example.com"}

// FuzzMapping runs arbitrary bytes through everything the function does with
// an event before and after AIM: Decode, WantsJSON, ParseCall, then the
// answer for the outcome, finished and encoded in both payload formats. The
// seed corpus is every event in events/ plus testdata/fuzz/FuzzMapping.
func FuzzMapping(f *testing.F) {
	files, err := filepath.Glob(filepath.Join("..", "..", "events", "*.json"))
	if err != nil || len(files) == 0 {
		f.Fatalf("no events found: %v", err)
	}
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, payload []byte) {
		ev, err := Decode(payload)
		if err != nil {
			checkMappingError(t, "Decode", err)
			checkAnswer(t, ev, ProblemAnswer(Problem{Code: CodeInvalidRequest, Detail: "The request could not be read."}))
			return
		}
		if ev.Format != FormatREST && ev.Format != FormatHTTP {
			t.Fatalf("Decode: got format %v and no error, want 1.0 or 2.0", ev.Format)
		}
		wantJSON, jerr := WantsJSON(ev)
		if jerr != nil {
			checkMappingError(t, "WantsJSON", jerr)
		}
		call, cerr := ParseCall(ev, Options{TokenCookie: "aim_token"})
		if cerr != nil {
			checkMappingError(t, "ParseCall", cerr)
			var re *RequestError
			errors.As(cerr, &re)
			checkAnswer(t, ev, ProblemAnswer(re.Problem()))
			page, _ := url.Parse("https://shop.example.com/cards/error?from=aim")
			checkAnswer(t, ev, ErrorRedirect(page, re.Problem()))
			return
		}
		checkCall(t, call)
		if wantJSON {
			checkAnswer(t, ev, JSON("access", "https://aim.example.com/AccountManagement?at=x"))
		} else {
			checkAnswer(t, ev, Redirect("https://aim.example.com/AccountManagement?at=x"))
		}
		checkAnswer(t, ev, Preflight())
	})
}

// checkMappingError asserts err is one the handler knows how to answer.
func checkMappingError(t *testing.T, op string, err error) {
	t.Helper()
	var re *RequestError
	if errors.As(err, &re) {
		if re.Detail == "" || re.Param == "" {
			t.Fatalf("%s: got RequestError %+v, want Param and Detail set", op, re)
		}
		if p := re.Problem(); p.Code.Status() < 400 || p.Code.Status() > 499 {
			t.Fatalf("%s: got status %d for %v, want a 4xx", op, p.Code.Status(), err)
		}
		return
	}
	if !errors.Is(err, ErrUnknownFormat) {
		t.Fatalf("%s: got error %T %v, want *RequestError or ErrUnknownFormat", op, err, err)
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
		if v[i] < 0x21 || v[i] > 0x7e {
			t.Fatalf("got %s %q with byte %#x, want printable ASCII", name, v, v[i])
		}
	}
}

// checkAnswer finishes a, encodes it in both formats and checks what a
// caller would: it marshals, the security headers are there, CORS names only
// an allowed origin, and a problem body is well-formed.
func checkAnswer(t *testing.T, ev Event, a Answer) {
	t.Helper()
	a = Finish(a, ev, fuzzOrigins)
	for _, f := range []Format{FormatREST, FormatHTTP, FormatUnknown} {
		b, err := json.Marshal(f.Encode(a))
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
		if out.StatusCode != a.Status || out.Headers["Cache-Control"] != "no-store" {
			t.Fatalf("got status %d and Cache-Control %q, want %d and no-store", out.StatusCode, out.Headers["Cache-Control"], a.Status)
		}
		if o := out.Headers["Access-Control-Allow-Origin"]; o != "" && o != fuzzOrigins[0] {
			t.Fatalf("got Access-Control-Allow-Origin %q, want only an allowed origin", o)
		}
	}
	if a.Header.Get("Content-Type") != "application/problem+json" {
		return
	}
	var p problemBody
	if err := json.Unmarshal([]byte(a.Body), &p); err != nil {
		t.Fatalf("problem body %q: %v", a.Body, err)
	}
	if p.Status != a.Status || p.Detail == "" || p.Code == "" {
		t.Fatalf("got problem %+v with status %d, want matching status, a code and a detail", p, a.Status)
	}
}
