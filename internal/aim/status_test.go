package aim

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestStatusFailed(t *testing.T) {
	tests := []struct {
		status Status
		want   bool
	}{
		{Status{}, false},
		{Status{StatusCode: "Success"}, false},
		{Status{StatusCode: "OK"}, false},
		{Status{StatusCode: "0"}, false},
		{Status{StatusCode: "200"}, false},
		{Status{StatusCode: "Warning"}, false},
		{Status{StatusCode: "Success", ErrorCode: "0"}, false},
		{Status{StatusCode: "Success", ErrorDisplayText: "Welcome back"}, false},
		{Status{StatusCode: "Error"}, true},
		{Status{StatusCode: "ERROR"}, true},
		{Status{StatusCode: "Failed"}, true},
		{Status{StatusCode: "InvalidToken"}, true},
		{Status{StatusCode: "AccessDenied"}, true},
		{Status{StatusCode: "Unauthorized"}, true},
		{Status{StatusCode: "Forbidden"}, true},
		{Status{StatusCode: "TokenExpired"}, true},
		{Status{StatusCode: "Exception"}, true},
		{Status{StatusCode: "400"}, true},
		{Status{StatusCode: " 500 "}, true},
		{Status{StatusCode: "Success", ErrorCode: "E17"}, true},
		{Status{StatusCode: "Success", ErrorMessage: "boom"}, true},
	}
	for _, tt := range tests {
		if got := tt.status.Failed(); got != tt.want {
			t.Errorf("%+v.Failed(): got %v, want %v", tt.status, got, tt.want)
		}
	}
}

func TestStatusUnmarshal(t *testing.T) {
	tests := []struct {
		json string
		want Status
	}{
		{`{"StatusCode":"Success","Login":"jane","IpAddress":"10.0.0.1"}`, Status{StatusCode: "Success"}},
		{`{"statuscode":200,"errorcode":null}`, Status{StatusCode: "200"}},
		{`{"StatusCode":-1.5,"ErrorCode":true}`, Status{StatusCode: "-1.5", ErrorCode: "true"}},
		{`null`, Status{}},
		{`{"ErrorDisplayText":"Card \"9001\" is not yours \u00e9","ErrorCode":""}`, Status{ErrorDisplayText: `Card "9001" is not yours é`}},
	}
	for _, tt := range tests {
		var got Status
		if err := json.Unmarshal([]byte(tt.json), &got); err != nil {
			t.Errorf("Unmarshal(%s): %v", tt.json, err)
			continue
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("Unmarshal(%s) mismatch (-want +got):\n%s", tt.json, diff)
		}
	}
}
