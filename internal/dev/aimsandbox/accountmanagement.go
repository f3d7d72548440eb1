package aimsandbox

import (
	"bytes"
	"html/template"
	"net/http"
)

// pageTitle is the <title> of every AccountManagement page.
const pageTitle = "AIM sandbox — Manage cards"

var pageTemplate = template.Must(template.New("page").Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{{.Title}}</title></head>
<body>
{{if .Expired}}<h1>This link has expired</h1>
<p>Go back to the store and choose "Manage my cards" again.</p>
{{else}}<h1>Manage your cards</h1>
<p>Account <span id="acct">{{.Acct}}</span></p>
<p id="mode">{{.Mode}}</p>
{{with .Item}}<p id="item">{{.}}</p>{{end}}
{{end}}</body></html>
`))

// page is what the template shows.
type page struct {
	Title   string
	Expired bool
	Acct    int
	Mode    string
	Item    string
}

// accountManagement serves GET /AccountManagement?at=<access token>, the page
// behind AccountManagementUrl. An access token opens it once, within
// accessTokenTTL; a reused, expired or unknown one gets a 403 page.
func (s *Sandbox) accountManagement(r *http.Request, _ Fault) reply {
	g, ok := s.redeem(queryValue(r, "at"))
	if !ok {
		return htmlReply(http.StatusForbidden, page{Title: pageTitle, Expired: true})
	}
	mode := g.mode
	if mode == "" {
		mode = "Choose what to do"
	}
	return htmlReply(http.StatusOK, page{Title: pageTitle, Acct: g.acct, Mode: mode, Item: g.item()})
}

// redeem uses up the access token tok.
func (s *Sandbox) redeem(tok string) (grant, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	g, ok := s.grants[tok]
	if !ok {
		return grant{}, false
	}
	delete(s.grants, tok)
	return g, s.now().Before(g.expires)
}

// htmlReply renders p.
func htmlReply(status int, p page) reply {
	var buf bytes.Buffer
	if err := pageTemplate.Execute(&buf, p); err != nil {
		return errorReply(http.StatusInternalServerError, "Exception", "aimsandbox: render page: "+err.Error())
	}
	return reply{status: status, contentType: "text/html; charset=utf-8", body: buf.Bytes()}
}
