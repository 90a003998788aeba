package sqlite_test

import (
	"slices"
	"testing"
	"time"

	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/demo"
	"github.com/sitrep/sitrep/internal/sqlite/sqlitetest"
)

// A timeline read at a moment uses its own exclusions then, the events as
// they stood (an edit since is undone, an event published since absent),
// and the estimates with their values then.
func TestFindEventsAtReadsTheRecordAsItWas(t *testing.T) {
	db := sqlitetest.NewWithDemo(t)
	ctx := t.Context()
	clock := time.Now().Add(time.Hour)
	db.SetClock(func() time.Time { return clock })
	tick := func() { clock = clock.Add(time.Second) }
	sys := conflict.Change{AuthorName: "test", Summary: "Corrected after a second report."}

	tl, err := db.FindTimelineBySlug(ctx, demo.TimelineSlug)
	if err != nil {
		t.Fatal(err)
	}
	page, err := db.FindEvents(ctx, conflict.EventFilter{Timeline: &tl})
	if err != nil || len(page.Events) != 3 {
		t.Fatalf("the demo timeline has %d events (%v), want 3", len(page.Events), err)
	}
	excluded, edited := page.Events[0], page.Events[1]

	// Before the moment: the timeline excludes its first event.
	tick()
	tl.Excluded = []conflict.EventID{excluded.ID}
	if _, err := db.UpdateTimeline(ctx, &tl, tl.Version, sys); err != nil {
		t.Fatal(err)
	}
	tick()
	moment := clock
	tick()

	// After it: the exclusion is lifted and the timeline retitled, an
	// event is retitled, another published, an estimate revised.
	tl, _ = db.FindTimelineBySlug(ctx, demo.TimelineSlug)
	tl.Excluded, tl.Title = nil, "Mosul, 2016 (revised)"
	if _, err := db.UpdateTimeline(ctx, &tl, tl.Version, sys); err != nil {
		t.Fatal(err)
	}
	tick()
	e, _ := db.FindEventByID(ctx, edited.ID)
	e.Title = "Retitled since"
	if _, err := db.UpdateEvent(ctx, &e, e.Version, sys); err != nil {
		t.Fatal(err)
	}
	tick()
	added := e
	added.ID, added.Slug, added.Version, added.ExternalID, added.Title = 0, "", 0, "", "Published since"
	for i := range added.Citations {
		added.Citations[i].ID = 0
	}
	if err := db.CreateEvent(ctx, &added, conflict.Change{AuthorName: "test"}); err != nil {
		t.Fatal(err)
	}
	xs, err := db.FindEstimates(ctx, conflict.EstimateFilter{})
	if err != nil || len(xs) == 0 {
		t.Fatalf("FindEstimates: %v", err)
	}
	tick()
	x, _ := db.FindEstimateByID(ctx, xs[0].ID)
	oldValue := x.ValueText()
	x.High = conflict.Bound{Value: x.High.Value + 1000, Set: true}
	if _, err := db.UpdateEstimate(ctx, &x, x.Version, sys); err != nil {
		t.Fatal(err)
	}

	then, err := db.TimelineAt(ctx, tl.ID, moment)
	if err != nil {
		t.Fatal(err)
	}
	if then.Title != "Mosul, 2016" || !slices.Equal(then.Excluded, []conflict.EventID{excluded.ID}) {
		t.Errorf("the timeline then = %q excluding %v", then.Title, then.Excluded)
	}
	at, err := db.FindEventsAt(ctx, conflict.EventFilter{Timeline: &then}, moment)
	if err != nil {
		t.Fatal(err)
	}
	var titles []string
	for _, e := range at.Events {
		titles = append(titles, e.Title)
	}
	if want := []string{edited.Title, page.Events[2].Title}; !slices.Equal(titles, want) {
		t.Errorf("the timeline's events then = %q, want %q", titles, want)
	}
	now, _ := db.FindTimelineBySlug(ctx, demo.TimelineSlug)
	today, err := db.FindEventsAt(ctx, conflict.EventFilter{Timeline: &now}, clock)
	if err != nil || len(today.Events) != 4 {
		t.Errorf("the timeline read at the last write has %d events (%v), want today's 4", len(today.Events), err)
	}

	ests, err := db.FindEstimatesAt(ctx, conflict.EstimateFilter{}, moment)
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(ests, func(e conflict.Estimate) bool { return e.ID == x.ID })
	if i < 0 || ests[i].ValueText() != oldValue {
		t.Errorf("the estimate then is missing or not its value then (%q): %+v", oldValue, ests)
	}
	if _, err := db.EventAt(ctx, added.ID, moment); conflict.ErrorCode(err) != conflict.NotFound {
		t.Errorf("an event published after the moment, read at it: %v, want NotFound", err)
	}
}
