package server_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/sitrep/sitrep/internal/app"
	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/edtf"
)

// A timeline's counts of events and estimates, and the estimates among
// its events, are kept between readers, whatever end and order each
// chooses, and a new estimate or event is counted and shown at once.
// The response cache is off, so that every page is read anew.
func TestTimelineCountsFollowWrites(t *testing.T) {
	a := openApp(t, app.Config{Demo: true, AllowedHosts: []string{"example.com"}, CacheBytes: -1})
	ctx := t.Context()
	h := a.Handler()
	forces, sources := demoForcesAndSources(t, a)
	system := conflict.Change{AuthorName: "import"}
	for range 2 {
		get(t, h, "/timelines/mosul-2016", http.StatusOK, "3 events and 2 estimates")
		get(t, h, "/timelines/mosul-2016?to=2016-08", http.StatusOK, "1 event and 1 estimate")
		get(t, h, "/timelines/mosul-2016?order=newest&to=2016-08", http.StatusOK, "1 event and 1 estimate")
		get(t, h, "/timelines/mosul-2016?to=2018", http.StatusOK, "3 events and 2 estimates")
	}

	earlier := conflict.Estimate{Force: forces[0], AsOf: edtf.MustParse("2016-05-01"), Unit: conflict.DefaultUnit,
		Qualifier: conflict.About, Low: conflict.Bound{Value: 6543, Set: true}, Claimant: "Earlier officials", Status: conflict.Published,
		Citations: []conflict.Citation{{Source: sources[0], Quote: "about 6,543 fighters"}}}
	if err := a.DB.CreateEstimate(ctx, &earlier, system); err != nil {
		t.Fatal(err)
	}
	get(t, h, "/timelines/mosul-2016", http.StatusOK, "3 events and 3 estimates", "Earlier officials")
	get(t, h, "/timelines/mosul-2016?to=2016-08", http.StatusOK, "1 event and 2 estimates", "Earlier officials")
	get(t, h, "/timelines/mosul-2016?order=newest&to=2018", http.StatusOK, "3 events and 3 estimates", "Earlier officials")
	get(t, h, "/embed/timelines/mosul-2016?to=2018", http.StatusOK, "Earlier officials")

	e := conflict.Event{Title: "Checkpoints reinforced", Date: edtf.MustParse("2016-06-10"), Status: conflict.Published,
		Citations: []conflict.Citation{{Source: sources[0], Quote: "Checkpoints were reinforced."}}}
	if err := a.DB.CreateEvent(ctx, &e, system); err != nil {
		t.Fatal(err)
	}
	get(t, h, "/timelines/mosul-2016", http.StatusOK, "4 events and 3 estimates", "Checkpoints reinforced")
	get(t, h, "/timelines/mosul-2016?to=2016-08", http.StatusOK, "2 events and 2 estimates", "Checkpoints reinforced")
	get(t, h, "/timelines/mosul-2016?order=newest&to=2016-08", http.StatusOK, "2 events and 2 estimates", "Checkpoints reinforced")
}

// The chart that opens a timeline of one force, and the timeline's
// description, are drawn once for every reader, and drawn anew after a
// new estimate of the force or an edit of the timeline.
func TestTimelineSummaryFollowsWrites(t *testing.T) {
	a := openApp(t, app.Config{Demo: true, AllowedHosts: []string{"example.com"}, CacheBytes: -1})
	ctx := t.Context()
	h := a.Handler()
	forces, sources := demoForcesAndSources(t, a)
	system := conflict.Change{AuthorName: "import"}
	tl := conflict.Timeline{Slug: "one-force", Title: "One force", Description: "First words.",
		Filter: conflict.TimelineFilter{Actors: []conflict.ActorID{forces[0].ID}}}
	if err := a.DB.CreateTimeline(ctx, &tl, system); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		body := get(t, h, "/timelines/one-force", http.StatusOK, "First words.")
		if strings.Contains(body, "Chart officials") {
			t.Fatal("the chart shows a claim not yet made")
		}
	}
	x := conflict.Estimate{Force: forces[0], AsOf: edtf.MustParse("2016-08-01"), Unit: conflict.DefaultUnit,
		Qualifier: conflict.About, Low: conflict.Bound{Value: 4321, Set: true}, Claimant: "Chart officials", Status: conflict.Published,
		Citations: []conflict.Citation{{Source: sources[0], Quote: "about 4,321 fighters"}}}
	if err := a.DB.CreateEstimate(ctx, &x, system); err != nil {
		t.Fatal(err)
	}
	get(t, h, "/timelines/one-force", http.StatusOK, "Estimated size of", "Chart officials", "4,321")
	get(t, h, "/timelines/one-force?to=2020&order=newest", http.StatusOK, "Chart officials", "First words.")

	tl.Description = "Second words."
	if _, err := a.DB.UpdateTimeline(ctx, &tl, tl.Version, system); err != nil {
		t.Fatal(err)
	}
	body := get(t, h, "/timelines/one-force", http.StatusOK, "Second words.", "Chart officials")
	if strings.Contains(body, "First words.") {
		t.Error("an edited timeline still shows its old description")
	}
}

// The tags the event filter suggests are kept between readers, and a tag
// that a new event brings is suggested at once.
func TestSuggestedTagsFollowWrites(t *testing.T) {
	a := openApp(t, app.Config{Demo: true, AllowedHosts: []string{"example.com"}, CacheBytes: -1})
	h := a.Handler()
	_, sources := demoForcesAndSources(t, a)
	suggested := `data-value="freshly-coined"`
	for range 2 {
		if body := get(t, h, "/timelines/mosul-2016", http.StatusOK); strings.Contains(body, suggested) {
			t.Fatal("a tag no event has is suggested")
		}
	}
	e := conflict.Event{Title: "A new kind of report", Date: edtf.MustParse("2016-06-11"), Status: conflict.Published,
		Tags: []string{"freshly-coined"}, Citations: []conflict.Citation{{Source: sources[0], Quote: "A new kind."}}}
	if err := a.DB.CreateEvent(t.Context(), &e, conflict.Change{AuthorName: "import"}); err != nil {
		t.Fatal(err)
	}
	get(t, h, "/timelines/mosul-2016", http.StatusOK, suggested)
	get(t, h, "/events", http.StatusOK, suggested)
}
