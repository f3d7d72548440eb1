package storefront

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
)

// static holds the page's script and style sheet: plain files, no build step.
//
//go:embed static
var static embed.FS

// pageFS holds the page; its one template value is the function's URL.
//
//go:embed page/index.html
var pageFS embed.FS

var pageTemplate = template.Must(template.ParseFS(pageFS, "page/index.html"))

// renderPage fills the function's URL into the page once.
func renderPage(cardAPIURL string) ([]byte, error) {
	var buf bytes.Buffer
	if err := pageTemplate.Execute(&buf, struct{ CardAPIURL string }{cardAPIURL}); err != nil {
		return nil, fmt.Errorf("storefront: render page: %w", err)
	}
	return buf.Bytes(), nil
}

// servePage serves the "My account" page.
func (s *Storefront) servePage(w http.ResponseWriter, _ *http.Request) {
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	// No form-action: Chrome applies it to the redirect to AIM's page too.
	h.Set("Content-Security-Policy", "default-src 'self'; connect-src 'self' "+originOf(s.cfg.CardAPIURL))
	_, _ = w.Write(s.page)
}

// originOf returns the scheme://host[:port] of an absolute URL.
func originOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	return u.Scheme + "://" + u.Host
}

// staticFiles serves /static/app.js and /static/style.css.
func staticFiles() http.Handler {
	sub, _ := fs.Sub(static, "static")
	return http.StripPrefix("/static/", http.FileServerFS(sub))
}
