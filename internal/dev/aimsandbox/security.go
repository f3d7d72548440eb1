package aimsandbox

import (
	"net/http"
	"strconv"
)

// securityResponse is the Security API's answer.
type securityResponse struct {
	Token          string `json:",omitempty"`
	OAuthToken     string `json:",omitempty"`
	Domain         string `json:",omitempty"`
	IsAdmin        bool
	UserDetails    *userDetails     `json:",omitempty"`
	AccountDetails []accountDetails `json:",omitempty"`
	Status         Status
}

type userDetails struct {
	Firstname     string
	LastName      string
	Email         string
	Type          string
	AccountNumber string
}

type accountDetails struct {
	Acct     int
	AcctType string
	Name     string
}

// security serves POST /api/Security, the customer login
// (https://active-ewebservice.biz/aeservices30/api/json/metadata?op=Security).
// Bad ApiKey or OAuthToken headers are a 401; a missing AppId is a 400; a
// wrong username or password is a 200 whose Status carries ErrorCode
// "InvalidLogin", which is how AIM reports business errors.
func (s *Sandbox) security(r *http.Request, _ Fault) reply {
	if rep, ok := s.checkHeaders(r, headerAPIKey, headerOAuthToken); !ok {
		return rep
	}
	appID := queryValue(r, headerAppID)
	switch {
	case appID == "":
		return badRequest("AppId required")
	case appID != s.appID:
		return unauthorized("Invalid AppId")
	}
	if acct := queryValue(r, "Acct"); acct != "" {
		if _, err := strconv.ParseInt(acct, 10, 32); err != nil {
			return badRequest("Acct must be a 32-bit integer")
		}
	}
	tok, err := s.Login(queryValue(r, "Username"), queryValue(r, "Password"))
	if err != nil {
		return rejected(r, "InvalidLogin", "The email or password you entered is incorrect.")
	}
	st := success(r)
	st.Login = TestUsername
	return jsonReply(http.StatusOK, securityResponse{
		Token:      tok,
		OAuthToken: s.oauthToken,
		Domain:     r.Host,
		UserDetails: &userDetails{
			Firstname:     "Pat",
			LastName:      "Example",
			Email:         TestUsername,
			Type:          "Customer",
			AccountNumber: strconv.Itoa(TestAcct),
		},
		AccountDetails: []accountDetails{{Acct: TestAcct, AcctType: "C", Name: "Pat Example"}},
		Status:         st,
	})
}
