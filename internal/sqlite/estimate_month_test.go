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
				groups, err := db.FindClaimGroups(ctx, f, marks)
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
