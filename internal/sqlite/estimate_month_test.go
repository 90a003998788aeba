package sqlite_test

import (
	"fmt"
	"maps"
	"testing"

	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/edtf"
	"github.com/sitrep/sitrep/internal/sqlite"
	"github.com/sitrep/sitrep/internal/sqlite/sqlitetest"
)

// TestClaimGroupsFollowEveryWrite: the tallies the explorer charts large
// forces from agree with the estimates themselves after creates, edits,
// retractions and deletions, for every filter they answer.
func TestClaimGroupsFollowEveryWrite(t *testing.T) {
	db := sqlitetest.NewWithDemo(t)
	ctx := t.Context()
	is := actorID(t, db, "Daesh")
	badr := actorID(t, db, "Badr")
	src := demoEstimate(t, db).Citations[0].Source
	claimants := []string{"Monitor", "Ministry", "monitor", "Analysts"}
	var xs []*conflict.Estimate
	for i := range 40 {
		x := &conflict.Estimate{Force: conflict.ActorRef{ID: is}, Unit: "fighters", Claimant: claimants[i%len(claimants)],
			AsOf:      edtf.MustParse(fmt.Sprintf("2017-%02d-%02d", 1+i%12, 1+i%27)),
			Qualifier: conflict.Range, Low: conflict.Count(int64(100 + i*7)), High: conflict.Count(int64(900 + i*11)),
			Status: conflict.Published, Citations: []conflict.Citation{{Source: src}}}
		switch i % 5 {
		case 1:
			x.Qualifier, x.High = conflict.AtLeast, conflict.Bound{}
		case 2:
			x.Qualifier, x.Low = conflict.AtMost, conflict.Bound{}
		case 3:
			x.AsOf = edtf.MustParse(fmt.Sprintf("2017-%02d/2018-02", 1+i%12))
		case 4:
			x.Unit = "vehicles"
		}
		if i == 39 {
			x.Status = conflict.Draft
		}
		xs = append(xs, x)
	}
	if err := db.CreateEstimates(ctx, xs, conflict.Change{AuthorName: "test"}); err != nil {
		t.Fatal(err)
	}
	check := func(when string) {
		t.Helper()
		filters := map[string]conflict.EstimateFilter{
			"force":         {Force: is},
			"claimant":      {Force: is, Claimant: "MONITOR"},
			"from":          {Force: is, From: edtf.MustParse("2017-03-15")},
			"to":            {Force: is, To: edtf.MustParse("2017-08")},
			"from and to":   {Force: is, From: edtf.MustParse("2017-02-10"), To: edtf.MustParse("2017-10-20")},
			"within months": {Force: is, From: edtf.MustParse("2017-05-02"), To: edtf.MustParse("2017-05-20")},
			"another force": {Force: badr},
		}
		for name, f := range filters {
			points, err := db.FindEstimatePoints(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			want := conflict.SpreadOf(points)
			var names []string
			wantLatest := map[conflict.EstimateID]bool{}
			for _, x := range conflict.LatestPerClaimant(points) {
				names = append(names, x.Claimant)
				wantLatest[x.ID] = true
			}
			latest, err := db.FindLatestClaims(ctx, f, names)
			if err != nil {
				t.Fatal(err)
			}
			gotLatest := map[conflict.EstimateID]bool{}
			for _, x := range latest {
				gotLatest[x.ID] = true
				if len(x.Citations) == 0 {
					t.Errorf("%s: latest claim %d of %s has no citations loaded", when, x.ID, name)
				}
			}
			if !maps.Equal(gotLatest, wantLatest) {
				t.Errorf("%s: FindLatestClaims(%s) = %v, want %v", when, name, gotLatest, wantLatest)
			}
			for _, marks := range []int{2, 500} {
				groups, err := db.FindClaimGroups(ctx, f, marks, nil)
				if err != nil {
					t.Fatalf("%s: FindClaimGroups(%s): %v", when, name, err)
				}
				if got := conflict.SpreadOfGroups(groups); got != want {
					t.Errorf("%s: groups of %s (about %d marks) spread %+v, want %+v as the estimates give", when, name, marks, got, want)
				}
			}
		}
		n, err := db.CountForceEstimates(ctx, is)
		if err != nil {
			t.Fatal(err)
		}
		points, err := db.FindEstimatePoints(ctx, conflict.EstimateFilter{Force: is})
		if err != nil {
			t.Fatal(err)
		}
		if n != len(points) {
			t.Errorf("%s: CountForceEstimates = %d, want %d", when, n, len(points))
		}
	}
	check("after creating")

	// The highest claim is edited down, and the lowest retracted: both
	// ends of their months must be summed again.
	top := xs[38]
	x, err := db.FindEstimateByID(ctx, top.ID)
	if err != nil {
		t.Fatal(err)
	}
	x.Low, x.High = conflict.Count(5), conflict.Count(6)
	x.AsOf = edtf.MustParse("2017-11-30")
	if _, err := db.UpdateEstimate(ctx, &x, x.Version, conflict.Change{AuthorName: "test", Summary: "lower"}); err != nil {
		t.Fatal(err)
	}
	check("after an edit")
	low, err := db.FindEstimateByID(ctx, xs[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.SetEstimateStatus(ctx, low.ID, conflict.ActionRetract, "Wrong.", low.Version, conflict.RoleReviewer, conflict.Change{AuthorName: "test"}); err != nil {
		t.Fatal(err)
	}
	check("after a retraction")

	forces, total, err := db.FindMostEstimatedForces(ctx, 10)
	if err != nil {
		t.Fatal(err)
	}
	all, err := db.FindEstimates(ctx, conflict.EstimateFilter{Limit: 10_000})
	if err != nil {
		t.Fatal(err)
	}
	if total != len(all) || len(forces) == 0 || forces[0].Force.ID != is || forces[0].Force.Name == "" {
		t.Errorf("FindMostEstimatedForces = %+v, %d; want Islamic State first, named, of %d in all", forces, total, len(all))
	}
}

// TestClaimGroupsNeedAForce: the tallies cannot answer a place filter or
// another status.
func TestClaimGroupsNeedAForce(t *testing.T) {
	for _, f := range []conflict.EstimateFilter{
		{},
		{Force: 1, Places: []conflict.PlaceID{2}},
		{Force: 1, Statuses: []conflict.Status{conflict.Retracted}},
	} {
		if sqlite.CanGroupClaims(f) {
			t.Errorf("CanGroupClaims(%+v) = true, want false", f)
		}
	}
}

// TestClaimGroupsShareTheirMarksAcrossPanels: a force with sub-forces and
// several units is cut into about as many groups as asked for in all, not
// that many per claimant; when only some panels are drawn the groups go to
// them, and each claimant's claims in a panel left out make one group,
// still counted.
func TestClaimGroupsShareTheirMarksAcrossPanels(t *testing.T) {
	db := sqlitetest.New(t)
	ctx := t.Context()
	force := conflict.Actor{Name: "Islamic State"}
	if err := db.CreateActor(ctx, &force, editor); err != nil {
		t.Fatal(err)
	}
	forces := []conflict.ActorID{force.ID}
	for _, name := range []string{"Wilayat Ninawa", "Wilayat Raqqa"} {
		sub := conflict.Actor{Name: name, Parent: &conflict.ActorRef{ID: force.ID}}
		if err := db.CreateActor(ctx, &sub, editor); err != nil {
			t.Fatal(err)
		}
		forces = append(forces, sub.ID)
	}
	src := newSource(1)
	if err := db.CreateSource(ctx, &src, editor); err != nil {
		t.Fatal(err)
	}
	// 3 forces × 3 units × 4 claimants, a claim a month for two years: 36
	// series of 24 months.
	var xs []*conflict.Estimate
	for _, id := range forces {
		for _, unit := range []string{"fighters", "vehicles", "troops"} {
			for c := range 4 {
				for m := range 24 {
					xs = append(xs, &conflict.Estimate{Force: conflict.ActorRef{ID: id}, Unit: unit, Claimant: fmt.Sprintf("Monitor %d", c),
						AsOf: edtf.MustParse(fmt.Sprintf("%d-%02d-10", 2016+m/12, 1+m%12)), Qualifier: conflict.Exact,
						Low: conflict.Count(int64(100 + m)), Status: conflict.Published, Citations: []conflict.Citation{{Source: src}}})
				}
			}
		}
	}
	if err := db.CreateEstimates(ctx, xs, conflict.Change{AuthorName: "test"}); err != nil {
		t.Fatal(err)
	}
	const marks = 100
	for name, f := range map[string]conflict.EstimateFilter{
		"every date": {Force: force.ID},
		"dated":      {Force: force.ID, From: edtf.MustParse("2016-03-15"), To: edtf.MustParse("2017-10-20")},
	} {
		points, err := db.FindEstimatePoints(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		want := conflict.SpreadOf(points)
		groups, err := db.FindClaimGroups(ctx, f, marks, nil)
		if err != nil {
			t.Fatal(err)
		}
		if n := len(groups); n < marks/2 || n > marks*3/2 {
			t.Errorf("%s: %d groups of 36 series, want about %d in all", name, n, marks)
		}
		if got := conflict.SpreadOfGroups(groups); got != want {
			t.Errorf("%s: groups spread %+v, want %+v", name, got, want)
		}
		// Two panels drawn: the force's own fighters and vehicles.
		var told []sqlite.ClaimPanel
		groups, err = db.FindClaimGroups(ctx, f, marks, func(ps []sqlite.ClaimPanel) []bool {
			told = ps
			drawn := make([]bool, len(ps))
			for i, p := range ps {
				drawn[i] = p.Force == force.ID && p.Unit != "troops"
			}
			return drawn
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(told) != 9 {
			t.Errorf("%s: drawn asked about %d panels, want 9 (3 forces × 3 units)", name, len(told))
		}
		perSeries := map[string]int{}
		drawnGroups := 0
		for _, g := range groups {
			if g.Force.ID == force.ID && g.Unit != "troops" {
				drawnGroups++
				continue
			}
			perSeries[fmt.Sprint(g.Force.ID, g.Unit, g.Claimant)]++
		}
		if drawnGroups < marks/2 || drawnGroups > marks*3/2 {
			t.Errorf("%s: %d groups in the 2 panels drawn, want about %d", name, drawnGroups, marks)
		}
		if len(perSeries) != 28 {
			t.Errorf("%s: %d series left out, want 28", name, len(perSeries))
		}
		for k, n := range perSeries {
			if n != 1 {
				t.Errorf("%s: series %s left out makes %d groups, want 1", name, k, n)
			}
		}
		if got := conflict.SpreadOfGroups(groups); got != want {
			t.Errorf("%s: groups with panels left out spread %+v, want %+v", name, got, want)
		}
	}
}
