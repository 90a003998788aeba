package server_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestDeskListsEveryKind(t *testing.T) {
	w := newEditorWorld(t)
	ctx := t.Context()
	// An editor's new actor is a draft, on their desk only.
	rec := w.editor.post("/edit/actors/new", url.Values{"version": {"0"}, "name": {"Hashd al-Watani"}, "kind": {"militia"}})
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("POST /edit/actors/new = %d\n%s", rec.Code, pageText(rec.Body.String()))
	}
	desk := wantStatus(t, w.editor.do(http.MethodGet, "/edit", nil), http.StatusOK, "GET /edit")
	if drafts := section(t, desk, "drafts"); !strings.Contains(drafts, "actor Hashd al-Watani") {
		t.Fatalf("the desk's drafts do not list the new actor:\n%s", drafts)
	}
	if other := wantStatus(t, w.editor2.do(http.MethodGet, "/edit", nil), http.StatusOK, "GET /edit"); strings.Contains(other, "Hashd al-Watani") {
		t.Error("another editor's desk lists the actor")
	}
	// Submitted, it waits; rejected, it comes back with the comment.
	a, err := w.a.DB.FindActorBySlug(ctx, "hashd-al-watani")
	if err != nil {
		t.Fatal(err)
	}
	if rec := w.editor.post(fmt.Sprintf("/edit/actors/%d/submit", a.ID), url.Values{"version": {fmt.Sprint(a.Version)}}); rec.Code != http.StatusSeeOther {
		t.Fatalf("submitting the actor = %d\n%s", rec.Code, pageText(rec.Body.String()))
	}
	desk = w.editor.do(http.MethodGet, "/edit", nil).Body.String()
	if waiting := section(t, desk, "waiting"); !strings.Contains(waiting, "Hashd al-Watani") {
		t.Errorf("the desk does not list the submitted actor as waiting:\n%s", waiting)
	}
	queue := w.reviewer.do(http.MethodGet, "/review?kind=actor", nil).Body.String()
	if !strings.Contains(queue, fmt.Sprintf(`action="/review/actors/%d/publish"`, a.ID)) {
		t.Fatalf("the queue does not offer the submitted actor")
	}
	a, _ = w.a.DB.FindActorBySlug(ctx, "hashd-al-watani")
	const comment = "Give the Arabic name as an alias."
	if rec := w.reviewer.post(fmt.Sprintf("/review/actors/%d/reject", a.ID), url.Values{"version": {fmt.Sprint(a.Version)}, "note": {comment}, "from": {"review"}}); rec.Code != http.StatusSeeOther {
		t.Fatalf("rejecting the actor = %d\n%s", rec.Code, pageText(rec.Body.String()))
	}
	desk = w.editor.do(http.MethodGet, "/edit", nil).Body.String()
	if returned := section(t, desk, "returned"); !strings.Contains(returned, "Hashd al-Watani") || !strings.Contains(returned, comment) {
		t.Errorf("the desk does not show the rejected actor with the comment:\n%s", returned)
	}
	if !strings.Contains(pageText(desk), "Desk (1)") {
		t.Errorf("the header does not count the rejected actor")
	}
}
