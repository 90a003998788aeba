package server_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/sitrep/sitrep/internal/conflict"
)

func TestSaveAndSubmitInOneAction(t *testing.T) {
	w := newEditorWorld(t)
	id := w.create(w.editor, w.eventForm("title", "Badr fighters train in Diyala"))
	path := fmt.Sprintf("/edit/events/%d", id)

	// The draft's form has the button, and the panel no separate submit
	// that would leave the form's changes behind.
	page := wantStatus(t, w.editor.do(http.MethodGet, path, nil), http.StatusOK, "the draft's form")
	if strings.Count(page, `data-testid="submit-for-review"`) != 1 || !strings.Contains(page, `name="intent" value="submit"`) {
		t.Errorf("the draft's form does not offer one \"Save and submit for review\" button")
	}

	// A form that does not validate submits nothing and keeps the input.
	v := w.event(id).Version
	body := wantStatus(t, w.editor.post(path, w.eventForm("version", fmt.Sprint(v), "title", "", "body", "Kept body text.", "intent", "submit")),
		http.StatusUnprocessableEntity, "save and submit with no title")
	if !strings.Contains(pageText(body), "Title is required.") || !strings.Contains(body, "Kept body text.") {
		t.Errorf("the refused form does not explain and keep its input:\n%s", pageText(body))
	}
	if e := w.event(id); e.Status != conflict.Draft || e.Version != v {
		t.Errorf("after a refused save and submit the event is %s, version %d (was %d)", e.Status, e.Version, v)
	}

	// A good form is saved, then submitted, in one request.
	rec := w.editor.post(path, w.eventForm("version", fmt.Sprint(v), "title", "Badr fighters train in Diyala province", "intent", "submit"))
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("save and submit = %d\n%s", rec.Code, pageText(rec.Body.String()))
	}
	e := w.event(id)
	if e.Status != conflict.Submitted || e.Title != "Badr fighters train in Diyala province" {
		t.Errorf("after save and submit: %s %q, want the new title, submitted", e.Status, e.Title)
	}
	// Plain "Save changes" on a submission's form does not submit again.
	page = wantStatus(t, w.editor.do(http.MethodGet, path, nil), http.StatusOK, "the submission's form")
	if strings.Contains(page, `data-testid="submit-for-review"`) {
		t.Errorf("a submission's form offers to submit it again")
	}
}

func TestAdminEditOfPublishedRecordNeedsExplicitChoice(t *testing.T) {
	w := newEditorWorld(t)
	e := w.publishedEvent("Coalition airstrikes cut IS supply lines")
	path := fmt.Sprintf("/edit/events/%d", e.ID)
	public := fmt.Sprintf("/events/%d-%s", e.ID, e.Slug)

	page := wantStatus(t, w.admin.do(http.MethodGet, path, nil), http.StatusOK, "an admin's form of a published event")
	if !strings.Contains(page, `name="without_review"`) {
		t.Errorf("an admin's form of a published event does not offer \"Publish this edit without review\"")
	}
	if page := w.editor.do(http.MethodGet, path, nil).Body.String(); strings.Contains(page, `name="without_review"`) {
		t.Errorf("an editor is offered to publish an edit without review")
	}

	// Without the choice, an admin's edit waits like anyone's.
	rec := w.admin.post(path, w.eventForm("version", fmt.Sprint(e.Version), "title", "Coalition airstrikes cut supply lines to Mosul",
		"summary", "Names the city"))
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/edit" {
		t.Fatalf("an admin's edit without the choice = %d to %q, want the pending edit's 303 to the desk", rec.Code, rec.Header().Get("Location"))
	}
	if got := w.event(e.ID).Title; got != e.Title {
		t.Errorf("an admin's edit went live without the choice: title %q", got)
	}
	if body := do(t, w.a.Handler(), http.MethodGet, public).Body.String(); !strings.Contains(body, e.Title) || strings.Contains(body, "supply lines to Mosul") {
		t.Errorf("the public page does not keep the published title")
	}

	// With it, the edit is live at once.
	rec = w.admin.post(path, w.eventForm("version", fmt.Sprint(e.Version), "title", "Coalition airstrikes cut supply lines to Mosul",
		"summary", "Names the city", "without_review", "1"))
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") == "/edit" {
		t.Fatalf("an admin's edit without review = %d to %q", rec.Code, rec.Header().Get("Location"))
	}
	if got := w.event(e.ID).Title; got != "Coalition airstrikes cut supply lines to Mosul" {
		t.Errorf("an admin's edit without review did not go live: title %q", got)
	}

	// An editor cannot make the choice by posting the field.
	e = w.event(e.ID)
	rec = w.editor.post(path, w.eventForm("version", fmt.Sprint(e.Version), "title", "An editor's title", "summary", "Shorter", "without_review", "1"))
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/edit" || w.event(e.ID).Title == "An editor's title" {
		t.Errorf("an editor posting without_review = %d to %q, title %q; want a pending edit", rec.Code, rec.Header().Get("Location"), w.event(e.ID).Title)
	}
}

func TestOwnSubmissionRefusedOnThePanel(t *testing.T) {
	w := newEditorWorld(t)
	// The admin writes and submits; publishing it is their own work.
	id := w.create(w.admin, w.eventForm("title", "Top IS officials leave Mosul for Raqqa"))
	if rec := w.status(w.admin, id, "submit"); rec.Code != http.StatusSeeOther {
		t.Fatalf("submit = %d", rec.Code)
	}
	body := wantStatus(t, w.status(w.admin, id, "publish"), http.StatusForbidden, "an admin publishing their own submission")
	if !strings.Contains(body, `data-testid="workflow-problem"`) || !strings.Contains(pageText(body), "another reviewer must check it") ||
		!strings.Contains(body, `data-testid="publish-without-review"`) {
		t.Errorf("the refusal is not explained by the buttons:\n%s", pageText(body))
	}
	if st := w.event(id).Status; st != conflict.Submitted {
		t.Fatalf("the refused submission is %s", st)
	}
	if rec := w.status(w.admin, id, "publish", "without_review", "1"); rec.Code != http.StatusSeeOther || w.event(id).Status != conflict.Published {
		t.Errorf("publishing it without review = %d, %s", rec.Code, w.event(id).Status)
	}

	// A reviewer's own submission, from the queue: the message is by the
	// item, not on an error page.
	id = w.create(w.reviewer, w.eventForm("title", "IS reinforcements reach Mosul"))
	w.status(w.reviewer, id, "submit")
	body = wantStatus(t, w.status(w.reviewer, id, "publish", "from", "review"), http.StatusForbidden, "a reviewer publishing their own submission")
	if !strings.Contains(pageText(body), "another reviewer must check it") {
		t.Errorf("the queue does not say why:\n%s", pageText(body))
	}
}

func TestOnePersonRuleSaysSoOnEveryPage(t *testing.T) {
	w := newEditorWorld(t)
	const line = "Entries on this site are not independently reviewed."
	if body := do(t, w.a.Handler(), http.MethodGet, "/").Body.String(); strings.Contains(body, line) {
		t.Errorf("the default rule's pages say entries are not reviewed")
	}
	// The rule is set at start in a deployment; pages not yet cached
	// show the change here.
	w.a.DB.SetReviewRule(conflict.OnePerson)
	for _, path := range []string{"/events", "/estimates", "/search?q=Mosul"} {
		if body := do(t, w.a.Handler(), http.MethodGet, path).Body.String(); !strings.Contains(body, line) {
			t.Errorf("%s under the one-person rule does not say entries are not independently reviewed", path)
		}
	}
	// And a reviewer's own submission is theirs to publish.
	id := w.create(w.reviewer, w.eventForm("title", "Badr fighters train in Diyala"))
	w.status(w.reviewer, id, "submit")
	if rec := w.status(w.reviewer, id, "publish"); rec.Code != http.StatusSeeOther || w.event(id).Status != conflict.Published {
		t.Errorf("one-person: a reviewer publishing their own submission = %d, %s", rec.Code, w.event(id).Status)
	}
}
