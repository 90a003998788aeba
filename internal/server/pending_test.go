package server_test

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/sitrep/sitrep/internal/conflict"
)

// publishedEvent creates an event as the editor and has the reviewer
// publish it.
func (w *editorWorld) publishedEvent(title string) conflict.Event {
	w.t.Helper()
	id := w.create(w.editor, w.eventForm("title", title))
	if rec := w.status(w.editor, id, "submit"); rec.Code != http.StatusSeeOther {
		w.t.Fatalf("submit = %d", rec.Code)
	}
	if rec := w.status(w.reviewer, id, "publish"); rec.Code != http.StatusSeeOther {
		w.t.Fatalf("publish = %d\n%s", rec.Code, pageText(rec.Body.String()))
	}
	return w.event(id)
}

// editTitle posts the event form with a new title, made from version.
func (w *editorWorld) editTitle(c *userAgent, e conflict.Event, version int, title string) {
	w.t.Helper()
	rec := c.post(fmt.Sprintf("/edit/events/%d", e.ID), w.eventForm("version", fmt.Sprint(version), "title", title,
		"summary", "Retitled after the second report"))
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/edit" {
		w.t.Fatalf("editing a published event = %d to %q, want 303 to the desk\n%s", rec.Code, rec.Header().Get("Location"), pageText(rec.Body.String()))
	}
}

// pendingIDs lists the ids of the pending edits the queue offers to
// accept, in its order.
func pendingIDs(t *testing.T, queue string) []string {
	t.Helper()
	var ids []string
	for _, m := range regexp.MustCompile(`action="/review/pending/(\d+)/accept"`).FindAllStringSubmatch(queue, -1) {
		ids = append(ids, m[1])
	}
	return ids
}

// section cuts one section of the desk out of the page.
func section(t *testing.T, page, id string) string {
	t.Helper()
	start := strings.Index(page, `data-testid="desk-`+id+`"`)
	if start < 0 {
		t.Fatalf("the desk has no %s section", id)
	}
	rest := page[start:]
	if end := strings.Index(rest, "</section>"); end >= 0 {
		rest = rest[:end]
	}
	return pageText(rest)
}

func TestPendingEditWaitsForASecondReviewer(t *testing.T) {
	w := newEditorWorld(t)
	rev2 := w.client("rev2@example.org", conflict.RoleReviewer)
	e := w.publishedEvent("Badr Organization fighters train in Diyala province")
	public := fmt.Sprintf("/events/%d-%s", e.ID, e.Slug)

	// The editor's edit of the published event waits.
	const newTitle = "Badr Organization militiamen train in Diyala province"
	w.editTitle(w.editor, e, e.Version, newTitle)
	if _, page := fetch(t, w.a, public); !strings.Contains(page, e.Title) || strings.Contains(page, newTitle) {
		t.Errorf("the public page does not show the published title alone before review")
	}
	desk := wantStatus(t, w.editor.do(http.MethodGet, "/edit", nil), http.StatusOK, "GET /edit")
	waiting := section(t, desk, "waiting")
	if !strings.Contains(waiting, newTitle) || !strings.Contains(waiting, "Edit waiting for review") ||
		!strings.Contains(waiting, "Retitled after the second report") || !strings.Contains(desk, `data-testid="withdraw"`) {
		t.Errorf("the desk does not list the edit as waiting, with a withdraw button:\n%s", waiting)
	}
	for _, empty := range []string{"returned", "drafts"} {
		if !strings.Contains(section(t, desk, empty), "Nothing was returned") && !strings.Contains(section(t, desk, empty), "no drafts") {
			t.Errorf("the empty %s section says nothing", empty)
		}
	}

	// The queue shows the edit as readers will see it, with its diff.
	queue := wantStatus(t, w.reviewer.do(http.MethodGet, "/review", nil), http.StatusOK, "GET /review")
	ids := pendingIDs(t, queue)
	if len(ids) != 1 {
		t.Fatalf("the queue offers %d pending edits, want 1", len(ids))
	}
	for _, want := range []string{`data-field="title"`, `data-testid="review-preview"`, `target="_blank"`, w.source.URL,
		`<ins><span class="visually-hidden">[added: </span>militiamen`} {
		if !strings.Contains(queue, want) {
			t.Errorf("the queue lacks %s", want)
		}
	}
	if filtered := w.reviewer.do(http.MethodGet, "/review?kind=estimate", nil).Body.String(); len(pendingIDs(t, filtered)) != 0 {
		t.Error("the kind filter keeps an event's edit")
	}

	// The reviewer edits too; nobody accepts their own edit, reviewer or not.
	w.editTitle(w.reviewer, e, e.Version, "Badr fighters train in Diyala")
	ownQueue := w.reviewer.do(http.MethodGet, "/review", nil).Body.String()
	if n := strings.Count(ownQueue, `data-testid="own-edit"`); n != 1 {
		t.Errorf("the queue says of %d edits that the reviewer made them, want 1", n)
	}
	own := pendingIDs(t, ownQueue)
	if len(own) != 2 {
		t.Fatalf("the queue offers %d pending edits, want 2", len(own))
	}
	rec := w.reviewer.post("/review/pending/"+own[1]+"/accept", url.Values{})
	body := wantStatus(t, rec, http.StatusForbidden, "a reviewer accepting their own edit")
	if !strings.Contains(pageText(body), "You wrote or submitted this change") || !strings.Contains(body, `data-testid="review-queue"`) {
		t.Errorf("the refusal is not shown in the queue:\n%s", pageText(body))
	}

	// A second reviewer accepts: readers see the new title.
	if rec := rev2.post("/review/pending/"+ids[0]+"/accept", url.Values{}); rec.Code != http.StatusSeeOther {
		t.Fatalf("accept = %d\n%s", rec.Code, pageText(rec.Body.String()))
	}
	accepted := w.event(e.ID)
	if _, page := fetch(t, w.a, fmt.Sprintf("/events/%d-%s", e.ID, accepted.Slug)); !strings.Contains(page, newTitle) {
		t.Errorf("the public page does not show the accepted title")
	}

	// The reviewer's own edit was made from the same version: accepting it
	// now would undo the first, so it is an edit conflict.
	rec = rev2.post("/review/pending/"+own[1]+"/accept", url.Values{})
	body = wantStatus(t, rec, http.StatusConflict, "accepting an edit made from an older version")
	if !strings.Contains(pageText(body), "made from an older version") || !strings.Contains(body, `data-testid="changed-since"`) ||
		!strings.Contains(pageText(body), "[added: militiamen]") {
		t.Errorf("the conflict does not say what changed since:\n%s", pageText(body))
	}

	// History shows the pending edit to signed-in users only.
	hist := fmt.Sprintf("/events/%d/history", e.ID)
	if page := pageText(w.editor.do(http.MethodGet, hist, nil).Body.String()); !strings.Contains(page, "Badr fighters train in Diyala") {
		t.Errorf("the history does not show the waiting edit to an editor:\n%s", page)
	}
	if _, page := fetch(t, w.a, hist); strings.Contains(page, "Badr fighters train in Diyala") || strings.Contains(page, "Waiting for review") {
		t.Errorf("the history shows a pending edit to an anonymous reader")
	}
}

func TestReturnedEditOnTheDesk(t *testing.T) {
	w := newEditorWorld(t)
	e := w.publishedEvent("Badr Organization fighters train in Diyala province")
	w.editTitle(w.editor, e, e.Version, "Badr Organization trains in Diyala")
	ids := pendingIDs(t, w.reviewer.do(http.MethodGet, "/review", nil).Body.String())
	if len(ids) != 1 {
		t.Fatalf("the queue offers %d pending edits, want 1", len(ids))
	}

	// A return needs a comment; what was typed is kept.
	body := wantStatus(t, w.reviewer.post("/review/pending/"+ids[0]+"/return", url.Values{"note": {"  "}}),
		http.StatusUnprocessableEntity, "return without a comment")
	if !strings.Contains(pageText(body), "Say why the edit goes back") {
		t.Errorf("no message for the missing comment:\n%s", pageText(body))
	}
	long := strings.Repeat("Keep the word fighters. ", 90)
	body = wantStatus(t, w.reviewer.post("/review/pending/"+ids[0]+"/return", url.Values{"note": {long}}),
		http.StatusUnprocessableEntity, "return with a comment too long")
	if !strings.Contains(pageText(body), "The comment is too long") || !strings.Contains(body, ">"+long+"</textarea>") {
		t.Errorf("a refused comment is not kept beside its message")
	}
	const comment = "Keep “fighters”: the source says fighters, not the organisation."
	if rec := w.reviewer.post("/review/pending/"+ids[0]+"/return", url.Values{"note": {comment}}); rec.Code != http.StatusSeeOther {
		t.Fatalf("return = %d\n%s", rec.Code, pageText(rec.Body.String()))
	}

	desk := wantStatus(t, w.editor.do(http.MethodGet, "/edit", nil), http.StatusOK, "GET /edit")
	returned := section(t, desk, "returned")
	if !strings.Contains(returned, "Badr Organization trains in Diyala") || !strings.Contains(returned, comment) ||
		!strings.Contains(desk, fmt.Sprintf(`href="/edit/events/%d"`, e.ID)) {
		t.Errorf("the desk does not show the returned edit with the comment and a link to edit again:\n%s", returned)
	}
	if !strings.Contains(pageText(desk), "Desk (1)") {
		t.Errorf("the header does not count the returned edit")
	}
	// The edit itself: what it changed, where it stands, the comment; for
	// its author and reviewers only.
	editPage := "/edit/pending/" + ids[0]
	if !strings.Contains(desk, `href="`+editPage+`"`) {
		t.Errorf("the desk does not link the returned edit")
	}
	page := pageText(wantStatus(t, w.editor.do(http.MethodGet, editPage, nil), http.StatusOK, "GET "+editPage))
	for _, want := range []string{"Returned by Test reviewer", comment, "1 field changed: Title", "[added: trains]", "Edit again"} {
		if !strings.Contains(page, want) {
			t.Errorf("the returned edit's page lacks %q:\n%s", want, page)
		}
	}
	wantStatus(t, w.reviewer.do(http.MethodGet, editPage, nil), http.StatusOK, "a reviewer reading the edit")
	wantStatus(t, w.editor2.do(http.MethodGet, editPage, nil), http.StatusNotFound, "another editor reading the edit")
	// Editing the record again answers the return: the count goes.
	w.editTitle(w.editor, e, e.Version, "Badr Organization fighters train near Baqubah")
	if page := pageText(w.editor.do(http.MethodGet, "/", nil).Body.String()); strings.Contains(page, "Desk (") {
		t.Errorf("the header still counts an answered return")
	}
	// The author withdraws the new edit.
	ids = pendingIDs(t, w.reviewer.do(http.MethodGet, "/review", nil).Body.String())
	if rec := w.editor2.post("/edit/pending/"+ids[0]+"/withdraw", url.Values{}); rec.Code != http.StatusForbidden {
		t.Errorf("another editor withdrawing = %d, want 403", rec.Code)
	}
	if rec := w.editor.post("/edit/pending/"+ids[0]+"/withdraw", url.Values{}); rec.Code != http.StatusSeeOther {
		t.Errorf("withdraw = %d", rec.Code)
	}
	if ids := pendingIDs(t, w.reviewer.do(http.MethodGet, "/review", nil).Body.String()); len(ids) != 0 {
		t.Errorf("a withdrawn edit is still in the queue")
	}
}

func TestReviewQueueFlagsNewRecords(t *testing.T) {
	w := newEditorWorld(t)
	const url2 = "https://www.rudaw.net/english/middleeast/iraq/280920161"
	id := w.create(w.editor, w.eventForm("citations.0.source", "", "citations.0.url", url2,
		"citations.0.publisher", "Rudaw", "citations.0.title", "Hashd forces train for Mosul",
		"body", "Fighters of the **Badr Organization** train ahead of the battle for Mosul."))
	if rec := w.status(w.editor, id, "submit"); rec.Code != http.StatusSeeOther {
		t.Fatalf("submit = %d\n%s", rec.Code, pageText(rec.Body.String()))
	}
	queue := wantStatus(t, w.reviewer.do(http.MethodGet, "/review", nil), http.StatusOK, "GET /review")
	start := strings.Index(queue, fmt.Sprintf(`data-kind="event" data-id="%d"`, id))
	if start < 0 {
		t.Fatal("the queue does not list the submission")
	}
	item := queue[start:]
	for _, want := range []string{
		// As readers will see it: the body rendered, the source a link to open.
		"<strong>Badr Organization</strong>",
		`href="` + url2 + `" target="_blank" rel="noopener noreferrer"`,
		// The source the submission brings is not public yet.
		`data-testid="new-record"`,
		// One form decides, with a comment.
		fmt.Sprintf(`formaction="/review/events/%d/reject"`, id),
	} {
		if !strings.Contains(item, want) {
			t.Errorf("the queue's item lacks %s", want)
		}
	}
	if strings.Count(item[:strings.Index(item, "</article>")], `data-testid="new-record"`) != 1 {
		t.Errorf("the queue flags records as new that are published already")
	}
}

func TestHistoryMarksPublishedWithoutReview(t *testing.T) {
	w := newEditorWorld(t)
	id := w.create(w.editor, w.eventForm("title", "Coalition airstrikes limit IS reinforcement of Mosul"))
	if rec := w.status(w.admin, id, "publish", "without_review", "1"); rec.Code != http.StatusSeeOther {
		t.Fatalf("an admin publishing without review = %d\n%s", rec.Code, pageText(rec.Body.String()))
	}
	_, page := fetch(t, w.a, fmt.Sprintf("/events/%d/history", id))
	if n := strings.Count(page, `data-testid="unreviewed"`); n != 1 {
		t.Errorf("the history marks %d revisions published without review, want the admin's publication", n)
	}
	if !strings.Contains(pageText(page), "Published published without review") {
		t.Errorf("the history does not say the publication was not reviewed:\n%s", pageText(page))
	}
}
