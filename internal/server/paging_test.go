package server_test

import (
	"fmt"
	"html"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/edtf"
)

// submitEvents has the user with email write n events and submit them
// for review, the first written first; it returns their ids in order.
func submitEvents(t *testing.T, w *editorWorld, email string, n int, submit bool) []conflict.EventID {
	t.Helper()
	ctx := t.Context()
	u, err := w.a.DB.FindUserByEmail(ctx, email)
	if err != nil {
		t.Fatal(err)
	}
	ch := conflict.Change{Author: &u.ID, AuthorName: u.Name, Role: u.Role}
	var ids []conflict.EventID
	for i := range n {
		e := conflict.Event{
			Title:     fmt.Sprintf("%s report %03d", strings.Split(email, "@")[0], i+1),
			Date:      edtf.MustParse("2016-10-17"),
			Body:      "Fighting was reported.",
			Citations: []conflict.Citation{{Source: conflict.Source{ID: w.source.ID}, Quote: "Fighting."}},
		}
		if err := w.a.DB.CreateEvent(ctx, &e, ch); err != nil {
			t.Fatal(err)
		}
		if submit {
			if _, err := w.a.DB.SetEventStatus(ctx, e.ID, conflict.ActionSubmit, "", e.Version, u.Role, ch); err != nil {
				t.Fatal(err)
			}
		}
		ids = append(ids, e.ID)
	}
	return ids
}

var (
	reviewItemID = regexp.MustCompile(`data-testid="review-item" data-kind="([a-z]+)" data-id="(\d+)"`)
	reviewNext   = regexp.MustCompile(`<a href="([^"]+)" rel="next" data-testid="review-next"`)
	deskNext     = regexp.MustCompile(`<a href="([^"]+)" rel="next" data-testid="desk-next"`)
	deskTitle    = regexp.MustCompile(`class="desk-entry__title">ed report (\d+)</a>`)
	deskMoreLink = regexp.MustCompile(`<a href="(/edit\?list=[a-z]+)">([^<]+)</a>`)
)

// walkQueue follows the queue's next-page links from target and returns
// the items of every page, in order, and each page's size.
func walkQueue(t *testing.T, c *userAgent, target string, check func(page, target string)) (items []string, sizes []int) {
	t.Helper()
	for pages := 0; target != ""; pages++ {
		if pages > 20 {
			t.Fatal("the queue's pages never end")
		}
		page := wantStatus(t, c.do(http.MethodGet, target, nil), http.StatusOK, "GET "+target)
		if check != nil {
			check(page, target)
		}
		found := reviewItemID.FindAllStringSubmatch(page, -1)
		for _, m := range found {
			items = append(items, m[1]+"-"+m[2])
		}
		sizes = append(sizes, len(found))
		target = ""
		if m := reviewNext.FindStringSubmatch(page); m != nil {
			target = html.UnescapeString(m[1])
		}
	}
	return items, sizes
}

func TestReviewQueuePages(t *testing.T) {
	w := newEditorWorld(t)
	mine := submitEvents(t, w, "ed@example.org", 60, true)
	theirs := submitEvents(t, w, "ed2@example.org", 7, true)
	ed, err := w.a.DB.FindUserByEmail(t.Context(), "ed@example.org")
	if err != nil {
		t.Fatal(err)
	}

	// Everything, 25 a page, the longest waiting first, nothing twice.
	items, sizes := walkQueue(t, w.reviewer, "/review", nil)
	if fmt.Sprint(sizes) != "[25 25 17]" {
		t.Errorf("pages of %v items, want [25 25 17]", sizes)
	}
	var want []string
	for _, id := range append(mine, theirs...) {
		want = append(want, fmt.Sprintf("event-%d", id))
	}
	if strings.Join(items, " ") != strings.Join(want, " ") {
		t.Errorf("the queue's pages list\n%v\nwant, the first submitted first and each once,\n%v", items, want)
	}

	// One editor's events: the filters stay on every page.
	target := fmt.Sprintf("/review?kind=event&editor=%d", ed.ID)
	items, sizes = walkQueue(t, w.reviewer, target, func(page, target string) {
		if !strings.Contains(target, "kind=event") || !strings.Contains(target, fmt.Sprintf("editor=%d", ed.ID)) {
			t.Errorf("a page of the filtered queue drops the filters: %s", target)
		}
		if strings.Contains(page, "ed2 report") {
			t.Errorf("%s lists another editor's event", target)
		}
		if !strings.Contains(page, "60 submissions wait for review") {
			t.Errorf("%s does not count the 60 submissions the filters choose:\n%s", target, pageText(page))
		}
	})
	if fmt.Sprint(sizes) != "[25 25 10]" || len(items) != 60 || items[0] != fmt.Sprintf("event-%d", mine[0]) {
		t.Errorf("the filtered queue's pages: %v items, first %v", sizes, items[:1])
	}

	// The kind filter says how many wait of each kind.
	page := w.reviewer.do(http.MethodGet, "/review", nil).Body.String()
	if !strings.Contains(page, ">events (67)</option>") || !strings.Contains(page, ">actors (0)</option>") {
		t.Errorf("the kind filter does not count what waits of each kind")
	}

	// A page's link outlives a decision: once the first item of page two
	// is published, page two starts with the item after it; nothing is
	// skipped or shown twice.
	first := w.reviewer.do(http.MethodGet, "/review", nil).Body.String()
	next := html.UnescapeString(reviewNext.FindStringSubmatch(first)[1])
	id := mine[25]
	e, err := w.a.DB.FindEventByID(t.Context(), id)
	if err != nil {
		t.Fatal(err)
	}
	rec := w.reviewer.post(fmt.Sprintf("/review/events/%d/publish", id), map[string][]string{
		"version": {fmt.Sprint(e.Version)}, "from": {"review"}})
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("publishing = %d\n%s", rec.Code, pageText(rec.Body.String()))
	}
	items, _ = walkQueue(t, w.reviewer, next, nil)
	if len(items) == 0 || items[0] != fmt.Sprintf("event-%d", mine[26]) {
		t.Errorf("page two after a decision starts with %v, want event-%d", items[:1], mine[26])
	}
}

func TestDeskPages(t *testing.T) {
	w := newEditorWorld(t)
	drafts := submitEvents(t, w, "ed@example.org", 120, false)
	desk := wantStatus(t, w.editor.do(http.MethodGet, "/edit", nil), http.StatusOK, "GET /edit")
	if got := strings.Count(section(t, desk, "drafts"), "Go on editing"); got != 50 {
		t.Errorf("the desk shows %d drafts, want the newest 50", got)
	}
	if !strings.Contains(pageText(desk), "Drafts (120)") {
		t.Errorf("the desk does not count all 120 drafts")
	}
	more := deskMoreLink.FindAllStringSubmatch(desk, -1)
	if len(more) != 1 || more[0][1] != "/edit?list=drafts" || more[0][2] != "Show all 120 drafts" {
		t.Fatalf("the desk's links to whole lists = %v, want one to all 120 drafts", more)
	}

	// Page by page, newest first, each draft once.
	var seen []string
	target, pages := more[0][1], 0
	for ; target != "" && pages < 10; pages++ {
		page := wantStatus(t, w.editor.do(http.MethodGet, target, nil), http.StatusOK, "GET "+target)
		if !strings.Contains(pageText(page), "Your drafts (120)") {
			t.Errorf("%s does not say how many drafts there are", target)
		}
		for _, m := range deskTitle.FindAllStringSubmatch(page, -1) {
			seen = append(seen, m[1])
		}
		target = ""
		if m := deskNext.FindStringSubmatch(page); m != nil {
			target = html.UnescapeString(m[1])
		}
	}
	if pages != 3 || len(seen) != len(drafts) {
		t.Fatalf("%d pages listed %d drafts, want 3 pages and %d", pages, len(seen), len(drafts))
	}
	for i, n := range seen {
		if want := fmt.Sprintf("%03d", len(drafts)-i); n != want {
			t.Fatalf("draft %d of the pages is report %s, want %s (newest first, each once)", i+1, n, want)
		}
	}
	if rec := w.editor.do(http.MethodGet, "/edit?list=nonsense", nil); rec.Code != http.StatusNotFound {
		t.Errorf("GET /edit?list=nonsense = %d, want 404", rec.Code)
	}
}
