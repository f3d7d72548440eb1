package synthetic

import (
	"context"
	"encoding/json"
	"errors"
)

// Handler is the synthetic-check function's entry point (a
// lambda.Handler): CodeDeploy's hook payload runs the Gate, the schedule's
// payload (the template's Input: {"checkUrl": URL}) runs the Check.
type Handler struct {
	Gate  *Gate  // nil: no gate configured
	Check *Check // nil: no check configured
}

// payload holds the fields that tell the two callers apart.
type payload struct {
	HookEvent
	CheckURL string `json:"checkUrl"`
}

// Invoke runs the gate or the check the payload asks for. The check's
// failure is its metric, never a function error: EventBridge does not
// retry, and the gate's failure is its report to CodeDeploy.
func (h *Handler) Invoke(ctx context.Context, raw []byte) ([]byte, error) {
	var p payload
	if err := json.Unmarshal(raw, &p); err != nil {
		return nil, errors.New("synthetic: the payload is not JSON")
	}
	switch {
	case p.DeploymentID != "" && h.Gate != nil:
		return []byte(`{}`), h.Gate.Run(ctx, p.HookEvent)
	case p.CheckURL != "" && h.Check != nil:
		if h.Check.Run(ctx, p.CheckURL) {
			return []byte(`{"check":"ok"}`), nil
		}
		return []byte(`{"check":"failed"}`), nil
	}
	return nil, errors.New("synthetic: the payload is neither CodeDeploy's hook event nor the schedule's check")
}
