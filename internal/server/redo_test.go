package server_test

import (
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/edtf"
)

var (
	formTag     = regexp.MustCompile(`(?s)<form\b([^>]*)>(.*?)</form>`)
	inputTag    = regexp.MustCompile(`<input\b([^>]*)>`)
	textareaTag = regexp.MustCompile(`(?s)<textarea\b([^>]*)>(.*?)</textarea>`)
	selectTag   = regexp.MustCompile(`(?s)<select\b([^>]*)>(.*?)</select>`)
	optionTag   = regexp.MustCompile(`<option\b([^>]*)>`)
	attrPattern = regexp.MustCompile(`([a-zA-Z_:][-a-zA-Z0-9_:.]*)(?:="([^"]*)")?`)
)

func attrs(s string) map[string]string {
	out := map[string]string{}
	for _, m := range attrPattern.FindAllStringSubmatch(s, -1) {
		out[m[1]] = html.UnescapeString(m[2])
	}
	return out
}

// filledForm reads the form with data-testid testid out of a page as a
// browser would send it untouched: where it posts and its values.
func filledForm(t *testing.T, page, testid string) (string, url.Values) {
	t.Helper()
	for _, m := range formTag.FindAllStringSubmatch(page, -1) {
		fa := attrs(m[1])
		if fa["data-testid"] != testid {
			continue
		}
		vals := url.Values{}
		for _, in := range inputTag.FindAllStringSubmatch(m[2], -1) {
			a := attrs(in[1])
			if a["name"] == "" || ((a["type"] == "checkbox" || a["type"] == "radio") && !hasAttr(in[1], "checked")) {
				continue
			}
			vals.Add(a["name"], a["value"])
		}
		for _, ta := range textareaTag.FindAllStringSubmatch(m[2], -1) {
			// A browser drops one newline right after <textarea>.
			vals.Add(attrs(ta[1])["name"], strings.TrimPrefix(html.UnescapeString(ta[2]), "\n"))
		}
		for _, sel := range selectTag.FindAllStringSubmatch(m[2], -1) {
			value, first := "", true
			for _, opt := range optionTag.FindAllStringSubmatch(sel[2], -1) {
				if first || hasAttr(opt[1], "selected") {
					value, first = attrs(opt[1])["value"], false
				}
			}
			vals.Add(attrs(sel[1])["name"], value)
		}
		return html.UnescapeString(fa["action"]), vals
	}
	t.Fatalf("the page has no form %q:\n%s", testid, pageText(page))
	return "", nil
}

func hasAttr(tag, name string) bool {
	_, ok := attrs(tag)[name]
	return ok
}

// redoKind is one kind of record for the tests of "Edit again": its form,
// a published record of it, and a field to change.
type redoKind struct {
	rt            conflict.RecordType
	id            int64
	field, change string
}

func (k redoKind) path() string { return fmt.Sprintf("/edit/%ss/%d", k.rt, k.id) }

func (k redoKind) testid() string { return string(k.rt) + "-form" }

// redoKinds publishes a record of every kind in w.
func redoKinds(t *testing.T, w *editorWorld) []redoKind {
	t.Helper()
	ctx := t.Context()
	sys := conflict.Change{AuthorName: "setup"}
	e := w.publishedEvent("Badr Organization fighters train in Diyala province")
	actors, err := w.a.DB.FindActors(ctx)
	if err != nil || len(actors) == 0 {
		t.Fatalf("FindActors = %v, %v", actors, err)
	}
	places, err := w.a.DB.FindPlaces(ctx)
	if err != nil || len(places) == 0 {
		t.Fatalf("FindPlaces = %v, %v", places, err)
	}
	x := conflict.Estimate{Force: actors[0], AsOf: edtf.MustParse("2016-09-29"), Unit: conflict.DefaultUnit,
		Qualifier: conflict.About, Low: conflict.Bound{Value: 5000, Set: true}, Claimant: "U.S. officials", Notes: "Western officials' estimate.",
		Status:    conflict.Published,
		Citations: []conflict.Citation{{Source: w.source, Quote: "between 3,000 and 5,000 fighters"}}}
	if err := w.a.DB.CreateEstimate(ctx, &x, sys); err != nil {
		t.Fatal(err)
	}
	tl := conflict.Timeline{Title: "Mosul, 2016", Description: "The months before the offensive.",
		Filter: conflict.TimelineFilter{Actors: []conflict.ActorID{actors[0].ID}, From: edtf.MustParse("2016")}}
	if err := w.a.DB.CreateTimeline(ctx, &tl, sys); err != nil {
		t.Fatal(err)
	}
	return []redoKind{
		{conflict.EventRecord, int64(e.ID), "title", "Badr Organization fighters train near Baqubah"},
		{conflict.EstimateRecord, int64(x.ID), "notes", "Western and Iraqi officials' estimate."},
		{conflict.SourceRecord, int64(w.source.ID), "title", "Islamic State struggles to reinforce Mosul"},
		{conflict.ActorRecord, int64(actors[0].ID), "description", "A Shia armed group."},
		{conflict.PlaceRecord, int64(places[0].ID), "description", "A province east of Baghdad."},
		{conflict.TimelineRecord, int64(tl.ID), "description", "The months before the Iraqi offensive."},
	}
}

func (w *editorWorld) revisionCount(rt conflict.RecordType, id int64) int {
	w.t.Helper()
	revs, err := w.a.DB.FindRevisions(w.t.Context(), rt, id)
	if err != nil {
		w.t.Fatal(err)
	}
	return len(revs)
}

func (w *editorWorld) waiting(rt conflict.RecordType, id int64) []conflict.PendingEdit {
	w.t.Helper()
	ps, err := w.a.DB.FindPendingEdits(w.t.Context(), conflict.PendingFilter{State: conflict.EditPending, RecordType: rt, RecordID: id})
	if err != nil {
		w.t.Fatal(err)
	}
	return ps
}

// TestEditAgainOpensTheReturnedEdit: for every kind of record, "Edit
// again" on the desk opens the form with the returned edit in it, its
// summary and the reviewer's comment, on top of the current version; it
// is the edit's author's and reviewers' to open; saving it sends a new
// edit for review.
func TestEditAgainOpensTheReturnedEdit(t *testing.T) {
	w := newEditorWorld(t)
	const comment = "Say which report gives this."
	for _, k := range redoKinds(t, w) {
		t.Run(string(k.rt), func(t *testing.T) {
			w.t = t
			_, vals := filledForm(t, wantStatus(t, w.editor.do(http.MethodGet, k.path(), nil), http.StatusOK, "GET "+k.path()), k.testid())
			vals.Set(k.field, k.change)
			vals.Set("summary", "Sharper wording")
			if rec := w.editor.post(k.path(), vals); rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/edit" {
				t.Fatalf("an editor's edit = %d to %q, want the pending edit's 303 to the desk\n%s", rec.Code, rec.Header().Get("Location"), pageText(rec.Body.String()))
			}
			waiting := w.waiting(k.rt, k.id)
			if len(waiting) != 1 {
				t.Fatalf("%d pending edits, want 1", len(waiting))
			}
			p := waiting[0]
			if rec := w.reviewer.post(fmt.Sprintf("/review/pending/%d/return", p.ID), url.Values{"note": {comment}}); rec.Code != http.StatusSeeOther {
				t.Fatalf("return = %d", rec.Code)
			}

			redo := fmt.Sprintf("%s?redo=%d", k.path(), p.ID)
			desk := w.editor.do(http.MethodGet, "/edit", nil).Body.String()
			if !strings.Contains(desk, `href="`+redo+`"`) {
				t.Errorf("the desk's \"Edit again\" does not open %s", redo)
			}
			if page := w.editor.do(http.MethodGet, fmt.Sprintf("/edit/pending/%d", p.ID), nil).Body.String(); !strings.Contains(page, `href="`+redo+`"`) {
				t.Errorf("the returned edit's page does not link %s", redo)
			}

			page := wantStatus(t, w.editor.do(http.MethodGet, redo, nil), http.StatusOK, "GET "+redo)
			action, vals := filledForm(t, page, k.testid())
			cur := w.revisionCount(k.rt, k.id)
			if vals.Get(k.field) != k.change || vals.Get("summary") != "Sharper wording" {
				t.Errorf("the form holds %s %q and summary %q, want the returned edit's %q and its summary",
					k.field, vals.Get(k.field), vals.Get("summary"), k.change)
			}
			if vals.Get("version") != fmt.Sprint(p.BaseVersion) {
				t.Errorf("the form is based on version %s, want the current %d", vals.Get("version"), p.BaseVersion)
			}
			text := pageText(page)
			if !strings.Contains(text, "Returned by Test reviewer") || !strings.Contains(text, comment) {
				t.Errorf("the form does not quote the reviewer:\n%s", text)
			}
			if strings.Contains(page, `data-testid="redo-changed"`) {
				t.Errorf("the form says the record changed since the edit, and it did not")
			}
			if action != redo {
				t.Errorf("the form posts to %q, want %q (to keep its notice when shown again)", action, redo)
			}

			// Others do not see the edit; reviewers do.
			wantStatus(t, w.editor2.do(http.MethodGet, redo, nil), http.StatusNotFound, "another editor's GET "+redo)
			wantStatus(t, w.reviewer.do(http.MethodGet, redo, nil), http.StatusOK, "a reviewer's GET "+redo)

			// Saved, the edit goes to review again, made from the current
			// version; the record does not change.
			rec := w.editor.post(action, vals)
			if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/edit" {
				t.Fatalf("saving the edit again = %d to %q\n%s", rec.Code, rec.Header().Get("Location"), pageText(rec.Body.String()))
			}
			waiting = w.waiting(k.rt, k.id)
			if len(waiting) != 1 || waiting[0].ID == p.ID || waiting[0].BaseVersion != p.BaseVersion || waiting[0].Summary != "Sharper wording" {
				t.Errorf("after saving again the pending edits are %+v, want a new one made from version %d", waiting, p.BaseVersion)
			}
			if n := w.revisionCount(k.rt, k.id); n != cur {
				t.Errorf("saving the edit again wrote a revision")
			}
		})
	}
}

// TestEditAgainAfterTheRecordChanged: the notice says what changed in the
// record since the edit was made, and the form edits the current version.
func TestEditAgainAfterTheRecordChanged(t *testing.T) {
	w := newEditorWorld(t)
	e := w.publishedEvent("Badr Organization fighters train in Diyala province")
	w.editTitle(w.editor, e, e.Version, "Badr Organization trains in Diyala")
	p := w.waiting(conflict.EventRecord, int64(e.ID))[0]
	if rec := w.editor.post(fmt.Sprintf("/edit/pending/%d/withdraw", p.ID), url.Values{}); rec.Code != http.StatusSeeOther {
		t.Fatalf("withdraw = %d", rec.Code)
	}
	path := fmt.Sprintf("/edit/events/%d", e.ID)
	if page := w.editor.do(http.MethodGet, fmt.Sprintf("/edit/pending/%d", p.ID), nil).Body.String(); !strings.Contains(page, fmt.Sprintf(`href="%s?redo=%d"`, path, p.ID)) {
		t.Errorf("the withdrawn edit's page offers no \"Edit again\" with the edit")
	}
	rec := w.admin.post(path, w.eventForm("version", fmt.Sprint(e.Version), "body", "A new body, published at once.",
		"summary", "New body", "without_review", "1"))
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("an admin's edit without review = %d\n%s", rec.Code, pageText(rec.Body.String()))
	}
	cur := w.event(e.ID)

	page := wantStatus(t, w.editor.do(http.MethodGet, fmt.Sprintf("%s?redo=%d", path, p.ID), nil), http.StatusOK, "GET the withdrawn edit's form")
	_, vals := filledForm(t, page, "event-form")
	if vals.Get("version") != fmt.Sprint(cur.Version) || vals.Get("title") != "Badr Organization trains in Diyala" {
		t.Errorf("the form holds version %s, title %q; want the current version %d and the edit's title", vals.Get("version"), vals.Get("title"), cur.Version)
	}
	text := pageText(page)
	for _, want := range []string{"Withdrawn by Test editor", "This event changed since the edit was made: body."} {
		if !strings.Contains(text, want) {
			t.Errorf("the notice lacks %q:\n%s", want, text)
		}
	}
	if !strings.Contains(page, fmt.Sprintf(`href="/events/%d/history"`, e.ID)) {
		t.Errorf("the notice does not link the event's history")
	}

	// An edit still waiting is not made again; nor is another record's.
	w.editTitle(w.editor, cur, cur.Version, "Badr Organization trains near Baqubah")
	next := w.waiting(conflict.EventRecord, int64(e.ID))[0]
	wantStatus(t, w.editor.do(http.MethodGet, fmt.Sprintf("%s?redo=%d", path, next.ID), nil), http.StatusUnprocessableEntity, "GET a waiting edit's form")
	wantStatus(t, w.editor.do(http.MethodGet, fmt.Sprintf("/edit/actors/1?redo=%d", p.ID), nil), http.StatusNotFound, "GET another record's form with the edit")
	wantStatus(t, w.editor.do(http.MethodGet, path+"?redo=x", nil), http.StatusNotFound, "GET the form with a bad edit number")
}

// TestUnchangedSaveSaysNothingChanged: every kind's form, saved as it
// came, writes no revision and makes no pending edit, and says so.
func TestUnchangedSaveSaysNothingChanged(t *testing.T) {
	w := newEditorWorld(t)
	for _, k := range redoKinds(t, w) {
		t.Run(string(k.rt), func(t *testing.T) {
			w.t = t
			before := w.revisionCount(k.rt, k.id)
			_, vals := filledForm(t, wantStatus(t, w.editor.do(http.MethodGet, k.path(), nil), http.StatusOK, "GET "+k.path()), k.testid())
			vals.Set("summary", "Checked, nothing to change")
			rec := w.editor.post(k.path(), vals)
			if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != k.path() {
				t.Fatalf("an unchanged save = %d to %q, want 303 back to the form\n%s", rec.Code, rec.Header().Get("Location"), pageText(rec.Body.String()))
			}
			if n := w.revisionCount(k.rt, k.id); n != before {
				t.Errorf("an unchanged save wrote a revision: %d, want %d", n, before)
			}
			if ps := w.waiting(k.rt, k.id); len(ps) != 0 {
				t.Errorf("an unchanged save of a published %s made a pending edit", k.rt)
			}
			if page := w.editor.do(http.MethodGet, k.path(), nil).Body.String(); !strings.Contains(pageText(page), "Nothing changed") {
				t.Errorf("no \"Nothing changed\" after an unchanged save")
			}
		})
	}
}

// TestUnchangedDraftSavedAndSubmitted: "Save and submit for review" on an
// unchanged draft submits it without a revision for the save.
func TestUnchangedDraftSavedAndSubmitted(t *testing.T) {
	w := newEditorWorld(t)
	id := w.create(w.editor, w.eventForm())
	path := fmt.Sprintf("/edit/events/%d", id)
	_, vals := filledForm(t, w.editor.do(http.MethodGet, path, nil).Body.String(), "event-form")
	vals.Set("intent", "submit")
	if rec := w.editor.post(path, vals); rec.Code != http.StatusSeeOther {
		t.Fatalf("save and submit = %d\n%s", rec.Code, pageText(rec.Body.String()))
	}
	revs, err := w.a.DB.FindRevisions(t.Context(), conflict.EventRecord, int64(id))
	if err != nil {
		t.Fatal(err)
	}
	if len(revs) != 2 || revs[0].Action != conflict.ActionSubmit || w.event(id).Status != conflict.Submitted {
		t.Errorf("after save and submit of an unchanged draft: %d revisions, the last %s; want 2, created then submitted", len(revs), revs[0].Action)
	}
	// A changed draft is saved, then submitted.
	id = w.create(w.editor, w.eventForm())
	path = fmt.Sprintf("/edit/events/%d", id)
	_, vals = filledForm(t, w.editor.do(http.MethodGet, path, nil).Body.String(), "event-form")
	vals.Set("body", "Fighters train ahead of the battle.")
	vals.Set("intent", "submit")
	if rec := w.editor.post(path, vals); rec.Code != http.StatusSeeOther {
		t.Fatalf("save and submit = %d", rec.Code)
	}
	if n := w.revisionCount(conflict.EventRecord, int64(id)); n != 3 {
		t.Errorf("after save and submit of a changed draft: %d revisions, want 3", n)
	}
}
