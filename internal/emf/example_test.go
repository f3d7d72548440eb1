package emf_test

import (
	"os"
	"time"

	"github.com/aimcards/customer-access-token/internal/emf"
)

func ExampleWriter_Emit() {
	w, err := emf.New(emf.Options{
		FunctionName:    "customer-access-token",
		FunctionVersion: "12",
		Out:             os.Stdout,
		Now:             func() time.Time { return time.UnixMilli(1764494175123) },
	})
	if err != nil {
		panic(err)
	}
	_ = w.Emit(emf.Invocation{
		Outcome: "redirect", Status: 302, Click: true,
		AIMCalled: true, AIMLatency: 182417 * time.Microsecond, CredentialLatency: 0,
		RequestID: "8f5c3a8e-1b7e-4d5e-9a51-3f0b2f8e6c11", APIRequestID: "Qm3xKh0pIAMEbXw=",
	})
	// Output:
	// {"_aws":{"Timestamp":1764494175123,"CloudWatchMetrics":[{"Namespace":"AIMCards/CustomerAccessToken","Dimensions":[["FunctionName"],["FunctionName","FunctionVersion"]],"Metrics":[{"Name":"Requests","Unit":"Count"},{"Name":"Clicks","Unit":"Count"},{"Name":"ServerErrors","Unit":"Count"},{"Name":"Unauthorized","Unit":"Count"},{"Name":"UpstreamErrors","Unit":"Count"},{"Name":"Unavailable","Unit":"Count"},{"Name":"StaleCredentials","Unit":"Count"},{"Name":"ColdStart","Unit":"Count"},{"Name":"AIMLatency","Unit":"Milliseconds"},{"Name":"CredentialLatency","Unit":"Milliseconds"}]},{"Namespace":"AIMCards/CustomerAccessToken","Dimensions":[["FunctionName","Outcome","Code"]],"Metrics":[{"Name":"Requests","Unit":"Count"}]}]},"FunctionName":"customer-access-token","FunctionVersion":"12","Outcome":"redirect","Code":"ok","Requests":1,"Clicks":1,"ServerErrors":0,"Unauthorized":0,"UpstreamErrors":0,"Unavailable":0,"StaleCredentials":0,"ColdStart":1,"AIMLatency":182.417,"CredentialLatency":0,"request_id":"8f5c3a8e-1b7e-4d5e-9a51-3f0b2f8e6c11","apigw_request_id":"Qm3xKh0pIAMEbXw=","status":302}
}
