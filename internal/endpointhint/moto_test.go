package endpointhint_test

import (
	"strings"
	"testing"

	"github.com/aimcards/customer-access-token/internal/dev/moto"
	"github.com/aimcards/customer-access-token/internal/endpointhint"
)

// The real SDK against moto_server, in the per-client limit's table as
// template.yaml declares it: no hint, then the one put, then a new one.
func TestHintThroughDynamoDB(t *testing.T) {
	ctx := t.Context()
	db := moto.LimitTableForTest(t, "client-limits")
	hint := endpointhint.Table{DB: db, Name: "client-limits"}
	if got, err := hint.Get(ctx); got != "" || err != nil {
		t.Fatalf("empty table: got (%q, %v), want no hint and no error", got, err)
	}
	for _, want := range []string{"https://10846.active-e.net:7890", "https://10846b.active-e.net"} {
		if err := hint.Put(ctx, want); err != nil {
			t.Fatal(err)
		}
		// Another environment reads what this one put.
		other := endpointhint.Table{DB: db, Name: "client-limits"}
		if got, err := other.Get(ctx); got != want || err != nil {
			t.Errorf("got (%q, %v), want (%q, nil)", got, err, want)
		}
	}

	missing := endpointhint.Table{DB: db, Name: "no-such-table"}
	if got, err := missing.Get(ctx); got != "" || err == nil || !strings.Contains(err.Error(), "ResourceNotFoundException") {
		t.Errorf("missing table: got (%q, %v), want no hint and an error naming ResourceNotFoundException", got, err)
	}
	if err := missing.Put(ctx, "https://10846.active-e.net"); err == nil || !strings.HasPrefix(err.Error(), "endpoint hint: put:") {
		t.Errorf("missing table: got Put error %v, want one starting endpoint hint: put:", err)
	}
}
