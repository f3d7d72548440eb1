package aimsandbox

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

const catPath = "/api/CustomerAccessToken?Mode=UPDATE_CARD&ItemKey=9001"

func TestFaultStatus(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		fault      Fault
		wantStatus int
		wantMsg    string
		wantRetry  string
	}{
		{"ServerError", ServerError(), 500, "Object reference not set to an instance of an object.", ""},
		{"Throttled", Throttled("7"), 429, "Too many requests", "7"},
		{"Unauthorized", Unauthorized(), 401, "Invalid ApiKey", ""},
		{"custom", Fault{Status: 409, Code: "Conflict", Message: "busy"}, 409, "busy", ""},
	}
	sb, srv := newServer(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sb.SetFault(OpCustomerAccessToken, tt.fault)
			resp, body := call(t, srv, http.MethodGet, catPath, goodHeaders())
			wantError(t, resp, body, tt.wantStatus, tt.wantMsg)
			if got := resp.Header.Get("Retry-After"); got != tt.wantRetry {
				t.Errorf("got Retry-After %q, want %q", got, tt.wantRetry)
			}
			if got := decode[serviceStackError](t, body).ResponseStatus.ErrorCode; got != tt.fault.Code {
				t.Errorf("got ErrorCode %q, want %q", got, tt.fault.Code)
			}
		})
	}
}

func TestFaultBody(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		fault      Fault
		wantStatus int
		wantType   string
	}{
		{"HTMLPage", HTMLPage(), 200, "text/html; charset=utf-8"},
		{"TruncatedJSON", TruncatedJSON(), 200, jsonType},
		{"with status", Fault{Status: 502, Body: "Bad Gateway", ContentType: "text/plain"}, 502, "text/plain"},
	}
	sb, srv := newServer(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sb.SetFault(OpCustomerAccessToken, tt.fault)
			resp, body := call(t, srv, http.MethodGet, catPath, goodHeaders())
			if resp.StatusCode != tt.wantStatus {
				t.Errorf("got status %d, want %d", resp.StatusCode, tt.wantStatus)
			}
			if got := resp.Header.Get("Content-Type"); got != tt.wantType {
				t.Errorf("got Content-Type %q, want %q", got, tt.wantType)
			}
			if string(body) != tt.fault.Body {
				t.Errorf("got body %q, want %q", body, tt.fault.Body)
			}
		})
	}
}

func TestFaultStatusError(t *testing.T) {
	t.Parallel()
	sb, srv := newServer(t)
	sb.SetFault(OpCustomerAccessToken, Rejected("CardsDisabled", "Card management is turned off."))
	resp, body := call(t, srv, http.MethodGet, catPath, goodHeaders())
	if resp.StatusCode != http.StatusOK {
		t.Errorf("got status %d, want 200", resp.StatusCode)
	}
	got := decode[accessTokenReply](t, body)
	if got.AccountManagementURL != "" || got.Token != "" {
		t.Errorf("got URL %q and Token %q, want neither", got.AccountManagementURL, got.Token)
	}
	if got.Status.ErrorCode != "CardsDisabled" || got.Status.ErrorDisplayText != "Card management is turned off." {
		t.Errorf("got Status %+v, want the fault's", got.Status)
	}
}

func TestFaultOversize(t *testing.T) {
	t.Parallel()
	for _, op := range []struct {
		op   Op
		path string
	}{{OpCustomerAccessToken, catPath}, {OpGetEndPoint, "/aeservices30/api/GetEndPoint"}} {
		sb, srv := newServer(t)
		const size = 1 << 20
		sb.SetFault(op.op, Fault{Oversize: size})
		resp, body := call(t, srv, http.MethodGet, op.path, goodHeaders())
		if len(body) != size || resp.ContentLength != size {
			t.Errorf("%s: got %d bytes (Content-Length %d), want %d", op.op, len(body), resp.ContentLength, size)
		}
		var v struct{ Status *json.RawMessage }
		if err := json.Unmarshal(body, &v); err != nil {
			t.Errorf("%s: got invalid JSON: %v", op.op, err)
		}
		if v.Status == nil {
			t.Errorf("%s: got no Status in the padded answer, want the normal answer's fields", op.op)
		}
	}
}

func TestPad(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		rep  reply
		n    int
		want string
	}{
		{"object", reply{contentType: jsonType, body: []byte(`{"a":1}`)}, 22, `{"Padding":"xx","a":1}`},
		{"empty object", reply{contentType: jsonType, body: []byte(`{}`)}, 16, `{"Padding":"xx"}`},
		{"too small to pad as JSON", reply{contentType: jsonType, body: []byte(`{"a":1}`)}, 10, `{"a":1}   `},
		{"already big enough", reply{contentType: jsonType, body: []byte(`{"a":1}`)}, 3, `{"a":1}`},
		{"html", reply{contentType: "text/html", body: []byte(`<p>`)}, 5, `<p>  `},
	}
	for _, tt := range tests {
		if got := string(pad(tt.rep, tt.n).body); got != tt.want {
			t.Errorf("%s: pad to %d: got %q, want %q", tt.name, tt.n, got, tt.want)
		}
	}
}

func TestFaultReset(t *testing.T) {
	t.Parallel()
	sb, srv := newServer(t)
	call(t, srv, http.MethodGet, catPath, goodHeaders()) // leaves an idle keep-alive connection
	// Go's Transport retries a GET once when a reused connection fails, so
	// the fault must outlast that retry.
	sb.SetFault(OpCustomerAccessToken, Fault{Reset: true, Times: 2})
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, srv.URL+catPath, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header = goodHeaders()
	resp, err := srv.Client().Do(req)
	if err == nil {
		resp.Body.Close()
		t.Fatalf("got status %d, want a connection error", resp.StatusCode)
	}
	if got := sb.Calls(OpCustomerAccessToken); got != 3 {
		t.Errorf("got %d calls, want 3 (one good, then the reset GET and its retry)", got)
	}
	if resp, body := call(t, srv, http.MethodGet, catPath, goodHeaders()); resp.StatusCode != http.StatusOK {
		t.Errorf("after the reset: got status %d, want 200 (body %s)", resp.StatusCode, body)
	}
}

func TestFaultDelayAnswersNormally(t *testing.T) {
	t.Parallel()
	sb, srv := newServer(t)
	sb.SetFault(OpCustomerAccessToken, Slow(time.Millisecond))
	resp, body := call(t, srv, http.MethodGet, catPath, goodHeaders())
	if resp.StatusCode != http.StatusOK || decode[accessTokenReply](t, body).AccountManagementURL == "" {
		t.Errorf("got status %d and %s, want a normal answer", resp.StatusCode, body)
	}
}

func TestFaultDelayRespectsCancellation(t *testing.T) {
	t.Parallel()
	sb, srv := newServer(t)
	sb.SetFault(OpCustomerAccessToken, Slow(time.Hour))
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Millisecond)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+catPath, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header = goodHeaders()
	resp, err := srv.Client().Do(req)
	if err == nil {
		resp.Body.Close()
	}
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("got error %v, want the client's deadline", err)
	}
	// Close waits for running handlers: it returns only if the delay ended
	// with the request.
	srv.Close()
}

func TestDelayedHandlerWritesNothingWhenCancelled(t *testing.T) {
	t.Parallel()
	for _, sb := range []*Sandbox{
		New(Config{APIKey: testAPIKey, AppID: testAppID, Latency: time.Hour}),
		func() *Sandbox {
			sb := New(Config{APIKey: testAPIKey, AppID: testAppID})
			sb.SetFault(OpGetEndPoint, Slow(time.Hour))
			return sb
		}(),
	} {
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		req := httptest.NewRequestWithContext(ctx, http.MethodGet, "/aeservices30/api/GetEndPoint", nil)
		rec := httptest.NewRecorder()
		sb.ServeHTTP(rec, req)
		if rec.Body.Len() != 0 || len(rec.Header()) != 0 {
			t.Errorf("got headers %v and body %q, want nothing written", rec.Header(), rec.Body)
		}
	}
}

func TestFaultTimesCountsDown(t *testing.T) {
	t.Parallel()
	sb, srv := newServer(t)
	sb.SetFault(OpCustomerAccessToken, Fault{Status: 500, Times: 2})
	var got []int
	for range 3 {
		resp, _ := call(t, srv, http.MethodGet, catPath, goodHeaders())
		got = append(got, resp.StatusCode)
	}
	if diff := cmp.Diff([]int{500, 500, 200}, got); diff != "" {
		t.Errorf("statuses mismatch (-want +got):\n%s", diff)
	}
}

func TestFaultWithoutTimesLastsUntilCleared(t *testing.T) {
	t.Parallel()
	sb, srv := newServer(t)
	sb.SetFault(OpGetCustomerTokens, ServerError())
	for range 3 {
		if resp, _ := call(t, srv, http.MethodGet, "/api/GetCustomerTokens", goodHeaders()); resp.StatusCode != 500 {
			t.Errorf("got status %d, want 500 until cleared", resp.StatusCode)
		}
	}
	if resp, _ := call(t, srv, http.MethodGet, catPath, goodHeaders()); resp.StatusCode != 200 {
		t.Errorf("other op: got status %d, want 200", resp.StatusCode)
	}
	sb.ClearFaults()
	if resp, _ := call(t, srv, http.MethodGet, "/api/GetCustomerTokens", goodHeaders()); resp.StatusCode != 200 {
		t.Errorf("after ClearFaults: got status %d, want 200", resp.StatusCode)
	}
}
