package synthetic

import (
	"bytes"
	"fmt"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/aimcards/customer-access-token/internal/dev/emfspec"
)

// TestCheckWritesOneRecord runs the check against answers a public URL can
// give: only AIM's refusal of the unknown token, as problem+json, is a
// pass. Each run writes one valid EMF record, PublicCheckSuccess by
// FunctionName, and one log line without the token.
func TestCheckWritesOneRecord(t *testing.T) {
	t.Parallel()
	problem := func(status int, code string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/problem+json")
			w.WriteHeader(status)
			_, _ = fmt.Fprintf(w, `{"status":%d,"code":%q}`, status, code)
		}
	}
	for _, tc := range []struct {
		name    string
		handler http.HandlerFunc
		want    float64
	}{
		{"refused as it should be", problem(401, "session_expired"), 1},
		{"function failing", problem(502, "upstream_error"), 0},
		{"token lost on the way", problem(401, "missing_token"), 0},
		{"API Gateway's own error", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(500)
			_, _ = w.Write([]byte(`{"message":"Internal Server Error"}`))
		}, 0},
		{"a redirect", func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, "https://aim.example/x", http.StatusFound)
		}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var got http.Header
			var query string
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				got, query = r.Header.Clone(), r.URL.RawQuery
				tc.handler(w, r)
			}))
			defer srv.Close()
			var out, logs bytes.Buffer
			c, err := NewCheck(CheckOptions{Client: &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }},
				Namespace: "Test/NS", FunctionName: "cat-fn", Metrics: &out, Logger: slog.New(slog.NewJSONHandler(&logs, nil))})
			if err != nil {
				t.Fatal(err)
			}
			if ok := c.Run(t.Context(), srv.URL+"/customer-access-token"); ok != (tc.want == 1) {
				t.Errorf("got pass %v, want %v", ok, tc.want == 1)
			}
			if got.Get("Token") != unknownToken || got.Get("Accept") != "application/json" || got.Get("Synthetic-Check") != markOutside || query != "format=json" {
				t.Errorf("got request ?%s with %v, want a storefront script's JSON request marked outside-in", query, got)
			}
			wantRecord(t, out.String(), tc.want)
			if strings.Count(logs.String(), "\n") != 1 || strings.Contains(logs.String(), unknownToken) {
				t.Errorf("got log %s, want one line without the token", logs.String())
			}
		})
	}
}

// TestCheckAPIDown: nothing listening is a failure, recorded as 0.
func TestCheckAPIDown(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close()
	var out bytes.Buffer
	c, err := NewCheck(CheckOptions{Namespace: "Test/NS", FunctionName: "cat-fn", Metrics: &out, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	if c.Run(t.Context(), url) {
		t.Error("got a pass with nothing listening, want a failure")
	}
	wantRecord(t, out.String(), 0)
}

// wantRecord checks out is one valid EMF record holding only
// PublicCheckSuccess = want by FunctionName cat-fn in Test/NS.
func wantRecord(t *testing.T, out string, want float64) {
	t.Helper()
	if strings.Count(out, "\n") != 1 {
		t.Fatalf("got %q, want one record", out)
	}
	data, err := emfspec.Extract([]byte(out))
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if len(data) != 1 || data[0].Name != MetricPublicCheckSuccess || data[0].Namespace != "Test/NS" ||
		!maps.Equal(data[0].Dimensions, map[string]string{"FunctionName": "cat-fn"}) || data[0].Values[0] != want {
		t.Errorf("got %+v, want PublicCheckSuccess %v by FunctionName cat-fn in Test/NS", data, want)
	}
}
