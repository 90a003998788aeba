package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/sitrep/sitrep/internal/auth"
	"github.com/sitrep/sitrep/internal/conflict"
)

// TestPendingEditsAndTheDesk is issue 12's acceptance test in a browser:
// an editor edits a published event; an anonymous reader still sees the
// old title on its page, in search, in the API and in its embed; a reviewer returns the
// edit with a comment, which the editor finds on their desk (and counted
// in the header); the editor edits again; a reviewer cannot accept their
// own edit, and the message says so beside the button; a second reviewer
// accepts the editor's edit, and readers see the new title. The desk and
// the queue are checked at phone width for sideways scrolling, and
// photographed at both widths in light and dark.
//
// Refused decisions answer 403, which the browser logs as a failed load,
// so this test does not use noConsoleErrors.
func TestPendingEditsAndTheDesk(t *testing.T) {
	chromiumPath(t)
	const password = "correct horse battery staple"
	srv, a := newAccountsServer(t)
	hash, err := auth.NewHasher(auth.TestParams).Hash(password)
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]conflict.UserID{}
	for _, u := range []conflict.User{
		{Email: "eve@example.org", Name: "Eve Editor", Role: conflict.RoleEditor},
		{Email: "rita@example.org", Name: "Rita Reviewer", Role: conflict.RoleReviewer},
		{Email: "rob@example.org", Name: "Rob Reviewer", Role: conflict.RoleReviewer},
		{Email: "ada@example.org", Name: "Ada Admin", Role: conflict.RoleAdmin},
	} {
		if err := a.DB.CreateUser(t.Context(), &u, hash); err != nil {
			t.Fatalf("CreateUser: %v", err)
		}
		ids[u.Email] = u.ID
	}
	e, err := a.DB.FindEventByExternalID(t.Context(), "demo:badr-training-diyala")
	if err != nil {
		t.Fatal(err)
	}
	other, err := a.DB.FindEventByExternalID(t.Context(), "demo:airstrikes-limit-reinforcement")
	if err != nil {
		t.Fatal(err)
	}
	const (
		returnedTitle = "Badr Organization trains in Diyala"
		newTitle      = "Badr Organization militiamen drill near Baqubah before the Mosul offensive"
		comment       = "Keep “fighters”: the source speaks of fighters, not of the organisation as a whole."
	)
	editPath := fmt.Sprintf("/edit/events/%d", e.ID)
	ctx := newBrowser(t)
	noExternalRequests(t, ctx, srv)
	// Public pages may be cached; a reader who comes back is asked to
	// see the accepted edit, not their browser's copy.
	if _, err := chromedp.Call(ctx, network.SetCacheDisabled, network.SetCacheDisabledParams{CacheDisabled: true}); err != nil {
		t.Fatalf("disabling the browser cache: %v", err)
	}
	setViewport(t, ctx, desktopWidth)

	// editTitle saves the event form with a new title and a summary.
	editTitle := func(path, title, summary string) {
		t.Helper()
		run(t, ctx,
			chromedp.Navigate(srv.URL+path),
			chromedp.WaitVisible(chromedp.CSS("#f-title")),
			chromedp.SetValue(chromedp.CSS("#f-title"), title),
			chromedp.SendKeys(chromedp.CSS("#f-summary"), summary),
			chromedp.Click(chromedp.CSS("[data-testid=save]")),
			chromedp.WaitVisible(chromedp.CSS("[data-testid=flash]")),
		)
	}
	// readerSees fails unless an anonymous reader finds want and not
	// hidden on the event's page, in search, in the API and in its embed.
	readerSees := func(want, hidden string) {
		t.Helper()
		for _, target := range []string{fmt.Sprintf("/events/%d", e.ID), "/search?q=Badr+Diyala", fmt.Sprintf("/api/v1/events/%d", e.ID),
			fmt.Sprintf("/embed/events/%d", e.ID)} {
			run(t, ctx, chromedp.Navigate(srv.URL+target), chromedp.WaitReady(chromedp.CSS("body")))
			text := visibleText(t, ctx)
			if !strings.Contains(text, want) || strings.Contains(text, hidden) {
				t.Errorf("an anonymous reader of %s does not see %q alone:\n%.600s", target, want, text)
			}
		}
	}

	// 1. The editor edits the published event: it waits for review, on
	// their desk.
	signInAs(t, ctx, srv, "eve@example.org", password)
	editTitle(editPath, returnedTitle, "Shorter title")
	if path := eval[string](t, ctx, `location.pathname`); path != "/edit" {
		t.Fatalf("after saving an edit of a published event the editor is at %s, want the desk", path)
	}
	waiting := eval[string](t, ctx, `document.querySelector('[data-testid=desk-waiting]').innerText`)
	if !strings.Contains(waiting, returnedTitle) || !strings.Contains(waiting, "Edit waiting for review") {
		t.Errorf("the desk's waiting section reads:\n%s", waiting)
	}
	signOut(t, ctx)
	readerSees(e.Title, returnedTitle)

	// 2. A reviewer returns it with a comment, from the queue.
	signInAs(t, ctx, srv, "rita@example.org", password)
	run(t, ctx, chromedp.Navigate(srv.URL+"/review"), chromedp.WaitVisible(chromedp.CSS("[data-testid=review-queue]")))
	item := fmt.Sprintf(`[data-testid=review-item][data-kind=event][data-id="%d"]`, e.ID)
	if n := eval[int](t, ctx, `document.querySelectorAll('`+item+` [data-testid=review-preview] a[target=_blank]').length`); n == 0 {
		t.Errorf("the queue shows no source to open beside the edit")
	}
	checkAxe(t, ctx)
	run(t, ctx,
		chromedp.SendKeys(chromedp.CSS(item+" textarea[name=note]"), comment),
		chromedp.Click(chromedp.CSS(item+" [data-testid=return]")),
		chromedp.WaitVisible(chromedp.CSS("[data-testid=flash]")),
	)
	signOut(t, ctx)

	// 3. The editor sees the return counted in the header and the comment
	// on the desk, and edits again.
	signInAs(t, ctx, srv, "eve@example.org", password)
	if n := eval[string](t, ctx, `document.querySelector('[data-testid=desk-count]')?.textContent ?? ''`); n != "(1)" {
		t.Errorf("the header counts %q returned, want (1)", n)
	}
	run(t, ctx, chromedp.Click(chromedp.CSS("[data-testid=desk-link]")), chromedp.WaitVisible(chromedp.CSS("[data-testid=desk-returned]")))
	returned := eval[string](t, ctx, `document.querySelector('[data-testid=desk-returned]').innerText`)
	if !strings.Contains(returned, comment) || !strings.Contains(returned, "Rita Reviewer") || !strings.Contains(returned, returnedTitle) {
		t.Errorf("the desk's returned section reads:\n%s", returned)
	}
	checkAxe(t, ctx)
	shoot(t, ctx, "desk")
	// The returned edit's own page shows what it changed beside the comment.
	run(t, ctx,
		chromedp.Click(chromedp.CSS("[data-testid=desk-returned] .desk-entry__title")),
		chromedp.WaitVisible(chromedp.CSS("[data-testid=pending-state]")),
	)
	if text := visibleText(t, ctx); !strings.Contains(text, comment) || !strings.Contains(text, "Title") {
		t.Errorf("the returned edit's page reads:\n%s", text)
	}
	checkAxe(t, ctx)
	shoot(t, ctx, "pending-edit")
	run(t, ctx, chromedp.Navigate(srv.URL+"/edit"), chromedp.WaitVisible(chromedp.CSS("[data-testid=desk-returned]")))
	run(t, ctx,
		chromedp.Click(chromedp.CSS("[data-testid=desk-returned] a.button")),
		chromedp.WaitVisible(chromedp.CSS("#f-title")),
	)
	if path := eval[string](t, ctx, `location.pathname`); path != editPath {
		t.Errorf("Edit again leads to %s, want %s", path, editPath)
	}
	editTitle(editPath, newTitle, "Named the town, as the source does")
	if n := eval[int](t, ctx, `document.querySelectorAll('[data-testid=desk-count]').length`); n != 0 {
		t.Errorf("the header still counts the return the editor answered")
	}
	signOut(t, ctx)

	// 4. A reviewer's own edit waits too, and they cannot accept it.
	signInAs(t, ctx, srv, "rita@example.org", password)
	editTitle(fmt.Sprintf("/edit/events/%d", other.ID), other.Title+" (update)", "Marked as updated")
	run(t, ctx, chromedp.Navigate(srv.URL+"/review"), chromedp.WaitVisible(chromedp.CSS("[data-testid=review-queue]")))
	own := fmt.Sprintf(`[data-testid=review-item][data-kind=event][data-id="%d"]`, other.ID)
	run(t, ctx,
		chromedp.Click(chromedp.CSS(own+" [data-testid=accept]")),
		chromedp.WaitVisible(chromedp.CSS(own+" [data-testid=workflow-problem]")),
	)
	if msg := eval[string](t, ctx, `document.querySelector('`+own+` [data-testid=workflow-problem]').innerText`); !strings.Contains(msg, "another reviewer must check it") {
		t.Errorf("refusing a reviewer's own edit says %q", msg)
	}
	run(t, ctx, chromedp.Navigate(srv.URL+"/review"), chromedp.WaitVisible(chromedp.CSS("[data-testid=review-queue]")))
	shoot(t, ctx, "review")
	signOut(t, ctx)
	readerSees(e.Title, newTitle)

	// 5. A second reviewer accepts the editor's edit: readers see it.
	signInAs(t, ctx, srv, "rob@example.org", password)
	run(t, ctx,
		chromedp.Navigate(srv.URL+"/review?editor="+fmt.Sprint(ids["eve@example.org"])),
		chromedp.WaitVisible(chromedp.CSS(item)),
		chromedp.Click(chromedp.CSS(item+" [data-testid=accept]")),
		chromedp.WaitVisible(chromedp.CSS("[data-testid=flash]")),
	)
	if n := eval[int](t, ctx, `document.querySelectorAll('`+own+`').length`); n != 0 {
		t.Errorf("after accepting from the queue filtered by editor, the queue lists another editor's edit")
	}
	// The reviewer's tools follow the record on its page; its history
	// lists the edits sent for review.
	run(t, ctx, chromedp.Navigate(srv.URL+fmt.Sprintf("/events/%d", e.ID)), chromedp.WaitVisible(chromedp.CSS("[data-testid=tools]")))
	if below := eval[bool](t, ctx, `document.querySelector('[data-testid=tools]').getBoundingClientRect().top > document.querySelector('[data-testid=event] h1').getBoundingClientRect().bottom`); !below {
		t.Errorf("the reviewer's tools are above the event's title")
	}
	screenshot(t, ctx, "event-reviewer.png")
	run(t, ctx, chromedp.Navigate(srv.URL+fmt.Sprintf("/events/%d/history", e.ID)), chromedp.WaitVisible(chromedp.CSS("[data-testid=pending-history]")))
	if n := eval[int](t, ctx, `document.querySelectorAll('[data-testid=pending-edit]').length`); n != 2 {
		t.Errorf("the history lists %d edits sent for review, want 2 (returned, accepted)", n)
	}
	screenshot(t, ctx, "history-signed-in.png")
	signOut(t, ctx)
	readerSees(newTitle, returnedTitle)
	run(t, ctx, chromedp.Navigate(srv.URL+fmt.Sprintf("/events/%d/history", e.ID)), chromedp.WaitVisible(chromedp.CSS("[data-testid=history]")))
	if n := eval[int](t, ctx, `document.querySelectorAll('[data-testid=pending-history]').length`); n != 0 {
		t.Errorf("an anonymous reader's history lists edits sent for review")
	}

	// An admin's header, with the most links, fits a phone.
	signInAs(t, ctx, srv, "ada@example.org", password)
	run(t, ctx, chromedp.Navigate(srv.URL+"/edit"), chromedp.WaitVisible(chromedp.CSS("[data-testid=desk-drafts]")))
	shoot(t, ctx, "desk-admin")
	// The header's New menu opens from the keyboard, without script.
	run(t, ctx,
		chromedp.Focus(chromedp.CSS("#header-new > summary")),
		chromedp.KeyEvent("\r"),
		chromedp.WaitVisible(chromedp.CSS("#header-new [data-testid=new-timeline]")),
	)
	screenshot(t, ctx, "new-menu.png")
}

// shoot checks the page for sideways scrolling at phone width and
// photographs it at desktop and phone widths, in light and dark.
func shoot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	for _, scheme := range []string{"light", "dark"} {
		setColorScheme(t, ctx, scheme)
		for _, width := range []int64{desktopWidth, phoneWidth} {
			setViewport(t, ctx, width)
			run(t, ctx, chromedp.Reload(), chromedp.WaitReady(chromedp.CSS("main")))
			if overflow := eval[bool](t, ctx, `document.documentElement.scrollWidth > window.innerWidth + 1`); overflow {
				t.Errorf("%s scrolls sideways at %dpx", name, width)
			}
			screenshot(t, ctx, fmt.Sprintf("%s-%d-%s.png", name, width, scheme))
		}
	}
	setColorScheme(t, ctx, "light")
	setViewport(t, ctx, desktopWidth)
}
