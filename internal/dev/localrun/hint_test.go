package localrun_test

import (
	"maps"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aimcards/customer-access-token/internal/dev/aimsandbox"
	"github.com/aimcards/customer-access-token/internal/dev/moto"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// holdMax bounds how long serviceHost holds GetEndPoint: a few seconds,
// under AIM_TIMEOUT, so that a hint never acted on is seen as such.
const holdMax = 3 * time.Second

// serviceHost plays AIM's service host apart from the store's host (the
// rig's sandbox at sbURL): it hands GetEndPoint to the sandbox as if sent
// to the store's host, so that discovery names the store's host, and holds
// it until until() is true or holdMax has passed, recording which.
type serviceHost struct {
	sandbox http.Handler
	store   string // host:port of the store's host

	mu    sync.Mutex
	until func() bool // nil: answer at once
	met   []bool      // per request: whether until() came true before it was answered
}

func (s *serviceHost) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	until := s.until
	s.mu.Unlock()
	met := until == nil
	for deadline := time.Now().Add(holdMax); !met && time.Now().Before(deadline) && r.Context().Err() == nil; time.Sleep(5 * time.Millisecond) {
		met = until()
	}
	s.mu.Lock()
	s.met = append(s.met, met)
	s.mu.Unlock()
	r.Host = s.store
	s.sandbox.ServeHTTP(w, r)
}

// hold makes later requests wait for until and returns how many were
// answered so far.
func (s *serviceHost) hold(until func() bool) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.until = until
	return len(s.met)
}

// since returns, for each request answered after the first n, whether
// until() came true before it was answered.
func (s *serviceHost) since(n int) []bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]bool(nil), s.met[n:]...)
}

// gotItems counts the GetItem calls to DynamoDB that the proxy in front of
// moto has answered, faults included (FaultProxy.Calls counts those received).
type gotItems struct {
	*moto.FaultProxy
	n atomic.Int64
}

func (g *gotItems) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	g.FaultProxy.ServeHTTP(w, r)
	if strings.HasSuffix(r.Header.Get("X-Amz-Target"), ".GetItem") {
		g.n.Add(1)
	}
}

// listener is a host nothing is ever sent to; it counts connections.
func listener(t *testing.T) (string, *atomic.Int64) {
	t.Helper()
	var n atomic.Int64
	u := serve(t, &http.Server{
		Handler: http.HandlerFunc(func(http.ResponseWriter, *http.Request) { t.Errorf("got a request to a hinted host, want none") }),
		ConnState: func(_ net.Conn, st http.ConnState) {
			if st == http.StateNew {
				n.Add(1)
			}
		},
	})
	return u, &n
}

// TestEndpointHint runs the endpoint hint of the README's "Where a cold
// start goes" through the bootstrap under the emulator, DynamoDB and
// Secrets Manager in moto, and AIM in the sandbox, its service host apart
// from the store's: a new environment keeps the store's endpoint in the
// table, the next one dials the store's host before GetEndPoint has
// answered, and a hint naming another host, or one AIM_ENDPOINT_HOSTS
// refuses, changes nothing a caller sees.
func TestEndpointHint(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	const table = "endpoint-hint-test"
	if err := r.moto.CreateLimitTable(t.Context(), table); err != nil {
		t.Fatal(err)
	}
	db := dynamodb.NewFromConfig(r.moto.AWSConfig())
	key := map[string]types.AttributeValue{"pk": &types.AttributeValueMemberS{Value: "aim-endpoint"}}
	item := func(t *testing.T) string {
		t.Helper()
		out, err := db.GetItem(t.Context(), &dynamodb.GetItemInput{TableName: aws.String(table), Key: key, ConsistentRead: aws.Bool(true)})
		if err != nil {
			t.Fatal(err)
		}
		v, _ := out.Item["endpoint"].(*types.AttributeValueMemberS)
		if v == nil {
			return ""
		}
		return v.Value
	}
	putItem := func(t *testing.T, endpoint string) {
		t.Helper()
		_, err := db.PutItem(t.Context(), &dynamodb.PutItemInput{TableName: aws.String(table), Item: map[string]types.AttributeValue{
			"pk": key["pk"], "endpoint": &types.AttributeValueMemberS{Value: endpoint},
		}})
		if err != nil {
			t.Fatal(err)
		}
	}

	storeURL, err := url.Parse(r.sbURL)
	if err != nil {
		t.Fatal(err)
	}
	svc := &serviceHost{sandbox: r.sb, store: storeURL.Host}
	ddb := &gotItems{FaultProxy: moto.NewFaultProxy(r.moto.URL)}
	env := map[string]string{
		"AIM_SERVICE_URL":           serve(t, &http.Server{Handler: svc}) + aimsandbox.ServicePath,
		"AWS_ENDPOINT_URL_DYNAMODB": serve(t, &http.Server{Handler: ddb}),
		"CLIENT_LIMIT_TABLE":        table,
	}
	// click starts a new environment with extra in its environment, holds
	// its GetEndPoint until until() and sends a click: 302 to the store's
	// card page, after one GetEndPoint. It returns whether until() came
	// true before GetEndPoint was answered, and where the environment's
	// output starts.
	click := func(t *testing.T, until func() bool, extra map[string]string) (met bool, logged int) {
		t.Helper()
		n, logged := svc.hold(until), len(r.out.String())
		f := r.start(t, merged(env, extra), 0)
		f.wantRedirect(t, f.invokeFile(t, goodEvent))
		held := svc.since(n)
		if len(held) == 0 {
			t.Fatalf("got no GetEndPoint call, want 1 (at init)")
		}
		if len(held) != 1 {
			t.Errorf("got %d GetEndPoint calls, want 1 (at init, within its budget)", len(held))
		}
		return held[0], logged
	}
	// clickReadingHint is click with GetEndPoint held until the table has
	// answered the hint's GetItem, so that init knows the hint by the time
	// discovery ends, as it does when the table is not slow; the table
	// works, so nothing is to be warned of.
	clickReadingHint := func(t *testing.T, extra map[string]string) {
		t.Helper()
		n := ddb.n.Load()
		met, logged := click(t, func() bool { return ddb.n.Load() > n }, extra)
		if !met {
			t.Errorf("got no GetItem of the hint answered before GetEndPoint was, want one at init")
		}
		if out := r.out.String()[logged:]; strings.Contains(out, "endpoint hint not") {
			t.Errorf("got a warning about the hint, want none: %s", out)
		}
	}

	t.Run("a new environment keeps the discovered endpoint", func(t *testing.T) {
		if got := item(t); got != "" {
			t.Fatalf("got hint %q before any environment ran, want none", got)
		}
		clickReadingHint(t, nil)
		if got := item(t); got != r.sbURL {
			t.Errorf("got hint %q, want the discovered endpoint %q", got, r.sbURL)
		}
	})

	t.Run("the next one dials the store's host before GetEndPoint answers", func(t *testing.T) {
		conns, puts := r.sb.Connections(), ddb.Calls("PutItem")
		if met, _ := click(t, func() bool { return r.sb.Connections() > conns }, nil); !met {
			t.Errorf("got GetEndPoint answered with no connection to the store's host, want the hinted host dialled beside discovery")
		}
		if n := r.sb.Connections() - conns; n != 1 {
			t.Errorf("got %d connections to the store's host, want 1 (the hint's, used by the click)", n)
		}
		if n := ddb.Calls("PutItem") - puts; n != 0 {
			t.Errorf("got %d writes of a hint that was right, want none", n)
		}
	})

	t.Run("a stale hint is dialled, then replaced", func(t *testing.T) {
		other, otherConns := listener(t)
		putItem(t, other)
		conns := r.sb.Connections()
		clickReadingHint(t, nil)
		if got := item(t); got != r.sbURL {
			t.Errorf("got hint %q, want it replaced by the discovered endpoint %q", got, r.sbURL)
		}
		if n := r.sb.Connections() - conns; n != 1 {
			t.Errorf("got %d connections to the store's host, want 1", n)
		}
		// The stale host was dialled (nothing sent: its handler fails the
		// test), which the next case relies on to see a refusal.
		deadline := time.Now().Add(10 * time.Second)
		for otherConns.Load() == 0 && time.Now().Before(deadline) {
			time.Sleep(10 * time.Millisecond)
		}
		if otherConns.Load() == 0 {
			t.Errorf("got no connection to the hinted host, want it dialled")
		}
	})

	t.Run("a hinted host AIM_ENDPOINT_HOSTS refuses is not dialled", func(t *testing.T) {
		other, otherConns := listener(t)
		putItem(t, other)
		clickReadingHint(t, map[string]string{"AIM_ENDPOINT_HOSTS": storeURL.Host})
		if got := item(t); got != r.sbURL {
			t.Errorf("got hint %q, want it replaced by the discovered endpoint %q", got, r.sbURL)
		}
		if n := otherConns.Load(); n != 0 {
			t.Errorf("got %d connections to a host AIM_ENDPOINT_HOSTS refuses, want none", n)
		}
	})

	t.Run("a table failing or slow changes nothing but a warning", func(t *testing.T) {
		defer ddb.ClearFault()
		for _, fault := range []struct {
			status int
			err    string
			delay  time.Duration
		}{{500, "InternalServerError", 0}, {0, "", 5 * time.Second}} {
			ddb.SetFault(fault.status, fault.err, fault.delay)
			conns, logged := r.sb.Connections(), len(r.out.String())
			click(t, nil, nil)
			if n := r.sb.Connections() - conns; n != 1 {
				t.Errorf("%s %s: got %d connections to the store's host, want 1 (dialled after discovery)", fault.err, fault.delay, n)
			}
			// The read ends on its own time, after init at worst.
			deadline := time.Now().Add(10 * time.Second)
			for !strings.Contains(r.out.String()[logged:], "endpoint hint not read") && time.Now().Before(deadline) {
				time.Sleep(10 * time.Millisecond)
			}
			if !strings.Contains(r.out.String()[logged:], "endpoint hint not read") {
				t.Errorf("%s %s: got no warning that the hint was not read within 10 s, want one", fault.err, fault.delay)
			}
		}
	})
	t.Run("nothing leaked", func(t *testing.T) { r.checkNoLeaks(t) })
}

// merged returns a's entries overridden by b's.
func merged(a, b map[string]string) map[string]string {
	m := maps.Clone(a)
	maps.Copy(m, b)
	return m
}
