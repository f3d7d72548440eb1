// Package endpointhint keeps the store's AIM endpoint in the function's
// DynamoDB table, so that a new environment dials the store's host while
// GetEndPoint runs instead of after it: two round trips off a first click
// (README: Where a cold start goes). The hint decides only what is dialled
// ahead; what is sent, and where, still comes from GetEndPoint.
package endpointhint

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// Key is the hint item's pk in a table keyed by the string attribute pk
// (the per-client limit's keys all hold a space).
const Key = "aim-endpoint"

// timeout bounds one call: the hint is never worth waiting for.
const timeout = 500 * time.Millisecond

// Table is the hint in table Name.
type Table struct {
	DB   *dynamodb.Client
	Name string
}

// Get returns the endpoint last put, "" when there is none.
func (t Table) Get(ctx context.Context) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	out, err := t.DB.GetItem(ctx, &dynamodb.GetItemInput{TableName: &t.Name, Key: map[string]types.AttributeValue{"pk": &types.AttributeValueMemberS{Value: Key}}})
	if err != nil {
		return "", fmt.Errorf("endpoint hint: get: %w", err)
	}
	if v, ok := out.Item["endpoint"].(*types.AttributeValueMemberS); ok {
		return v.Value, nil
	}
	return "", nil
}

// Put makes endpointURL the hint.
func (t Table) Put(ctx context.Context, endpointURL string) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	_, err := t.DB.PutItem(ctx, &dynamodb.PutItemInput{TableName: &t.Name, Item: map[string]types.AttributeValue{
		"pk": &types.AttributeValueMemberS{Value: Key}, "endpoint": &types.AttributeValueMemberS{Value: endpointURL},
	}})
	if err != nil {
		return fmt.Errorf("endpoint hint: put: %w", err)
	}
	return nil
}
