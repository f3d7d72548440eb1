// Package storefront is the example "My account" page of a store, served by
// `make serve` and copied by integrators: the customer signs in against
// AIM's Security API through the store's server (the ApiKey never reaches
// the browser), the server keeps the AIM login token in an HttpOnly cookie,
// and the page reaches AIM's card management through the function in three
// ways: a plain link or form, a fetch that asks for JSON, and one "update"
// button per saved card.
package storefront

import (
	"errors"
	"net/http"
	"net/url"
	"sync"
	"time"
)

// Config sets up the example store.
type Config struct {
	CardAPIURL  string       // the function's URL as the browser reaches it, e.g. http://127.0.0.1:3000/customer-access-token
	ServiceURL  string       // AIM's AeServices30 base, for GetEndPoint
	APIKey      string       // the store's AIM ApiKey; used server-side only
	AppID       string       // the store's AIM AppId
	TokenCookie string       // the cookie that carries the AIM login token (the function's TOKEN_COOKIE)
	HTTPClient  *http.Client // for AIM calls; nil: a client with a 10 s timeout
}

// Storefront is the example store's web server: the page, its scripts and
// the routes /login, /logout and /cards. Its zero value is not usable; call
// New.
type Storefront struct {
	cfg  Config
	aim  *aimClient
	mux  *http.ServeMux
	page []byte // the rendered page
}

// New checks cfg and returns the store.
func New(cfg Config) (*Storefront, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	hc := cfg.HTTPClient
	if hc == nil {
		hc = &http.Client{Timeout: 10 * time.Second}
	}
	page, err := renderPage(cfg.CardAPIURL)
	if err != nil {
		return nil, err
	}
	s := &Storefront{
		cfg:  cfg,
		aim:  &aimClient{hc: hc, serviceURL: cfg.ServiceURL, apiKey: cfg.APIKey, appID: cfg.AppID, mu: &sync.Mutex{}},
		page: page,
	}
	s.mux = s.routes()
	return s, nil
}

// validate reports every missing or malformed setting together.
func (c Config) validate() error {
	var errs []error
	for _, u := range []struct{ name, v string }{{"CardAPIURL", c.CardAPIURL}, {"ServiceURL", c.ServiceURL}} {
		if p, err := url.Parse(u.v); err != nil || p.Host == "" || (p.Scheme != "http" && p.Scheme != "https") {
			errs = append(errs, errors.New("storefront: "+u.name+": want an absolute http(s) URL"))
		}
	}
	for _, f := range []struct{ name, v string }{{"APIKey", c.APIKey}, {"AppID", c.AppID}, {"TokenCookie", c.TokenCookie}} {
		if f.v == "" {
			errs = append(errs, errors.New("storefront: "+f.name+": required"))
		}
	}
	return errors.Join(errs...)
}

// routes ties the paths to their handlers.
func (s *Storefront) routes() *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", s.servePage)
	mux.Handle("GET /static/", staticFiles())
	mux.HandleFunc("POST /login", s.login)
	mux.HandleFunc("POST /logout", s.logout)
	mux.HandleFunc("GET /cards", s.cards)
	return mux
}

// ServeHTTP serves the store.
func (s *Storefront) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mux.ServeHTTP(w, r)
}
