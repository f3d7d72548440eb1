package aimsandbox

import (
	"crypto/rand"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
)

// The Modes of CustomerAccessToken.
const (
	modeAddCustomerCard = "ADD_CUSTOMER_CARD"
	modeAddContractCard = "ADD_CONTRACT_CARD"
	modeAddStudentCard  = "ADD_STUDENT_CARD"
	modeUpdateCard      = "UPDATE_CARD"
)

// accessTokenResponse is CustomerAccessToken's answer.
type accessTokenResponse struct {
	Token                string
	AccountManagementURL string `json:"AccountManagementUrl,omitempty"`
	Status               Status
}

// customerAccessToken serves GET /api/CustomerAccessToken
// (https://active-ewebservice.biz/aeservices30/api/json/metadata?op=CustomerAccessToken).
// Every credential header is required; the customer token is read from the
// Token header only, never from the query. Mode is matched exactly (AIM's
// values are upper-case), and ItemKey must name the customer's own item.
func (s *Sandbox) customerAccessToken(r *http.Request, f Fault) reply {
	if rep, ok := s.checkHeaders(r, headerAPIKey, headerAppID, headerOAuthToken, headerToken); !ok {
		return rep
	}
	g, rep, ok := parseGrant(r)
	if !ok {
		return rep
	}
	if code, text := g.check(); code != "" {
		return rejected(r, code, text)
	}
	tok := "sbx-access-" + rand.Text()
	s.mu.Lock()
	g.expires = s.now().Add(accessTokenTTL)
	s.grants[tok] = g
	s.mu.Unlock()
	resp := accessTokenResponse{
		Token:                tok,
		AccountManagementURL: "http://" + r.Host + "/AccountManagement?at=" + url.QueryEscape(tok),
		Status:               success(r),
	}
	if f.AccountManagementURL != nil {
		resp.AccountManagementURL = *f.AccountManagementURL
	}
	return jsonReply(http.StatusOK, resp)
}

// parseGrant reads Acct, Mode and ItemKey. Numbers that do not parse are a
// 400, as ServiceStack answers a request it cannot bind.
func parseGrant(r *http.Request) (grant, reply, bool) {
	g := grant{acct: TestAcct, mode: queryValue(r, "Mode"), itemKey: -1}
	if v := queryValue(r, "Acct"); v != "" {
		acct, err := strconv.ParseInt(v, 10, 32)
		if err != nil {
			return g, badRequest("Acct must be a 32-bit integer"), false
		}
		g.acct = int(acct)
	}
	if v := queryValue(r, "ItemKey"); v != "" {
		key, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return g, badRequest("ItemKey must be a 64-bit integer"), false
		}
		g.itemKey = key
	}
	return g, reply{}, true
}

// check applies AIM's Mode and ItemKey rules and returns the ErrorCode and
// display text of the first one broken. An itemKey of -1 means none was given.
func (g grant) check() (code, text string) {
	if g.acct != TestAcct {
		return "InvalidAcct", fmt.Sprintf("Account %d is not available to this login.", g.acct)
	}
	given := g.itemKey != -1
	switch g.mode {
	case "", modeAddCustomerCard:
		if given {
			return "InvalidItemKey", "ItemKey is only used with a Mode that names a contract, student or card."
		}
		return "", ""
	case modeAddContractCard, modeAddStudentCard, modeUpdateCard:
		if !given {
			return "InvalidItemKey", "ItemKey is required with Mode " + g.mode + "."
		}
		if g.item() == "" {
			return "InvalidItemKey", fmt.Sprintf("Item %d was not found on this account.", g.itemKey)
		}
		return "", ""
	}
	return "InvalidMode", "Mode must be ADD_CUSTOMER_CARD, ADD_CONTRACT_CARD, ADD_STUDENT_CARD or UPDATE_CARD."
}

// item describes the customer's item g names, or "" when it is not theirs.
func (g grant) item() string {
	switch {
	case g.mode == modeAddContractCard && g.itemKey == ContractPk:
		return fmt.Sprintf("Contract %d", ContractPk)
	case g.mode == modeAddStudentCard && g.itemKey == StudentPk:
		return fmt.Sprintf("Student %d", StudentPk)
	case g.mode == modeUpdateCard:
		for _, c := range savedCards {
			if c.TokenPk == g.itemKey {
				return "Card ending " + c.LastFour
			}
		}
	}
	return ""
}
