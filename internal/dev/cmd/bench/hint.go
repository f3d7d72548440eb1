package main

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/aimcards/customer-access-token/internal/dev/devutil"
)

// The endpoint hint is the item of the function's table that names the store's
// AIM host as GetEndPoint last returned it; the function dials that host ahead
// at init and writes the item when it was missing or named another host.
var hintKey = map[string]types.AttributeValue{"pk": &types.AttributeValueMemberS{Value: "aim-endpoint"}}

// hint is the host the endpoint hint names, "" when there is none.
func (up *upstreams) hint(ctx context.Context) (string, error) {
	out, err := up.db.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(table), Key: hintKey, ConsistentRead: aws.Bool(true)})
	if err != nil {
		return "", fmt.Errorf("read the endpoint hint: %w", err)
	}
	s, _ := out.Item["endpoint"].(*types.AttributeValueMemberS)
	if s == nil {
		return "", nil
	}
	return s.Value, nil
}

// clearHint deletes the endpoint hint when the run is without one (-no-hint),
// so that the next process starts as the first environment after a deploy or a
// change of the store's host does.
func (up *upstreams) clearHint(ctx context.Context) error {
	if !up.noHint {
		return nil
	}
	if _, err := up.db.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: aws.String(table), Key: hintKey}); err != nil {
		return fmt.Errorf("delete the endpoint hint: %w", err)
	}
	return nil
}

// primeHint starts the function once, unmeasured, on AIM's hosts for the
// protocol now set, so that the runs after it find the endpoint hint the
// function wrote, as every new environment of a live store does. It reports
// whether the hint then names the store's host.
func primeHint(ctx context.Context, up *upstreams, bin string, sz lambdaSize) (bool, error) {
	s, err := begin(ctx, up, bin, sz, charges{}, clickEvent())
	if err != nil {
		return false, err
	}
	defer s.end()
	res, err := s.first.Wait(s.proc.ctx)
	if _, err := checked(s.proc.ctx, res, err); err != nil {
		return false, fmt.Errorf("endpoint hint: the function's first click: %w", err)
	}
	// The write may follow the answer: give it a moment before the process goes.
	for range 20 {
		got, err := up.hint(ctx)
		if err != nil || got == s.aim.store.url() {
			return err == nil, err
		}
		if !devutil.Sleep(ctx, 50*time.Millisecond) {
			return false, ctx.Err()
		}
	}
	return false, nil
}
