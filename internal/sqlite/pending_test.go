package sqlite_test

import (
	"errors"
	"testing"

	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/sqlite"
	"github.com/sitrep/sitrep/internal/sqlite/sqlitetest"
)

// person stores a user with role and returns the change they make.
func person(t *testing.T, db *sqlite.DB, name string, role conflict.Role) conflict.Change {
	t.Helper()
	u := conflict.User{Email: name + "@example.org", Name: name, Role: role}
	if err := db.CreateUser(t.Context(), &u, "x"); err != nil {
		t.Fatalf("CreateUser: %v", err)
	}
	return conflict.Change{Author: &u.ID, AuthorName: name, Role: role}
}

func withSummary(ch conflict.Change, s string) conflict.Change {
	ch.Summary = s
	return ch
}

func TestEditOfPublishedEventWaitsForASecondPerson(t *testing.T) {
	db := sqlitetest.NewWithDemo(t)
	ctx := t.Context()
	ed := person(t, db, "Ed", conflict.RoleEditor)
	rev := person(t, db, "Rue", conflict.RoleReviewer)
	e := demoEvent(t, db)
	published := e.Title
	before := len(revisions(t, db, conflict.EventRecord, int64(e.ID)))

	e.Title = "Badr fighters train near Baqubah"
	e.Citations = append(e.Citations, conflict.Citation{Source: newSource(77), Quote: "They trained near Baqubah."})
	pending, err := db.UpdateEvent(ctx, &e, e.Version, withSummary(ed, "Name the town"))
	if err != nil {
		t.Fatalf("UpdateEvent: %v", err)
	}
	if pending == nil {
		t.Fatal("an editor's edit of a published event went live; want a pending edit")
	}
	if pending.Title != "Badr fighters train near Baqubah" || pending.State != conflict.EditPending || pending.AuthorName != "Ed" {
		t.Errorf("pending edit = %q %s by %s", pending.Title, pending.State, pending.AuthorName)
	}

	stored, err := db.FindEventByID(ctx, e.ID)
	if err != nil {
		t.Fatal(err)
	}
	if stored.Title != published || len(stored.Citations) != 1 {
		t.Errorf("readers see %q with %d citations before review; want the published %q with 1", stored.Title, len(stored.Citations), published)
	}
	if n := len(revisions(t, db, conflict.EventRecord, int64(e.ID))); n != before {
		t.Errorf("a pending edit wrote a revision: %d revisions, want %d", n, before)
	}
	// The new source the edit cites is stored, so the edit can cite it.
	var proposed conflict.Event
	if err := sqlite.DecodePendingRecord(*pending, &proposed); err != nil {
		t.Fatal(err)
	}
	if len(proposed.Citations) != 2 || proposed.Citations[1].Source.ID == 0 {
		t.Fatalf("pending edit cites %+v, want two citations, the new source stored", proposed.Citations)
	}
	if _, err := db.FindSourceByID(ctx, proposed.Citations[1].Source.ID); err != nil {
		t.Errorf("the new source of a pending edit: %v", err)
	}

	queue, err := db.FindPendingEdits(ctx, conflict.PendingFilter{State: conflict.EditPending})
	if err != nil || len(queue) != 1 || queue[0].ID != pending.ID {
		t.Fatalf("queue = %v, %v; want the one pending edit", queue, err)
	}

	if _, err := db.AcceptPendingEdit(ctx, pending.ID, ed); conflict.ErrorCode(err) != conflict.Forbidden {
		t.Errorf("the author accepting their own edit: %v, want Forbidden", err)
	}
	done, err := db.AcceptPendingEdit(ctx, pending.ID, rev)
	if err != nil {
		t.Fatalf("AcceptPendingEdit by a second person: %v", err)
	}
	if done.State != conflict.EditAccepted || done.DeciderName != "Rue" || done.Revision != before+1 {
		t.Errorf("accepted edit = %s by %q as revision %d, want accepted by Rue as %d", done.State, done.DeciderName, done.Revision, before+1)
	}
	stored, _ = db.FindEventByID(ctx, e.ID)
	if stored.Title != "Badr fighters train near Baqubah" || len(stored.Citations) != 2 || stored.Status != conflict.Published {
		t.Errorf("after acceptance readers see %q (%s, %d citations)", stored.Title, stored.Status, len(stored.Citations))
	}
	revs := revisions(t, db, conflict.EventRecord, int64(e.ID))
	if revs[0].AuthorName != "Ed" || revs[0].Summary != "Name the town" || revs[0].Unreviewed {
		t.Errorf("accepted revision by %q %q unreviewed=%v, want Ed's, reviewed", revs[0].AuthorName, revs[0].Summary, revs[0].Unreviewed)
	}
	if _, err := db.AcceptPendingEdit(ctx, pending.ID, rev); conflict.ErrorCode(err) != conflict.Invalid {
		t.Errorf("accepting twice: %v, want Invalid", err)
	}
}

func TestPendingEditsFromOneVersionConflict(t *testing.T) {
	db := sqlitetest.NewWithDemo(t)
	ctx := t.Context()
	ed := person(t, db, "Ed", conflict.RoleEditor)
	other := person(t, db, "Ola", conflict.RoleEditor)
	rev := person(t, db, "Rue", conflict.RoleReviewer)
	e := demoEvent(t, db)

	first, second := e, e
	first.Title, second.Body = "First title", "A second body."
	p1, err := db.UpdateEvent(ctx, &first, e.Version, withSummary(ed, "one"))
	if err != nil || p1 == nil {
		t.Fatalf("first edit: %v, %v", p1, err)
	}
	p2, err := db.UpdateEvent(ctx, &second, e.Version, withSummary(other, "two"))
	if err != nil || p2 == nil {
		t.Fatalf("second edit: %v, %v", p2, err)
	}
	if _, err := db.AcceptPendingEdit(ctx, p1.ID, rev); err != nil {
		t.Fatalf("accept first: %v", err)
	}
	_, err = db.AcceptPendingEdit(ctx, p2.ID, rev)
	var ec *conflict.EditConflict[conflict.Event]
	if !errors.As(err, &ec) || ec.Current.Title != "First title" {
		t.Fatalf("accepting an edit made before another was accepted: %v, want an edit conflict showing the current event", err)
	}
	still, _ := db.FindPendingEdit(ctx, p2.ID)
	if still.State != conflict.EditPending {
		t.Errorf("after a conflict the edit is %s, want still pending", still.State)
	}

	if _, err := db.ReturnPendingEdit(ctx, p2.ID, "  ", rev); conflict.ErrorFields(err)["note"] == "" {
		t.Errorf("returning without a comment: %v, want a message on the comment", err)
	}
	if _, err := db.ReturnPendingEdit(ctx, p2.ID, "Redo it on the new title.", ed); conflict.ErrorCode(err) != conflict.Forbidden {
		t.Errorf("an editor returning an edit: %v, want Forbidden", err)
	}
	back, err := db.ReturnPendingEdit(ctx, p2.ID, "Redo it on the new title.", rev)
	if err != nil || back.State != conflict.EditReturned || back.Note != "Redo it on the new title." {
		t.Fatalf("ReturnPendingEdit = %+v, %v", back, err)
	}
	mine, err := db.FindPendingEdits(ctx, conflict.PendingFilter{Author: *other.Author, State: conflict.EditReturned})
	if err != nil || len(mine) != 1 || mine[0].Note != "Redo it on the new title." {
		t.Errorf("the author's returned edits = %v, %v", mine, err)
	}
}

func TestWithdrawPendingEditIsTheAuthors(t *testing.T) {
	db := sqlitetest.NewWithDemo(t)
	ctx := t.Context()
	ed := person(t, db, "Ed", conflict.RoleEditor)
	rev := person(t, db, "Rue", conflict.RoleReviewer)
	x := demoEstimate(t, db)
	x.Notes = "Revised by the editor."
	p, err := db.UpdateEstimate(ctx, &x, x.Version, withSummary(ed, "notes"))
	if err != nil || p == nil {
		t.Fatalf("UpdateEstimate of a published estimate = %v, %v; want a pending edit", p, err)
	}
	if _, err := db.WithdrawPendingEdit(ctx, p.ID, rev); conflict.ErrorCode(err) != conflict.Forbidden {
		t.Errorf("someone else withdrawing: %v, want Forbidden", err)
	}
	got, err := db.WithdrawPendingEdit(ctx, p.ID, ed)
	if err != nil || got.State != conflict.EditWithdrawn {
		t.Fatalf("WithdrawPendingEdit = %s, %v", got.State, err)
	}
	if _, err := db.AcceptPendingEdit(ctx, p.ID, rev); conflict.ErrorCode(err) != conflict.Invalid {
		t.Errorf("accepting a withdrawn edit: %v, want Invalid", err)
	}
}

func TestNobodyPublishesTheirOwnSubmission(t *testing.T) {
	db := sqlitetest.New(t)
	ctx := t.Context()
	rue := person(t, db, "Rue", conflict.RoleReviewer)
	ray := person(t, db, "Ray", conflict.RoleReviewer)
	ada := person(t, db, "Ada", conflict.RoleAdmin)

	e := draftEvent(t, db)
	cur, _ := db.FindEventByID(ctx, e.ID)
	cur.Body += " A detail the reviewer adds."
	if _, err := db.UpdateEvent(ctx, &cur, cur.Version, rue); err != nil {
		t.Fatalf("a reviewer's edit of a draft: %v", err)
	}
	cur, _ = db.FindEventByID(ctx, e.ID)
	if cur.Version != e.Version+1 {
		t.Fatalf("an edit of a draft did not go straight in (version %d)", cur.Version)
	}
	sub, err := db.SetEventStatus(ctx, e.ID, conflict.ActionSubmit, "", cur.Version, conflict.RoleReviewer, rue)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.SetEventStatus(ctx, e.ID, conflict.ActionPublish, "", sub.Version, conflict.RoleReviewer, rue); conflict.ErrorCode(err) != conflict.Forbidden {
		t.Errorf("a reviewer publishing what they wrote: %v, want Forbidden", err)
	}
	pub, err := db.SetEventStatus(ctx, e.ID, conflict.ActionPublish, "", sub.Version, conflict.RoleReviewer, ray)
	if err != nil || pub.Status != conflict.Published {
		t.Fatalf("a second reviewer publishing: %v", err)
	}
	if revs := revisions(t, db, conflict.EventRecord, int64(e.ID)); revs[0].Unreviewed {
		t.Error("a publication by a second person is marked unreviewed")
	}

	// An admin's own draft needs the explicit choice, which history keeps.
	mine := draftEvent(t, db)
	if _, err := db.SetEventStatus(ctx, mine.ID, conflict.ActionPublish, "", mine.Version, conflict.RoleAdmin, ada); conflict.ErrorCode(err) != conflict.Forbidden {
		t.Errorf("an admin publishing a draft without choosing to skip review: %v, want Forbidden", err)
	}
	direct := ada
	direct.WithoutReview = true
	if _, err := db.SetEventStatus(ctx, mine.ID, conflict.ActionPublish, "", mine.Version, conflict.RoleAdmin, direct); err != nil {
		t.Fatalf("publish without review: %v", err)
	}
	if revs := revisions(t, db, conflict.EventRecord, int64(mine.ID)); !revs[0].Unreviewed {
		t.Error("a publication without review is not marked unreviewed in history")
	}
}

func TestOnePersonRuleLetsAReviewerEditLive(t *testing.T) {
	db := sqlitetest.NewWithDemo(t)
	ctx := t.Context()
	rue := person(t, db, "Rue", conflict.RoleReviewer)
	ed := person(t, db, "Ed", conflict.RoleEditor)
	e := demoEvent(t, db)

	e.Title = "Checked by nobody else"
	if p, err := db.UpdateEvent(ctx, &e, e.Version, withSummary(rue, "fix")); err != nil || p == nil {
		t.Fatalf("under the two-person rule a reviewer's own edit = %v, %v; want pending", p, err)
	}
	db.SetReviewRule(conflict.OnePerson)
	e = demoEvent(t, db)
	e.Title = "Checked by nobody else"
	if p, err := db.UpdateEvent(ctx, &e, e.Version, withSummary(rue, "fix")); err != nil || p != nil {
		t.Fatalf("under the one-person rule a reviewer's edit = %v, %v; want it live", p, err)
	}
	if revs := revisions(t, db, conflict.EventRecord, int64(e.ID)); !revs[0].Unreviewed {
		t.Error("a live edit without a second person is not marked unreviewed")
	}
	e = demoEvent(t, db)
	e.Title = "An editor still waits"
	if p, err := db.UpdateEvent(ctx, &e, e.Version, withSummary(ed, "fix")); err != nil || p == nil {
		t.Errorf("under the one-person rule an editor's edit = %v, %v; want pending", p, err)
	}
}

func TestRevertOfPublishedEventWaitsForReview(t *testing.T) {
	db := sqlitetest.NewWithDemo(t)
	ctx := t.Context()
	rue := person(t, db, "Rue", conflict.RoleReviewer)
	e := demoEvent(t, db)
	published := e.Title
	e.Title = "A vandal's title"
	if _, err := db.UpdateEvent(ctx, &e, e.Version, edit("system write")); err != nil {
		t.Fatal(err)
	}
	_, p, err := db.RevertEvent(ctx, e.ID, 1, e.Version, rue)
	if err != nil || p == nil {
		t.Fatalf("a reviewer's revert of a published event = %v, %v; want a pending edit", p, err)
	}
	if p.Title != published {
		t.Errorf("the pending revert would restore %q, want %q", p.Title, published)
	}
	if got, _ := db.FindEventByID(ctx, e.ID); got.Title != "A vandal's title" {
		t.Errorf("readers see %q before the revert is accepted", got.Title)
	}
}
