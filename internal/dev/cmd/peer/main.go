// Command peer is the bench's peer: the integration an integrator writes first,
// reading the function's environment. The AWS SDK client is built at init; each
// click then gets the ApiKey from Secrets Manager, discovers the store's endpoint
// with GetEndPoint and asks it for a CustomerAccessToken, on one keep-alive
// http.Client, and answers with a redirect to AccountManagementUrl. The bench
// runs it beside the function, so that the first click can be compared with
// what a customer would wait for without the function's design.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"strings"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
)

func main() {
	cfg, err := awsconfig.LoadDefaultConfig(context.Background())
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	sm := secretsmanager.NewFromConfig(cfg)
	hc := &http.Client{}
	lambda.Start(func(ctx context.Context, ev events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
		secret, err := sm.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String(os.Getenv("AIM_API_KEY_SECRET_ID"))})
		if err != nil {
			return events.APIGatewayV2HTTPResponse{}, err
		}
		key := aws.ToString(secret.SecretString)
		var ep struct{ NewEndpointDomain, OAuthToken string }
		if err := get(ctx, hc, os.Getenv("AIM_SERVICE_URL")+"/api/GetEndPoint", map[string]string{"ApiKey": key}, &ep); err != nil {
			return events.APIGatewayV2HTTPResponse{}, err
		}
		if !strings.Contains(ep.NewEndpointDomain, "://") {
			ep.NewEndpointDomain = "https://" + ep.NewEndpointDomain
		}
		var tok struct{ AccountManagementUrl string }
		headers := map[string]string{"ApiKey": key, "OAuthToken": ep.OAuthToken, "Token": ev.Headers["token"]}
		if err := get(ctx, hc, strings.TrimRight(ep.NewEndpointDomain, "/")+"/api/CustomerAccessToken", headers, &tok); err != nil {
			return events.APIGatewayV2HTTPResponse{}, err
		}
		return events.APIGatewayV2HTTPResponse{StatusCode: http.StatusFound, Headers: map[string]string{"Location": tok.AccountManagementUrl}}, nil
	})
}

// get sends a GET with AIM's AppId and headers and decodes the JSON answer into v.
func get(ctx context.Context, hc *http.Client, url string, headers map[string]string, v any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	req.Header.Set("AppId", os.Getenv("AIM_APP_ID"))
	for k, val := range headers {
		req.Header.Set(k, val)
	}
	resp, err := hc.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s: status %d", req.URL.Path, resp.StatusCode)
	}
	return json.NewDecoder(resp.Body).Decode(v)
}
