package clientlimit_test

import (
	"bytes"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/aimcards/customer-access-token/internal/clientlimit"
	"github.com/aimcards/customer-access-token/internal/dev/moto"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// The real SDK against moto_server: two environments share one table, as
// template.yaml declares it (key pk, TTL on expires_at).
func TestSharedThroughDynamoDB(t *testing.T) {
	ctx := t.Context()
	db := moto.LimitTableForTest(t, "client-limits")
	now := time.Date(2026, 12, 1, 10, 0, 20, 0, time.UTC)
	var logs bytes.Buffer
	newEnv := func(table string) *clientlimit.Limiter {
		return clientlimit.New(clientlimit.Options{Limit: 3, Window: time.Minute, DB: db, Table: table,
			Now: func() time.Time { return now }, Logger: slog.New(slog.NewJSONHandler(&logs, nil))})
	}
	a, b := newEnv("client-limits"), newEnv("client-limits")
	for range 3 {
		a.Refused(ctx, "2001:db8:7::1")
	}
	if _, blocked := a.Blocked("2001:db8:7::2"); !blocked {
		t.Fatalf("got not blocked in the environment that counted 3 refusals, want blocked")
	}
	if _, blocked := b.Blocked("2001:db8:7::2"); blocked {
		t.Fatalf("got blocked in the other environment before it saw a refusal, want it to learn at its first")
	}
	b.Refused(ctx, "2001:db8:7::3")
	if wait, blocked := b.Blocked("2001:db8:7::4"); !blocked || wait != 40*time.Second {
		t.Fatalf("got (%v, %v) in the other environment after its first refusal, want (40s, true)", wait, blocked)
	}
	item, err := db.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String("client-limits"), Key: map[string]types.AttributeValue{
		"pk": &types.AttributeValueMemberS{Value: fmt.Sprintf("2001:db8:7::/64 %d", now.Truncate(time.Minute).Unix())},
	}})
	if err != nil {
		t.Fatal(err)
	}
	got := fmt.Sprint(item.Item["refusals"], " ", item.Item["expires_at"])
	want := fmt.Sprint(&types.AttributeValueMemberN{Value: "4"}, " ", &types.AttributeValueMemberN{Value: fmt.Sprint(now.Truncate(time.Minute).Add(time.Minute).Unix())})
	if got != want {
		t.Errorf("got item refusals and expires_at %s, want %s (4 refusals, expiring when the window ends)", got, want)
	}
	if logs.Len() != 0 {
		t.Errorf("got log lines %s, want none while the table works", logs.String())
	}

	// A table that does not exist fails every UpdateItem: the refusal is
	// logged and counted in memory.
	c := newEnv("no-such-table")
	for range 3 {
		c.Refused(ctx, "203.0.113.9")
	}
	if _, blocked := c.Blocked("203.0.113.9"); !blocked {
		t.Errorf("got not blocked after 3 refusals with a missing table, want blocked by the local count")
	}
	if n := strings.Count(logs.String(), "ResourceNotFoundException"); n != 3 {
		t.Errorf("got %d warnings naming ResourceNotFoundException, want 3; logs:\n%s", n, logs.String())
	}
}
