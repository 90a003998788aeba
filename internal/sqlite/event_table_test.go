package sqlite

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/edtf"
)

// TestSortedTablesSortTheFirstEvents: a table sorted by place or by
// sources orders the first TableSortLimit events of the list in date
// order, page by page, and says when the list has more.
func TestSortedTablesSortTheFirstEvents(t *testing.T) {
	ctx := context.Background()
	db := openSkewed(t, TableSortLimit+300)
	firstIDs := map[conflict.EventID]bool{}
	page, err := db.FindEvents(ctx, conflict.EventFilter{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range page.Events {
		firstIDs[e.ID] = true
	}
	for _, sort := range []string{"place", "-place", "sources", "-sources"} {
		t.Run(sort, func(t *testing.T) {
			var seen []conflict.Event
			counts := map[conflict.EventID]int{}
			for p := 1; ; p++ {
				got, err := db.FindEventsSorted(ctx, conflict.EventFilter{}, sort, p, 300)
				if err != nil {
					t.Fatal(err)
				}
				if !got.Capped || got.Total != TableSortLimit {
					t.Fatalf("Capped %v, Total %d: the list has more than %d", got.Capped, got.Total, TableSortLimit)
				}
				if len(got.Events) == 0 {
					break
				}
				seen = append(seen, got.Events...)
				for id, n := range got.Citations {
					counts[id] = n
				}
			}
			if len(seen) != TableSortLimit {
				t.Fatalf("the pages hold %d events, want %d", len(seen), TableSortLimit)
			}
			for i, e := range seen {
				if !firstIDs[e.ID] {
					t.Fatalf("event %d is not among the list's first %d", e.ID, TableSortLimit)
				}
				if i == 0 {
					continue
				}
				prev := seen[i-1]
				var order int
				switch strings.TrimPrefix(sort, "-") {
				case "place":
					order = strings.Compare(placeName(prev), placeName(e))
				case "sources":
					order = counts[prev.ID] - counts[e.ID]
				}
				if strings.HasPrefix(sort, "-") {
					order = -order
				}
				if order > 0 {
					t.Errorf("row %d (%d) comes after row %d (%d) out of order", i+1, e.ID, i, prev.ID)
				}
			}
		})
	}
}

func placeName(e conflict.Event) string {
	if e.Place == nil {
		return "\uffff"
	}
	return strings.ToLower(e.Place.Name)
}

// TestTableEventsMatchTheFullEvents: the events table's rows, read in one
// query with actors and tags packed into a text each, show what the full
// events say, whatever the names hold (colons, digits, other scripts),
// and a sorted table's count is the list's own.
func TestTableEventsMatchTheFullEvents(t *testing.T) {
	ctx := context.Background()
	db := openSkewed(t, 1200)
	for _, q := range []string{
		`UPDATE actors SET name = '12:34 Brigade' WHERE id = 1`,
		`UPDATE actors SET name = ':', slug = 'a-1:2' WHERE id = 2`,
		`UPDATE actors SET name = 'Ünïcödé 7:' WHERE id = 3`,
		`UPDATE places SET name = '3:Place' WHERE id BETWEEN 51 AND 60`,
		`UPDATE event_tags SET tag = '9:' || tag WHERE event_id % 3 = 0`,
		`INSERT INTO event_tags (event_id, tag) SELECT id, 'a:b' FROM events WHERE id % 5 = 0`,
		`INSERT INTO sources (id, publisher, title, created_at, updated_at) VALUES (1, 'P', 'T', '', '')`,
		`INSERT INTO citations (source_id, event_id, position) SELECT 1, id, 0 FROM events WHERE id % 2 = 0`,
		`INSERT INTO citations (source_id, event_id, position) SELECT 1, id, 1 FROM events WHERE id % 4 = 0`,
	} {
		if _, err := db.write.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	filters := map[string]conflict.EventFilter{
		"all":           {Limit: 100},
		"newest first":  {Limit: 100, NewestFirst: true},
		"actor and tag": {Limit: 100, Actors: []conflict.ActorID{1}, Tags: []string{"tag1"}},
		"place":         {Limit: 100, Places: []conflict.PlaceID{6}},
	}
	for name, f := range filters {
		t.Run(name, func(t *testing.T) {
			want, err := db.FindEvents(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			got, err := db.FindTableEvents(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			if got.Total != want.Total || got.More != want.More || got.Next != want.Next || got.Prev != want.Prev {
				t.Errorf("FindTableEvents count %d %v, pages %q %q; FindEvents %d %v, %q %q",
					got.Total, got.More, got.Next, got.Prev, want.Total, want.More, want.Next, want.Prev)
			}
			if len(got.Events) != len(want.Events) || len(got.Events) == 0 {
				t.Fatalf("FindTableEvents gave %d events, FindEvents %d", len(got.Events), len(want.Events))
			}
			for i, w := range want.Events {
				if g, w := tableText(got.Events[i], got.Citations), tableText(w, want.Citations); g != w {
					t.Errorf("row %d:\n got %s\nwant %s", i+1, g, w)
				}
			}
			n, more, err := db.CountEvents(ctx, f, countLimit)
			if err != nil {
				t.Fatal(err)
			}
			sorted, err := db.FindEventsSorted(ctx, f, "place", 1, 100)
			if err != nil {
				t.Fatal(err)
			}
			if sorted.Count != n || sorted.More != more {
				t.Errorf("sorted table counts %d (more %v), the list %d (more %v)", sorted.Count, sorted.More, n, more)
			}
		})
	}
}

// tableText is what the table shows of an event, and its links.
func tableText(e conflict.Event, citations map[conflict.EventID]int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d %s %q %q %q %d", e.ID, e.Slug, e.Date, e.Title, e.Body, citations[e.ID])
	if e.Place != nil {
		fmt.Fprintf(&b, " place %d %q %q", e.Place.ID, e.Place.Slug, e.Place.Name)
	}
	for _, a := range e.Actors {
		fmt.Fprintf(&b, " actor %q %q", a.Actor.Slug, a.Actor.Name)
	}
	fmt.Fprintf(&b, " tags %q", e.Tags)
	return b.String()
}

// TestSortedTablesFollowEdits: a sorted table's order and the table's
// rows are kept between requests, and an edit that changes them (a place
// renamed, a citation added) shows on the next request.
func TestSortedTablesFollowEdits(t *testing.T) {
	ctx := context.Background()
	db := openTemp(t, "table.db")
	ch := conflict.Change{AuthorName: "Test Editor", Summary: "written by a test"}
	src := conflict.Source{URL: "https://news.example.org/1", Publisher: "Example News", Title: "Report"}
	if err := db.CreateSource(ctx, &src, ch); err != nil {
		t.Fatal(err)
	}
	places := []conflict.Place{{Name: "Aleppo"}, {Name: "Mosul"}, {Name: "Raqqa"}}
	for i := range places {
		if err := db.CreatePlace(ctx, &places[i], ch); err != nil {
			t.Fatal(err)
		}
	}
	var events []conflict.Event
	for i, p := range places {
		e := conflict.Event{Title: fmt.Sprintf("Clash %d", i+1), Date: edtf.MustParse(fmt.Sprintf("2016-10-%02d", 10+i)),
			Place: &conflict.PlaceRef{ID: p.ID}, Status: conflict.Published, Citations: []conflict.Citation{{Source: src}}}
		if err := db.CreateEvent(ctx, &e, ch); err != nil {
			t.Fatal(err)
		}
		events = append(events, e)
	}
	order := func(sort string) string {
		t.Helper()
		got, err := db.FindEventsSorted(ctx, conflict.EventFilter{}, sort, 1, 100)
		if err != nil {
			t.Fatal(err)
		}
		var titles []string
		for _, e := range got.Events {
			titles = append(titles, fmt.Sprintf("%s (%s, %d)", e.Title, e.Place.Name, got.Citations[e.ID]))
		}
		// The list in date order shows the same rows.
		list, err := db.FindTableEvents(ctx, conflict.EventFilter{})
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range list.Events {
			row := fmt.Sprintf("%s (%s, %d)", e.Title, e.Place.Name, list.Citations[e.ID])
			if !slices.Contains(titles, row) {
				t.Errorf("the list in date order shows %s, the sorted table %v", row, titles)
			}
		}
		return strings.Join(titles, ", ")
	}
	check := func(sort, want string) {
		t.Helper()
		for range 2 { // once sorted, once kept
			if got := order(sort); got != want {
				t.Errorf("sorted by %s: %s, want %s", sort, got, want)
			}
		}
	}
	check("place", "Clash 1 (Aleppo, 1), Clash 2 (Mosul, 1), Clash 3 (Raqqa, 1)")
	check("-sources", "Clash 1 (Aleppo, 1), Clash 2 (Mosul, 1), Clash 3 (Raqqa, 1)")

	raqqa, err := db.FindPlaceBySlug(ctx, places[2].Slug)
	if err != nil {
		t.Fatal(err)
	}
	raqqa.Name = "Al-Raqqa"
	if _, err := db.UpdatePlace(ctx, &raqqa, raqqa.Version, ch); err != nil {
		t.Fatal(err)
	}
	check("place", "Clash 3 (Al-Raqqa, 1), Clash 1 (Aleppo, 1), Clash 2 (Mosul, 1)")

	second, err := db.FindEventByID(ctx, events[1].ID)
	if err != nil {
		t.Fatal(err)
	}
	second.Citations = append(second.Citations, conflict.Citation{Source: src, Quote: "again"})
	if _, err := db.UpdateEvent(ctx, &second, second.Version, ch); err != nil {
		t.Fatal(err)
	}
	check("-sources", "Clash 2 (Mosul, 2), Clash 1 (Aleppo, 1), Clash 3 (Al-Raqqa, 1)")
	check("sources", "Clash 1 (Aleppo, 1), Clash 3 (Al-Raqqa, 1), Clash 2 (Mosul, 2)")
}

// A sorted table with an end date sorts the first events up to that date,
// whether or not the same list without one was sorted before: its keys are
// kept and cut at the end date (sortedKeys), and the cut must leave
// exactly the events the list itself has.
func TestSortedTablesCutAtTheirEndDate(t *testing.T) {
	ctx := context.Background()
	db := openSkewed(t, TableSortLimit+300)
	all, err := db.FindEvents(ctx, conflict.EventFilter{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	// Sorting the whole list first keeps its keys.
	if _, err := db.FindEventsSorted(ctx, conflict.EventFilter{}, "place", 1, 10); err != nil {
		t.Fatal(err)
	}
	for _, i := range []int{0, 10, 500, 999} {
		to := all.Events[i].Date
		want, err := db.FindEvents(ctx, conflict.EventFilter{To: to, Limit: 1000})
		if err != nil {
			t.Fatal(err)
		}
		got, err := db.FindEventsSorted(ctx, conflict.EventFilter{To: to}, "sources", 1, TableSortLimit)
		if err != nil {
			t.Fatal(err)
		}
		ids := func(events []conflict.Event) []conflict.EventID {
			out := make([]conflict.EventID, len(events))
			for j, e := range events {
				out[j] = e.ID
			}
			slices.Sort(out)
			return out
		}
		if g, w := ids(got.Events), ids(want.Events); !slices.Equal(g, w) {
			t.Errorf("to %s: the sorted table holds %d events, the list up to that date %d", to, len(g), len(w))
		}
		if got.Total != len(want.Events) || got.Capped != want.More {
			t.Errorf("to %s: Total %d, Capped %v; the list has %d, more %v", to, got.Total, got.Capped, len(want.Events), want.More)
		}
	}
}
