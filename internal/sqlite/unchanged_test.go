package sqlite_test

import (
	"testing"

	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/demo"
	"github.com/sitrep/sitrep/internal/sqlite"
	"github.com/sitrep/sitrep/internal/sqlite/sqlitetest"
)

// TestUnchangedSaveWritesNothing saves each kind of record as it is
// stored: no revision, no new version, and the record comes back as
// stored; the same save with one field changed writes one revision.
func TestUnchangedSaveWritesNothing(t *testing.T) {
	db := sqlitetest.NewWithDemo(t)
	ctx := t.Context()
	sys := edit("no change")
	actors, err := db.FindActors(ctx)
	if err != nil || len(actors) == 0 {
		t.Fatalf("FindActors = %d, %v", len(actors), err)
	}
	places, err := db.FindPlaces(ctx)
	if err != nil || len(places) == 0 {
		t.Fatalf("FindPlaces = %d, %v", len(places), err)
	}
	sources, err := db.FindSources(ctx, 1)
	if err != nil || len(sources) == 0 {
		t.Fatalf("FindSources = %d, %v", len(sources), err)
	}
	tl, err := db.FindTimelineBySlug(ctx, demo.TimelineSlug)
	if err != nil {
		t.Fatal(err)
	}

	// Each case saves the stored record, changed by change when set, and
	// returns the version the save left.
	type save func(change bool) (rt conflict.RecordType, id int64, version int, err error)
	for _, tt := range []struct {
		name string
		save save
	}{
		{"event", func(change bool) (conflict.RecordType, int64, int, error) {
			e := demoEvent(t, db)
			if change {
				e.Body += " A detail."
			}
			_, err := db.UpdateEvent(ctx, &e, e.Version, sys)
			return conflict.EventRecord, int64(e.ID), e.Version, err
		}},
		{"estimate", func(change bool) (conflict.RecordType, int64, int, error) {
			x := demoEstimate(t, db)
			if change {
				x.Notes += " A detail."
			}
			_, err := db.UpdateEstimate(ctx, &x, x.Version, sys)
			return conflict.EstimateRecord, int64(x.ID), x.Version, err
		}},
		{"source", func(change bool) (conflict.RecordType, int64, int, error) {
			s, err := db.FindSourceByID(ctx, sources[0].ID)
			if err != nil {
				t.Fatal(err)
			}
			if change {
				s.Notes += " A detail."
			}
			_, err = db.UpdateSource(ctx, &s, s.Version, sys)
			return conflict.SourceRecord, int64(s.ID), s.Version, err
		}},
		{"actor", func(change bool) (conflict.RecordType, int64, int, error) {
			a, err := db.FindActorByID(ctx, actors[0].ID)
			if err != nil {
				t.Fatal(err)
			}
			if change {
				a.Description += " A detail."
			}
			_, err = db.UpdateActor(ctx, &a, a.Version, sys)
			return conflict.ActorRecord, int64(a.ID), a.Version, err
		}},
		{"place", func(change bool) (conflict.RecordType, int64, int, error) {
			p, err := db.FindPlaceByID(ctx, places[0].ID)
			if err != nil {
				t.Fatal(err)
			}
			if change {
				p.Description += " A detail."
			}
			_, err = db.UpdatePlace(ctx, &p, p.Version, sys)
			return conflict.PlaceRecord, int64(p.ID), p.Version, err
		}},
		{"timeline", func(change bool) (conflict.RecordType, int64, int, error) {
			tl, err := db.FindTimelineByID(ctx, tl.ID)
			if err != nil {
				t.Fatal(err)
			}
			if change {
				tl.Description += " A detail."
			}
			_, err = db.UpdateTimeline(ctx, &tl, tl.Version, sys)
			return conflict.TimelineRecord, int64(tl.ID), tl.Version, err
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			rt, id, _, _ := tt.save(false) // learn the record's id
			before := len(revisions(t, db, rt, id))
			latest := revisions(t, db, rt, id)[0]

			_, _, version, err := tt.save(false)
			if err != nil {
				t.Fatalf("an unchanged save: %v", err)
			}
			if n := len(revisions(t, db, rt, id)); n != before {
				t.Errorf("an unchanged save wrote a revision: %d revisions, want %d", n, before)
			}
			if v := storedVersion(t, db, rt, id); v != version {
				t.Errorf("after an unchanged save the %s is version %d, and the save returned version %d; want both unchanged", rt, v, version)
			}

			_, _, version, err = tt.save(true)
			if err != nil {
				t.Fatalf("a changed save: %v", err)
			}
			revs := revisions(t, db, rt, id)
			if len(revs) != before+1 || revs[0].Number != latest.Number+1 {
				t.Errorf("a changed save left %d revisions, want %d", len(revs), before+1)
			}
			if v := storedVersion(t, db, rt, id); v != version {
				t.Errorf("after a changed save the %s is version %d, the save returned %d", rt, v, version)
			}
		})
	}
}

// storedVersion is the stored version of the record (rt, id).
func storedVersion(t *testing.T, db *sqlite.DB, rt conflict.RecordType, id int64) int {
	t.Helper()
	ctx := t.Context()
	var (
		v   int
		err error
	)
	switch rt {
	case conflict.EventRecord:
		var e conflict.Event
		e, err = db.FindEventByID(ctx, conflict.EventID(id))
		v = e.Version
	case conflict.EstimateRecord:
		var x conflict.Estimate
		x, err = db.FindEstimateByID(ctx, conflict.EstimateID(id))
		v = x.Version
	case conflict.SourceRecord:
		var s conflict.Source
		s, err = db.FindSourceByID(ctx, conflict.SourceID(id))
		v = s.Version
	case conflict.ActorRecord:
		var a conflict.Actor
		a, err = db.FindActorByID(ctx, conflict.ActorID(id))
		v = a.Version
	case conflict.PlaceRecord:
		var p conflict.Place
		p, err = db.FindPlaceByID(ctx, conflict.PlaceID(id))
		v = p.Version
	case conflict.TimelineRecord:
		var tl conflict.Timeline
		tl, err = db.FindTimelineByID(ctx, conflict.TimelineID(id))
		v = tl.Version
	}
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// TestUnchangedEditOfPublishedRecordWaitsForNothing: an editor's save of
// a published event as it is creates no pending edit; a real change does.
func TestUnchangedEditOfPublishedRecordWaitsForNothing(t *testing.T) {
	db := sqlitetest.NewWithDemo(t)
	ctx := t.Context()
	ed := withSummary(person(t, db, "Ed", conflict.RoleEditor), "Checked it")
	e := demoEvent(t, db)
	p, err := db.UpdateEvent(ctx, &e, e.Version, ed)
	if err != nil || p != nil {
		t.Fatalf("an unchanged edit of a published event = %v, %v; want no pending edit and no error", p, err)
	}
	waiting, err := db.FindPendingEdits(ctx, conflict.PendingFilter{State: conflict.EditPending})
	if err != nil || len(waiting) != 0 {
		t.Errorf("pending edits after an unchanged edit = %d, %v; want none", len(waiting), err)
	}
	e.Title += " (corrected)"
	if p, err := db.UpdateEvent(ctx, &e, e.Version, ed); err != nil || p == nil {
		t.Errorf("a changed edit of a published event = %v, %v; want a pending edit", p, err)
	}
}

// TestInlineSourceIsAChange: a new source typed into an otherwise
// unchanged event is stored and cited, with a revision.
func TestInlineSourceIsAChange(t *testing.T) {
	db := sqlitetest.New(t)
	ctx := t.Context()
	e := draftEvent(t, db)
	before := len(revisions(t, db, conflict.EventRecord, int64(e.ID)))
	e.Citations = append(e.Citations, conflict.Citation{Source: newSource(2), Quote: "A second report."})
	if _, err := db.UpdateEvent(ctx, &e, e.Version, edit("")); err != nil {
		t.Fatal(err)
	}
	if n := len(revisions(t, db, conflict.EventRecord, int64(e.ID))); n != before+1 {
		t.Errorf("an edit adding an inline source left %d revisions, want %d", n, before+1)
	}
	stored, err := db.FindEventByID(ctx, e.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(stored.Citations) != 2 || stored.Citations[1].Source.ID == 0 {
		t.Errorf("the inline source was not stored and cited: %+v", stored.Citations)
	}
}

// TestRevertToTheSameContentChangesNothing: restoring a revision that
// holds what the record holds now is refused as a change of nothing.
func TestRevertToTheSameContentChangesNothing(t *testing.T) {
	db := sqlitetest.New(t)
	ctx := t.Context()
	e := draftEvent(t, db)
	before := len(revisions(t, db, conflict.EventRecord, int64(e.ID)))
	_, p, err := db.RevertEvent(ctx, e.ID, 1, e.Version, edit(""))
	if conflict.ErrorCode(err) != conflict.Invalid || p != nil {
		t.Errorf("a revert to the current content = %v, %v; want Invalid", p, err)
	}
	if n := len(revisions(t, db, conflict.EventRecord, int64(e.ID))); n != before {
		t.Errorf("a revert that changes nothing wrote a revision: %d, want %d", n, before)
	}
}
