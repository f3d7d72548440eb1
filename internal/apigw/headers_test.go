package apigw

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
)

// allHeaders is every header of a decodable event, keyed lower-case, as
// the event was read before only the read headers were kept.
func allHeaders(raw []byte) map[string][]string {
	var p payload
	if json.Unmarshal(raw, &p) != nil {
		return nil
	}
	out := map[string][]string{}
	if p.Version == "2.0" {
		p.MultiValueHeaders = nil
	}
	for k, v := range p.MultiValueHeaders {
		out[strings.ToLower(k)] = append(out[strings.ToLower(k)], v...)
	}
	if len(p.MultiValueHeaders) > 0 {
		return out
	}
	for k, v := range p.Headers {
		out[strings.ToLower(k)] = append(out[strings.ToLower(k)], v)
	}
	return out
}

// checkHeaders fails when a header the function reads lost or gained a
// value against every header read in full.
func checkHeaders(t *testing.T, payload []byte) {
	t.Helper()
	ev, err := decode(payload)
	if err != nil || (ev.Format != FormatHTTP && ev.Format != FormatREST) {
		return
	}
	all := allHeaders(payload)
	for _, name := range []string{"origin", "accept", "token", "authorization", "deviceid", "cookie"} {
		got, want := slices.Sorted(slices.Values(ev.Headers[name])), slices.Sorted(slices.Values(all[name]))
		if !slices.Equal(got, want) {
			t.Fatalf("header %s: got %q, want %q", name, got, want)
		}
	}
	for name := range ev.Headers {
		if !readHeader(name) {
			t.Fatalf("got header %s kept, want only the read ones", name)
		}
	}
}

func TestHeaderUnreadNamePanics(t *testing.T) {
	t.Parallel()
	defer func() {
		if recover() == nil {
			t.Error("got no panic for a header lowerKeys leaves out, want one")
		}
	}()
	event{}.Header("X-Forwarded-For")
}

func TestHeadersKeptAsRead(t *testing.T) {
	t.Parallel()
	for _, payload := range [][]byte{
		[]byte(`{"version":"2.0","requestContext":{"http":{"method":"GET"}},"headers":{"Origin":"a","origin":"b","Host":"h","COOKIE":"c=1"}}`),
		[]byte(`{"httpMethod":"GET","headers":{"Accept":"x"},"multiValueHeaders":{"Accept":["x","y"],"accept":["z"],"DeviceId":["d"],"Host":["h"]}}`),
		[]byte(`{"httpMethod":"GET","headers":{"Token":"t","Authorization":"Bearer b","X-Other":"o"}}`),
	} {
		checkHeaders(t, payload)
	}
}
