package server_test

import (
	"fmt"
	"html"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/sitrep/sitrep/internal/app"
	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/edtf"
	"github.com/sitrep/sitrep/web/components"
)

// A timeline is read as a story before it is searched: its filters are
// folded away until asked for (open when a filter is set, so the reader
// sees what narrows the list), its count names events and estimates
// apart, the navigation does not say it is the events list, and it can be
// spaced by the time between its entries, kept from page to page.
func TestTimelineReadsAsAStory(t *testing.T) {
	h := newHandler(t)
	body := get(t, h, "/timelines/mosul-2016", http.StatusOK, "3 events and 2 estimates", `<details class="filters-fold">`, "Filter this timeline",
		"Space by the time between entries")
	if strings.Contains(body, `aria-current="page">Events`) {
		t.Error("a timeline's navigation marks Events as the current section")
	}
	if strings.Contains(body, "months later") {
		t.Error("a timeline spaced evenly marks the gaps between its entries")
	}
	get(t, h, "/timelines/mosul-2016?actor=ISIS", http.StatusOK, `<details class="filters-fold" open>`, "2 events and 2 estimates")
	get(t, h, "/timelines/mosul-2016?to=2016-08", http.StatusOK, "1 event and 1 estimate")
	body = get(t, h, "/timelines/mosul-2016?spacing=time", http.StatusOK, "2 months later", "3 weeks later", "Space evenly",
		`<input type="hidden" name="spacing" value="time">`)
	if strings.Contains(body, "spacing=time&amp;format") || strings.Contains(body, "export/timelines/mosul-2016?spacing") {
		t.Error("the downloads carry the page's spacing; an export takes the filter alone")
	}
	get(t, h, "/timelines/mosul-2016?spacing=wide", http.StatusOK, "Spacing is even or time", "3 events and 2 estimates")
	// The events list keeps its place in the navigation and its form.
	body = get(t, h, "/events", http.StatusOK, `aria-current="page">Events`)
	if strings.Contains(body, "filters-fold") {
		t.Error("/events folds its filters away; only a timeline does")
	}
}

// A reader's dates narrow a timeline's and never widen them: asked to
// run past its end, the timeline still stops there, its estimates too.
func TestTimelineEstimatesStopAtItsEnd(t *testing.T) {
	a := newApp(t)
	ctx := t.Context()
	forces, sources := demoForcesAndSources(t, a)
	later := conflict.Estimate{Force: forces[0], AsOf: edtf.MustParse("2017-03-01"), Unit: conflict.DefaultUnit,
		Qualifier: conflict.About, Low: conflict.Bound{Value: 777, Set: true}, Claimant: "Later officials", Status: conflict.Published,
		Citations: []conflict.Citation{{Source: sources[0], Quote: "about 777 fighters"}}}
	if err := a.DB.CreateEstimate(ctx, &later, conflict.Change{AuthorName: "import"}); err != nil {
		t.Fatal(err)
	}
	// The figure alone, not digits inside the page's as-of time
	// (06:03:00.777…), which made this test fail by chance.
	lateFigure := regexp.MustCompile(`(^|[^0-9.:])777([^0-9]|$)`)
	h := a.Handler()
	for _, u := range []string{"/timelines/mosul-2016", "/timelines/mosul-2016?to=2018", "/timelines/mosul-2016?to=2018&order=newest",
		"/embed/timelines/mosul-2016?to=2018&order=newest"} {
		body := get(t, h, u, http.StatusOK)
		if strings.Contains(body, "Later officials") || lateFigure.MatchString(body) {
			t.Errorf("%s shows an estimate of March 2017 in a timeline of 2016", u)
		}
	}
	get(t, h, "/estimates/"+strconv.FormatInt(int64(later.ID), 10), http.StatusOK, "Later officials")
}

// Paged either way, a timeline shows each of its estimates once, on the
// page whose events its date begins among, whether its date is a day or
// a month that began before the page's first event.
func TestTimelinePagesShowEachEstimateOnce(t *testing.T) {
	a := newApp(t)
	ctx := t.Context()
	forces, sources := demoForcesAndSources(t, a)
	system := conflict.Change{AuthorName: "import"}
	// Ninety events, three a day from 1 October 2016, span three pages.
	for i := range 90 {
		e := conflict.Event{Title: "Shelling report " + strconv.Itoa(i), Date: edtf.MustParse(fmt.Sprintf("2016-10-%02d", 1+i/3)),
			Status: conflict.Published, Citations: []conflict.Citation{{Source: sources[0], Quote: "Shelling."}}}
		if err := a.DB.CreateEvent(ctx, &e, system); err != nil {
			t.Fatal(err)
		}
	}
	want := map[string]bool{}
	for i, asOf := range []string{"2016-10-02", "2016-10-11", "2016-10-12", "2016-10-25", "2016-10", "2016-10-30"} {
		x := conflict.Estimate{Force: forces[0], AsOf: edtf.MustParse(asOf), Unit: conflict.DefaultUnit, Qualifier: conflict.About,
			Low: conflict.Bound{Value: int64(100 + i), Set: true}, Claimant: "Counter " + strconv.Itoa(i), Status: conflict.Published,
			Citations: []conflict.Citation{{Source: sources[0], Quote: "About so many."}}}
		if err := a.DB.CreateEstimate(ctx, &x, system); err != nil {
			t.Fatal(err)
		}
		want[components.EstimatePath(x.ID)] = true
	}
	estimate := regexp.MustCompile(`data-testid="timeline-estimate">[\s\S]*?href="(/estimates/\d+)"`)
	next := regexp.MustCompile(`rel="next" href="([^"]+)"`)
	h := a.Handler()
	for _, start := range []string{"/timelines/mosul-2016?from=2016-10", "/timelines/mosul-2016?from=2016-10&order=newest"} {
		seen, pages := map[string]int{}, 0
		for u := start; u != ""; pages++ {
			body := get(t, h, u, http.StatusOK)
			for _, m := range estimate.FindAllStringSubmatch(body, -1) {
				seen[m[1]]++
			}
			u = ""
			if m := next.FindStringSubmatch(body); m != nil {
				u = html.UnescapeString(m[1])
			}
			if pages > 10 {
				t.Fatalf("%s: more than ten pages", start)
			}
		}
		if pages < 3 {
			t.Errorf("%s: %d pages, want the events to span three", start, pages)
		}
		for path := range want {
			if seen[path] != 1 {
				t.Errorf("%s: estimate %s shown %d times across %d pages, want once", start, path, seen[path], pages)
			}
		}
	}
}

// demoForcesAndSources are the demo's actors and sources, for tests that
// add records citing them.
func demoForcesAndSources(t *testing.T, a *app.App) ([]conflict.ActorRef, []conflict.Source) {
	t.Helper()
	forces, err := a.DB.FindActors(t.Context())
	if err != nil || len(forces) == 0 {
		t.Fatalf("FindActors = %v, %v", forces, err)
	}
	sources, err := a.DB.FindSources(t.Context(), 10)
	if err != nil || len(sources) == 0 {
		t.Fatalf("FindSources = %v, %v", sources, err)
	}
	return forces, sources
}
