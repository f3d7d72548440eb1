package aimsandbox

import "net/http"

// endPointResponse is GetEndPoint's answer. Faults can drop the fields the
// client depends on, hence omitempty.
type endPointResponse struct {
	NewEndpointDomain string `json:",omitempty"`
	NewEndpoint       string `json:",omitempty"`
	OAuthToken        string `json:",omitempty"`
	Status            Status
}

// getEndPoint serves GET /aeservices30/api/GetEndPoint: with a good ApiKey
// and AppId it names this sandbox as the store's endpoint and hands out the
// OAuthToken. A missing AppId is a 400, as ServiceStack answers an unbound
// required argument.
func (s *Sandbox) getEndPoint(r *http.Request, f Fault) reply {
	if rep, ok := s.checkHeaders(r, headerAPIKey); !ok {
		return rep
	}
	if r.Header.Get(headerAppID) == "" {
		return badRequest("AppId required")
	}
	if rep, ok := s.checkHeaders(r, headerAppID); !ok {
		return rep
	}
	base := "http://" + r.Host
	resp := endPointResponse{
		NewEndpointDomain: base,
		NewEndpoint:       base + "/api",
		OAuthToken:        s.oauthToken,
		Status:            success(r),
	}
	if f.DropEndpointDomain {
		resp.NewEndpointDomain, resp.NewEndpoint = "", ""
	}
	if f.DropOAuthToken {
		resp.OAuthToken = ""
	}
	return jsonReply(http.StatusOK, resp)
}
