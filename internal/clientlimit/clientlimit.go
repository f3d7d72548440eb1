// Package clientlimit limits how often AIM may refuse one client: a client
// with Limit refusals in the current fixed window is answered at once, with
// neither Secrets Manager nor AIM, until the window ends. The count is shared
// across environments through a DynamoDB table: one UpdateItem per refusal,
// none on success. An environment remembers the clients it saw reach the
// limit, so their further requests cost nothing; another environment learns
// of it at its first refusal of that client in the window.
package clientlimit

import (
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
	Limit  int           // refusals per window and client; 0 or less: no limit
	Window time.Duration // length of a fixed window
	DB     UpdateItemAPI // nil: each environment counts on its own
	Table  string        // the DynamoDB table, keyed by the string attribute "pk"
	Logger *slog.Logger
	Now    func() time.Time
}

// maxClients bounds the clients one environment remembers. When it is
// reached they are all forgotten: a client blocked then spends one more
// refusal to learn its count from the table again.
const maxClients = 10000

// dbTimeout bounds one UpdateItem: a slower table is a failure, and the
// refusal is counted in memory only.
const dbTimeout = 500 * time.Millisecond

// Limiter counts refusals per client. Build it with New; it is safe for
// concurrent use.
type Limiter struct {
	opts   Options
	mu     sync.Mutex
	counts map[string]count
}

// count is a client's refusals in the window that starts at start.
type count struct {
	start time.Time
	n     int
}

// New builds a Limiter.
func New(opts Options) *Limiter {
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return &Limiter{opts: opts, counts: map[string]count{}}
}

// Client is what a caller's address counts as: an IPv4 address itself, an
// IPv6 address its /64 (one subscriber's prefix); "" when it is no address.
func Client(sourceIP string) string {
	a, err := netip.ParseAddr(sourceIP)
	if err != nil {
		return ""
	}
	if a = a.Unmap(); a.Is4() {
		return a.String()
	}
	p, _ := a.WithZone("").Prefix(64)
	return p.String()
}

// Blocked reports whether the client at sourceIP reached the limit in the
// current window, and the time left until the window ends.
func (l *Limiter) Blocked(sourceIP string) (wait time.Duration, blocked bool) {
	key := Client(sourceIP)
	if l.opts.Limit <= 0 || key == "" {
		return 0, false
	}
	now := l.opts.Now()
	start := now.Truncate(l.opts.Window)
	l.mu.Lock()
	c := l.counts[key]
	l.mu.Unlock()
	if !c.start.Equal(start) || c.n < l.opts.Limit {
		return 0, false
	}
	return start.Add(l.opts.Window).Sub(now), true
}

// Refused counts one refusal of the client at sourceIP: in the table, whose
// count this environment then keeps, or, when the table fails (logged), in
// memory alone.
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
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.counts) >= maxClients {
		clear(l.counts)
	}
	c := l.counts[key]
	if !c.start.Equal(start) {
		c = count{start: start}
	}
	c.n = max(c.n+1, shared)
	l.counts[key] = c
}

// add adds one to the client's count in the table and returns the count; 0
// without a table. The item expires (TTL attribute expires_at) when the
// window ends.
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
	v, _ := out.Attributes["refusals"].(*types.AttributeValueMemberN)
	if v == nil {
		return 0, fmt.Errorf("clientlimit: update item: no refusals in the answer")
	}
	n, err := strconv.Atoi(v.Value)
	if err != nil {
		return 0, fmt.Errorf("clientlimit: update item: refusals %q: %w", v.Value, err)
	}
	return n, nil
}
