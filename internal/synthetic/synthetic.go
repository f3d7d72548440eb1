// Package synthetic checks the customer-access-token function the way a
// storefront uses it, with no customer: Gate is CodeDeploy's PreTraffic
// hook, which tries the version being deployed before it takes any
// traffic; Check requests the public URL on a schedule. Both send a token
// no customer has and pass only on AIM's refusal of it (401
// session_expired): that answer needs the ApiKey from Secrets Manager,
// discovery and CustomerAccessToken to have worked with the store's ApiKey
// and AppId. README, Safe rollout.
package synthetic

import (
	"encoding/json"
	"fmt"

	"github.com/aimcards/customer-access-token/internal/apigw"
)

// unknownToken is the customer token the checks send. No customer has it,
// so AIM refuses it once it has accepted the store's credentials.
const unknownToken = "synthetic-check-no-customer"

// The Synthetic-Check values: which check sent a request.
const (
	markGate    = "deploy-gate"
	markOutside = "outside-in"
)

// checkRefusal reports why a click's answer, status and body, is not AIM's
// refusal of unknownToken: a 401 problem with code session_expired. The
// reason quotes no body: an answer may carry what belongs in no log.
func checkRefusal(status int, body []byte) error {
	var p struct {
		Code apigw.Code `json:"code"`
	}
	if err := json.Unmarshal(body, &p); err != nil {
		return fmt.Errorf("answered %d with a body that is no problem+json", status)
	}
	if status != 401 || p.Code != apigw.CodeSessionExpired {
		return fmt.Errorf("answered %d %q, want 401 %q", status, p.Code, apigw.CodeSessionExpired)
	}
	return nil
}
