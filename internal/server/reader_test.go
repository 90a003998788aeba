package server_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/edtf"
)

func get(t *testing.T, h http.Handler, target string, status int, want ...string) string {
	t.Helper()
	rec := do(t, h, http.MethodGet, target)
	if rec.Code != status {
		t.Fatalf("GET %s = %d, want %d", target, rec.Code, status)
	}
	body := rec.Body.String()
	for _, w := range want {
		if !strings.Contains(body, w) {
			t.Errorf("GET %s lacks %q", target, w)
		}
	}
	return body
}

func TestEventPages(t *testing.T) {
	h := newHandler(t)
	get(t, h, "/events", http.StatusOK, "3 events", "Jul – Sep 2016", "September 2016 (approx.)", "27 Sep 2016")
	get(t, h, "/events?actor=ISIS", http.StatusOK, "2 events")
	get(t, h, "/events?actor=daesh&place=Iraq", http.StatusOK, "2 events")
	get(t, h, "/events?place=Syria", http.StatusOK, "No published event matches these filters")
	get(t, h, "/events?from=2016-09&to=2016-09-30", http.StatusOK, "3 events")
	get(t, h, "/events?to=2016-08", http.StatusOK, "1 event")
	get(t, h, "/events?tag=training", http.StatusOK, "1 event", "Badr Organization fighters")
	body := get(t, h, "/events?from=next+week&actor=nobody&order=sideways", http.StatusOK, "3 events")
	for _, msg := range []string{`id="filter-from-error"`, "Not a date", `No actor is called &#34;nobody&#34;`, `aria-invalid="true"`} {
		if !strings.Contains(body, msg) {
			t.Errorf("a malformed filter shows no %q at its field", msg)
		}
	}
	get(t, h, "/events?after=garbage", http.StatusOK, "That page link is not valid")
	// htmx asks for the results alone.
	rec := do(t, h, http.MethodGet, "/events?actor=ISIS", "HX-Request", "true", "HX-Target", "results")
	if b := rec.Body.String(); rec.Code != http.StatusOK || strings.Contains(b, "<html") || !strings.Contains(b, `id="results"`) {
		t.Errorf("htmx request got %d and a whole page (or no results section)", rec.Code)
	}
}

func TestEventPageAndCitations(t *testing.T) {
	h := newHandler(t)
	rec := do(t, h, http.MethodGet, "/events/1-wrong-slug")
	if rec.Code != http.StatusMovedPermanently || !strings.HasPrefix(rec.Header().Get("Location"), "/events/1-badr-organization") {
		t.Errorf("slug mismatch = %d to %q, want 301 to the right slug", rec.Code, rec.Header().Get("Location"))
	}
	get(t, h, "/events/1-badr-organization-fighters-train-in-diyala-ahead-of-the-battle-for-mosul", http.StatusOK,
		"Voice of America", "photo caption", "Usually reliable", "Probably true", "/events/1/rev/1", "BibTeX", "CSL-JSON")
	get(t, h, "/events/1/rev/1/cite.bib", http.StatusOK, "@misc{sitrep-event-1-r1,", `\url{`)
	get(t, h, "/events/1/rev/1/cite.json", http.StatusOK, `"type": "webpage"`)
	for _, path := range []string{"/events/999", "/events/abc", "/events/0", "/events/1/rev/7", "/events/1/rev/x", "/actors/nobody", "/places/atlantis", "/sources/77", "/sources/x", "/estimates/99", "/timelines/nope"} {
		get(t, h, path, http.StatusNotFound, "Page not found")
	}
}

func TestSearchPage(t *testing.T) {
	h := newHandler(t)
	get(t, h, "/search?q=raqqa", http.StatusOK, "<mark>Raqqa</mark>")
	for _, q := range []string{"%22unbalanced", "AND", "-", "*", "%D8%A7%D9%84%D9%85%D9%88%D8%B5%D9%84", "NEAR(a+b)", "a:b", strings.Repeat("x", 5000)} {
		rec := do(t, h, http.MethodGet, "/search?q="+q)
		if rec.Code != http.StatusOK {
			t.Errorf("GET /search?q=%.40s = %d, want 200", q, rec.Code)
		}
	}
	get(t, h, "/search?q=zzzqqq", http.StatusOK, "Nothing matches")
	// A phrase in straight quotes is quoted back once, not in two pairs.
	if body := get(t, h, "/search?q=%22zzz+qqq%22", http.StatusOK, "Nothing matches “<bdi>zzz qqq</bdi>”"); strings.Contains(body, "“<bdi>&#34;") {
		t.Errorf("/search?q=\"zzz qqq\" quotes the phrase in two pairs of quotation marks")
	}
}

// TestShortPrefixesAreSaid: a prefix of fewer than three letters is
// searched as a word, and both the search page and the events filter say
// so beside the words typed; a longer prefix is searched as typed, with
// no note.
func TestShortPrefixesAreSaid(t *testing.T) {
	h := newHandler(t)
	const note = "A prefix needs at least 3 letters, so this searched “<bdi>ra*</bdi>” as the word “<bdi>ra</bdi>”."
	get(t, h, "/search?q=ra*", http.StatusOK, `data-testid="search-note"`, note, "Nothing matches")
	get(t, h, "/events?q=ra*", http.StatusOK, `data-testid="filter-note"`, note, `aria-describedby="filter-q-note"`, "No events match.")
	// The terms are written into the note escaped.
	if body := get(t, h, "/search?q=%3Cb%3Ex*", http.StatusOK, "“<bdi>&lt;b&gt;x*</bdi>”"); strings.Contains(body, "<b>x") {
		t.Errorf("/search?q=<b>x* writes the term unescaped")
	}
	for _, path := range []string{"/search?q=raq*", "/events?q=raq*"} {
		body := get(t, h, path, http.StatusOK, "Raqqa")
		if strings.Contains(body, "A prefix needs") {
			t.Errorf("GET %s notes a prefix of three letters", path)
		}
	}
}

func TestExplorer(t *testing.T) {
	h := newHandler(t)
	get(t, h, "/estimates?force=ISIS&place=Iraq", http.StatusOK, "3,000–4,500", "as many as 10,000", "3,000 to 10,000", `data-testid="estimate-chart"`)
	get(t, h, "/estimates?force=nobody", http.StatusOK, "Nothing to show", `No actor is called &#34;nobody&#34;`)
	get(t, h, "/estimates?force=ISIS&place=Syria", http.StatusOK, "No estimates to chart")
	get(t, h, "/estimates?force=ISIS&from=2016-13", http.StatusOK, "Month 13 does not exist.", "as many as 10,000")
	get(t, h, "/estimates/2", http.StatusOK, "July 2016", "Coalition estimates", "3,000–4,500")
}

// TestExplorerPagesItsTable gives one force 152 estimates: past
// explorerBandAfter, the chart draws each claimant's claims as a band that
// names their count and links to them; the table lists 100 and links the
// rest, so every claim is still a click away.
func TestExplorerPagesItsTable(t *testing.T) {
	a := newApp(t)
	ctx := t.Context()
	is, err := a.DB.FindActorBySlug(ctx, "islamic-state")
	if err != nil {
		t.Fatal(err)
	}
	src, err := a.DB.FindSourceByID(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	var xs []*conflict.Estimate
	for i := 0; i < 150; i++ {
		xs = append(xs, &conflict.Estimate{Force: is.Ref(), AsOf: edtf.MustParse(fmt.Sprintf("2015-%02d-%02d", 1+i%12, 1+i%28)),
			Unit: "fighters", Qualifier: conflict.Exact, Low: conflict.Count(int64(1000 + i)), Claimant: "Monitor",
			Status: conflict.Published, Citations: []conflict.Citation{{Source: src}}})
	}
	if err := a.DB.CreateEstimates(ctx, xs, conflict.Change{AuthorName: "test"}); err != nil {
		t.Fatal(err)
	}
	h := a.Handler()
	body := get(t, h, "/estimates?force=ISIS", http.StatusOK, "lists 100 of 152 estimates", `rel="next"`)
	if n := strings.Count(body, `class="chart-mark chart-mark--band"`); n != 6 {
		t.Errorf("chart draws %d bands, want one per claimant in each figure, 6", n)
	}
	if n := strings.Count(body, `<title>Monitor: 150 claims from`); n != 2 {
		t.Errorf("the Monitor's band is titled %d times with its 150 claims, want once in each figure", n)
	}
	band := body[strings.Index(body, `class="chart-mark chart-mark--band" href="/estimates?claimant=Monitor`):]
	band = band[strings.Index(band, `href="`)+len(`href="`):]
	band = strings.ReplaceAll(band[:strings.Index(band, `"`)], "&amp;", "&")
	get(t, h, band, http.StatusOK, "lists 100 of 150 estimates")
	next := body[strings.Index(body, `rel="next" href="`)+len(`rel="next" href="`):]
	next = strings.ReplaceAll(next[:strings.Index(next, `"`)], "&amp;", "&")
	page2 := get(t, h, next, http.StatusOK)
	if rows := strings.Count(page2, "<tr>") - 1; rows != 52 {
		t.Errorf("second page of the table has %d rows, want 52", rows)
	}
}

// TestSingleForceTimelineOpensWithItsChart: a timeline of one actor shows
// the estimates of that force first.
func TestSingleForceTimelineOpensWithItsChart(t *testing.T) {
	a := newApp(t)
	ctx := t.Context()
	is, err := a.DB.FindActorBySlug(ctx, "islamic-state")
	if err != nil {
		t.Fatal(err)
	}
	tl := conflict.Timeline{Title: "The Islamic State in 2016",
		Filter: conflict.TimelineFilter{Actors: []conflict.ActorID{is.ID}, From: edtf.MustParse("2016"), To: edtf.MustParse("2016")}}
	if err := a.DB.CreateTimeline(ctx, &tl, conflict.Change{AuthorName: "test"}); err != nil {
		t.Fatal(err)
	}
	body := get(t, a.Handler(), "/timelines/"+tl.Slug, http.StatusOK, "Estimated size of", `data-testid="estimate-chart"`, "2 events")
	if strings.Index(body, "estimate-chart") > strings.Index(body, `id="results"`) {
		t.Error("the force's chart comes after the events; want it at the top")
	}
	// The actor page's spread follows the chosen period.
	get(t, a.Handler(), "/actors/islamic-state?from=2016-09", http.StatusOK, "1 estimate by 1 claimant puts the force in Mosul at 3,000 to 4,500 fighters.")
}

// TestForceChartOnATimelineIsASummary: on a timeline (and an actor's
// page) a force with sub-forces and many claimants opens with its own
// panels only and its most recent claimants' latest claims, names what it
// leaves out and links the estimates page, which draws every panel.
func TestForceChartOnATimelineIsASummary(t *testing.T) {
	a := newApp(t)
	ctx := t.Context()
	is, err := a.DB.FindActorBySlug(ctx, "islamic-state")
	if err != nil {
		t.Fatal(err)
	}
	ninawa := conflict.Actor{Name: "Wilayat Ninawa", Kind: is.Kind, Parent: &conflict.ActorRef{ID: is.ID}, Status: conflict.Published}
	if err := a.DB.CreateActor(ctx, &ninawa, conflict.Change{AuthorName: "test"}); err != nil {
		t.Fatal(err)
	}
	src, err := a.DB.FindSourceByID(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	var xs []*conflict.Estimate
	for i := range 12 {
		force, unit := ninawa.Ref(), "fighters"
		if i%3 == 0 {
			force, unit = is.Ref(), "vehicles"
		}
		xs = append(xs, &conflict.Estimate{Force: force, AsOf: edtf.MustParse(fmt.Sprintf("2016-%02d-10", 1+i%9)),
			Unit: unit, Qualifier: conflict.Exact, Low: conflict.Count(int64(100 + i)), Claimant: fmt.Sprintf("Monitor %02d", i),
			Status: conflict.Published, Citations: []conflict.Citation{{Source: src}}})
	}
	if err := a.DB.CreateEstimates(ctx, xs, conflict.Change{AuthorName: "test"}); err != nil {
		t.Fatal(err)
	}
	tl := conflict.Timeline{Title: "The Islamic State in 2016",
		Filter: conflict.TimelineFilter{Actors: []conflict.ActorID{is.ID}, From: edtf.MustParse("2016"), To: edtf.MustParse("2016")}}
	if err := a.DB.CreateTimeline(ctx, &tl, conflict.Change{AuthorName: "test"}); err != nil {
		t.Fatal(err)
	}
	h := a.Handler()
	for _, path := range []string{"/timelines/" + tl.Slug, "/actors/islamic-state"} {
		body := get(t, h, path, http.StatusOK, "Not drawn here: Wilayat Ninawa · fighters (8 claims).",
			"Find every panel on the estimates page", "latest claims are on the estimates page")
		// Each figure (wide and phone) draws the force's fighters and vehicles.
		if n := strings.Count(body, `class="chart__panel"`); n != 4 {
			t.Errorf("%s: %d chart panels, want the force's 2 in each of 2 figures", path, n)
		}
		if n := strings.Count(body, `data-testid="estimate-card"`); n != 6 {
			t.Errorf("%s: %d latest-claim cards, want the 6 most recent", path, n)
		}
	}
	body := get(t, h, "/estimates?force=islamic-state", http.StatusOK, "Wilayat Ninawa · fighters")
	if strings.Contains(body, "Not drawn here") {
		t.Error("the estimates page leaves panels out; want every one")
	}
}

// TestRetractedEventIsLabelledInLists: a source's page still lists a
// retracted event it supports, and says it is retracted.
func TestRetractedEventIsLabelledInLists(t *testing.T) {
	a := newApp(t)
	ctx := t.Context()
	e, err := a.DB.FindEventByID(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.DB.SetEventStatus(ctx, e.ID, conflict.ActionRetract, "Misdated", e.Version, conflict.RoleReviewer,
		conflict.Change{AuthorName: "test"}); err != nil {
		t.Fatal(err)
	}
	body := get(t, a.Handler(), "/sources/1", http.StatusOK, "Badr Organization fighters")
	if !strings.Contains(body, "badge--retracted") {
		t.Error("the source page lists the retracted event without a Retracted label")
	}
}

// TestSearchListsTheBestAndLinksToEveryMatch gives a word to more events
// than search lists: it shows the best of them, says there are more, and
// links to the events list of every match in date order.
func TestSearchListsTheBestAndLinksToEveryMatch(t *testing.T) {
	a := newApp(t)
	ctx := t.Context()
	src, err := a.DB.FindSourceByID(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	var events []*conflict.Event
	for i := range 30 {
		events = append(events, &conflict.Event{Title: fmt.Sprintf("Checkpoint convoy number %d", i), Date: edtf.MustParse(fmt.Sprintf("2017-03-%02d", 1+i%28)),
			Status: conflict.Published, Citations: []conflict.Citation{{Source: src}}})
	}
	if err := a.DB.CreateEvents(ctx, events, conflict.Change{AuthorName: "test"}); err != nil {
		t.Fatal(err)
	}
	h := a.Handler()
	body := get(t, h, "/search?q=convoy", http.StatusOK, "The best 20 results", `href="/events?q=convoy"`)
	if n := strings.Count(body, `data-testid="search-hit"`); n != 20 {
		t.Errorf("search lists %d hits, want the best 20", n)
	}
	// And the demo's event about convoys: a word finds its other forms.
	get(t, h, "/events?q=convoy", http.StatusOK, "31 events")
	if body := get(t, h, "/search?q=mosul", http.StatusOK); strings.Contains(body, "all-events-link") {
		t.Errorf("a search with few matches links to a list of every match")
	}
}
