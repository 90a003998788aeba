package sqlite_test

import (
	"testing"

	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/edtf"
	"github.com/sitrep/sitrep/internal/snapshot"
	"github.com/sitrep/sitrep/internal/sqlite/sqlitetest"
)

// What an editor creates is a draft; what the system writes is published.
func TestNewRecordsAreDraftsWhenAUserMakesThem(t *testing.T) {
	db := sqlitetest.New(t)
	ctx := t.Context()
	ed := person(t, db, "Ed", conflict.RoleEditor)
	sys := conflict.Change{AuthorName: "import"}
	for _, tt := range []struct {
		ch   conflict.Change
		want conflict.Status
	}{{ed, conflict.Draft}, {sys, conflict.Published}} {
		name := tt.ch.AuthorName
		a := conflict.Actor{Name: "Actor by " + name}
		p := conflict.Place{Name: "Place by " + name}
		s := conflict.Source{URL: "https://example.org/" + name, Publisher: "P", Title: "Source by " + name}
		tl := conflict.Timeline{Title: "Timeline by " + name}
		if err := db.CreateActor(ctx, &a, tt.ch); err != nil {
			t.Fatal(err)
		}
		if err := db.CreatePlace(ctx, &p, tt.ch); err != nil {
			t.Fatal(err)
		}
		if err := db.CreateSource(ctx, &s, tt.ch); err != nil {
			t.Fatal(err)
		}
		if err := db.CreateTimeline(ctx, &tl, tt.ch); err != nil {
			t.Fatal(err)
		}
		for what, got := range map[string]conflict.Status{"actor": a.Status, "place": p.Status, "source": s.Status, "timeline": tl.Status} {
			if got != tt.want {
				t.Errorf("a %s made by %s is %q, want %q", what, name, got, tt.want)
			}
		}
		// The first revision records the status too.
		revs := revisions(t, db, conflict.ActorRecord, int64(a.ID))
		var old conflict.Actor
		if err := snapshot.DecodeInto(revs[len(revs)-1].Snapshot, &old); err != nil || old.Status != tt.want {
			t.Errorf("the actor's first revision has status %q, %v; want %q", old.Status, err, tt.want)
		}
	}
	// Readers' lists hold the published ones only.
	actors, err := db.FindActors(ctx)
	if err != nil || len(actors) != 1 || actors[0].Name != "Actor by import" {
		t.Errorf("FindActors = %+v, %v; want the published actor alone", actors, err)
	}
	if got, _ := db.FindPublicActorsByName(ctx, "Actor by Ed"); len(got) != 0 {
		t.Errorf("FindPublicActorsByName found the draft: %+v", got)
	}
	if got, _ := db.FindActorsByName(ctx, "Actor by Ed"); len(got) != 1 {
		t.Errorf("FindActorsByName (editors' forms) = %+v, want the draft", got)
	}
	if got, _ := db.SuggestPublicPlaces(ctx, "Place by", 10); len(got) != 1 || got[0].Name != "Place by import" {
		t.Errorf("SuggestPublicPlaces = %+v, want the published place alone", got)
	}
	if got, _ := db.SuggestPlaces(ctx, "Place by", 10); len(got) != 2 {
		t.Errorf("SuggestPlaces (editors' forms) = %+v, want both", got)
	}
	timelines, err := db.FindTimelines(ctx, false)
	if err != nil || len(timelines) != 1 || timelines[0].Title != "Timeline by import" {
		t.Errorf("FindTimelines(published) = %+v, %v", timelines, err)
	}
	res, err := db.Search(ctx, "Ed", 20)
	if err != nil || len(res.Others) != 0 {
		t.Errorf("Search(Ed) = %+v, %v; want no draft found", res.Others, err)
	}
	if sources, _, err := db.FindSourcePage(ctx, "", 100); err != nil || len(sources) != 1 {
		t.Errorf("FindSourcePage = %d sources, %v; want the published one", len(sources), err)
	}
}

// The review of an actor follows the events' workflow and the two-person
// rule; these records are never retracted.
func TestActorReview(t *testing.T) {
	db := sqlitetest.New(t)
	ctx := t.Context()
	ed := person(t, db, "Ed", conflict.RoleEditor)
	rev := person(t, db, "Rue", conflict.RoleReviewer)
	a := conflict.Actor{Name: "Popular Mobilization Forces"}
	if err := db.CreateActor(ctx, &a, ed); err != nil {
		t.Fatal(err)
	}
	if _, err := db.SetActorStatus(ctx, a.ID, conflict.ActionPublish, "", a.Version, rev.Role, rev); conflict.ErrorCode(err) != conflict.Forbidden {
		t.Errorf("a reviewer publishing a draft nobody submitted: %v, want Forbidden", err)
	}
	if _, err := db.SetActorStatus(ctx, a.ID, conflict.ActionSubmit, "", a.Version+1, ed.Role, ed); err == nil {
		t.Errorf("submitting from a version never shown went through")
	}
	a, err := db.SetActorStatus(ctx, a.ID, conflict.ActionSubmit, "", a.Version, ed.Role, ed)
	if err != nil || a.Status != conflict.Submitted {
		t.Fatalf("submit = %q, %v", a.Status, err)
	}
	if _, err := db.SetActorStatus(ctx, a.ID, conflict.ActionReject, "", a.Version, rev.Role, rev); conflict.ErrorCode(err) != conflict.Invalid {
		t.Errorf("a rejection without a comment: %v, want Invalid", err)
	}
	a, err = db.SetActorStatus(ctx, a.ID, conflict.ActionPublish, "", a.Version, rev.Role, rev)
	if err != nil || a.Status != conflict.Published {
		t.Fatalf("publish = %q, %v", a.Status, err)
	}
	if revs := revisions(t, db, conflict.ActorRecord, int64(a.ID)); revs[0].Action != conflict.ActionPublish || revs[0].AuthorName != "Rue" {
		t.Errorf("latest revision = %s by %s, want publish by Rue", revs[0].Action, revs[0].AuthorName)
	}
	if _, err := db.SetActorStatus(ctx, a.ID, conflict.ActionRetract, "wrong", a.Version, rev.Role, rev); conflict.ErrorCode(err) != conflict.Invalid {
		t.Errorf("retracting an actor: %v, want Invalid", err)
	}
}

// Publishing an event publishes the drafts it cites — its actor, its
// place and that place's draft parent, a source typed into it — and
// accepting a pending edit publishes the drafts the edit brings.
func TestPublishingAnEventPublishesWhatItCites(t *testing.T) {
	db := sqlitetest.New(t)
	ctx := t.Context()
	ed := person(t, db, "Ed", conflict.RoleEditor)
	rev := person(t, db, "Rue", conflict.RoleReviewer)
	province := conflict.Place{Name: "Nineveh"}
	if err := db.CreatePlace(ctx, &province, ed); err != nil {
		t.Fatal(err)
	}
	ref := province.Ref()
	town := conflict.Place{Name: "Bartella", Parent: &ref}
	if err := db.CreatePlace(ctx, &town, ed); err != nil {
		t.Fatal(err)
	}
	actor := conflict.Actor{Name: "Nineveh Plains Units"}
	if err := db.CreateActor(ctx, &actor, ed); err != nil {
		t.Fatal(err)
	}
	e := conflict.Event{Title: "Clashes near Bartella", Date: edtf.MustParse("2016-10-20"), Place: new(town.Ref()),
		Actors:    []conflict.EventActor{{Actor: actor.Ref(), Role: "defender"}},
		Citations: []conflict.Citation{{Source: newSource(1)}}}
	if err := db.CreateEvent(ctx, &e, ed); err != nil {
		t.Fatal(err)
	}
	src := e.Citations[0].Source
	if s, _ := db.FindSourceByID(ctx, src.ID); s.Status != conflict.Draft {
		t.Fatalf("the source typed into the event is %q, want a draft", s.Status)
	}
	e, err := db.SetEventStatus(ctx, e.ID, conflict.ActionSubmit, "", e.Version, ed.Role, ed)
	if err != nil {
		t.Fatal(err)
	}
	if p, _ := db.FindPlaceByID(ctx, town.ID); p.Status != conflict.Draft {
		t.Errorf("submitting published the place: %q", p.Status)
	}
	if e, err = db.SetEventStatus(ctx, e.ID, conflict.ActionPublish, "", e.Version, rev.Role, rev); err != nil {
		t.Fatal(err)
	}
	for _, r := range []struct {
		rt conflict.RecordType
		id int64
	}{{conflict.PlaceRecord, int64(town.ID)}, {conflict.PlaceRecord, int64(province.ID)}, {conflict.ActorRecord, int64(actor.ID)}, {conflict.SourceRecord, int64(src.ID)}} {
		revs := revisions(t, db, r.rt, r.id)
		if revs[0].Action != conflict.ActionPublish || revs[0].AuthorName != "Rue" {
			t.Errorf("%s %d: latest revision %s by %s, want published by Rue with the event", r.rt, r.id, revs[0].Action, revs[0].AuthorName)
		}
	}
	if p, _ := db.FindPlaceByID(ctx, province.ID); p.Status != conflict.Published {
		t.Errorf("the town's parent is %q after the event was published, want published", p.Status)
	}
	// The published event's own snapshot cites the source as published.
	var snap conflict.Event
	if err := snapshot.DecodeInto(revisions(t, db, conflict.EventRecord, int64(e.ID))[0].Snapshot, &snap); err != nil || snap.Citations[0].Source.Status != conflict.Published {
		t.Errorf("the publish revision cites a source that is %q, %v", snap.Citations[0].Source.Status, err)
	}

	// An edit of the public event bringing a new source waits; the source
	// is a draft until a reviewer accepts the edit.
	e.Citations = append(e.Citations, conflict.Citation{Source: newSource(2)})
	pending, err := db.UpdateEvent(ctx, &e, e.Version, withSummary(ed, "A second source"))
	if err != nil || pending == nil {
		t.Fatalf("UpdateEvent = %v, %v; want a pending edit", pending, err)
	}
	second, err := db.FindSourceByURL(ctx, newSource(2).URL)
	if err != nil || second.Status != conflict.Draft {
		t.Fatalf("the pending edit's new source is %q, %v; want a draft", second.Status, err)
	}
	if _, err := db.AcceptPendingEdit(ctx, pending.ID, rev); err != nil {
		t.Fatal(err)
	}
	if second, _ = db.FindSourceByID(ctx, second.ID); second.Status != conflict.Published {
		t.Errorf("after the edit was accepted its source is %q, want published", second.Status)
	}
}

// Publishing a timeline publishes the draft actors and places its filter
// names.
func TestPublishingATimelinePublishesItsFilter(t *testing.T) {
	db := sqlitetest.New(t)
	ctx := t.Context()
	ed := person(t, db, "Ed", conflict.RoleEditor)
	rev := person(t, db, "Rue", conflict.RoleReviewer)
	a := conflict.Actor{Name: "Kurdish Peshmerga"}
	if err := db.CreateActor(ctx, &a, ed); err != nil {
		t.Fatal(err)
	}
	tl := conflict.Timeline{Title: "The Peshmerga in 2016", Filter: conflict.TimelineFilter{Actors: []conflict.ActorID{a.ID}}}
	if err := db.CreateTimeline(ctx, &tl, ed); err != nil {
		t.Fatal(err)
	}
	tl, err := db.SetTimelineStatus(ctx, tl.ID, conflict.ActionSubmit, "", tl.Version, ed.Role, ed)
	if err != nil {
		t.Fatal(err)
	}
	if tl, err = db.SetTimelineStatus(ctx, tl.ID, conflict.ActionPublish, "", tl.Version, rev.Role, rev); err != nil || tl.Status != conflict.Published {
		t.Fatalf("publish = %q, %v", tl.Status, err)
	}
	if a, _ = db.FindActorByID(ctx, a.ID); a.Status != conflict.Published {
		t.Errorf("the timeline's actor is %q after it was published, want published", a.Status)
	}
}

// A public record the system writes (an import, the command line) may name
// a user's draft: the draft is published with it.
func TestSystemWritesPublishTheDraftsTheyCite(t *testing.T) {
	db := sqlitetest.New(t)
	ctx := t.Context()
	ed := person(t, db, "Ed", conflict.RoleEditor)
	src := newSource(3)
	if err := db.CreateSource(ctx, &src, ed); err != nil {
		t.Fatal(err)
	}
	force := conflict.Actor{Name: "Hashd al-Watani"}
	if err := db.CreateActor(ctx, &force, ed); err != nil {
		t.Fatal(err)
	}
	sys := conflict.Change{AuthorName: "import"}
	draft := conflict.Event{Title: "A draft citing it", Date: edtf.MustParse("2016-10"), Citations: []conflict.Citation{{Source: src}}}
	if err := db.CreateEvent(ctx, &draft, sys); err != nil {
		t.Fatal(err)
	}
	if s, _ := db.FindSourceByID(ctx, src.ID); s.Status != conflict.Draft {
		t.Errorf("a draft event published the source it cites: %q", s.Status)
	}
	x := conflict.Estimate{Force: force.Ref(), AsOf: edtf.MustParse("2016-10"), Unit: "fighters", Qualifier: conflict.About,
		Low: conflict.Count(4000), Claimant: "officials", Citations: []conflict.Citation{{Source: src}}, Status: conflict.Published}
	if err := db.CreateEstimate(ctx, &x, sys); err != nil {
		t.Fatal(err)
	}
	if s, _ := db.FindSourceByID(ctx, src.ID); s.Status != conflict.Published {
		t.Errorf("the source a published estimate cites is %q, want published", s.Status)
	}
	if a, _ := db.FindActorByID(ctx, force.ID); a.Status != conflict.Published {
		t.Errorf("the force of a published estimate is %q, want published", a.Status)
	}
	// No reviewer saw the editor's drafts: history says so.
	for _, rec := range []struct {
		rt conflict.RecordType
		id int64
	}{{conflict.SourceRecord, int64(src.ID)}, {conflict.ActorRecord, int64(force.ID)}} {
		if revs := revisions(t, db, rec.rt, rec.id); revs[0].Action != conflict.ActionPublish || !revs[0].Unreviewed {
			t.Errorf("the %s's publication by a system write is %s, unreviewed=%v; want publish, marked unreviewed", rec.rt, revs[0].Action, revs[0].Unreviewed)
		}
	}
}
