package sqlite_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/edtf"
	"github.com/sitrep/sitrep/internal/sqlite"
	"github.com/sitrep/sitrep/internal/synth"
)

// TestClaimCountsMatchTheList counts estimates by day, claim by claim and
// from the monthly tallies with their edge months counted claim by
// claim, and checks that every count adds up to the explorer's own list:
// the same claims, in the month (or on the day) they begin.
func TestClaimCountsMatchTheList(t *testing.T) {
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "claims.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	// More claims of one force than are counted one by one.
	if _, err := synth.Generate(ctx, db, synth.Options{Events: 10, Estimates: 6000, Actors: 20, Places: 20, Sources: 10, Force: "Islamic State", Seed: 3}); err != nil {
		t.Fatal(err)
	}
	force, err := db.FindPublicActorsByName(ctx, "Islamic State")
	if err != nil || len(force) == 0 {
		t.Fatalf("no force: %v", err)
	}
	id := force[0].ID
	for name, f := range map[string]conflict.EstimateFilter{
		"every claim":            {},
		"the force":              {Force: id},
		"the force, mid-month":   {Force: id, From: edtf.MustParse("2015-03-17"), To: edtf.MustParse("2018-11-05")},
		"the force, a few weeks": {Force: id, From: edtf.MustParse("2016-02-10"), To: edtf.MustParse("2016-03-20")},
	} {
		t.Run(name, func(t *testing.T) {
			got, err := db.CountEstimatesByDay(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			if got.TooMany {
				t.Fatal("too many to count")
			}
			// The list, read whole.
			wantBefore, wantMonths := 0, map[string]int{}
			all := f
			all.Limit = 1000
			for {
				xs, err := db.FindEstimates(ctx, all)
				if err != nil {
					t.Fatal(err)
				}
				for _, x := range xs {
					lo := x.AsOf.LowerKey()
					if !f.From.IsZero() && lo < f.From.LowerKey() {
						wantBefore++
					} else {
						wantMonths[lo[:7]]++
					}
				}
				if len(xs) < all.Limit {
					break
				}
				all.After = sqlite.EstimateCursor(xs[len(xs)-1])
			}
			gotMonths := map[string]int{}
			for _, d := range got.Days {
				gotMonths[d.Day[:7]] += d.N
			}
			if got.Before != wantBefore {
				t.Errorf("Before = %d, want %d", got.Before, wantBefore)
			}
			for m, n := range wantMonths {
				if gotMonths[m] != n {
					t.Errorf("%s: %d claims, the list has %d", m, gotMonths[m], n)
				}
			}
			if len(gotMonths) != len(wantMonths) {
				t.Errorf("%d months counted, the list has claims in %d", len(gotMonths), len(wantMonths))
			}
			if name == "the force" && !got.Months {
				t.Errorf("6,000 claims were counted one by one, not from the tallies")
			}
		})
	}
	// A claim published since is counted: the months read from the
	// tallies are kept only until the next write.
	mid := conflict.EstimateFilter{Force: id, From: edtf.MustParse("2015-03-17"), To: edtf.MustParse("2018-11-05")}
	before, err := db.CountEstimatesByDay(ctx, mid)
	if err != nil {
		t.Fatal(err)
	}
	src, err := db.FindSourceByID(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	x := conflict.Estimate{Force: force[0], AsOf: edtf.MustParse("2016-06-15"), Unit: "fighters", Qualifier: conflict.Exact,
		Low: conflict.Count(700), Claimant: "A late monitor", Status: conflict.Published, Citations: []conflict.Citation{{Source: src}}}
	if err := db.CreateEstimates(ctx, []*conflict.Estimate{&x}, conflict.Change{AuthorName: "test"}); err != nil {
		t.Fatal(err)
	}
	after, err := db.CountEstimatesByDay(ctx, mid)
	if err != nil {
		t.Fatal(err)
	}
	count := func(d conflict.DayCounts, month string) (n int) {
		for _, c := range d.Days {
			if strings.HasPrefix(c.Day, month) {
				n += c.N
			}
		}
		return n
	}
	if count(after, "2016-06") != count(before, "2016-06")+1 {
		t.Errorf("June 2016 counts %d claims after one more was published, %d before", count(after, "2016-06"), count(before, "2016-06"))
	}

	// The months at a range's edges are counted claim by claim and kept
	// for every range that starts or ends in them, also until the next
	// write. A range ending later in the same month shares the first edge
	// and counts its own days of the last.
	wide := conflict.EstimateFilter{Force: id, From: edtf.MustParse("2014-01-17"), To: edtf.MustParse("2020-12-05")}
	later := wide
	later.To = edtf.MustParse("2020-12-20")
	var before2 []conflict.DayCounts
	for _, f := range []conflict.EstimateFilter{wide, later} {
		d, err := db.CountEstimatesByDay(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		if !d.Months {
			t.Fatalf("%v..%v was counted claim by claim, not from the tallies and its edges", f.From, f.To)
		}
		before2 = append(before2, d)
	}
	var edges []*conflict.Estimate
	for _, day := range []string{"2014-01-20", "2020-12-02", "2020-12-12"} {
		e := x
		e.ID, e.AsOf, e.Claimant = 0, edtf.MustParse(day), "A monitor at the edge"
		edges = append(edges, &e)
	}
	if err := db.CreateEstimates(ctx, edges, conflict.Change{AuthorName: "test"}); err != nil {
		t.Fatal(err)
	}
	for i, c := range []struct {
		f        conflict.EstimateFilter
		jan, dec int
	}{{wide, 1, 1}, {later, 1, 2}} {
		now, err := db.CountEstimatesByDay(ctx, c.f)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := count(now, "2014-01"), count(before2[i], "2014-01")+c.jan; got != want {
			t.Errorf("to %v: January 2014 counts %d claims after one more was published in it, want %d", c.f.To, got, want)
		}
		if got, want := count(now, "2020-12"), count(before2[i], "2020-12")+c.dec; got != want {
			t.Errorf("to %v: December 2020 counts %d claims after more were published in it, want %d", c.f.To, got, want)
		}
	}
}
