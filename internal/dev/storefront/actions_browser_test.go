package storefront_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/aimcards/customer-access-token/internal/dev/aimsandbox"
)

// signIn opens the page at pageURL and signs in as the sandbox's test
// customer, then waits for the saved cards.
func signIn(t *testing.T, tab context.Context, pageURL string) {
	t.Helper()
	err := chromedp.Do(tab,
		chromedp.Navigate(pageURL),
		chromedp.WaitVisible(chromedp.ID("sign-in-form")),
		chromedp.SendKeys(chromedp.CSS(`input[name=username]`), aimsandbox.TestUsername),
		chromedp.SendKeys(chromedp.CSS(`input[name=password]`), aimsandbox.TestPassword),
		chromedp.Click(chromedp.CSS(`#sign-in-form button`)),
		chromedp.WaitVisible(chromedp.CSS(`#cards .update-card`)),
	)
	if err != nil {
		t.Fatalf("sign in at %s: %v", pageURL, err)
	}
}

// landing is what the sandbox's card page shows.
type landing struct{ acct, mode, item string }

// waitLanding waits until the tab shows the sandbox's card page and reads it.
func waitLanding(t *testing.T, tab context.Context, s *site) landing {
	t.Helper()
	js := `location.href.startsWith(` + quote(s.stack.SandboxURL+"/AccountManagement?") + `) && document.querySelector('#mode') ?
		[document.querySelector('#acct').textContent, document.querySelector('#mode').textContent,
		 (document.querySelector('#item') || {}).textContent || ''] : null`
	v := waitFor[[]string](t, tab, js)
	return landing{v[0], v[1], v[2]}
}

// waitMessage waits for the page's message and returns its text.
func waitMessage(t *testing.T, tab context.Context) string {
	t.Helper()
	return waitFor[string](t, tab, `((m) => (!m.hidden && m.textContent) || null)(document.getElementById('message'))`)
}

// waitFor evaluates js until it gives a non-null value, across navigations
// (an evaluation that fails while a page loads is tried again).
func waitFor[T any](t *testing.T, tab context.Context, js string) T {
	t.Helper()
	var lastErr error
	loc := ""
	for tab.Err() == nil {
		v, err := chromedp.Run(tab, chromedp.Evaluate[*T](js))
		if err == nil && v != nil {
			return *v
		}
		lastErr = err
		if l, err := chromedp.Run(tab, chromedp.Location()); err == nil {
			loc = l
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("waiting for %s: %v (last error %v, page at %s)", js, tab.Err(), lastErr, loc)
	var zero T
	return zero
}

// click clicks the element sel selects.
func click[S chromedp.Selectable](t *testing.T, tab context.Context, sel S) {
	t.Helper()
	if err := chromedp.Do(tab, chromedp.Click(sel)); err != nil {
		t.Fatalf("click %v: %v", sel, err)
	}
}

// waitVisible waits until the element sel selects is visible.
func waitVisible[S chromedp.Selectable](t *testing.T, tab context.Context, sel S) {
	t.Helper()
	if err := chromedp.Do(tab, chromedp.WaitVisible(sel)); err != nil {
		t.Fatalf("wait for %v: %v", sel, err)
	}
}

// run runs a in the tab and fails the test on error.
func run[T any](t *testing.T, tab context.Context, a chromedp.Action[T]) T {
	t.Helper()
	v, err := chromedp.Run(tab, a)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// screenshot writes a PNG of the whole page under the test's temp dir.
func screenshot(t *testing.T, tab context.Context) {
	t.Helper()
	png := run(t, tab, chromedp.FullScreenshot(100))
	path := filepath.Join(t.TempDir(), "landing.png")
	if err := os.WriteFile(path, png, 0o600); err != nil {
		t.Fatal(err)
	}
	if len(png) < 8 || string(png[1:4]) != "PNG" {
		t.Errorf("screenshot %s: got %d bytes that are not a PNG", path, len(png))
	}
	t.Logf("screenshot of the landing page: %s", path)
}

// quote makes s a JavaScript string literal.
func quote(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
}
