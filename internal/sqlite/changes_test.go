package sqlite_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/edtf"
	"github.com/sitrep/sitrep/internal/sqlite"
	"github.com/sitrep/sitrep/internal/sqlite/sqlitetest"
)

// TestChangesListWhatReachedReaders follows one event through its life:
// drafted, submitted, published (with the draft actor and source it
// cites), an edit accepted, another returned, retracted. The change list
// holds the publications, the accepted edit and the retraction, in order,
// and nothing a reader never saw.
func TestChangesListWhatReachedReaders(t *testing.T) {
	db := sqlitetest.New(t)
	ctx := t.Context()
	ed := person(t, db, "Ed", conflict.RoleEditor)
	rev := person(t, db, "Rue", conflict.RoleReviewer)

	a := conflict.Actor{Name: "Badr Organization"}
	if err := db.CreateActor(ctx, &a, ed); err != nil {
		t.Fatal(err)
	}
	e := conflict.Event{Title: "Fighters train in Diyala", Date: edtf.MustParse("2016-09-27"), Body: "Draft words.",
		Actors:    []conflict.EventActor{{Actor: a.Ref(), Role: "trainee"}},
		Citations: []conflict.Citation{{Source: newSource(1), Quote: "They trained."}}}
	if err := db.CreateEvent(ctx, &e, ed); err != nil {
		t.Fatal(err)
	}
	// Before publication nothing has reached readers.
	page, err := db.FindChanges(ctx, "", 100)
	if err != nil || len(page.Changes) != 0 || page.More {
		t.Fatalf("changes of drafts = %+v, %v; want none", page.Changes, err)
	}
	draftsEnd := page.Next

	e, err = db.SetEventStatus(ctx, e.ID, conflict.ActionSubmit, "", e.Version, conflict.RoleEditor, ed)
	if err != nil {
		t.Fatal(err)
	}
	if e, err = db.SetEventStatus(ctx, e.ID, conflict.ActionPublish, "", e.Version, conflict.RoleReviewer, rev); err != nil {
		t.Fatal(err)
	}
	edit := func(title string) *conflict.PendingEdit {
		t.Helper()
		cur, err := db.FindEventByID(ctx, e.ID)
		if err != nil {
			t.Fatal(err)
		}
		cur.Title = title
		p, err := db.UpdateEvent(ctx, &cur, cur.Version, withSummary(ed, "Retitle"))
		if err != nil || p == nil {
			t.Fatalf("UpdateEvent = %v, %v; want a pending edit", p, err)
		}
		return p
	}
	if _, err := db.AcceptPendingEdit(ctx, edit("Badr fighters train near Baqubah").ID, rev); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ReturnPendingEdit(ctx, edit("Returned wording nobody saw").ID, "Not in the source.", rev); err != nil {
		t.Fatal(err)
	}
	cur, err := db.FindEventByID(ctx, e.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.SetEventStatus(ctx, e.ID, conflict.ActionRetract, "The source withdrew it.", cur.Version, conflict.RoleReviewer, rev); err != nil {
		t.Fatal(err)
	}

	page, err = db.FindChanges(ctx, "", 100)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range page.Changes {
		got = append(got, fmt.Sprintf("%s %s", c.RecordType, c.What))
		if strings.Contains(string(c.Snapshot), "Returned wording") {
			t.Errorf("revision %d holds the returned edit", c.ID)
		}
	}
	// The event's publication publishes the actor and source it cites
	// first, in the same transaction.
	want := []string{"actor " + sqlite.ChangePublished, "source " + sqlite.ChangePublished, "event " + sqlite.ChangePublished,
		"event " + sqlite.ChangeUpdated, "event " + sqlite.ChangeRetracted}
	if strings.Join(got, ", ") != strings.Join(want, ", ") {
		t.Errorf("changes = %v, want %v", got, want)
	}
	if page.More {
		t.Errorf("More set on the last page")
	}
	for i := 1; i < len(page.Changes); i++ {
		if page.Changes[i].ID <= page.Changes[i-1].ID {
			t.Errorf("changes out of order: revision %d after %d", page.Changes[i].ID, page.Changes[i-1].ID)
		}
	}

	// Paging two at a time, from the cursor each page gives, lists the
	// same changes; so does resuming after the drafts.
	var paged []string
	cursor := ""
	for range 10 {
		p, err := db.FindChanges(ctx, cursor, 2)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range p.Changes {
			paged = append(paged, fmt.Sprintf("%s %s", c.RecordType, c.What))
		}
		cursor = p.Next
		if !p.More {
			break
		}
	}
	if strings.Join(paged, ", ") != strings.Join(want, ", ") {
		t.Errorf("paged changes = %v, want %v", paged, want)
	}
	if p, err := db.FindChanges(ctx, cursor, 2); err != nil || len(p.Changes) != 0 || p.Next != cursor {
		t.Errorf("after the last page = %+v, %v; want nothing, and the same cursor", p, err)
	}
	if p, err := db.FindChanges(ctx, draftsEnd, 100); err != nil || len(p.Changes) != len(want) {
		t.Errorf("changes after the drafts = %d, %v; want %d", len(p.Changes), err, len(want))
	}
	if _, err := db.FindChanges(ctx, "not-a-cursor", 10); conflict.ErrorFields(err)["cursor"] == "" {
		t.Errorf("a made-up cursor: %v, want an error on the cursor", err)
	}
}
