package localrun_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"maps"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/aimcards/customer-access-token/internal/dev/aimsandbox"
	"github.com/aimcards/customer-access-token/internal/dev/devserver"
	"github.com/aimcards/customer-access-token/internal/dev/devutil"
	"github.com/aimcards/customer-access-token/internal/dev/localrun"
	"github.com/aimcards/customer-access-token/internal/dev/rie"
)

// The abuse run (README: Per-client limits).
const (
	abuseRun     = 25 * time.Second
	abuseWarmup  = 10 * time.Second
	junkInterval = 20 * time.Millisecond // 50 requests/s
	junkInFlight = 8                     // a tick with that many requests open sends none
	junkToken    = "junk-token-not-a-session"
	limitTable   = "client-limits"
	shippedLimit = 5 // the function's default CLIENT_LIMIT, per 1m window
)

// TestAbuseRun sends, through the local API, 50 requests/s with a junk
// token and a customer's click once a second for 25 s to two environments
// of the function that share the limit table in moto, with the function's
// default limit: from two browsers calling directly (127.0.0.2 and
// 127.0.0.3), and from a trusted server (127.0.0.4, in TRUSTED_PROXIES)
// that names each in X-Forwarded-For. At least 99 % of the clicks must get
// their 302, and after the first 10 s the junk may reach AIM at most once a
// second.
func TestAbuseRun(t *testing.T) {
	t.Run("browsers calling directly", func(t *testing.T) {
		abuse(t, nil, clientFrom("127.0.0.2"), clientFrom("127.0.0.3"))
	})
	t.Run("a trusted server forwarding both", func(t *testing.T) {
		server := func(forwarded string) *http.Client {
			c := clientFrom("127.0.0.4")
			c.Transport = forwardedFor{c.Transport, forwarded}
			return c
		}
		abuse(t, map[string]string{"TRUSTED_PROXIES": "127.0.0.4/32"}, server("203.0.113.2"), server("203.0.113.3"))
	})
}

// forwardedFor names a customer's address in X-Forwarded-For, as a store's
// server does when it calls for that customer.
type forwardedFor struct {
	http.RoundTripper
	addr string
}

func (f forwardedFor) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("X-Forwarded-For", f.addr)
	return f.RoundTripper.RoundTrip(r)
}

// abuse is one abuse run with the junk and the customer's clicks sent by
// the clients given, and env added to the function's environment.
func abuse(t *testing.T, extraEnv map[string]string, junk, customer *http.Client) {
	shared := needStack(t)
	ctx, cancel := context.WithTimeout(t.Context(), abuseRun+2*time.Minute)
	defer cancel()
	var out devutil.Buffer
	env := map[string]string{"CLIENT_LIMIT": "", "CLIENT_LIMIT_WINDOW": "", "CLIENT_LIMIT_TABLE": limitTable}
	maps.Copy(env, extraEnv)
	s, err := localrun.Start(ctx, localrun.Options{Bootstrap: shared.Bootstrap, Output: &out, Env: env})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Moto.CreateLimitTable(ctx, limitTable); err != nil {
		t.Fatal(err)
	}
	bin, err := rie.Find()
	if err != nil {
		t.Fatal(err)
	}
	second, err := rie.Start(ctx, bin, rie.Options{Bootstrap: shared.Bootstrap, Env: localrun.FunctionEnv(s.SandboxURL, s.Moto.Env(), env),
		Stdout: &out, Stderr: &out, Timeout: localrun.FunctionTimeout})
	if err != nil {
		t.Fatal(err)
	}
	defer second.Stop()
	api := serve(t, &http.Server{Handler: devserver.New(&environments{emus: []*rie.Emulator{s.Emulator, second}}, slog.New(slog.DiscardHandler))}) + devserver.Path

	// The first refusals come at once and may take a while on a loaded
	// machine: started away from a minute's boundary, each is logged in
	// the window it was counted in.
	if now := time.Now(); now.Second() >= 50 {
		time.Sleep(time.Until(now.Truncate(time.Minute).Add(time.Minute + time.Second)))
	}
	start := time.Now()
	var junkAnswers sync.Map // status -> *atomic.Int64
	var sent, skipped int
	var wg sync.WaitGroup
	clicks := make(chan int, 1)
	go func() { clicks <- clickEverySecond(ctx, t, customer, api, s.SandboxURL) }()
	var atWarmup int
	warm, done := time.After(abuseWarmup), time.After(abuseRun)
	tick := time.NewTicker(junkInterval)
	defer tick.Stop()
	inFlight := make(chan struct{}, junkInFlight)
loop:
	for {
		select {
		case <-tick.C:
			select {
			case inFlight <- struct{}{}:
			default:
				skipped++
				continue
			}
			sent++
			wg.Add(1)
			go func() {
				defer func() { <-inFlight; wg.Done() }()
				status := get(ctx, junk, api+"?Mode=ADD_CUSTOMER_CARD", junkToken)
				n, _ := junkAnswers.LoadOrStore(status, &atomic.Int64{})
				n.(*atomic.Int64).Add(1)
			}()
		case <-warm:
			atWarmup = s.Sandbox.TokenCalls(junkToken)
		case <-done:
			break loop
		}
	}
	measured := time.Since(start) - abuseWarmup
	afterWarmup := s.Sandbox.TokenCalls(junkToken) - atWarmup
	wg.Wait()
	ok := <-clicks
	total := int(abuseRun / time.Second)

	answers := map[int]int64{}
	junkAnswers.Range(func(k, v any) bool { answers[k.(int)] = v.(*atomic.Int64).Load(); return true })
	t.Logf("junk: %d requests sent (%.1f/s; %d ticks skipped with %d open), answers by status %v; junk at AIM: %d CustomerAccessToken calls in all, %d in the %.1f s after the first %s (%.2f/s); customer: %d of %d clicks got their 302",
		sent, float64(sent)/abuseRun.Seconds(), skipped, junkInFlight, answers, s.Sandbox.TokenCalls(junkToken), afterWarmup, measured.Seconds(), abuseWarmup, float64(afterWarmup)/measured.Seconds(), ok, total)
	if ok*100 < total*99 {
		t.Errorf("got %d of %d customer clicks answered 302, want at least 99 %%", ok, total)
	}
	if rate := float64(afterWarmup) / measured.Seconds(); rate > 1 {
		t.Errorf("got the junk token at AIM %.2f times/s after the first %s, want at most 1", rate, abuseWarmup)
	}
	if answers[http.StatusTooManyRequests] == 0 || int(answers[http.StatusTooManyRequests]+answers[http.StatusUnauthorized]) != sent {
		t.Errorf("got junk answers %v for %d requests, want each a 401 or a 429, most of them 429", answers, sent)
	}
	if err := s.Close(); err != nil { // waits for the output to be read
		t.Fatal(err)
	}
	_ = second.Stop()
	logs := out.String()
	// Each refusal the junk client saw was counted in the shared table: at
	// most LIMIT + one per environment in each window, by the log's clock.
	perWindow := refusalsPerWindow(t, logs)
	for w, n := range perWindow {
		if n > shippedLimit+2 {
			t.Errorf("got %d refusals (401) for the junk client in the window from %s, want at most %d (limit %d + 2 environments)", n, w.Format(time.TimeOnly), shippedLimit+2, shippedLimit)
		}
	}
	if total := sumValues(perWindow); int64(total) != answers[http.StatusUnauthorized] {
		t.Errorf("got %d 401 invocation lines in the log, want one per 401 answered (%d)", total, answers[http.StatusUnauthorized])
	}
	t.Logf("junk refusals per window: %v", perWindow)
	if !strings.Contains(logs, `"code":"too_many_requests"`) || strings.Contains(logs, "client limit: refusal counted in this environment only") {
		t.Errorf("got no invocation line with code too_many_requests, or a table failure, in the function's output")
	}
	var secrets secretSet
	for _, v := range []string{s.APIKey, s.OAuthToken, aimsandbox.TestCustomerToken, junkToken} {
		secrets.add(v)
	}
	if leaks := secrets.leaks(logs); len(leaks) > 0 {
		t.Errorf("got secret values %v in the function's output, want none", leaks)
	}
}

// environments sends each event to the next function environment in turn,
// as Lambda spreads requests over warm environments.
type environments struct {
	emus []*rie.Emulator
	next atomic.Int64
}

func (e *environments) Respond(ctx context.Context, event []byte) (events.APIGatewayV2HTTPResponse, error) {
	emu := e.emus[int(e.next.Add(1))%len(e.emus)]
	var r events.APIGatewayV2HTTPResponse
	body, _, err := emu.Invoke(ctx, event)
	if err == nil {
		err = json.Unmarshal(body, &r)
	}
	return r, err
}

// clientFrom is an HTTP client whose connections leave from the loopback
// address ip, so the local API reports ip as the caller's sourceIp. It
// does not follow redirects.
func clientFrom(ip string) *http.Client {
	dialer := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}}
	return &http.Client{
		Transport:     &http.Transport{DialContext: dialer.DialContext, MaxIdleConnsPerHost: junkInFlight},
		Timeout:       localrun.FunctionTimeout + 5*time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// get sends a GET with the customer token tok and returns the status, 0
// when no answer came.
func get(ctx context.Context, c *http.Client, url, tok string) int {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return 0
	}
	req.Header.Set("Token", tok)
	resp, err := c.Do(req)
	if err != nil {
		return 0
	}
	resp.Body.Close()
	return resp.StatusCode
}

// clickEverySecond clicks the button as the signed-in test customer once a
// second for the run, and returns how many clicks got a 302 to the card page.
func clickEverySecond(ctx context.Context, t *testing.T, c *http.Client, api, sandboxURL string) int {
	ok := 0
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for range int(abuseRun / time.Second) {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, api+"?Mode=ADD_CUSTOMER_CARD", nil)
		req.Header.Set("Token", aimsandbox.TestCustomerToken)
		resp, err := c.Do(req)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusFound && strings.HasPrefix(resp.Header.Get("Location"), sandboxURL+"/AccountManagement?at=") {
				ok++
			} else {
				t.Logf("customer click: got %d %s, want 302 to the card page", resp.StatusCode, resp.Header.Get("Location"))
			}
		} else {
			t.Logf("customer click: %v", err)
		}
		select {
		case <-tick.C:
		case <-ctx.Done():
			return ok
		}
	}
	return ok
}

// refusalsPerWindow counts the invocation lines answered 401 in each
// minute of the CLIENT_LIMIT_WINDOW default, by their timestamps.
func refusalsPerWindow(t *testing.T, logs string) map[time.Time]int {
	t.Helper()
	counts := map[time.Time]int{}
	for line := range strings.Lines(logs) {
		var l struct {
			Msg       string    `json:"msg"`
			Status    int       `json:"status"`
			Timestamp time.Time `json:"timestamp"`
		}
		if json.Unmarshal([]byte(line), &l) != nil || l.Msg != "invocation" || l.Status != http.StatusUnauthorized {
			continue
		}
		if l.Timestamp.IsZero() {
			t.Fatalf("got an invocation line without a timestamp: %s", line)
		}
		counts[l.Timestamp.Truncate(time.Minute)]++
	}
	return counts
}

func sumValues(m map[time.Time]int) (n int) {
	for _, v := range m {
		n += v
	}
	return n
}
