// Package clientlimit limits how often AIM may refuse one client: a client
// with Limit refusals in the current fixed window is answered at once, with
// neither Secrets Manager nor AIM, until the window ends. Environments share
// the count through a DynamoDB table, one UpdateItem per refusal and none on
// success; each remembers the clients it saw reach the limit, so their
// further requests cost nothing. A client AIM served lately is not blocked.
package clientlimit

import (
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"net/netip"
	"strconv"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// UpdateItemAPI is the part of the DynamoDB client the Limiter uses.
type UpdateItemAPI interface {
	UpdateItem(ctx context.Context, in *dynamodb.UpdateItemInput, optFns ...func(*dynamodb.Options)) (*dynamodb.UpdateItemOutput, error)
}

// Options configures a Limiter.
type Options struct {
	Limit  int           // refusals per window and client; 0: no limit
	Window time.Duration // length of a fixed window
	DB     UpdateItemAPI // nil: each environment counts on its own
	Table  string        // keyed by the string attribute pk, TTL on expires_at
	Logger *slog.Logger
	Now    func() time.Time
}

// maxClients bounds the clients one environment remembers; reaching it
// forgets them all, and a blocked client then spends one more refusal to
// learn its count from the table again.
const maxClients = 10000

// dbTimeout bounds one UpdateItem; past it the refusal counts in memory only.
const dbTimeout = 500 * time.Millisecond

// Limiter counts refusals per client; it is safe for concurrent use.
type Limiter struct {
	opts   Options
	mu     sync.Mutex
	counts map[string]count // by Client
}

type count struct {
	start  time.Time // of the window counted
	n      int
	served time.Time // start of the last window AIM served the client in
}

// New builds a Limiter.
func New(opts Options) *Limiter {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	opts.Logger = cmp.Or(opts.Logger, slog.Default())
	return &Limiter{opts: opts, counts: map[string]count{}}
}

// Client is what a caller's address counts as: an IPv4 address itself, an
// IPv6 address its /64 (one subscriber's prefix); "" for no address.
func Client(sourceIP string) string {
	a, err := netip.ParseAddr(sourceIP)
	if err != nil {
		return ""
	}
	if a = a.Unmap(); a.Is4() {
		return a.String()
	}
	p, _ := a.Prefix(64)
	return p.String()
}

// Blocked reports whether the client at sourceIP reached the limit in the
// current window, and the time left in it.
func (l *Limiter) Blocked(sourceIP string) (wait time.Duration, blocked bool) {
	key, now := Client(sourceIP), l.opts.Now()
	start := now.Truncate(l.opts.Window)
	l.mu.Lock()
	c := l.counts[key]
	l.mu.Unlock()
	if l.opts.Limit <= 0 || key == "" || !c.start.Equal(start) || c.n < l.opts.Limit || !c.served.Before(start.Add(-l.opts.Window)) {
		return 0, false
	}
	return start.Add(l.opts.Window).Sub(now), true
}

// Refused counts a refusal of the client at sourceIP: the table's count,
// or this environment's own when the table fails (logged).
func (l *Limiter) Refused(ctx context.Context, sourceIP string) {
	key := Client(sourceIP)
	if l.opts.Limit <= 0 || key == "" {
		return
	}
	start := l.opts.Now().Truncate(l.opts.Window)
	shared, err := l.add(ctx, key, start)
	if err != nil {
		l.opts.Logger.Warn("client limit: refusal counted in this environment only", "table", l.opts.Table, "error", err.Error())
	}
	l.update(key, func(c *count) {
		if !c.start.Equal(start) {
			c.n = 0
		}
		c.start, c.n = start, max(c.n+1, shared)
	})
}

// Served records that AIM served the client at sourceIP: it is not blocked
// in this window or the next (README: Per-client limits).
func (l *Limiter) Served(sourceIP string) {
	if key := Client(sourceIP); l.opts.Limit > 0 && key != "" {
		l.update(key, func(c *count) { c.served = l.opts.Now().Truncate(l.opts.Window) })
	}
}

func (l *Limiter) update(key string, f func(*count)) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.counts) >= maxClients {
		clear(l.counts)
	}
	c := l.counts[key]
	f(&c)
	l.counts[key] = c
}

// add adds one to the client's item of the window, which expires when the
// window ends, and returns its count; 0 without a table.
func (l *Limiter) add(ctx context.Context, key string, start time.Time) (int, error) {
	if l.opts.DB == nil {
		return 0, nil
	}
	ctx, cancel := context.WithTimeout(ctx, dbTimeout)
	defer cancel()
	out, err := l.opts.DB.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:        &l.opts.Table,
		Key:              map[string]types.AttributeValue{"pk": &types.AttributeValueMemberS{Value: key + " " + strconv.FormatInt(start.Unix(), 10)}},
		UpdateExpression: aws.String("ADD refusals :one SET expires_at = :end"),
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":one": &types.AttributeValueMemberN{Value: "1"},
			":end": &types.AttributeValueMemberN{Value: strconv.FormatInt(start.Add(l.opts.Window).Unix(), 10)},
		},
		ReturnValues: types.ReturnValueUpdatedNew,
	})
	if err != nil {
		return 0, fmt.Errorf("clientlimit: update item: %w", err)
	}
	if v, ok := out.Attributes["refusals"].(*types.AttributeValueMemberN); ok {
		return strconv.Atoi(v.Value)
	}
	return 0, fmt.Errorf("clientlimit: update item: no refusals in the answer")
}
