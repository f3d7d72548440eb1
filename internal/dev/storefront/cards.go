package storefront

import (
	"context"
	"errors"
	"log/slog"
	"net/http"

	"github.com/aimcards/customer-access-token/internal/aim"
)

// savedCard is a card as AIM's GetCustomerTokens lists it; TokenStr is
// left out on purpose, the page does not need it.
type savedCard struct {
	TokenPk    int64
	CardType   string
	LastFour   string
	Expiration string
	Primary    bool
}

// card is a saved card as /cards shows it to the page. TokenPk is the
// ItemKey of Mode=UPDATE_CARD.
type card struct {
	TokenPk    int64  `json:"tokenPk,string"`
	CardType   string `json:"cardType"`
	LastFour   string `json:"lastFour"`
	Expiration string `json:"expiration"`
	Primary    bool   `json:"primary"`
}

// customerTokens lists the customer's saved cards with AIM's
// GetCustomerTokens
// (https://active-ewebservice.biz/aeservices30/api/json/metadata?op=GetCustomerTokens).
func (c *aimClient) customerTokens(ctx context.Context, token string) ([]savedCard, error) {
	ep, err := c.endpoint(ctx)
	if err != nil {
		return nil, err
	}
	h := http.Header{"ApiKey": {c.apiKey}, "AppId": {c.appID}, "OAuthToken": {ep.OAuthToken}, "Token": {token}}
	var a struct {
		CustomerTokens []savedCard
		Status         aim.Status
	}
	if err := c.call(ctx, "GetCustomerTokens", http.MethodGet, ep.NewEndpointDomain+"/api/GetCustomerTokens", nil, h, &a); err != nil {
		return nil, err
	}
	if a.Status.Failed() {
		return nil, &rejectedError{a.Status}
	}
	return a.CustomerTokens, nil
}

// cards serves GET /cards: the signed-in customer's saved cards, or a 401
// that sends the page back to sign-in.
func (s *Storefront) cards(w http.ResponseWriter, r *http.Request) {
	c, err := r.Cookie(s.cfg.TokenCookie)
	if err != nil || c.Value == "" {
		writeProblem(w, errMissingToken)
		return
	}
	saved, err := s.aim.customerTokens(r.Context(), c.Value)
	switch {
	case errors.Is(err, errRefused):
		http.SetCookie(w, s.tokenCookie(r, "", -1))
		writeProblem(w, errSessionExpired)
		return
	case err != nil:
		slog.Error("storefront: list cards", "err", err)
		writeProblem(w, errUpstream)
		return
	}
	out := make([]card, 0, len(saved))
	for _, sc := range saved {
		out = append(out, card(sc))
	}
	writeJSON(w, map[string][]card{"cards": out})
}
