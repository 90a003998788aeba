package sqlite_test

import (
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/edtf"
	"github.com/sitrep/sitrep/internal/sqlite"
	"github.com/sitrep/sitrep/internal/sqlite/sqlitetest"
)

// headFixture is a record with timelines of every shape a reader ends
// and orders: one actor's 1,100 events (more than any count counts), an
// actor and a tag (counted to 200), a tag at a place with pins and an
// exclusion, a date range, and a short one.
type headFixture struct {
	db        *sqlite.DB
	army      conflict.ActorID
	place     conflict.PlaceID
	events    []conflict.EventID
	timelines map[string]conflict.TimelineID
}

func newHeadFixture(t *testing.T) *headFixture {
	t.Helper()
	ctx := t.Context()
	fx := &headFixture{db: sqlitetest.New(t), timelines: map[string]conflict.TimelineID{}}
	army, militia := conflict.Actor{Name: "Army"}, conflict.Actor{Name: "Militia"}
	for _, a := range []*conflict.Actor{&army, &militia} {
		if err := fx.db.CreateActor(ctx, a, editor); err != nil {
			t.Fatal(err)
		}
	}
	town := conflict.Place{Name: "Town"}
	if err := fx.db.CreatePlace(ctx, &town, editor); err != nil {
		t.Fatal(err)
	}
	fx.army, fx.place = army.ID, town.ID
	start := time.Date(2015, 1, 1, 0, 0, 0, 0, time.UTC)
	var events []*conflict.Event
	for i := range 1100 {
		// Some events span their month, so lists that begin within it
		// hold events that begin before.
		date := edtf.MustParse(start.AddDate(0, 0, i).Format(time.DateOnly))
		if i%10 == 0 {
			date = edtf.MustParse(start.AddDate(0, 0, i).Format("2006-01"))
		}
		e := &conflict.Event{Title: fmt.Sprint("Report ", i), Date: date, Body: fmt.Sprint("Fighting, day ", i, "."),
			Status: conflict.Published, Actors: []conflict.EventActor{{Actor: army.Ref()}},
			Citations: []conflict.Citation{{Source: newSource(i % 10), Quote: "Reported."}}}
		if i%3 == 0 {
			e.Tags = []string{"siege"}
		}
		if i%2 == 0 {
			e.Place = &conflict.PlaceRef{ID: town.ID}
		}
		if i%50 == 0 {
			e.Actors = append(e.Actors, conflict.EventActor{Actor: militia.Ref()})
		}
		events = append(events, e)
	}
	if err := fx.db.CreateEvents(ctx, events, editor); err != nil {
		t.Fatal(err)
	}
	for _, e := range events {
		fx.events = append(fx.events, e.ID)
	}
	specs := []conflict.Timeline{
		{Slug: "army", Title: "Army", Filter: conflict.TimelineFilter{Actors: []conflict.ActorID{army.ID}}},
		{Slug: "army-sieges", Title: "Army sieges", Filter: conflict.TimelineFilter{Actors: []conflict.ActorID{army.ID}, Tags: []string{"siege"}}},
		{Slug: "town-sieges", Title: "Town sieges", Filter: conflict.TimelineFilter{Places: []conflict.PlaceID{town.ID}, Tags: []string{"siege"}},
			Pinned: []conflict.EventID{fx.events[1], fx.events[1099]}, Excluded: []conflict.EventID{fx.events[6]}},
		{Slug: "army-2016", Title: "Army, 2016", Filter: conflict.TimelineFilter{Actors: []conflict.ActorID{army.ID},
			From: edtf.MustParse("2016-01"), To: edtf.MustParse("2016-06")}},
		{Slug: "militia", Title: "Militia", Filter: conflict.TimelineFilter{Actors: []conflict.ActorID{militia.ID}}},
	}
	for _, tl := range specs {
		if err := fx.db.CreateTimeline(ctx, &tl, editor); err != nil {
			t.Fatal(err)
		}
		fx.timelines[tl.Slug] = tl.ID
	}
	return fx
}

// headEnds are the ends readers choose: none, before every event, within
// the first page, within a month of spanning events, past the first
// thousand, and after every event.
var headEnds = []string{"", "2014-12-31", "2015-01-05", "2016-02-10", "2017-09-30", "2020"}

// check lists every timeline at every end, both ways, as pages and embeds
// do, and fails where the kept heads give another page than the record
// read directly (Bulk keeps none).
func (fx *headFixture) check(t *testing.T, when string) {
	t.Helper()
	ctx := t.Context()
	for slug := range fx.timelines {
		tl, err := fx.db.FindTimelineBySlug(ctx, slug)
		if err != nil {
			t.Fatal(err)
		}
		for _, end := range headEnds {
			for _, newest := range []bool{false, true} {
				for _, limit := range []int{10, 30, 250} {
					f := conflict.EventFilter{Timeline: &tl, NewestFirst: newest, Limit: limit, Statuses: []conflict.Status{conflict.Published}}
					if end != "" {
						f.To = edtf.MustParse(end)
					}
					got, err := fx.db.FindEvents(ctx, f)
					if err != nil {
						t.Fatal(err)
					}
					want, err := fx.db.Bulk().FindEvents(ctx, f)
					if err != nil {
						t.Fatal(err)
					}
					if !reflect.DeepEqual(got, want) {
						t.Errorf("%s, %s to %q newest %v limit %d: %d events (total %d, more %v, next %q), want %d (total %d, more %v, next %q)",
							when, slug, end, newest, limit, len(got.Events), got.Total, got.More, got.Next, len(want.Events), want.Total, want.More, want.Next)
					}
					if !newest {
						for _, max := range []int{0, 10, 1000} {
							got, err := fx.db.CountEventsByDay(ctx, f, max)
							if err != nil {
								t.Fatal(err)
							}
							want, err := fx.db.Bulk().CountEventsByDay(ctx, f, max)
							if err != nil {
								t.Fatal(err)
							}
							if !reflect.DeepEqual(got, want) {
								t.Errorf("%s, %s to %q counted by day up to %d: %d days, %d before, too many %v; want %d days, %d before, too many %v",
									when, slug, end, max, len(got.Days), got.Before, got.TooMany, len(want.Days), want.Before, want.TooMany)
							}
						}
					}
					// The pages after and before, and the list with
					// retracted events, count and read alike too.
					var others []conflict.EventFilter
					if got.Next != "" {
						next := f
						next.After = got.Next
						others = append(others, next)
						if page, err := fx.db.FindEvents(ctx, next); err == nil && page.Prev != "" {
							prev := f
							prev.Before = page.Prev
							others = append(others, prev)
						}
					}
					withRetracted := f
					withRetracted.Statuses = []conflict.Status{conflict.Published, conflict.Retracted}
					for _, o := range append(others, withRetracted) {
						got, err := fx.db.FindEvents(ctx, o)
						if err != nil {
							t.Fatal(err)
						}
						want, err := fx.db.Bulk().FindEvents(ctx, o)
						if err != nil {
							t.Fatal(err)
						}
						if !reflect.DeepEqual(got, want) {
							t.Errorf("%s, %s to %q newest %v limit %d after %q before %q statuses %v: %d events (total %d, next %q), want %d (total %d, next %q)",
								when, slug, end, newest, limit, o.After, o.Before, o.Statuses, len(got.Events), got.Total, got.Next, len(want.Events), want.Total, want.Next)
						}
					}
					if limit != 250 {
						// The events table's rows, read in one query.
						got, err := fx.db.FindTableEvents(ctx, f)
						if err != nil {
							t.Fatal(err)
						}
						want, err := fx.db.Bulk().FindTableEvents(ctx, f)
						if err != nil {
							t.Fatal(err)
						}
						if !reflect.DeepEqual(got, want) {
							t.Errorf("%s, %s to %q newest %v limit %d: the table shows %d rows (total %d), want %d (total %d)",
								when, slug, end, newest, limit, len(got.Events), got.Total, len(want.Events), want.Total)
						}
					}
					listed, err := fx.db.ListEvents(ctx, f)
					if err != nil {
						t.Fatal(err)
					}
					want.Total, want.More = 0, false
					if !reflect.DeepEqual(listed, want) {
						t.Errorf("%s, %s to %q newest %v limit %d: listed %d events, want %d", when, slug, end, newest, limit, len(listed.Events), len(want.Events))
					}
				}
			}
		}
	}
}

func (fx *headFixture) page(t *testing.T, slug, end string) conflict.EventPage {
	t.Helper()
	tl, err := fx.db.FindTimelineBySlug(t.Context(), slug)
	if err != nil {
		t.Fatal(err)
	}
	page, err := fx.db.FindEvents(t.Context(), conflict.EventFilter{Timeline: &tl, To: edtf.MustParse(end), Limit: 30,
		Statuses: []conflict.Status{conflict.Published}})
	if err != nil {
		t.Fatal(err)
	}
	return page
}

// A timeline's count and first page, whatever end and order a reader
// chooses, are those of the record as it is: kept between readers, and
// read again after every write (a new event, a pin, an exclusion, a
// retraction).
func TestTimelineHeadsFollowWrites(t *testing.T) {
	fx := newHeadFixture(t)
	ctx := t.Context()
	fx.check(t, "at first")
	// Four days, and four events of January as a whole.
	if p := fx.page(t, "army", "2015-01-05"); p.Total != 8 || p.More {
		t.Errorf("army to 2015-01-05 counts %d (more %v), want 8", p.Total, p.More)
	}
	if p := fx.page(t, "army-sieges", "2020"); p.Total != 200 || !p.More {
		t.Errorf("army sieges count %d (more %v), want more than 200", p.Total, p.More)
	}

	// A new event before all the others: first on every page of the
	// lists it joins, and counted at every end.
	early := conflict.Event{Title: "Early report", Date: edtf.MustParse("2014-06-01"), Status: conflict.Published,
		Actors: []conflict.EventActor{{Actor: conflict.ActorRef{ID: fx.army}}}, Tags: []string{"siege"},
		Place: &conflict.PlaceRef{ID: fx.place}, Citations: []conflict.Citation{{Source: newSource(1), Quote: "Reported."}}}
	if err := fx.db.CreateEvent(ctx, &early, editor); err != nil {
		t.Fatal(err)
	}
	if p := fx.page(t, "army", "2015-01-05"); p.Total != 9 || firstID(p) != early.ID {
		t.Errorf("after a new event, army to 2015-01-05 counts %d, first %v; want 9, first %d", p.Total, firstID(p), early.ID)
	}
	if p := fx.page(t, "town-sieges", "2014-12-31"); p.Total != 1 || firstID(p) != early.ID {
		t.Errorf("after a new event, town sieges to 2014-12-31 counts %d, first %v; want 1, first %d", p.Total, firstID(p), early.ID)
	}
	fx.check(t, "after a new event")

	// A pin and an exclusion more.
	tl, err := fx.db.FindTimelineBySlug(ctx, "town-sieges")
	if err != nil {
		t.Fatal(err)
	}
	before := fx.page(t, "town-sieges", "2015-01-05").Total
	tl.Pinned = append(tl.Pinned, fx.events[3])
	tl.Excluded = append(tl.Excluded, early.ID)
	if _, err := fx.db.UpdateTimeline(ctx, &tl, tl.Version, editor); err != nil {
		t.Fatal(err)
	}
	// The exclusion takes the early event away, the pin adds the fourth.
	if p := fx.page(t, "town-sieges", "2015-01-05"); p.Total != before || firstID(p) == early.ID {
		t.Errorf("after a pin and an exclusion, town sieges to 2015-01-05 counts %d, first %v; want %d, not %d", p.Total, firstID(p), before, early.ID)
	}
	fx.check(t, "after a pin and an exclusion")

	// A retraction takes an event out of public lists.
	if _, err := fx.db.SetEventStatus(ctx, fx.events[0], conflict.ActionRetract, "Wrong town.", 1, conflict.RoleAdmin, editor); err != nil {
		t.Fatal(err)
	}
	if p := fx.page(t, "army", "2015-01-05"); p.Total != 8 {
		t.Errorf("after a retraction, army to 2015-01-05 counts %d, want 8", p.Total)
	}
	fx.check(t, "after a retraction")
}

func firstID(p conflict.EventPage) conflict.EventID {
	if len(p.Events) == 0 {
		return 0
	}
	return p.Events[0].ID
}
