package server_test

import (
	"fmt"
	"html"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/sitrep/sitrep/internal/app"
	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/edtf"
)

var reviewerChange = conflict.Change{AuthorName: "Rita Reviewer", Summary: "Clarified who trained"}

// editDemoEvent changes the Badr training event's title and body through
// the store and returns it.
func editDemoEvent(t *testing.T, a *app.App) conflict.Event {
	t.Helper()
	e, err := a.DB.FindEventByExternalID(t.Context(), "demo:badr-training-diyala")
	if err != nil {
		t.Fatal(err)
	}
	e.Title = "Badr Organization militiamen train in Diyala ahead of the battle for Mosul"
	e.Body = "Members of the Shi'ite **Badr Organization** trained near Baqubah for the coming offensive."
	if _, err := a.DB.UpdateEvent(t.Context(), &e, e.Version, reviewerChange); err != nil {
		t.Fatalf("UpdateEvent: %v", err)
	}
	return e
}

// fetch GETs target through the real router.
func fetch(t *testing.T, a *app.App, target string) (int, string) {
	t.Helper()
	rec := do(t, a.Handler(), http.MethodGet, target)
	return rec.Code, rec.Body.String()
}

// pageText reduces a page to its words, to assert on what a reader (or a
// screen reader) is told.
func pageText(page string) string {
	page = blockTag.ReplaceAllString(page, " ")
	page = anyTag.ReplaceAllString(page, "")
	return strings.Join(strings.Fields(html.UnescapeString(page)), " ")
}

var (
	blockTag = regexp.MustCompile(`(?i)</?(p|div|td|th|dt|dd|li|h[1-6]|tr|caption|option|section|header|br|label|button|title)\b[^>]*>`)
	anyTag   = regexp.MustCompile(`(?s)<[^>]*>`)
)

func TestEventHistoryPage(t *testing.T) {
	a := newApp(t)
	e := editDemoEvent(t, a)
	code, body := fetch(t, a, fmt.Sprintf("/events/%d/history", e.ID))
	if code != http.StatusOK {
		t.Fatalf("GET history = %d, want 200", code)
	}
	if n := strings.Count(body, `data-testid="revision"`); n != 2 {
		t.Errorf("history lists %d revisions, want 2", n)
	}
	words := pageText(body)
	for _, want := range []string{
		"History of this event", "2 revisions",
		"2 (current) Edited Rita Reviewer", "Clarified who trained",
		"1 Created demo loader",
		// Each link says which revision it is for.
		"View revision 2", "Changes made in revision 2", "View revision 1",
	} {
		if !strings.Contains(words, want) {
			t.Errorf("history page lacks %q:\n%s", want, words)
		}
	}
	for _, link := range []string{
		fmt.Sprintf(`href="/events/%d/rev/1"`, e.ID),
		fmt.Sprintf(`href="/events/%d/rev/2"`, e.ID),
		fmt.Sprintf(`href="/events/%d/diff?from=1&amp;to=2"`, e.ID),
		fmt.Sprintf(`action="/events/%d/diff"`, e.ID),
	} {
		if !strings.Contains(body, link) {
			t.Errorf("history page lacks %s", link)
		}
	}
	// The event page links its history.
	_, page := fetch(t, a, fmt.Sprintf("/events/%d-%s", e.ID, e.Slug))
	if !strings.Contains(page, fmt.Sprintf(`href="/events/%d/history"`, e.ID)) {
		t.Error("event page does not link its history")
	}
}

func TestEventDiffPageShowsWordDiff(t *testing.T) {
	a := newApp(t)
	e := editDemoEvent(t, a)
	code, body := fetch(t, a, fmt.Sprintf("/events/%d/diff?from=1&to=2", e.ID))
	if code != http.StatusOK {
		t.Fatalf("GET diff = %d, want 200", code)
	}
	for _, want := range []string{
		`data-field="title"`, `data-field="body"`,
		`<del><span class="visually-hidden">[removed: </span>fighters<span class="visually-hidden">]</span></del>`,
		`<ins><span class="visually-hidden">[added: </span>militiamen<span class="visually-hidden">]</span></ins>`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("diff page lacks %s", want)
		}
	}
	if strings.Contains(body, `data-field="citations"`) || strings.Contains(body, `data-field="status"`) {
		t.Error("diff page lists fields that did not change")
	}
	// The change is told in words, not only by strike-through and colour.
	words := pageText(body)
	for _, want := range []string{
		"2 fields changed: Title, Body",
		"Badr Organization [removed: fighters][added: militiamen] train in Diyala",
		"Revision 1 · Created", "Revision 2 · Edited", "Rita Reviewer",
	} {
		if !strings.Contains(words, want) {
			t.Errorf("diff page text lacks %q:\n%s", want, words)
		}
	}
	// Without a choice: the latest revision against the one before.
	if code, body := fetch(t, a, fmt.Sprintf("/events/%d/diff", e.ID)); code != http.StatusOK || !strings.Contains(body, "militiamen") {
		t.Errorf("GET diff without revisions = %d, want 200 with the latest change", code)
	}
	// The same revision twice has no changes.
	if code, body := fetch(t, a, fmt.Sprintf("/events/%d/diff?from=2&to=2", e.ID)); code != http.StatusOK || !strings.Contains(body, "No changes") {
		t.Errorf("GET diff of one revision = %d, want 200 with no changes", code)
	}
}

func TestDiffAndHistoryBadInput(t *testing.T) {
	a := newApp(t)
	e := editDemoEvent(t, a)
	x, err := a.DB.FindEstimateByExternalID(t.Context(), "demo:is-mosul-2016-09-29")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		target string
		want   int
	}{
		{fmt.Sprintf("/events/%d/diff?from=1&to=99", e.ID), http.StatusNotFound},
		{fmt.Sprintf("/events/%d/diff?from=99&to=2", e.ID), http.StatusNotFound},
		{fmt.Sprintf("/events/%d/diff?from=abc&to=2", e.ID), http.StatusUnprocessableEntity},
		{fmt.Sprintf("/events/%d/diff?from=1&to=-1", e.ID), http.StatusUnprocessableEntity},
		{fmt.Sprintf("/events/%d/diff?from=1&to=2%%27%%20OR%%201=1", e.ID), http.StatusUnprocessableEntity},
		{fmt.Sprintf("/events/%d/diff?from=1&to=99999999999999999999", e.ID), http.StatusUnprocessableEntity},
		{fmt.Sprintf("/events/%d/diff?from=1&from=2&to=2", e.ID), http.StatusOK},
		{fmt.Sprintf("/events/%d/diff?from=0&to=1", e.ID), http.StatusOK},
		{fmt.Sprintf("/events/%d/rev/99", e.ID), http.StatusNotFound},
		{"/events/999999/history", http.StatusNotFound},
		{"/events/abc/history", http.StatusNotFound},
		{"/events/999999/diff?from=1&to=2", http.StatusNotFound},
		{fmt.Sprintf("/estimates/%d/rev/99", x.ID), http.StatusNotFound},
		{fmt.Sprintf("/estimates/%d/rev/zero", x.ID), http.StatusNotFound},
		{fmt.Sprintf("/estimates/%d/diff?from=x", x.ID), http.StatusUnprocessableEntity},
		{fmt.Sprintf("/estimates/%d/diff?from=1&to=7", x.ID), http.StatusNotFound},
		{"/estimates/0/history", http.StatusNotFound},
		{"/estimates/-3/history", http.StatusNotFound},
		{"/estimates/999999/rev/1", http.StatusNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.target, func(t *testing.T) {
			if code, _ := fetch(t, a, tt.target); code != tt.want {
				t.Errorf("GET %s = %d, want %d", tt.target, code, tt.want)
			}
		})
	}
}

func TestHistoryHidesUnpublishedStatesFromAnonymousReaders(t *testing.T) {
	a := newApp(t)
	ctx := t.Context()
	src, err := a.DB.FindSources(ctx, 1)
	if err != nil || len(src) == 0 {
		t.Fatalf("FindSources: %v", err)
	}
	e := conflict.Event{Title: "Secret draft title", Date: edtf.MustParse("2016-10-01"), Body: "Draft body",
		Citations: []conflict.Citation{{Source: src[0], Quote: "a quote"}}}
	if err := a.DB.CreateEvent(ctx, &e, conflict.Change{AuthorName: "Eddie Editor", Summary: "first draft note"}); err != nil {
		t.Fatal(err)
	}
	// A draft is nobody's business but the editors'.
	if code, _ := fetch(t, a, fmt.Sprintf("/events/%d/history", e.ID)); code != http.StatusNotFound {
		t.Errorf("history of a draft = %d, want 404", code)
	}
	e.Title = "Public title"
	if _, err := a.DB.UpdateEvent(ctx, &e, e.Version, conflict.Change{AuthorName: "Eddie Editor"}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.DB.SetEventStatus(ctx, e.ID, conflict.ActionSubmit, "", e.Version, conflict.RoleEditor, conflict.Change{AuthorName: "Eddie Editor"}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.DB.SetEventStatus(ctx, e.ID, conflict.ActionPublish, "", e.Version+1, conflict.RoleReviewer, reviewerChange); err != nil {
		t.Fatal(err)
	}

	code, body := fetch(t, a, fmt.Sprintf("/events/%d/history", e.ID))
	if code != http.StatusOK {
		t.Fatalf("history of a published event = %d", code)
	}
	words := pageText(body)
	if n := strings.Count(words, "Unpublished revision"); n != 3 {
		t.Errorf("history shows %d unpublished revisions, want 3 (create, edit, submit):\n%s", n, words)
	}
	for _, secret := range []string{"Eddie Editor", "first draft note", "Secret draft title"} {
		if strings.Contains(body, secret) {
			t.Errorf("anonymous history shows %q of an unpublished revision", secret)
		}
	}
	if !strings.Contains(words, "4 (current) Published Rita Reviewer") {
		t.Errorf("history lacks the publication:\n%s", words)
	}
	for n := 1; n <= 3; n++ {
		if strings.Contains(body, fmt.Sprintf(`href="/events/%d/rev/%d"`, e.ID, n)) {
			t.Errorf("history links unpublished revision %d", n)
		}
	}
	// The first public revision is compared with nothing visible.
	if strings.Contains(body, "/diff?from=") {
		t.Error("history offers a comparison with an unpublished revision")
	}
	if code, _ := fetch(t, a, fmt.Sprintf("/events/%d/diff?from=1&to=4", e.ID)); code != http.StatusNotFound {
		t.Errorf("diff with an unpublished revision = %d, want 404", code)
	}
	code, body = fetch(t, a, fmt.Sprintf("/events/%d/diff", e.ID))
	if code != http.StatusOK || strings.Contains(body, "Secret") || !strings.Contains(pageText(body), "Nothing: the record did not exist yet") {
		t.Errorf("default diff of the first public revision = %d, want it against nothing:\n%s", code, pageText(body))
	}
}

func TestEstimateHistoryDiffAndPermalink(t *testing.T) {
	a := newApp(t)
	ctx := t.Context()
	x, err := a.DB.FindEstimateByExternalID(ctx, "demo:is-mosul-2016-09-29")
	if err != nil {
		t.Fatal(err)
	}
	x.Low, x.High = conflict.Count(3500), conflict.Count(5000)
	x.Notes = "Revised after a second briefing."
	if _, err := a.DB.UpdateEstimate(ctx, &x, x.Version, reviewerChange); err != nil {
		t.Fatal(err)
	}

	code, body := fetch(t, a, fmt.Sprintf("/estimates/%d/history", x.ID))
	if code != http.StatusOK || strings.Count(body, `data-testid="revision"`) != 2 {
		t.Fatalf("estimate history = %d with %d revisions, want 200 and 2", code, strings.Count(body, `data-testid="revision"`))
	}
	if !strings.Contains(pageText(body), "History of this estimate Islamic State: 3,500–5,000 fighters") {
		t.Errorf("estimate history heading:\n%s", pageText(body))
	}

	code, body = fetch(t, a, fmt.Sprintf("/estimates/%d/diff?from=1&to=2", x.ID))
	if code != http.StatusOK {
		t.Fatalf("estimate diff = %d", code)
	}
	words := pageText(body)
	for _, want := range []string{"3 fields changed: Lowest number, Highest number, Notes", "Before 3,000 After 3,500", "Before 4,500 After 5,000", "[added: Revised after a second briefing]."} {
		if !strings.Contains(words, want) {
			t.Errorf("estimate diff lacks %q:\n%s", want, words)
		}
	}

	code, body = fetch(t, a, fmt.Sprintf("/estimates/%d/rev/1", x.ID))
	if code != http.StatusOK {
		t.Fatalf("estimate permalink = %d", code)
	}
	words = pageText(body)
	if !strings.Contains(words, "You are reading revision 1 of this estimate") || !strings.Contains(words, "3,000–4,500") {
		t.Errorf("estimate revision 1 page:\n%s", words)
	}
	code, body = fetch(t, a, fmt.Sprintf("/estimates/%d/rev/2", x.ID))
	if code != http.StatusOK || strings.Contains(body, "You are reading revision") {
		t.Errorf("latest estimate permalink = %d, want 200 without the old-revision notice", code)
	}
	_, page := fetch(t, a, fmt.Sprintf("/estimates/%d", x.ID))
	if !strings.Contains(page, fmt.Sprintf(`href="/estimates/%d/history"`, x.ID)) {
		t.Error("estimate page does not link its history")
	}
	if strings.Contains(page, "@components") {
		t.Error("estimate page shows template source as text")
	}
}
