package aim_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aimcards/customer-access-token/internal/aim"
)

// TestDeadConnectionCostsOneCall: a connection that silently stops
// answering (a middlebox forgot the flow: no FIN, no reset) costs at most
// the call that finds it dead; the next call is answered on a new
// connection, over HTTP/1.1 and over HTTP/2.
func TestDeadConnectionCostsOneCall(t *testing.T) {
	for _, h2 := range []bool{false, true} {
		t.Run(map[bool]string{false: "HTTP/1.1", true: "HTTP/2"}[h2], func(t *testing.T) {
			t.Parallel()
			s := newTLSAIM(t, h2)
			p := newDroppingProxy(t, s.Listener.Addr().String())
			c := newClient(t, "https://"+p.addr(), func(o *aim.Options) { o.Timeout = 2 * time.Second })
			if _, err := c.GetEndPoint(context.Background(), apiKey); err != nil {
				t.Fatalf("GetEndPoint: %v", err)
			}
			p.dropOpen()
			if _, err := c.GetEndPoint(context.Background(), apiKey); err == nil {
				t.Fatalf("GetEndPoint on the dead connection: got an answer, want an error")
			}
			if _, err := c.GetEndPoint(context.Background(), apiKey); err != nil {
				t.Fatalf("GetEndPoint after one call lost: %v, want an answer on a new connection", err)
			}
			proto := map[bool]string{false: "HTTP/1.1", true: "HTTP/2.0"}[h2]
			if got := s.requests(); !strings.HasPrefix(got[len(got)-1], "GET "+proto+" ") || s.conns.Load() != 2 {
				t.Errorf("got requests %q on %d connections, want the last over %s on a second connection", got, s.conns.Load(), proto)
			}
		})
	}
}
