package moto

import (
	"context"
	"fmt"
	"testing"

	"github.com/aimcards/customer-access-token/internal/dev/devutil"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// CreateLimitTable creates the per-client limit table as template.yaml
// declares it: string key pk, on demand, TTL on expires_at.
func (s *Server) CreateLimitTable(ctx context.Context, name string) error {
	db := dynamodb.NewFromConfig(s.AWSConfig())
	_, err := db.CreateTable(ctx, &dynamodb.CreateTableInput{
		TableName:            aws.String(name),
		AttributeDefinitions: []types.AttributeDefinition{{AttributeName: aws.String("pk"), AttributeType: types.ScalarAttributeTypeS}},
		KeySchema:            []types.KeySchemaElement{{AttributeName: aws.String("pk"), KeyType: types.KeyTypeHash}},
		BillingMode:          types.BillingModePayPerRequest,
	})
	if err == nil {
		_, err = db.UpdateTimeToLive(ctx, &dynamodb.UpdateTimeToLiveInput{
			TableName:               aws.String(name),
			TimeToLiveSpecification: &types.TimeToLiveSpecification{AttributeName: aws.String("expires_at"), Enabled: aws.Bool(true)},
		})
	}
	if err != nil {
		return fmt.Errorf("moto: create table %q: %w", name, err)
	}
	return nil
}

// LimitTableForTest starts a moto_server for t (skipped where MaySkip
// allows), creates the limit table name in it, and returns a DynamoDB
// client of it.
func LimitTableForTest(t testing.TB, name string) *dynamodb.Client {
	t.Helper()
	m, err := Start(t.Context())
	if devutil.MaySkip(err) {
		t.Skip(err)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = m.Stop() })
	if err := m.CreateLimitTable(t.Context(), name); err != nil {
		t.Fatal(err)
	}
	return dynamodb.NewFromConfig(m.AWSConfig())
}
