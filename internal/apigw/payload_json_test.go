package apigw

import (
	"bytes"
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/google/go-cmp/cmp"
)

// stdPayloadJSON is the payload as encoding/json writes it for the runtime.
func stdPayloadJSON(t *testing.T, payload any) []byte {
	t.Helper()
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(payload); err != nil {
		t.Fatalf("encoding/json: %v", err)
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n"))
}

// checkPayloadJSON fails when AppendPayloadJSON writes other bytes than
// encoding/json, or other values once both are decoded, or declines an
// ALB answer (written by encoding/json only).
func checkPayloadJSON(t *testing.T, payload any) {
	t.Helper()
	want := stdPayloadJSON(t, payload)
	got, ok := AppendPayloadJSON([]byte("prefix"), payload)
	if !ok {
		if string(got) != "prefix" {
			t.Fatalf("got %q after declining, want the buffer unchanged", got)
		}
		return
	}
	got = got[len("prefix"):]
	if !bytes.Equal(got, want) {
		t.Fatalf("got %s\nwant %s", got, want)
	}
	var gotV1, wantV1 events.APIGatewayProxyResponse
	var gotV2, wantV2 events.APIGatewayV2HTTPResponse
	for _, pair := range [][2]any{{&gotV1, &wantV1}, {&gotV2, &wantV2}} {
		if err := json.Unmarshal(got, pair[0]); err != nil {
			t.Fatalf("decode %s: %v", got, err)
		}
		if err := json.Unmarshal(want, pair[1]); err != nil {
			t.Fatalf("decode %s: %v", want, err)
		}
	}
	if diff := cmp.Diff(wantV1, gotV1); diff != "" {
		t.Fatalf("1.0 values differ (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(wantV2, gotV2); diff != "" {
		t.Fatalf("2.0 values differ (-want +got):\n%s", diff)
	}
}

// corpusInput reads a seed of the fuzz corpus: one []byte value.
func corpusInput(t *testing.T, b []byte) []byte {
	t.Helper()
	_, rest, ok := bytes.Cut(b, []byte("\n"))
	lit, found := bytes.CutPrefix(bytes.TrimSpace(rest), []byte("[]byte("))
	if !ok || !found {
		t.Fatalf("got corpus file %q, want a []byte seed", b)
	}
	s, err := strconv.Unquote(string(bytes.TrimSuffix(lit, []byte(")"))))
	if err != nil {
		t.Fatalf("corpus seed: %v", err)
	}
	return []byte(s)
}

// TestPayloadJSONEvents writes every answer the events give, in every
// format, as encoding/json does.
func TestPayloadJSONEvents(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob(filepath.Join("..", "..", "events", "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no events found: %v", err)
	}
	corpus, _ := filepath.Glob(filepath.Join("testdata", "fuzz", "FuzzMapping", "*"))
	page, _ := url.Parse(fuzzErrorPage)
	m := NewMapper(Options{TokenCookie: "aim_token", AllowedOrigins: fuzzOrigins, ErrorRedirectURL: page})
	written := 0
	for i, name := range append(files, corpus...) {
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		inCorpus := i >= len(files)
		if inCorpus {
			b = corpusInput(t, b)
		}
		req := m.Parse(b)
		for _, res := range []Result{
			Access("ac\"cess\\", "https://aim.example.com/AccountManagement?at=x&b=\"y\""),
			Failure(Problem{Code: CodeUpstreamTimeout}), Preflight(),
		} {
			a := m.answer(req, res)
			for _, f := range []Format{FormatREST, FormatHTTP, FormatUnknown, FormatALB, FormatALBMultiValue} {
				payload := f.encode(a)
				checkPayloadJSON(t, payload)
				_, ok := AppendPayloadJSON(nil, payload)
				if _, isALB := payload.(albResponse); !ok && !isALB && !inCorpus {
					t.Fatalf("%s: got the %v answer declined, want it written", name, f)
				}
				if ok {
					written++
				}
			}
		}
	}
	if written == 0 {
		t.Fatal("got every answer declined, want the API Gateway ones written")
	}
}

// TestPayloadJSONShapes covers what answers never hold today: nil and
// empty maps and slices, base64 bodies, escapes and bytes outside
// printable ASCII.
func TestPayloadJSONShapes(t *testing.T) {
	t.Parallel()
	for _, p := range []any{
		events.APIGatewayV2HTTPResponse{},
		events.APIGatewayProxyResponse{},
		events.APIGatewayV2HTTPResponse{StatusCode: 200, Headers: map[string]string{}, MultiValueHeaders: map[string][]string{"B": nil, "A": {}, "C": {"x", "y\\"}}, Cookies: []string{}, IsBase64Encoded: true, Body: `{"a":"\"q\""}`},
		events.APIGatewayProxyResponse{StatusCode: 302, Headers: map[string]string{"b": "1", "a": "2", "A": "3"}, Body: "<html>&</html>"},
		events.APIGatewayProxyResponse{StatusCode: 400, Body: "line\nbreak"},
		events.APIGatewayV2HTTPResponse{StatusCode: 400, Cookies: []string{"é=1"}},
		events.APIGatewayProxyResponse{StatusCode: 400, Headers: map[string]string{"k": "\x7f"}},
		events.APIGatewayProxyResponse{StatusCode: 400, MultiValueHeaders: map[string][]string{"k\u2028": {"v"}}},
		events.APIGatewayProxyResponse{StatusCode: 400, Body: "bad \xff utf-8"},
		albResponse{StatusCode: 403, StatusDescription: "403 Forbidden"},
	} {
		checkPayloadJSON(t, p)
	}
	if _, ok := AppendPayloadJSON(nil, events.APIGatewayProxyResponse{Body: "tab\t"}); ok {
		t.Error("got a tab written, want it left to encoding/json")
	}
}
