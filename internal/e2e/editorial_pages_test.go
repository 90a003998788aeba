package e2e

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/sitrep/sitrep/internal/app"
	"github.com/sitrep/sitrep/internal/auth"
	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/server"
)

// editorialPassword is every seeded user's password.
const editorialPassword = "correct horse battery staple"

// editorialDesk is what seedEditorialDesk made, for the test to visit.
type editorialDesk struct {
	eventID   conflict.EventID
	actor     conflict.Actor
	place     conflict.Place
	pendingID conflict.PendingEditID
	returnID  conflict.PendingEditID
}

// seedEditorialDesk fills the demo database as a busy newsroom's would be:
// five editors with edits waiting for review between them, several on one
// event; an edit returned with a long comment; draft records named
// in Arabic script and with long titles; a rejected draft.
func seedEditorialDesk(t *testing.T, a *app.App, edits int) editorialDesk {
	t.Helper()
	ctx := t.Context()
	hash, err := auth.NewHasher(auth.TestParams).Hash(editorialPassword)
	if err != nil {
		t.Fatal(err)
	}
	users := map[string]conflict.User{}
	for _, u := range []conflict.User{
		{Email: "eve@example.org", Name: "Eve Editor", Role: conflict.RoleEditor},
		{Email: "farah@example.org", Name: "Farah al-Hashimi", Role: conflict.RoleEditor},
		{Email: "gustavo@example.org", Name: "Gustavo Fernández de la Cruz Montenegro", Role: conflict.RoleEditor},
		{Email: "hussein@example.org", Name: "حسين الموسوي", Role: conflict.RoleEditor},
		{Email: "ines@example.org", Name: "Ines Ng", Role: conflict.RoleEditor},
		{Email: "rita@example.org", Name: "Rita Reviewer", Role: conflict.RoleReviewer},
		{Email: "ada@example.org", Name: "Ada Admin", Role: conflict.RoleAdmin},
	} {
		if err := a.DB.CreateUser(ctx, &u, hash); err != nil {
			t.Fatalf("CreateUser: %v", err)
		}
		users[u.Email] = u
	}
	change := func(email, summary string) conflict.Change {
		u := users[email]
		return conflict.Change{Author: &u.ID, AuthorName: u.Name, Role: u.Role, Summary: summary}
	}
	editors := []string{"eve@example.org", "farah@example.org", "gustavo@example.org", "hussein@example.org", "ines@example.org"}

	var events []conflict.Event
	for _, ext := range []string{"demo:badr-training-diyala", "demo:airstrikes-limit-reinforcement",
		"demo:officials-leave-for-raqqa"} {
		e, err := a.DB.FindEventByExternalID(ctx, ext)
		if err != nil {
			t.Fatalf("demo event %s: %v", ext, err)
		}
		events = append(events, e)
	}
	var d editorialDesk
	d.eventID = events[0].ID
	for i := range edits {
		e := events[i%len(events)]
		editor := editors[i%len(editors)]
		e.Title = fmt.Sprintf("%s — الحشد الشعبي fighters reported moving on الموصل from the south-east, revision %d", e.Title, i+1)
		e.Body += "\n\nA further paragraph that the editor added, naming الحشد الشعبي and its brigades near الموصل."
		p, err := a.DB.UpdateEvent(ctx, &e, e.Version, change(editor, fmt.Sprintf("Named the brigades the source names (%d)", i+1)))
		if err != nil || p == nil {
			t.Fatalf("edit %d of event %d: pending %v, err %v", i, e.ID, p, err)
		}
		if i == 0 {
			d.pendingID = p.ID
		}
		// Eve's last edit: a later one of hers to the same record
		// would answer it, and the desk would not list it as returned.
		if i == (edits-1)/5*5 {
			d.returnID = p.ID
		}
	}
	comment := strings.Repeat("The source says fighters of the Popular Mobilisation Forces (الحشد الشعبي), not the organisation as a whole; "+
		"keep the wording of the original report and cite the archived copy, since the live page has changed twice. ", 3)
	if _, err := a.DB.ReturnPendingEdit(ctx, d.returnID, comment, change("rita@example.org", "")); err != nil {
		t.Fatalf("returning an edit: %v", err)
	}

	d.actor = conflict.Actor{Name: "الحشد الشعبي (Popular Mobilisation Forces, Hashd al-Shaabi) — Northern Axis Command", Kind: "militia",
		Aliases: []string{"PMF", "Hashd"}, Description: "An umbrella of mostly Shia militias."}
	if err := a.DB.CreateActor(ctx, &d.actor, change("eve@example.org", "New actor")); err != nil {
		t.Fatalf("CreateActor: %v", err)
	}
	d.place = conflict.Place{Name: "الموصل", Kind: "city", Description: "Mosul, on the Tigris."}
	if err := a.DB.CreatePlace(ctx, &d.place, change("eve@example.org", "New place")); err != nil {
		t.Fatalf("CreatePlace: %v", err)
	}
	draft := events[1]
	draft.ID, draft.ExternalID, draft.Status = 0, "", conflict.Draft
	draft.Title = "A very long draft title about الحشد الشعبي brigades redeploying from Tal Afar towards الموصل ahead of the offensive's second phase"
	if err := a.DB.CreateEvent(ctx, &draft, change("eve@example.org", "New event")); err != nil {
		t.Fatalf("CreateEvent: %v", err)
	}
	return d
}

// newEditorialServer starts the demo with seeded editorial work. It serves
// only the host 127.0.0.1, so that the same server under the name
// localhost answers 421.
func newEditorialServer(t *testing.T, edits int) (*httptest.Server, *app.App, editorialDesk) {
	t.Helper()
	logs := &testLog{}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("application log:\n%s", logs)
		}
	})
	a, err := app.Open(t.Context(), app.Config{
		DBPath:       filepath.Join(t.TempDir(), "sitrep.db"),
		Demo:         true,
		Logger:       slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		Accounts:     server.AccountsConfig{Password: auth.TestParams},
		AllowedHosts: []string{"127.0.0.1"},
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
	return srv, a, seedEditorialDesk(t, a, edits)
}

// TestEditorialPagesOnAPhone loads each page of the editorial workflow as
// the user who works on it, at phone width, with a full queue and names in
// Arabic script: none may scroll sideways, and each passes axe-core in
// light and dark.
func TestEditorialPagesOnAPhone(t *testing.T) {
	chromiumPath(t)
	// SITREP_EDITORIAL_SHOTS photographs every page at both widths, with
	// a queue of forty edits; the test alone keeps to eight, for speed
	// (more than five, for the queue's list of its items).
	all := os.Getenv("SITREP_EDITORIAL_SHOTS") != ""
	edits := 8
	if all {
		edits = 40
	}
	srv, a, d := newEditorialServer(t, edits)
	ctx := newBrowser(t)

	check := func(name, path, ready string) {
		t.Helper()
		if path != "" {
			run(t, ctx, chromedp.Navigate(srv.URL+path), chromedp.WaitVisible(chromedp.CSS(ready)))
		}
		schemes, widths := []string{"light", "dark"}, []int64{phoneWidth}
		if all {
			widths = []int64{phoneWidth, desktopWidth}
		}
		for _, width := range widths {
			setViewport(t, ctx, width)
			for _, scheme := range schemes {
				setColorScheme(t, ctx, scheme)
				if width == phoneWidth {
					if wide := eval[bool](t, ctx, `document.documentElement.scrollWidth > document.documentElement.clientWidth`); wide {
						t.Errorf("%s (%s) scrolls sideways at %dpx in %s", name, path, width, scheme)
					}
					// Every rule in light; in dark only what the scheme
					// changes, the contrast of text, which is quicker.
					if scheme == "light" {
						checkAxe(t, ctx)
					} else {
						checkContrast(t, ctx, name)
					}
				}
				screenshot(t, ctx, fmt.Sprintf("editorial-%s-%d-%s.png", name, width, scheme))
			}
		}
		setColorScheme(t, ctx, "light")
		setViewport(t, ctx, phoneWidth)
	}

	setViewport(t, ctx, phoneWidth)
	signInAs(t, ctx, srv, "eve@example.org", editorialPassword)
	check("desk", "/edit", "[data-testid=desk-returned]")
	check("pending", fmt.Sprintf("/edit/pending/%d", d.returnID), "[data-testid=pending-state]")
	check("actor-draft", "/actors/"+d.actor.Slug, "main")
	check("actor-edit", fmt.Sprintf("/edit/actors/%d", d.actor.ID), "main form")
	check("place-edit", fmt.Sprintf("/edit/places/%d", d.place.ID), "main form")
	signOut(t, ctx)

	signInAs(t, ctx, srv, "rita@example.org", editorialPassword)
	check("review", "/review", "[data-testid=review-queue]")
	check("history", fmt.Sprintf("/events/%d/history", d.eventID), "[data-testid=pending-history]")
	signOut(t, ctx)

	signInAs(t, ctx, srv, "ada@example.org", editorialPassword)
	check("activity", "/admin/activity", "main")
	check("event-edit", fmt.Sprintf("/edit/events/%d", d.eventID), "main form")
	signOut(t, ctx)

	// Someone fails to sign in as Eve until the form makes them wait;
	// the admin then sees the failures and the button that clears them.
	for range 6 {
		run(t, ctx,
			chromedp.Navigate(srv.URL+"/signin"),
			chromedp.WaitVisible(chromedp.CSS("#signin-email")),
			chromedp.SendKeys(chromedp.CSS("#signin-email"), "eve@example.org"),
			chromedp.SendKeys(chromedp.CSS("#signin-password"), "not the password at all"),
			chromedp.Click(chromedp.CSS("[data-testid=signin-submit]")),
			chromedp.WaitVisible(chromedp.CSS("[data-testid=signin-problem]")),
		)
	}
	check("signin-throttled", "", "")
	signInAs(t, ctx, srv, "ada@example.org", editorialPassword)
	run(t, ctx, chromedp.Navigate(srv.URL+"/admin/users"), chromedp.WaitVisible(chromedp.CSS("[data-testid=user-failed-signins]")))
	run(t, ctx, chromedp.Click(chromedp.CSS("[data-testid=user-row]:has([data-testid=user-failed-signins]) details > summary")))
	check("users", "", "")

	signOut(t, ctx)

	// A form over the size limit answers 413 with a page that says so.
	// Chromium takes seconds to build and send 13 MB of form; the test
	// posts it and shows the browser the answer.
	resp, err := http.Post(srv.URL+"/edit/preview", "application/x-www-form-urlencoded",
		strings.NewReader("body="+strings.Repeat("x", 13<<20)))
	if err != nil {
		t.Fatal(err)
	}
	page413, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil || resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Fatalf("posting 13 MB: %d, %v", resp.StatusCode, err)
	}
	run(t, ctx, chromedp.Navigate(srv.URL+"/events/999999"), chromedp.WaitVisible(chromedp.CSS("[data-testid=error-page]")))
	tree, err := chromedp.Call(ctx, page.GetFrameTree, cdp.Empty{})
	if err != nil {
		t.Fatalf("reading the frame tree: %v", err)
	}
	if _, err := chromedp.Call(ctx, page.SetDocumentContent, page.SetDocumentContentParams{FrameID: tree.FrameTree.Frame.ID, HTML: string(page413)}); err != nil {
		t.Fatalf("showing the 413 page: %v", err)
	}
	waitUntil(t, ctx, `document.querySelector('[data-testid=error-help]') !== null && [...document.styleSheets].some(s => { try { return s.cssRules.length > 0 } catch (e) { return false } })`, "the 413 page, styled")
	check("too-large", "", "")

	check("not-found", "/events/999999", "[data-testid=error-page]")
	misdirected := strings.Replace(srv.URL, "127.0.0.1", "localhost", 1)
	run(t, ctx, chromedp.Navigate(misdirected+"/"), chromedp.WaitVisible(chromedp.CSS("[data-testid=error-page]")))
	check("misdirected", "", "")
	if styled := eval[bool](t, ctx, `[...document.styleSheets].some(s => { try { return s.cssRules.length > 0 } catch (e) { return false } })`); !styled {
		t.Errorf("the 421 page is unstyled: its stylesheet was refused too")
	}

	// A one-person newsroom's pages say that nobody else checked them.
	a.DB.SetReviewRule(conflict.OnePerson)
	check("one-person", fmt.Sprintf("/events/%d", d.eventID), "[data-testid=unreviewed]")
}

// checkContrast runs only axe-core's colour-contrast rule: what a colour
// scheme changes.
func checkContrast(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	if !eval[bool](t, ctx, `typeof window.axe === 'object'`) {
		if _, err := chromedp.Run(ctx, chromedp.Evaluate[chromedp.Void](axeSource(t))); err != nil {
			t.Fatalf("injecting axe-core: %v", err)
		}
	}
	violations := eval[[]axeViolation](t, ctx, strings.Replace(axeRun, "{resultTypes: ['violations']}",
		"{resultTypes: ['violations'], runOnly: ['color-contrast']}", 1))
	for _, v := range violations {
		t.Errorf("%s in dark: %s: %s on %s", name, v.ID, v.Help, strings.Join(v.Targets, ", "))
	}
}
