package aimsandbox

import "net/http"

// customerToken is a saved card as GetCustomerTokens lists it.
type customerToken struct {
	TokenStr     string
	CardType     string
	LastFour     string
	Expiration   string
	ReasonOnFile string
	TokenPk      int64
	Primary      bool
}

// savedCards are the test customer's cards; their TokenPk is the ItemKey of
// UPDATE_CARD.
var savedCards = []customerToken{
	{TokenStr: "sbx-card-9001", CardType: "VISA", LastFour: "4242", Expiration: "12/29", ReasonOnFile: "Primary card", TokenPk: CardTokenPk, Primary: true},
	{TokenStr: "sbx-card-9002", CardType: "MCARD", LastFour: "4444", Expiration: "06/28", ReasonOnFile: "Backup card", TokenPk: otherCardTokenPk},
}

// getCustomerTokens serves GET|POST /api/GetCustomerTokens
// (https://active-ewebservice.biz/aeservices30/api/json/metadata?op=GetCustomerTokens).
func (s *Sandbox) getCustomerTokens(r *http.Request, _ Fault) reply {
	if rep, ok := s.checkHeaders(r, headerAPIKey, headerAppID, headerOAuthToken, headerToken); !ok {
		return rep
	}
	return jsonReply(http.StatusOK, struct {
		CustomerTokens []customerToken
		Status         Status
	}{savedCards, success(r)})
}
