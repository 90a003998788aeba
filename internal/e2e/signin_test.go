package e2e

import (
	"log/slog"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/sitrep/sitrep/internal/app"
	"github.com/sitrep/sitrep/internal/auth"
	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/server"
)

// TestSignInAndManageUsers: an admin asks for the users page, is sent to
// sign in, gets the password wrong once, signs in, lands on the page they
// asked for with their name in the header, and signs out. axe checks each
// page on the way.
func TestSignInAndManageUsers(t *testing.T) {
	chromiumPath(t)
	const password = "correct horse battery staple"
	srv, a := newAccountsServer(t)
	hash, err := auth.NewHasher(auth.TestParams).Hash(password)
	if err != nil {
		t.Fatal(err)
	}
	admin := conflict.User{Email: "ada@example.org", Name: "Ada Admin", Role: conflict.RoleAdmin}
	if err := a.DB.CreateUser(t.Context(), &admin, hash); err != nil {
		t.Fatalf("CreateUser: %v", err)
	}

	// The failed attempt answers 422, which the browser logs as a failed
	// load; it gets a browser of its own, without the console check.
	ctx := newBrowser(t)
	noExternalRequests(t, ctx, srv)
	setViewport(t, ctx, desktopWidth)

	run(t, ctx,
		chromedp.Navigate(srv.URL+"/admin/users"),
		chromedp.WaitVisible(chromedp.CSS("#signin-email")),
	)
	if loc := eval[string](t, ctx, `location.pathname + location.search`); loc != "/signin?next=%2Fadmin%2Fusers" {
		t.Errorf("an anonymous visit to /admin/users ended at %q, want the sign-in page with next", loc)
	}
	checkAxe(t, ctx)
	screenshot(t, ctx, "signin.png")

	// A wrong password: one message for the whole form, the address kept.
	run(t, ctx,
		chromedp.SendKeys(chromedp.CSS("#signin-email"), "ada@example.org"),
		chromedp.SendKeys(chromedp.CSS("#signin-password"), "not the password"),
		chromedp.Click(chromedp.CSS("[data-testid=signin-submit]")),
		chromedp.WaitVisible(chromedp.CSS("[data-testid=signin-problem]")),
	)
	if msg := eval[string](t, ctx, `document.querySelector('[data-testid=signin-problem]').textContent.trim()`); msg != "The email address or password is wrong." {
		t.Errorf("wrong password says %q", msg)
	}
	if v := eval[string](t, ctx, `document.querySelector('#signin-email').value`); v != "ada@example.org" {
		t.Errorf("after a failed attempt the address field holds %q, want it kept", v)
	}
	if v := eval[string](t, ctx, `document.querySelector('#signin-password').value`); v != "" {
		t.Errorf("after a failed attempt the password field is not empty")
	}
	checkAxe(t, ctx)

	ctx = newBrowser(t)
	noExternalRequests(t, ctx, srv)
	noConsoleErrors(t, ctx)
	setViewport(t, ctx, desktopWidth)
	run(t, ctx,
		chromedp.Navigate(srv.URL+"/admin/users"),
		chromedp.WaitVisible(chromedp.CSS("#signin-email")),
		chromedp.SendKeys(chromedp.CSS("#signin-email"), "ada@example.org"),
		chromedp.SendKeys(chromedp.CSS("#signin-password"), password),
		chromedp.Click(chromedp.CSS("[data-testid=signin-submit]")),
		chromedp.WaitVisible(chromedp.CSS("[data-testid=users-table]")),
	)
	if path := eval[string](t, ctx, `location.pathname`); path != "/admin/users" {
		t.Errorf("signed in, the browser is at %q, want /admin/users", path)
	}
	if name := eval[string](t, ctx, `document.querySelector('[data-testid=account-name]').textContent.trim()`); name != "Ada Admin" {
		t.Errorf("header shows %q, want the admin's name", name)
	}
	if !strings.Contains(visibleText(t, ctx), "ada@example.org") {
		t.Errorf("the users page does not list the admin")
	}
	// Open every row's forms so that axe checks them too.
	eval[int](t, ctx, `document.querySelectorAll('details').forEach(d => d.open = true), 0`)
	checkAxe(t, ctx)
	screenshot(t, ctx, "admin-users.png")

	run(t, ctx,
		chromedp.Click(chromedp.CSS("[data-testid=sign-out]")),
		chromedp.WaitVisible(chromedp.CSS("[data-testid=sign-in-link]")),
	)
	if path := eval[string](t, ctx, `location.pathname`); path != "/" {
		t.Errorf("signed out, the browser is at %q, want /", path)
	}
	if n := eval[int](t, ctx, `document.querySelectorAll('[data-testid=account-name]').length`); n != 0 {
		t.Errorf("signed out, the header still names the user")
	}
}

// newAccountsServer is newServer with cheap password hashing, returning
// the app too so that the test can create accounts in its database.
func newAccountsServer(t *testing.T) (*httptest.Server, *app.App) {
	t.Helper()
	logs := &testLog{}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("application log:\n%s", logs)
		}
	})
	a, err := app.Open(t.Context(), app.Config{
		DBPath:   filepath.Join(t.TempDir(), "sitrep.db"),
		Demo:     true,
		Logger:   slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		Accounts: server.AccountsConfig{Password: auth.TestParams},
	})
	if err != nil {
		t.Fatalf("app.Open: %v", err)
	}
	srv := httptest.NewServer(a.Handler())
	t.Cleanup(func() {
		srv.Close()
		if err := a.Close(); err != nil {
			t.Errorf("closing the app: %v", err)
		}
	})
	return srv, a
}
