package e2e

import (
	"context"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/sitrep/sitrep/internal/auth"
	"github.com/sitrep/sitrep/internal/conflict"
)

// TestEditorWorkflow is issue 5's acceptance test: an editor enters an
// event of the worked example with a new source typed inline and submits
// it; a reviewer publishes it from the review queue and it appears on the
// timeline; a second editor saves a stale copy and gets the conflict page,
// then re-applies their change, which waits for review; the history shows
// the revisions with a diff, and a revert, accepted by a second reviewer,
// restores the earlier text. axe-core checks the event
// form, the review queue and the conflict page on the way.
//
// Failed saves answer 409 and 422, which the browser logs as failed loads,
// so this test does not use noConsoleErrors.
func TestEditorWorkflow(t *testing.T) {
	chromiumPath(t)
	const password = "correct horse battery staple"
	srv, a := newAccountsServer(t)
	hash, err := auth.NewHasher(auth.TestParams).Hash(password)
	if err != nil {
		t.Fatal(err)
	}
	users := map[string]*conflict.User{}
	for _, u := range []conflict.User{
		{Email: "eve@example.org", Name: "Eve Editor", Role: conflict.RoleEditor},
		{Email: "ed@example.org", Name: "Ed Second", Role: conflict.RoleEditor},
		{Email: "rita@example.org", Name: "Rita Reviewer", Role: conflict.RoleReviewer},
		{Email: "rob@example.org", Name: "Rob Reviewer", Role: conflict.RoleReviewer},
	} {
		if err := a.DB.CreateUser(t.Context(), &u, hash); err != nil {
			t.Fatalf("CreateUser: %v", err)
		}
		users[u.Email] = &u
	}

	ctx := newBrowser(t)
	noExternalRequests(t, ctx, srv)
	setViewport(t, ctx, desktopWidth)

	// 1. The editor enters the event, with a source that sitrep does not
	// know yet, and submits it for review.
	signInAs(t, ctx, srv, "eve@example.org", password)
	run(t, ctx, chromedp.Navigate(srv.URL+"/edit/events/new"), chromedp.WaitVisible(chromedp.CSS("#f-title")))
	checkAxe(t, ctx)
	screenshot(t, ctx, "event-form.png")

	const (
		title    = "Coalition airstrikes limit Islamic State reinforcement of Mosul"
		original = "Coalition airstrikes have made it hard for the Islamic State to move fighters into Mosul."
		evesText = "Coalition airstrikes have cut the Islamic State's routes into Mosul."
		edsText  = "Coalition airstrikes limit how many fighters the Islamic State can send into Mosul, officials say."
	)
	run(t, ctx,
		chromedp.SendKeys(chromedp.CSS("#f-title"), title),
		chromedp.SendKeys(chromedp.CSS("#f-date"), "~2016-09"),
	)
	// The date reads back as the editor types (htmx).
	waitUntil(t, ctx, `document.querySelector('#f-date-reads').textContent.includes('Reads as: September 2016')`, "the date's reading")
	run(t, ctx,
		chromedp.SendKeys(chromedp.CSS("#f-place"), "Mosul"),
		// An alias: "the coalition" is the U.S.-led coalition.
		chromedp.SendKeys(chromedp.CSS("#f-actors-0-name"), "the coalition"),
		chromedp.SendKeys(chromedp.CSS("#f-actors-0-role"), "airstrikes"),
		chromedp.SendKeys(chromedp.CSS("#f-tags"), "airstrike"),
		chromedp.SendKeys(chromedp.CSS("#f-body"), original),
	)
	// The body's preview follows the typing (htmx).
	waitUntil(t, ctx, `document.querySelector('[data-testid=body-preview]').textContent.includes('move fighters into Mosul')`, "the live preview")
	run(t, ctx,
		chromedp.SendKeys(chromedp.CSS("#f-citations-0-url"), "https://www.voanews.com/a/coalition-airstrikes-mosul/3531111.html?utm_source=e2e"),
		chromedp.SendKeys(chromedp.CSS("#f-citations-0-publisher"), "Voice of America"),
		chromedp.SendKeys(chromedp.CSS("#f-citations-0-title"), "Coalition airstrikes cut IS supply lines to Mosul"),
		chromedp.SendKeys(chromedp.CSS("#f-citations-0-published"), "29 Sep 2016"),
		chromedp.SendKeys(chromedp.CSS("#f-citations-0-quote"), "Coalition airstrikes have made it difficult for IS to reinforce Mosul."),
		chromedp.SendKeys(chromedp.CSS("#f-citations-0-locator"), "paragraph 6"),
		chromedp.SetValue(chromedp.CSS("#f-citations-0-credibility"), "2"),
		chromedp.Click(chromedp.CSS("[data-testid=save]")),
		chromedp.WaitVisible(chromedp.CSS("[data-testid=submit-for-review]")),
	)
	path := eval[string](t, ctx, `location.pathname`)
	var id conflict.EventID
	if _, err := fmt.Sscanf(path, "/edit/events/%d", &id); err != nil {
		t.Fatalf("after saving, the browser is at %q, want the event's edit page", path)
	}
	e, err := a.DB.FindEventByID(t.Context(), id)
	if err != nil {
		t.Fatal(err)
	}
	if e.Title != title || e.Date.String() != "2016-09~" || e.Place == nil || e.Place.Name != "Mosul" ||
		len(e.Actors) != 1 || e.Actors[0].Actor.Name != "U.S.-led coalition" || len(e.Citations) != 1 {
		t.Fatalf("stored event = %+v", e)
	}
	if src := e.Citations[0].Source; src.URL != "https://www.voanews.com/a/coalition-airstrikes-mosul/3531111.html?utm_source=e2e" || src.Publisher != "Voice of America" {
		t.Errorf("the inline source was stored as %+v", src)
	}
	// The page already shows the flash of the save: wait for the status.
	run(t, ctx, chromedp.Click(chromedp.CSS("[data-testid=submit-for-review]")))
	waitUntil(t, ctx, `document.querySelector('[data-testid=status]')?.textContent.trim() === 'Waiting for review'`, "the status after submitting")
	signOut(t, ctx)

	// 2. The reviewer publishes it from the queue; it is on the timeline.
	signInAs(t, ctx, srv, "rita@example.org", password)
	run(t, ctx, chromedp.Navigate(srv.URL+"/review"), chromedp.WaitVisible(chromedp.CSS("[data-testid=review-queue]")))
	item := fmt.Sprintf(`[data-testid=review-item][data-kind=event][data-id="%d"]`, id)
	if n := eval[int](t, ctx, `document.querySelectorAll('`+item+` [data-testid=diff-field]').length`); n < 5 {
		t.Errorf("the queue shows %d changed fields of the submission, want every field of a new event", n)
	}
	checkAxe(t, ctx)
	screenshot(t, ctx, "review-queue.png")
	run(t, ctx,
		chromedp.Click(chromedp.CSS(item+" [data-testid=publish]")),
		chromedp.WaitVisible(chromedp.CSS("[data-testid=flash]")),
		chromedp.Navigate(srv.URL+"/events"),
		chromedp.WaitVisible(chromedp.CSS("#results")),
	)
	if !strings.Contains(visibleText(t, ctx), title) {
		t.Errorf("the published event is not on the timeline")
	}
	signOut(t, ctx)

	// 3. A second editor opens the event; meanwhile the first editor's
	// change is accepted by a reviewer, so the second editor's save meets
	// the conflict page. Re-applied, the change is public, so it waits
	// for review: readers keep the accepted text until a reviewer accepts
	// this one too.
	signInAs(t, ctx, srv, "ed@example.org", password)
	run(t, ctx, chromedp.Navigate(srv.URL+path), chromedp.WaitVisible(chromedp.CSS("#f-body")))
	e, err = a.DB.FindEventByID(t.Context(), id)
	if err != nil {
		t.Fatal(err)
	}
	eve, rita, rob := users["eve@example.org"], users["rita@example.org"], users["rob@example.org"]
	as := func(u *conflict.User) conflict.Change {
		return conflict.Change{Author: &u.ID, AuthorName: u.Name, Role: u.Role}
	}
	e.Body = evesText
	evesEdit := as(eve)
	evesEdit.Summary = "Tightened the wording"
	pending, err := a.DB.UpdateEvent(t.Context(), &e, e.Version, evesEdit)
	if err != nil || pending == nil {
		t.Fatalf("an editor's edit of a published event = %v, %v; want a pending edit", pending, err)
	}
	if _, err := a.DB.AcceptPendingEdit(t.Context(), pending.ID, as(rita)); err != nil {
		t.Fatalf("AcceptPendingEdit: %v", err)
	}
	run(t, ctx,
		chromedp.SetValue(chromedp.CSS("#f-body"), edsText),
		chromedp.SendKeys(chromedp.CSS("#f-summary"), "Quoted the officials"),
		chromedp.Click(chromedp.CSS("[data-testid=save]")),
		chromedp.WaitVisible(chromedp.CSS("[data-testid=conflict]")),
	)
	text := visibleText(t, ctx)
	for _, want := range []string{"Someone else saved this event while you were editing it", "Eve Editor", "Tightened the wording",
		"Your changes are not saved.", evesText, edsText} {
		if !strings.Contains(text, want) {
			t.Errorf("the conflict page does not show %q", want)
		}
	}
	if got := eval[string](t, ctx, `document.querySelector('#f-body').value`); got != edsText {
		t.Errorf("the conflict page's form holds %q, want the second editor's text", got)
	}
	checkAxe(t, ctx)
	screenshot(t, ctx, "edit-conflict.png")
	run(t, ctx,
		chromedp.Click(chromedp.CSS("[data-testid=save]")),
		chromedp.WaitVisible(chromedp.CSS("[data-testid=flash]")),
	)
	if text := visibleText(t, ctx); !strings.Contains(text, "waits for review") {
		t.Errorf("after saving an edit of a published event the editor reads:\n%s\nwant to learn that it waits for review", text)
	}
	signOut(t, ctx)
	run(t, ctx, chromedp.Navigate(srv.URL+fmt.Sprintf("/events/%d", id)), chromedp.WaitVisible(chromedp.CSS("[data-testid=event]")))
	if text := visibleText(t, ctx); strings.Contains(text, "officials say") || !strings.Contains(text, evesText) {
		t.Errorf("before review a reader sees:\n%s\nwant the accepted text without the pending edit", text)
	}
	waiting, err := a.DB.FindPendingEdits(t.Context(), conflict.PendingFilter{State: conflict.EditPending, RecordID: int64(id)})
	if err != nil || len(waiting) != 1 || waiting[0].AuthorName != "Ed Second" {
		t.Fatalf("pending edits of the event = %v, %v; want Ed's", waiting, err)
	}
	if _, err := a.DB.AcceptPendingEdit(t.Context(), waiting[0].ID, as(rita)); err != nil {
		t.Fatalf("AcceptPendingEdit: %v", err)
	}

	// 4. The history shows every revision with a diff; the reviewer
	// reverts to the published text, which waits for a second reviewer.
	signInAs(t, ctx, srv, "rita@example.org", password)
	run(t, ctx, chromedp.Navigate(srv.URL+fmt.Sprintf("/events/%d/history", id)), chromedp.WaitVisible(chromedp.CSS("[data-testid=history]")))
	// "Save and submit for review" saved the form first, but the form was
	// unchanged, so that save wrote no revision.
	if n := eval[int](t, ctx, `document.querySelectorAll('[data-testid=revision]').length`); n != 5 {
		t.Errorf("the history lists %d revisions, want 5 (created, submitted, published, two accepted edits)", n)
	}
	run(t, ctx,
		chromedp.Click(chromedp.CSS(`[data-testid=revision][data-number="5"] a[href*="/diff"]`)),
		chromedp.WaitVisible(chromedp.CSS("[data-testid=diff]")),
	)
	if n := eval[int](t, ctx, `document.querySelectorAll('[data-testid=diff-field][data-field=body] ins, [data-testid=diff-field][data-field=body] del').length`); n == 0 {
		t.Errorf("the diff of the last edit shows no word changes in the body")
	}
	run(t, ctx,
		chromedp.Navigate(srv.URL+fmt.Sprintf("/events/%d/history", id)),
		chromedp.WaitVisible(chromedp.CSS("[data-testid=history]")),
		chromedp.Click(chromedp.CSS(`[data-testid=revision][data-number="3"] [data-testid=revert]`)),
		chromedp.WaitVisible(chromedp.CSS("[data-testid=flash]")),
	)
	if text := visibleText(t, ctx); !strings.Contains(text, "waits for a second reviewer") {
		t.Errorf("after a revert of a published event the reviewer reads:\n%s\nwant to learn that it waits for a second reviewer", text)
	}
	waiting, err = a.DB.FindPendingEdits(t.Context(), conflict.PendingFilter{State: conflict.EditPending, RecordID: int64(id)})
	if err != nil || len(waiting) != 1 {
		t.Fatalf("pending edits after the revert = %v, %v; want the revert", waiting, err)
	}
	if _, err := a.DB.AcceptPendingEdit(t.Context(), waiting[0].ID, as(rita)); conflict.ErrorCode(err) != conflict.Forbidden {
		t.Errorf("the reviewer accepting their own revert: %v, want Forbidden", err)
	}
	if _, err := a.DB.AcceptPendingEdit(t.Context(), waiting[0].ID, as(rob)); err != nil {
		t.Fatalf("a second reviewer accepting the revert: %v", err)
	}
	run(t, ctx, chromedp.Navigate(srv.URL+fmt.Sprintf("/events/%d/history", id)), chromedp.WaitVisible(chromedp.CSS("[data-testid=history]")))
	if n := eval[int](t, ctx, `document.querySelectorAll('[data-testid=revision]').length`); n != 6 {
		t.Errorf("after the revert is accepted the history lists %d revisions, want 6", n)
	}
	run(t, ctx, chromedp.Navigate(srv.URL+fmt.Sprintf("/events/%d", id)), chromedp.WaitVisible(chromedp.CSS("[data-testid=event]")))
	text = visibleText(t, ctx)
	if !strings.Contains(text, original) || strings.Contains(text, "officials say") {
		t.Errorf("after the revert the event reads:\n%s\nwant the published text back", text)
	}
}

// signInAs signs in through the sign-in page.
func signInAs(t *testing.T, ctx context.Context, srv *httptest.Server, email, password string) {
	t.Helper()
	run(t, ctx,
		chromedp.Navigate(srv.URL+"/signin"),
		chromedp.WaitVisible(chromedp.CSS("#signin-email")),
		chromedp.SendKeys(chromedp.CSS("#signin-email"), email),
		chromedp.SendKeys(chromedp.CSS("#signin-password"), password),
		chromedp.Click(chromedp.CSS("[data-testid=signin-submit]")),
		chromedp.WaitVisible(chromedp.CSS("[data-testid=account-name]")),
	)
}

func signOut(t *testing.T, ctx context.Context) {
	t.Helper()
	// Clicked by the page's own script: chromedp clicks a node by the id
	// it found it under, and once failed ("Could not find node with given
	// id") when the page it found the button in had just been replaced by
	// the one a redirect led to.
	eval[bool](t, ctx, `(() => { document.querySelector('[data-testid=sign-out]').click(); return true })()`)
	run(t, ctx, chromedp.WaitVisible(chromedp.CSS("[data-testid=sign-in-link]")))
}

// waitUntil polls a JavaScript condition until it holds, for what htmx
// updates after a delay.
func waitUntil(t *testing.T, ctx context.Context, cond, what string) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		if eval[bool](t, ctx, cond) {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("waited 15s for %s", what)
}
