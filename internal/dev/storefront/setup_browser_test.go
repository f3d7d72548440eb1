package storefront_test

import (
	"context"
	"net"
	"net/http"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/aimcards/customer-access-token/internal/dev/aimsandbox"
	"github.com/aimcards/customer-access-token/internal/dev/devserver"
	"github.com/aimcards/customer-access-token/internal/dev/devutil"
	"github.com/aimcards/customer-access-token/internal/dev/localrun"
	"github.com/aimcards/customer-access-token/internal/dev/storefront"
)

// chromiumPath is where Debian's chromium package puts the browser.
const chromiumPath = "/usr/bin/chromium"

// site is `make serve`'s setup on loopback: the function behind the local
// API, the store page on an allowed origin and the same page on a second
// origin that ALLOWED_ORIGINS leaves out. All three share the host
// 127.0.0.1, so the token cookie reaches the API; their ports differ, so
// each is its own origin.
type site struct {
	stack      *localrun.Stack
	output     *devutil.Buffer // the function's and the emulator's output
	pageURL    string          // allowed origin, with a trailing slash
	otherURL   string          // not in ALLOWED_ORIGINS, with a trailing slash
	apiURL     string          // the function's route
	pageOrigin string
}

// requireTool skips the test when a tool is missing, except with CI=true,
// where a missing tool is a failure.
func requireTool(t *testing.T, err error) {
	t.Helper()
	if err == nil {
		return
	}
	if devutil.MaySkip(err) {
		t.Skipf("browser test needs a tool that is missing: %v", err)
	}
	t.Fatalf("browser test setup: %v", err)
}

// findChromium returns the browser's path or a wrapped exec.ErrNotFound.
func findChromium() (string, error) {
	if _, err := os.Stat(chromiumPath); err == nil {
		return chromiumPath, nil
	}
	return exec.LookPath("chromium")
}

// startSite starts the stack and serves the API and the page on three
// loopback ports. Cleanup stops all of it.
func startSite(t *testing.T) *site {
	t.Helper()
	apiL, pageL, otherL := listen(t), listen(t), listen(t)
	s := &site{
		output:     &devutil.Buffer{},
		pageOrigin: "http://" + pageL.Addr().String(),
		apiURL:     "http://" + apiL.Addr().String() + devserver.Path,
	}
	s.pageURL, s.otherURL = s.pageOrigin+"/", "http://"+otherL.Addr().String()+"/"
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	stack, err := localrun.Start(ctx, localrun.Options{Output: s.output, Env: map[string]string{
		"ALLOWED_ORIGINS":    s.pageOrigin,
		"TOKEN_COOKIE":       localrun.TokenCookie,
		"ERROR_REDIRECT_URL": s.pageURL,
	}})
	requireTool(t, err)
	t.Cleanup(func() {
		if err := stack.Close(); err != nil {
			t.Errorf("stop the stack: %v", err)
		}
	})
	s.stack = stack
	store, err := storefront.New(storefront.Config{
		CardAPIURL:  s.apiURL,
		ServiceURL:  stack.SandboxURL + aimsandbox.ServicePath,
		APIKey:      stack.APIKey,
		AppID:       localrun.AppID,
		TokenCookie: localrun.TokenCookie,
	})
	if err != nil {
		t.Fatal(err)
	}
	serve(t, apiL, devserver.New(stack, nil))
	serve(t, pageL, store)
	serve(t, otherL, store)
	return s
}

// listen opens a free loopback port.
func listen(t *testing.T) net.Listener {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// serve serves h on l until the test ends.
func serve(t *testing.T, l net.Listener, h http.Handler) {
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(l) }()
	t.Cleanup(func() { _ = srv.Close() })
}

// startBrowser starts headless Chromium with a fresh profile and returns the
// browser's context; tabs are its children.
func startBrowser(t *testing.T) context.Context {
	t.Helper()
	path, err := findChromium()
	requireTool(t, err)
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1024, 768),
	}
	for _, f := range []string{"headless", "no-sandbox", "disable-gpu", "no-first-run", "disable-background-networking",
		"disable-component-update", "disable-sync", "disable-quic"} {
		opts = append(opts, chromedp.Flag(f, true))
	}
	// Not t.Context(): the browser must outlive the test body, since the
	// tabs close in Cleanup, after t.Context() has ended.
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(allocCtx)
	t.Cleanup(func() { cancel(); cancelAlloc() })
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return ctx
}

// newTab opens a tab in a fresh browser context (its own cookies) that
// records the tab's network traffic, bounded by a timeout.
func newTab(t *testing.T, browser context.Context) (context.Context, *traffic) {
	t.Helper()
	tr := &traffic{urls: map[network.RequestID]string{}}
	tab, cancel := chromedp.NewContext(browser, chromedp.WithNewBrowserContext(), chromedp.WithListener(tr.listen))
	t.Cleanup(cancel)
	// The first Run opens the tab; the tab lives as long as its context, so
	// the timeout goes on the children only.
	if err := chromedp.Do(tab); err != nil {
		t.Fatalf("open a tab: %v", err)
	}
	ctx, cancelTimeout := context.WithTimeout(tab, 20*time.Second)
	t.Cleanup(cancelTimeout)
	return ctx, tr
}
