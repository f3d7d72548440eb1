package aim

import (
	"testing"
)

// benchAnswer is a CustomerAccessToken answer as AIM shapes it.
const benchAnswer = `{"Token":"at-4f1c9e2b7a","AccountManagementUrl":"https://10846.active-e.net:7890/AccountManagement?at=at-4f1c9e2b7a",` +
	`"Status":{"StatusCode":"Success","Login":"","ErrorCode":"","ErrorDisplayText":"","ErrorMessage":"","DomainName":"10846.active-e.net","IpAddress":"203.0.113.7"}}`

// BenchmarkDecodeAnswer decodes an answer the way the request path does.
func BenchmarkDecodeAnswer(b *testing.B) {
	resp := &response{status: 200, body: []byte(benchAnswer)}
	b.ReportAllocs()
	for b.Loop() {
		var tok AccessToken
		if err := decode(OpCustomerAccessToken, resp, &tok, &tok.Status); err != nil {
			b.Fatal(err)
		}
	}
}
