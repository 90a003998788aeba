package sqlite_test

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/edtf"
	"github.com/sitrep/sitrep/internal/sqlite"
	"github.com/sitrep/sitrep/internal/sqlite/sqlitetest"
)

// claimsFixture stores a force, a source and published estimates by the
// named claimants, one a month.
func claimsFixture(t *testing.T, db *sqlite.DB, claimants ...string) ([]*conflict.Estimate, conflict.Source) {
	t.Helper()
	ctx := t.Context()
	force := conflict.Actor{Name: "Islamic State"}
	if err := db.CreateActor(ctx, &force, editor); err != nil {
		t.Fatal(err)
	}
	src := newSource(1)
	if err := db.CreateSource(ctx, &src, editor); err != nil {
		t.Fatal(err)
	}
	var xs []*conflict.Estimate
	for i, name := range claimants {
		xs = append(xs, &conflict.Estimate{Force: conflict.ActorRef{ID: force.ID}, Unit: "fighters", Claimant: name,
			AsOf: edtf.MustParse(fmt.Sprintf("2016-%02d", 1+i%12)), Qualifier: conflict.Exact, Low: conflict.Count(int64(1000 + i)),
			Status: conflict.Published, Citations: []conflict.Citation{{Source: src}}})
	}
	if err := db.CreateEstimates(ctx, xs, conflict.Change{AuthorName: "test"}); err != nil {
		t.Fatal(err)
	}
	for _, x := range xs {
		stored, err := db.FindEstimateByID(ctx, x.ID)
		if err != nil {
			t.Fatal(err)
		}
		*x = stored
	}
	return xs, src
}

// One name in several spellings is one claimant record, made by the
// store the first time the name is written, with the type "other".
func TestClaimantsMatchedByNormalisedName(t *testing.T) {
	db := sqlitetest.New(t)
	ctx := t.Context()
	xs, _ := claimsFixture(t, db, "U.S. military officials", "US military officials", " us  military officials", "Kurdish intelligence")
	first := xs[0].ClaimantRecord
	if first == nil || first.Type != conflict.OtherClaimant || first.Name != "U.S. military officials" {
		t.Fatalf("first estimate's claimant = %+v, want a new claimant of type other named as written", first)
	}
	for _, x := range xs[1:3] {
		if x.ClaimantRecord == nil || x.ClaimantRecord.ID != first.ID {
			t.Errorf("estimate by %q has claimant %+v, want %d (one claimant)", x.Claimant, x.ClaimantRecord, first.ID)
		}
	}
	if xs[3].ClaimantRecord == nil || xs[3].ClaimantRecord.ID == first.ID {
		t.Errorf("Kurdish intelligence has claimant %+v, want a claimant of its own", xs[3].ClaimantRecord)
	}
	// The estimate keeps the name as it was reviewed (tidied of spaces).
	if xs[2].Claimant != "us military officials" {
		t.Errorf("estimate's claimant name = %q, want it as typed, tidied", xs[2].Claimant)
	}
	c, err := db.FindClaimantByName(ctx, "u.s. MILITARY officials")
	if err != nil || c.ID != first.ID || c.Estimates != 3 {
		t.Errorf("FindClaimantByName = %+v, %v; want claimant %d with 3 published estimates", c, err, first.ID)
	}
	all, err := db.FindClaimants(ctx, "", true, 0)
	if err != nil || len(all) != 2 {
		t.Errorf("FindClaimants = %d claimants, %v; want 2", len(all), err)
	}
}

// The key the database computes is the one the domain defines.
func TestClaimantKeyInSQLIsTheDomainRule(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sitrep.db")
	sqlitetest.Open(t, path)
	raw := openRaw(t, path)
	for _, name := range []string{"U.S. military officials", "Kurdish Intelligence", "قيادة العمليات المشتركة", "Dr. A. N. Other", "ISW"} {
		var got string
		clean := conflict.CleanClaimantName(name)
		if err := raw.QueryRow(`SELECT lower(replace(replace(replace(trim(?), '.', ''), '  ', ' '), '  ', ' '))`, clean).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if want := conflict.ClaimantKey(name); got != want {
			t.Errorf("SQL key of %q = %q, domain key %q", name, got, want)
		}
	}
}

// "What did governments say": the filter by claimant type and by claimant.
func TestEstimatesFilteredByClaimantAndType(t *testing.T) {
	db := sqlitetest.New(t)
	ctx := t.Context()
	xs, _ := claimsFixture(t, db, "Iraqi government", "Iraqi Government", "Amaq", "ISW")
	gov := xs[0].ClaimantRecord.ID
	c, err := db.FindClaimantByID(ctx, gov)
	if err != nil {
		t.Fatal(err)
	}
	c.Type = conflict.Government
	// A person may not write a claimant readers see directly; the system
	// (imports, demo data) may.
	ed := person(t, db, "Edna", conflict.RoleEditor)
	if err := db.UpdateClaimant(ctx, &c, c.Version, conflict.RoleReviewer, *ed.Author); conflict.ErrorCode(err) != conflict.Forbidden {
		t.Fatalf("a reviewer writing a public claimant directly: %v, want forbidden", err)
	}
	if err := db.UpdateClaimant(ctx, &c, c.Version, conflict.RoleReviewer, 0); err != nil {
		t.Fatal(err)
	}
	if err := db.UpdateClaimant(ctx, &c, 1, conflict.RoleReviewer, 0); conflict.ErrorCode(err) != conflict.Conflict {
		t.Errorf("a stale claimant edit: %v, want a conflict", err)
	}
	force := xs[0].Force.ID
	for name, tt := range map[string]struct {
		f    conflict.EstimateFilter
		want int
	}{
		"government":           {conflict.EstimateFilter{ClaimantType: conflict.Government}, 2},
		"government, by force": {conflict.EstimateFilter{Force: force, ClaimantType: conflict.Government}, 2},
		"media":                {conflict.EstimateFilter{ClaimantType: conflict.Media}, 0},
		"one claimant":         {conflict.EstimateFilter{ClaimantID: xs[2].ClaimantRecord.ID}, 1},
	} {
		got, err := db.FindEstimates(ctx, tt.f)
		if err != nil {
			t.Fatal(err)
		}
		points, err := db.FindEstimatePoints(ctx, tt.f)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != tt.want || (tt.f.Force != 0 && len(points) != tt.want) {
			t.Errorf("%s: %d estimates, %d points; want %d", name, len(got), len(points), tt.want)
		}
		for _, p := range points {
			if tt.f.ClaimantType != "" && (p.ClaimantRecord == nil || p.ClaimantRecord.Type != tt.f.ClaimantType) {
				t.Errorf("%s: point's claimant %+v, want of type %s", name, p.ClaimantRecord, tt.f.ClaimantType)
			}
		}
	}
}

// Strict bounds are stored and read back as themselves.
func TestStrictBoundsStored(t *testing.T) {
	db := sqlitetest.New(t)
	ctx := t.Context()
	xs, _ := claimsFixture(t, db, "Officials")
	x := *xs[0]
	x.ID, x.Qualifier, x.Low, x.High, x.Status = 0, conflict.FewerThan, conflict.Bound{}, conflict.Count(10000), conflict.Draft
	if err := db.CreateEstimate(ctx, &x, editor); err != nil {
		t.Fatal(err)
	}
	got, err := db.FindEstimateByID(ctx, x.ID)
	if err != nil || got.Qualifier != conflict.FewerThan || got.ValueText() != "fewer than 10,000" {
		t.Errorf("stored fewer than: %q %q, %v", got.Qualifier, got.ValueText(), err)
	}
}

func TestRelationsStoredBothWays(t *testing.T) {
	db := sqlitetest.New(t)
	ctx := t.Context()
	xs, src := claimsFixture(t, db, "Officials", "Officials", "Analysts")
	earlier, later, other := xs[0], xs[1], xs[2]
	x, err := db.FindEstimateByID(ctx, later.ID)
	if err != nil {
		t.Fatal(err)
	}
	x.Relations = []conflict.Relation{{Kind: conflict.Supersedes, Target: int64(earlier.ID)}}
	if _, err := db.UpdateEstimate(ctx, &x, x.Version, conflict.Change{AuthorName: "test", Summary: "revises"}); err != nil {
		t.Fatal(err)
	}
	got, err := db.FindEstimateByID(ctx, later.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Relations) != 1 || got.Relations[0].Source != src.ID || got.Relations[0].TargetTitle == "" {
		t.Fatalf("relations = %+v, want one, sourced by the first citation, with its target named", got.Relations)
	}
	links, err := db.FindRelationLinks(ctx, conflict.EstimateRecord, int64(earlier.ID), true)
	if err != nil || len(links) != 1 || links[0].Phrase() != "Revised by" || links[0].Other != int64(later.ID) {
		t.Errorf("earlier estimate's links = %+v, %v; want revised by %d", links, err, later.ID)
	}
	by, err := db.FindSupersededBy(ctx, []conflict.EstimateID{earlier.ID, later.ID})
	if err != nil || by[earlier.ID] != later.ID || len(by) != 1 {
		t.Errorf("FindSupersededBy = %v, %v", by, err)
	}
	// Another claimant's claim disputes, never revises.
	o, _ := db.FindEstimateByID(ctx, other.ID)
	o.Relations = []conflict.Relation{{Kind: conflict.Supersedes, Target: int64(earlier.ID)}}
	_, err = db.UpdateEstimate(ctx, &o, o.Version, conflict.Change{AuthorName: "test", Summary: "x"})
	if conflict.ErrorFields(err)["relations.0"] == "" {
		t.Errorf("supersedes across claimants: %v, want a message on the link", err)
	}
	o, _ = db.FindEstimateByID(ctx, other.ID)
	for _, r := range []conflict.Relation{{Kind: conflict.Disputes, Target: 999999}, {Kind: conflict.Disputes, TargetExternalID: "nowhere"}} {
		o.Relations = []conflict.Relation{r}
		if _, err := db.UpdateEstimate(ctx, &o, o.Version, conflict.Change{AuthorName: "test", Summary: "x"}); conflict.ErrorFields(err)["relations.0"] == "" {
			t.Errorf("a link to a missing estimate (%+v): %v, want a message on the link", r, err)
		}
	}
	o.Relations = []conflict.Relation{{Kind: conflict.Disputes, Target: int64(earlier.ID)}}
	if _, err := db.UpdateEstimate(ctx, &o, o.Version, conflict.Change{AuthorName: "test", Summary: "disputes"}); err != nil {
		t.Fatal(err)
	}
	links, _ = db.FindRelationLinks(ctx, conflict.EstimateRecord, int64(earlier.ID), true)
	if len(links) != 2 {
		t.Errorf("earlier estimate's links = %+v, want revised and disputed", links)
	}
}

// A change to a public claimant waits as a proposal: readers' claimant
// stays, one person's proposal at a time, and only someone else accepts
// it, from the version it was made from.
func TestClaimantProposals(t *testing.T) {
	db := sqlitetest.New(t)
	ctx := t.Context()
	xs, _ := claimsFixture(t, db, "Iraqi government", "Amaq")
	id := xs[0].ClaimantRecord.ID
	rev := person(t, db, "Rana", conflict.RoleReviewer)
	rev2 := person(t, db, "Sami", conflict.RoleReviewer)
	ed := person(t, db, "Edna", conflict.RoleEditor)
	c, _ := db.FindClaimantByID(ctx, id)
	base := c.Version
	c.Type = conflict.Government
	proposed, err := db.ChangeClaimant(ctx, &c, base, "It is the ministry", conflict.RoleReviewer, *rev.Author)
	if err != nil || !proposed {
		t.Fatalf("a reviewer's change to a public claimant: proposed %v, %v; want a proposal", proposed, err)
	}
	if got, _ := db.FindClaimantByID(ctx, id); got.Type != conflict.OtherClaimant || got.Version != base {
		t.Fatalf("a proposal changed the claimant to %s v%d", got.Type, got.Version)
	}
	c.Type = conflict.Media
	if _, err := db.ChangeClaimant(ctx, &c, base, "", conflict.RoleEditor, *ed.Author); conflict.ErrorCode(err) != conflict.Conflict ||
		!strings.Contains(err.Error(), "Rana") {
		t.Errorf("a second person's proposal while one is open: %v, want refused naming Rana", err)
	}
	p, err := db.FindClaimantProposal(ctx, id)
	if err != nil || p == nil || p.Proposed.Type != conflict.Government || p.Summary != "It is the ministry" {
		t.Fatalf("the open proposal = %+v, %v", p, err)
	}
	if _, err := db.AcceptClaimantProposal(ctx, id, p.ID, conflict.RoleReviewer, *rev.Author); conflict.ErrorCode(err) != conflict.Forbidden {
		t.Errorf("the proposer accepting: %v, want forbidden", err)
	}
	// The proposer replaces their proposal: a reviewer who read the first
	// cannot accept the second unseen.
	read := p.ID
	c.Type, c.Description = conflict.Government, "The Ministry of Interior."
	if _, err := db.ChangeClaimant(ctx, &c, base, "It is the ministry, and which", conflict.RoleReviewer, *rev.Author); err != nil {
		t.Fatal(err)
	}
	if p, err = db.FindClaimantProposal(ctx, id); err != nil || p == nil || p.ID == read || p.Proposed.Description != "The Ministry of Interior." {
		t.Fatalf("the replaced proposal = %+v, %v; want a new one, with a new id", p, err)
	}
	if _, err := db.AcceptClaimantProposal(ctx, id, read, conflict.RoleReviewer, *rev2.Author); conflict.ErrorCode(err) != conflict.NotFound {
		t.Errorf("accepting the proposal as first read, after it was replaced: %v, want it no longer open", err)
	}
	got, err := db.AcceptClaimantProposal(ctx, id, p.ID, conflict.RoleReviewer, *rev2.Author)
	if err != nil || got.Type != conflict.Government {
		t.Fatalf("a second reviewer accepting: %s, %v", got.Type, err)
	}
	if p, _ := db.FindClaimantProposal(ctx, id); p != nil {
		t.Errorf("an accepted proposal is still open: %+v", p)
	}
	// A proposal overtaken by another change is refused, not applied over it.
	c, _ = db.FindClaimantByID(ctx, id)
	stale := c
	stale.Type = conflict.Military
	if _, err := db.ChangeClaimant(ctx, &stale, c.Version, "", conflict.RoleEditor, *ed.Author); err != nil {
		t.Fatal(err)
	}
	c.Description = "The Ministry of Defence."
	if err := db.UpdateClaimant(ctx, &c, c.Version, conflict.RoleAdmin, 0); err != nil {
		t.Fatal(err)
	}
	p, _ = db.FindClaimantProposal(ctx, id)
	if _, err := db.AcceptClaimantProposal(ctx, id, p.ID, conflict.RoleReviewer, *rev.Author); conflict.ErrorCode(err) != conflict.Conflict {
		t.Errorf("accepting a stale proposal: %v, want a conflict", err)
	}
	if err := db.RejectClaimantProposal(ctx, id, p.ID, conflict.RoleReviewer, *rev.Author); err != nil {
		t.Fatal(err)
	}
	if got, _ := db.FindClaimantByID(ctx, id); got.Type != conflict.Government {
		t.Errorf("after a rejection the claimant is %s, want government", got.Type)
	}
	// Under the one-person rule a reviewer's change applies at once.
	db.SetReviewRule(conflict.OnePerson)
	c, _ = db.FindClaimantByID(ctx, id)
	c.Type = conflict.Military
	if proposed, err := db.ChangeClaimant(ctx, &c, c.Version, "", conflict.RoleReviewer, *rev.Author); err != nil || proposed || c.Type != conflict.Military {
		t.Errorf("one-person rule: proposed %v, type %s, %v; want applied", proposed, c.Type, err)
	}
}
