package storefront_test

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// The texts a customer reads.
const (
	sessionExpiredText = "Your session has expired. Please sign in again."
	unreachableText    = "The card service could not be reached. Please try again later."
	landingTitle       = "AIM sandbox — Manage cards"
)

// TestBrowser drives headless Chromium through the example store page
// against `make serve`'s stack: the real bootstrap under the emulator, moto
// and the AIM sandbox. The page and the API are different origins, so the
// browser enforces CORS for real. Subtests share the stack and the browser;
// each uses its own browser context (its own cookies).
func TestBrowser(t *testing.T) {
	if testing.Short() && os.Getenv("CI") != "true" {
		t.Skip("browser test: skipped with -short (never in CI)")
	}
	s := startSite(t)
	browser := startBrowser(t)
	t.Run("link lands on the card page", func(t *testing.T) { testLink(t, s, browser) })
	t.Run("form button sends the Mode", func(t *testing.T) { testAddCardForm(t, s, browser) })
	t.Run("fetch gets JSON with CORS", func(t *testing.T) { testFetch(t, s, browser) })
	t.Run("update card opens that card", func(t *testing.T) { testUpdateCard(t, s, browser) })
	t.Run("disallowed origin is blocked", func(t *testing.T) { testDisallowedOrigin(t, s, browser) })
	// Last: it ends every session the sandbox issued.
	t.Run("expired session asks to sign in", func(t *testing.T) { testExpiredSession(t, s, browser) })
	if strings.Contains(s.output.String(), s.stack.APIKey) {
		t.Error("the function's output contains the ApiKey; want it never logged")
	}
}

func testLink(t *testing.T, s *site, browser context.Context) {
	tab, tr := newTab(t, browser)
	signIn(t, tab, s.pageURL)
	click(t, tab, chromedp.ID("manage-link"))
	got := waitLanding(t, tab, s)
	if got.acct != "1001" || got.mode != "Choose what to do" {
		t.Errorf("landing page: got account %q, mode %q; want account 1001, mode %q", got.acct, got.mode, "Choose what to do")
	}
	api := tr.to(s.apiURL)
	if len(api) != 1 || api[0].status != 302 {
		t.Errorf("requests to the API: got %+v, want one answered 302", api)
	}
	screenshot(t, tab)
	text := run(t, tab, chromedp.Evaluate[string](`document.body.innerText`))
	for _, want := range []string{"Manage your cards", "Account 1001"} {
		if !strings.Contains(text, want) {
			t.Errorf("landing page text: got %q, want it to contain %q", text, want)
		}
	}
	if title := run(t, tab, chromedp.Title()); title != landingTitle {
		t.Errorf("landing page title: got %q, want %q", title, landingTitle)
	}
	if leaks := tr.carrying(s.stack.APIKey); len(leaks) > 0 {
		t.Errorf("the ApiKey travelled through the browser: %v", leaks)
	}
}

func testAddCardForm(t *testing.T, s *site, browser context.Context) {
	tab, tr := newTab(t, browser)
	signIn(t, tab, s.pageURL)
	click(t, tab, chromedp.CSS(`#add-card-form button`))
	if got := waitLanding(t, tab, s); got.mode != "ADD_CUSTOMER_CARD" {
		t.Errorf("landing page mode: got %q, want ADD_CUSTOMER_CARD", got.mode)
	}
	if leaks := tr.carrying(s.stack.APIKey); len(leaks) > 0 {
		t.Errorf("the ApiKey travelled through the browser: %v", leaks)
	}
}

func testFetch(t *testing.T, s *site, browser context.Context) {
	tab, tr := newTab(t, browser)
	signIn(t, tab, s.pageURL)
	click(t, tab, chromedp.ID("manage-fetch"))
	if got := waitLanding(t, tab, s); got.acct != "1001" {
		t.Errorf("landing page account: got %q, want 1001", got.acct)
	}
	api := tr.to(s.apiURL)
	if len(api) != 1 {
		t.Fatalf("requests to the API: got %d, want 1", len(api))
	}
	x := api[0]
	checks := []struct{ what, got, want string }{
		{"resource type", string(x.kind), string(network.ResourceTypeFetch)},
		{"request Accept", header(x.request, "Accept"), "application/json"},
		{"Content-Type", header(x.response, "Content-Type"), "application/json"},
		{"Access-Control-Allow-Origin", header(x.response, "Access-Control-Allow-Origin"), s.pageOrigin},
		{"Access-Control-Allow-Credentials", header(x.response, "Access-Control-Allow-Credentials"), "true"},
	}
	if x.status != 200 {
		t.Errorf("API status: got %d, want 200", x.status)
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s: got %q, want %q", c.what, c.got, c.want)
		}
	}
	if leaks := tr.carrying(s.stack.APIKey); len(leaks) > 0 {
		t.Errorf("the ApiKey travelled through the browser: %v", leaks)
	}
}

func testUpdateCard(t *testing.T, s *site, browser context.Context) {
	tab, tr := newTab(t, browser)
	signIn(t, tab, s.pageURL)
	// 9002 is the second saved card, so the test proves the button names its
	// own card, not the first one.
	click(t, tab, chromedp.CSS(`button.update-card[data-token-pk="9002"]`))
	got := waitLanding(t, tab, s)
	if got.mode != "UPDATE_CARD" || got.item != "Card ending 4444" {
		t.Errorf("landing page: got mode %q, item %q; want UPDATE_CARD, %q", got.mode, got.item, "Card ending 4444")
	}
	api := tr.to(s.apiURL)
	if len(api) != 1 || !strings.Contains(api[0].url, "Mode=UPDATE_CARD&ItemKey=9002") {
		t.Errorf("requests to the API: got %+v, want one with Mode=UPDATE_CARD&ItemKey=9002", api)
	}
}

func testDisallowedOrigin(t *testing.T, s *site, browser context.Context) {
	tab, tr := newTab(t, browser)
	signIn(t, tab, s.otherURL)
	click(t, tab, chromedp.ID("manage-fetch"))
	if got := waitMessage(t, tab); got != unreachableText {
		t.Errorf("message: got %q, want %q", got, unreachableText)
	}
	if loc := run(t, tab, chromedp.Location()); !strings.HasPrefix(loc, s.otherURL) {
		t.Errorf("location: got %s, want the page still at %s", loc, s.otherURL)
	}
	api := tr.to(s.apiURL)
	if len(api) != 1 || api[0].failed == nil || api[0].failed.CorsErrorStatus == nil {
		t.Fatalf("requests to the API: got %+v, want one the browser blocked for CORS", api)
	}
	if got := header(api[0].response, "Access-Control-Allow-Origin"); got != "" {
		t.Errorf("Access-Control-Allow-Origin for a disallowed origin: got %q, want none", got)
	}
}

func testExpiredSession(t *testing.T, s *site, browser context.Context) {
	tab, _ := newTab(t, browser)
	// The fetch path: the function's 401 session_expired, its detail shown.
	signIn(t, tab, s.pageURL)
	s.stack.Sandbox.ExpireSessions()
	click(t, tab, chromedp.ID("manage-fetch"))
	waitVisible(t, tab, chromedp.ID("sign-in-form"))
	if got := waitMessage(t, tab); got != sessionExpiredText {
		t.Errorf("fetch path message: got %q, want %q", got, sessionExpiredText)
	}
	// The link path: the function redirects to ERROR_REDIRECT_URL with
	// error=session_expired, and the page asks to sign in again.
	signIn(t, tab, s.pageURL)
	s.stack.Sandbox.ExpireSessions()
	click(t, tab, chromedp.ID("manage-link"))
	waitVisible(t, tab, chromedp.ID("sign-in-form"))
	if got := waitMessage(t, tab); got != sessionExpiredText {
		t.Errorf("link path message: got %q, want %q", got, sessionExpiredText)
	}
	if loc := run(t, tab, chromedp.Location()); loc != s.pageURL {
		t.Errorf("location: got %s, want %s (the error code removed)", loc, s.pageURL)
	}
}
