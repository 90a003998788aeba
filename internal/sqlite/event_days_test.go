package sqlite

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/edtf"
)

// TestDayCountsMatchTheList counts filters of every kind by day, from the
// tallies or row by row, and compares them with the days the events of
// the list itself begin on: a histogram's bars add up to the list.
// Writes after the seed (a retraction, a moved date, a deletion) must
// keep the tallies in step.
func TestDayCountsMatchTheList(t *testing.T) {
	ctx := context.Background()
	db := openSkewed(t, 3000)
	for _, q := range []string{
		`UPDATE events SET date_hi = '2016-12-31' WHERE id = 20`,
		`UPDATE events SET status = 'retracted' WHERE id IN (30, 31, 32)`,
		`UPDATE events SET date_lo = '2015-03-04', date_hi = '2015-03-04', date = '2015-03-04' WHERE id = 40`,
		`DELETE FROM event_tags WHERE event_id = 41`,
	} {
		if _, err := db.write.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	filters := map[string]conflict.EventFilter{
		"all":                 {},
		"actor with children": {Actors: []conflict.ActorID{3}},
		"country":             {Places: []conflict.PlaceID{1}},
		"tag":                 {Tags: []string{"tag2"}},
		"tag, dates":          {Tags: []string{"tag2"}, From: edtf.MustParse("2015-06"), To: edtf.MustParse("2016-03")},
		"dates, long event":   {From: edtf.MustParse("2016-06-01"), To: edtf.MustParse("2016-06-30")},
		"two actors":          {Actors: []conflict.ActorID{2, 30}},
		"tag and actor":       {Tags: []string{"tag2"}, Actors: []conflict.ActorID{1}},
		"word, dates":         {Query: "fighting", From: edtf.MustParse("2018-02"), To: edtf.MustParse("2019-01")},
		"rare word":           {Query: "rareword"},
	}
	for name, f := range filters {
		t.Run(name, func(t *testing.T) {
			got, err := db.CountEventsByDay(ctx, f, dayCountLimit)
			if err != nil {
				t.Fatal(err)
			}
			if got.TooMany {
				t.Fatalf("too many to count")
			}
			want := conflict.DayCounts{}
			byDay := map[string]int{}
			for _, id := range bruteForce(t, db, f) {
				var lo string
				if err := db.read.QueryRowContext(ctx, `SELECT date_lo FROM events WHERE id = ?`, id).Scan(&lo); err != nil {
					t.Fatal(err)
				}
				if !f.From.IsZero() && lo < f.From.LowerKey() {
					want.Before++
				} else {
					byDay[lo]++
				}
			}
			if got.Before != want.Before {
				t.Errorf("Before = %d, want %d", got.Before, want.Before)
			}
			seen := 0
			for _, d := range got.Days {
				if byDay[d.Day] != d.N {
					t.Errorf("%s: %d, want %d", d.Day, d.N, byDay[d.Day])
				}
				seen += d.N
			}
			total := 0
			for _, n := range byDay {
				total += n
			}
			if seen != total {
				t.Errorf("counted %d events by day, the list has %d", seen, total)
			}
		})
	}
}

// TestDayCountsStopWhereCountingCostsTooMuch: two common conditions
// together have no tally, and past dayCountLimit matches are not counted
// at all rather than counted short.
func TestDayCountsStopWhereCountingCostsTooMuch(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "many.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	seedSkewed(t, db, dayCountLimit+500)
	got, err := db.CountEventsByDay(ctx, conflict.EventFilter{Statuses: []conflict.Status{conflict.Published, conflict.Retracted}}, dayCountLimit)
	if err != nil {
		t.Fatal(err)
	}
	if !got.TooMany || len(got.Days) > 0 {
		t.Errorf("every event with retracted ones: TooMany %v, %d days", got.TooMany, len(got.Days))
	}
	// A list that has more than it counted asks for no counting.
	two := conflict.EventFilter{Tags: []string{"tag1"}, Actors: []conflict.ActorID{1}}
	if got, err := db.CountEventsByDay(ctx, two, 0); err != nil || !got.TooMany {
		t.Errorf("two conditions, limit 0: TooMany %v, err %v", got.TooMany, err)
	}
	all, err := db.CountEventsByDay(ctx, conflict.EventFilter{}, 0)
	if err != nil {
		t.Fatal(err)
	}
	if all.TooMany || all.Total() == 0 {
		t.Errorf("every published event, from the tallies: TooMany %v, total %d", all.TooMany, all.Total())
	}
}
