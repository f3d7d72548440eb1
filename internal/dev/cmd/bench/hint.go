package main

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/aimcards/customer-access-token/internal/endpointhint"
)

// The endpoint hint is the item of the function's table that names the store's
// AIM host as GetEndPoint last returned it (endpointhint): the function dials
// that host ahead at init and writes the item when it was missing or named
// another host. The bench reads it and deletes it directly in moto, uncounted.

// hint is the host the endpoint hint names, "" when there is none.
func (up *upstreams) hint(ctx context.Context) (string, error) { return up.hints().Get(ctx) }

// hints is the function's table as the function reads it, reached directly.
func (up *upstreams) hints() endpointhint.Table { return endpointhint.Table{DB: up.db, Name: table} }

// clearHint deletes the endpoint hint when the run is without one (-no-hint),
// so that the next process starts as a new stack's first environment does, or
// the first after a change of the store's host.
func (up *upstreams) clearHint(ctx context.Context) error {
	if !up.noHint {
		return nil
	}
	key := map[string]types.AttributeValue{"pk": &types.AttributeValueMemberS{Value: endpointhint.Key}}
	if _, err := up.db.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: aws.String(table), Key: key}); err != nil {
		return fmt.Errorf("delete the endpoint hint: %w", err)
	}
	return nil
}

// primeHint starts the function, unmeasured, on AIM's hosts for the protocol
// now set, so that the runs after it find the endpoint hint the function
// wrote, as every new environment of a live store does. It reports whether
// the hint then names the store's host. The round trips are charged c as in
// the measured runs: the function writes the hint only when the table
// answered before the store's handshake was done, which on a loaded machine
// (moto is Python) can take another start or two.
func primeHint(ctx context.Context, up *upstreams, bin string, sz lambdaSize, c charges) (bool, error) {
	for range 3 {
		if ok, err := primeOnce(ctx, up, bin, sz, c); ok || err != nil {
			return ok, err
		}
	}
	return false, nil
}

// primeOnce is one unmeasured start of primeHint.
func primeOnce(ctx context.Context, up *upstreams, bin string, sz lambdaSize, c charges) (bool, error) {
	s, err := begin(ctx, up, bin, sz, c, clickEvent())
	if err != nil {
		return false, err
	}
	defer s.end()
	res, err := s.first.Wait(s.proc.ctx)
	if _, err := checked(s.proc.ctx, res, err); err != nil {
		return false, fmt.Errorf("endpoint hint: the function's first click: %w", err)
	}
	// The function writes the hint during init, before it takes the click.
	got, err := up.hint(ctx)
	return err == nil && got == s.aim.store.url(), err
}
