package sqlite

import (
	"maps"
	"testing"

	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/edtf"
)

// TestCountEventsByPlaceMatchesTheList counts a skewed database's events
// by place for every kind of filter, read from the tallies or event by
// event, and compares with paging through the list itself: a map's marks
// must add up to what their lists show.
func TestCountEventsByPlaceMatchesTheList(t *testing.T) {
	ctx := t.Context()
	db := openSkewed(t, 3000)
	// Some events have no place, and one moves after it was posted.
	for _, q := range []string{
		`UPDATE events SET place_id = NULL WHERE id % 50 = 7`,
		`UPDATE events SET place_id = 3 WHERE id = 20`,
	} {
		if _, err := db.write.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	timeline := &conflict.Timeline{ID: 1, Filter: conflict.TimelineFilter{Actors: []conflict.ActorID{3}}}
	for _, c := range []struct {
		name    string
		f       conflict.EventFilter
		tallied bool
	}{
		{"everything", conflict.EventFilter{}, true},
		{"a root actor", conflict.EventFilter{Actors: []conflict.ActorID{1}}, true},
		{"a nested actor", conflict.EventFilter{Actors: []conflict.ActorID{41}}, true},
		{"a tag", conflict.EventFilter{Tags: []string{"tag1"}}, true},
		{"a country", conflict.EventFilter{Places: []conflict.PlaceID{1}}, true},
		{"two places", conflict.EventFilter{Places: []conflict.PlaceID{2, 7}}, true},
		{"a place and an actor", conflict.EventFilter{Places: []conflict.PlaceID{3}, Actors: []conflict.ActorID{2}}, true},
		{"a timeline's actor and a place", conflict.EventFilter{Places: []conflict.PlaceID{4}, Timeline: timeline}, true},
		{"two actors", conflict.EventFilter{Actors: []conflict.ActorID{1, 2}}, false},
		{"an actor and a tag", conflict.EventFilter{Actors: []conflict.ActorID{1}, Tags: []string{"tag1"}}, false},
		{"dates", conflict.EventFilter{From: edtf.MustParse("2016-03"), To: edtf.MustParse("2017")}, false},
		{"a word", conflict.EventFilter{Query: "rareword"}, false},
		{"up to a date", conflict.EventFilter{To: edtf.MustParse("2015-06")}, false},
		{"a month", conflict.EventFilter{From: edtf.MustParse("2019-02"), To: edtf.MustParse("2019-02")}, false},
		{"retracted too", conflict.EventFilter{Statuses: []conflict.Status{conflict.Published, conflict.Retracted}, Places: []conflict.PlaceID{2}}, false},
	} {
		got, err := db.CountEventsByPlace(ctx, c.f, 100_000)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		want, total := listedByPlace(t, db, c.f)
		if !maps.Equal(got.Counts, want) {
			t.Errorf("%s: counted %d places, the list has %d; first differences: %v", c.name, len(got.Counts), len(want), placeDiff(got.Counts, want))
		}
		if got.Partial {
			t.Errorf("%s: partial under the limit", c.name)
		}
		if got.Total >= 0 && got.Total != total {
			t.Errorf("%s: total %d, the list has %d", c.name, got.Total, total)
		}
		if _, _, ok := tallied(c.f); ok != c.tallied {
			t.Errorf("%s: read from the tallies = %v, want %v", c.name, ok, c.tallied)
		}
	}
	// Past its limit, a filter counted event by event says so.
	got, err := db.CountEventsByPlace(ctx, conflict.EventFilter{Actors: []conflict.ActorID{1, 2}}, 100)
	if err != nil {
		t.Fatal(err)
	}
	if !got.Partial || got.Read != 100 || got.Total != -1 {
		t.Errorf("over the limit: partial %v, read %d, total %d; want partial, 100, -1", got.Partial, got.Read, got.Total)
	}
}

// listedByPlace pages through the list of f and counts its events by
// place.
func listedByPlace(t *testing.T, db *DB, f conflict.EventFilter) (map[conflict.PlaceID]int, int) {
	t.Helper()
	out, total := map[conflict.PlaceID]int{}, 0
	f.Limit = 200
	for {
		page, err := db.FindEvents(t.Context(), f)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range page.Events {
			total++
			if e.Place != nil {
				out[e.Place.ID]++
			}
		}
		if page.Next == "" {
			return out, total
		}
		f.After = page.Next
	}
}

func placeDiff(a, b map[conflict.PlaceID]int) map[conflict.PlaceID][2]int {
	out := map[conflict.PlaceID][2]int{}
	for k := range maps.Keys(a) {
		if a[k] != b[k] && len(out) < 5 {
			out[k] = [2]int{a[k], b[k]}
		}
	}
	for k := range maps.Keys(b) {
		if a[k] != b[k] && len(out) < 5 {
			out[k] = [2]int{a[k], b[k]}
		}
	}
	return out
}
