package clientlimit

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// updateItemFunc is a hand-written DynamoDB fake.
type updateItemFunc func(in *dynamodb.UpdateItemInput) (*dynamodb.UpdateItemOutput, error)

func (f updateItemFunc) UpdateItem(_ context.Context, in *dynamodb.UpdateItemInput, _ ...func(*dynamodb.Options)) (*dynamodb.UpdateItemOutput, error) {
	return f(in)
}

// clock is a settable time source.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

// t0 is 20 s into a minute: the window [10:00:00, 10:01:00) has 40 s left.
var t0 = time.Date(2026, 12, 1, 10, 0, 20, 0, time.UTC)

func newLimiter(db UpdateItemAPI, c *clock, logs *bytes.Buffer) *Limiter {
	return New(Options{Limit: 3, Window: time.Minute, DB: db, Table: "limits", Now: c.now,
		Logger: slog.New(slog.NewJSONHandler(logs, nil))})
}

func refuse(l *Limiter, ip string, n int) {
	for range n {
		l.Refused(context.Background(), ip)
	}
}

func TestBlockedForTheRestOfTheWindow(t *testing.T) {
	c := &clock{t: t0}
	l := newLimiter(nil, c, &bytes.Buffer{})
	refuse(l, "203.0.113.7", 2)
	if _, blocked := l.Blocked("203.0.113.7"); blocked {
		t.Fatalf("got blocked after 2 refusals, want not blocked below the limit of 3")
	}
	refuse(l, "203.0.113.7", 1)
	if wait, blocked := l.Blocked("203.0.113.7"); !blocked || wait != 40*time.Second {
		t.Fatalf("got (%v, %v) after 3 refusals, want (40s, true): blocked until the window ends", wait, blocked)
	}
	if _, blocked := l.Blocked("203.0.113.8"); blocked {
		t.Errorf("got another address blocked, want only the refused one")
	}
	c.t = t0.Add(39 * time.Second)
	if wait, blocked := l.Blocked("203.0.113.7"); !blocked || wait != time.Second {
		t.Errorf("got (%v, %v) one second before the window ends, want (1s, true)", wait, blocked)
	}
	c.t = t0.Add(40 * time.Second)
	if _, blocked := l.Blocked("203.0.113.7"); blocked {
		t.Errorf("got blocked in the next window, want a fresh count")
	}
	refuse(l, "203.0.113.7", 2)
	if _, blocked := l.Blocked("203.0.113.7"); blocked {
		t.Errorf("got blocked after 2 refusals in the new window, want the old window's count forgotten")
	}
}

func TestClientKeys(t *testing.T) {
	tests := []struct{ ip, want string }{
		{"203.0.113.7", "203.0.113.7"},
		{"::ffff:203.0.113.7", "203.0.113.7"},
		{"2001:db8:1:2:aaaa::1", "2001:db8:1:2::/64"},
		{"2001:db8:1:2:ffff:ffff:ffff:ffff", "2001:db8:1:2::/64"},
		{"fe80::1%eth0", "fe80::/64"},
		{"", ""},
		{"not an address", ""},
		{"203.0.113.7:443", ""},
	}
	for _, tt := range tests {
		if got := Client(tt.ip); got != tt.want {
			t.Errorf("Client(%q) = %q, want %q", tt.ip, got, tt.want)
		}
	}
}

func TestIPv6CountsByPrefix(t *testing.T) {
	l := newLimiter(nil, &clock{t: t0}, &bytes.Buffer{})
	refuse(l, "2001:db8:1:2::1", 1)
	refuse(l, "2001:db8:1:2::2", 1)
	refuse(l, "2001:db8:1:2:dead:beef:0:3", 1)
	if _, blocked := l.Blocked("2001:db8:1:2::99"); !blocked {
		t.Errorf("got a fourth address of the same /64 not blocked after 3 refusals in that /64, want blocked")
	}
	if _, blocked := l.Blocked("2001:db8:1:3::1"); blocked {
		t.Errorf("got the next /64 blocked, want another subscriber left alone")
	}
}

func TestUnknownAddressIsNeverCounted(t *testing.T) {
	calls := 0
	db := updateItemFunc(func(*dynamodb.UpdateItemInput) (*dynamodb.UpdateItemOutput, error) {
		calls++
		return nil, errors.New("unexpected")
	})
	l := newLimiter(db, &clock{t: t0}, &bytes.Buffer{})
	refuse(l, "", 5)
	if _, blocked := l.Blocked(""); blocked || calls != 0 {
		t.Errorf("got blocked=%v and %d UpdateItem calls for a request without an address, want false and 0", blocked, calls)
	}
}

func TestOffCostsNothing(t *testing.T) {
	calls := 0
	db := updateItemFunc(func(*dynamodb.UpdateItemInput) (*dynamodb.UpdateItemOutput, error) {
		calls++
		return nil, errors.New("unexpected")
	})
	l := New(Options{Limit: 0, Window: time.Minute, DB: db, Table: "limits"})
	refuse(l, "203.0.113.7", 50)
	if _, blocked := l.Blocked("203.0.113.7"); blocked || calls != 0 {
		t.Errorf("got blocked=%v and %d UpdateItem calls with Limit 0, want false and 0", blocked, calls)
	}
}

// A refusal adds one to the client's item of the current window, which
// expires when the window ends, and the table's count is what counts.
func TestSharedCount(t *testing.T) {
	var got []*dynamodb.UpdateItemInput
	shared := 0
	db := updateItemFunc(func(in *dynamodb.UpdateItemInput) (*dynamodb.UpdateItemOutput, error) {
		got = append(got, in)
		shared++
		return &dynamodb.UpdateItemOutput{Attributes: map[string]types.AttributeValue{
			"refusals": &types.AttributeValueMemberN{Value: fmt.Sprint(shared)},
		}}, nil
	})
	c := &clock{t: t0}
	l := newLimiter(db, c, &bytes.Buffer{})
	shared = 1 // another environment refused this client once already
	refuse(l, "203.0.113.7", 1)
	if _, blocked := l.Blocked("203.0.113.7"); blocked {
		t.Fatalf("got blocked at a shared count of 2, want not blocked below 3")
	}
	refuse(l, "203.0.113.7", 1)
	if _, blocked := l.Blocked("203.0.113.7"); !blocked {
		t.Fatalf("got not blocked at a shared count of 3 (2 refusals here), want blocked")
	}
	if len(got) != 2 {
		t.Fatalf("got %d UpdateItem calls, want one per refusal (2)", len(got))
	}
	start := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC).Unix()
	want := &dynamodb.UpdateItemInput{
		TableName:        aws.String("limits"),
		Key:              map[string]types.AttributeValue{"pk": &types.AttributeValueMemberS{Value: fmt.Sprintf("203.0.113.7 %d", start)}},
		UpdateExpression: aws.String("ADD refusals :one SET expires_at = :end"),
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":one": &types.AttributeValueMemberN{Value: "1"},
			":end": &types.AttributeValueMemberN{Value: fmt.Sprint(start + 60)},
		},
		ReturnValues: types.ReturnValueUpdatedNew,
	}
	if diff := cmp.Diff(want, got[0], cmpopts.IgnoreUnexported(dynamodb.UpdateItemInput{}, types.AttributeValueMemberS{}, types.AttributeValueMemberN{})); diff != "" {
		t.Errorf("UpdateItem input (-want +got):\n%s", diff)
	}
}

// A failing table never fails a refusal: it is logged, and the
// environment's own count still blocks the client.
func TestTableFailureFallsBackToMemory(t *testing.T) {
	for name, db := range map[string]updateItemFunc{
		"error": func(*dynamodb.UpdateItemInput) (*dynamodb.UpdateItemOutput, error) {
			return nil, errors.New("ResourceNotFoundException: no such table")
		},
		"no count": func(*dynamodb.UpdateItemInput) (*dynamodb.UpdateItemOutput, error) {
			return &dynamodb.UpdateItemOutput{}, nil
		},
	} {
		t.Run(name, func(t *testing.T) {
			var logs bytes.Buffer
			l := newLimiter(db, &clock{t: t0}, &logs)
			refuse(l, "203.0.113.7", 3)
			if _, blocked := l.Blocked("203.0.113.7"); !blocked {
				t.Errorf("got not blocked after 3 refusals with the table failing, want blocked by the local count")
			}
			if n := strings.Count(logs.String(), `"level":"WARN"`); n != 3 {
				t.Errorf("got %d WARN lines, want one per failed UpdateItem (3); logs:\n%s", n, logs.String())
			}
		})
	}
}

func TestRememberedClientsAreBounded(t *testing.T) {
	l := newLimiter(nil, &clock{t: t0}, &bytes.Buffer{})
	refuse(l, "198.51.100.1", 3)
	for i := range maxClients + 5 {
		refuse(l, fmt.Sprintf("10.%d.%d.%d", i>>16&255, i>>8&255, i&255), 1)
	}
	if n := len(l.counts); n > maxClients {
		t.Errorf("got %d clients remembered, want at most %d", n, maxClients)
	}
	refuse(l, "198.51.100.1", 3)
	if _, blocked := l.Blocked("198.51.100.1"); !blocked {
		t.Errorf("got a client refused 3 times after the clearing not blocked, want blocked")
	}
}

// TestServedClientIsNotBlocked: a client AIM served in this window or the
// last (a store's server whose customers' sessions AIM ended at once) is
// not blocked by its refusals; two windows later it is again.
func TestServedClientIsNotBlocked(t *testing.T) {
	c := &clock{t: t0}
	l := newLimiter(nil, c, &bytes.Buffer{})
	l.Served("203.0.113.7")
	refuse(l, "203.0.113.7", 5)
	if _, blocked := l.Blocked("203.0.113.7"); blocked {
		t.Fatalf("got a client served in this window blocked, want it served")
	}
	c.t = t0.Add(time.Minute)
	refuse(l, "203.0.113.7", 5)
	if _, blocked := l.Blocked("203.0.113.7"); blocked {
		t.Fatalf("got a client served in the last window blocked, want it served")
	}
	c.t = t0.Add(2 * time.Minute)
	refuse(l, "203.0.113.7", 3)
	if _, blocked := l.Blocked("203.0.113.7"); !blocked {
		t.Errorf("got a client last served two windows ago not blocked after 3 refusals, want blocked")
	}
	New(Options{}).Served("203.0.113.7") // no limit: nothing to record
}
