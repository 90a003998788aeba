package sqlite_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/edtf"
	"github.com/sitrep/sitrep/internal/snapshot"
	"github.com/sitrep/sitrep/internal/sqlite"
	"github.com/sitrep/sitrep/internal/sqlite/sqlitetest"
)

// demoEvent loads the demo's event about Badr training, published with one
// citation.
func demoEvent(t *testing.T, db *sqlite.DB) conflict.Event {
	t.Helper()
	e, err := db.FindEventByExternalID(t.Context(), "demo:badr-training-diyala")
	if err != nil {
		t.Fatalf("FindEventByExternalID: %v", err)
	}
	return e
}

func demoEstimate(t *testing.T, db *sqlite.DB) conflict.Estimate {
	t.Helper()
	x, err := db.FindEstimateByExternalID(t.Context(), "demo:is-mosul-2016-09-29")
	if err != nil {
		t.Fatalf("FindEstimateByExternalID: %v", err)
	}
	return x
}

// draftEvent stores a new draft event with one citation of a new source.
func draftEvent(t *testing.T, db *sqlite.DB) conflict.Event {
	t.Helper()
	e := conflict.Event{
		Title:     "Badr fighters train in Diyala",
		Date:      edtf.MustParse("2016-09-27"),
		Body:      "Members of the Badr Organization trained in Diyala province.",
		Tags:      []string{"training"},
		Citations: []conflict.Citation{{Source: newSource(1), Quote: "A member undergoes training."}},
	}
	if err := db.CreateEvent(t.Context(), &e, editor); err != nil {
		t.Fatalf("CreateEvent: %v", err)
	}
	return e
}

func revisions(t *testing.T, db *sqlite.DB, rt conflict.RecordType, id int64) []conflict.Revision {
	t.Helper()
	revs, err := db.FindRevisions(t.Context(), rt, id)
	if err != nil {
		t.Fatalf("FindRevisions: %v", err)
	}
	return revs
}

func snapshotEvent(t *testing.T, r conflict.Revision) conflict.Event {
	t.Helper()
	e, err := snapshot.Event(r.Snapshot)
	if err != nil {
		t.Fatalf("revision %d snapshot: %v", r.Number, err)
	}
	return e
}

func edit(summary string) conflict.Change {
	return conflict.Change{AuthorName: "Second Editor", Summary: summary}
}

func TestUpdateEventWritesNextRevision(t *testing.T) {
	db := sqlitetest.NewWithDemo(t)
	e := demoEvent(t, db)
	before := revisions(t, db, conflict.EventRecord, int64(e.ID))
	base := e.Version

	e.Title = "Badr Organization fighters train in Diyala province"
	e.Body = "Fighters of the Badr Organization trained near Baqubah."
	e.Tags = []string{"training", "Badr"}
	e.Actors = append(e.Actors, conflict.EventActor{Actor: e.Actors[0].Actor, Role: "trainee"})
	if _, err := db.UpdateEvent(t.Context(), &e, base, edit("More precise place")); err != nil {
		t.Fatalf("UpdateEvent: %v", err)
	}
	if e.Version != base+1 {
		t.Errorf("version after update = %d, want %d", e.Version, base+1)
	}
	if e.Status != conflict.Published {
		t.Errorf("status after update = %s, want it kept as published", e.Status)
	}
	stored, err := db.FindEventByID(t.Context(), e.ID)
	if err != nil {
		t.Fatal(err)
	}
	if stored.Title != e.Title || stored.Body != e.Body || len(stored.Actors) != 2 || strings.Join(stored.Tags, ",") != "badr,training" {
		t.Errorf("stored event = %q / %q / %d actors / %v, want the edit", stored.Title, stored.Body, len(stored.Actors), stored.Tags)
	}
	if len(stored.Citations) != 1 {
		t.Errorf("stored citations = %d, want the 1 kept", len(stored.Citations))
	}

	after := revisions(t, db, conflict.EventRecord, int64(e.ID))
	if len(after) != len(before)+1 {
		t.Fatalf("revisions = %d, want %d", len(after), len(before)+1)
	}
	r := after[0]
	if r.Number != before[0].Number+1 || r.Action != conflict.ActionUpdate || r.Summary != "More precise place" || r.AuthorName != "Second Editor" {
		t.Errorf("new revision = #%d %s %q by %q, want #%d update with the summary and author",
			r.Number, r.Action, r.Summary, r.AuthorName, before[0].Number+1)
	}
	snap := snapshotEvent(t, r)
	if snap.Title != e.Title || snap.Body != e.Body || snap.Version != base+1 || len(snap.Citations) != 1 || snap.Citations[0].Source.Title == "" {
		t.Errorf("snapshot = %q v%d with %d citations, want the stored event", snap.Title, snap.Version, len(snap.Citations))
	}
	// The earlier revision is untouched.
	if old := snapshotEvent(t, after[1]); old.Title == e.Title {
		t.Errorf("revision %d changed to the new title", after[1].Number)
	}
}

func TestUpdateEventStaleVersionIsConflictWithCurrent(t *testing.T) {
	db := sqlitetest.NewWithDemo(t)
	e := demoEvent(t, db)
	base := e.Version

	first := e
	first.Title = "First editor's title"
	if _, err := db.UpdateEvent(t.Context(), &first, base, edit("first")); err != nil {
		t.Fatalf("first UpdateEvent: %v", err)
	}
	second := e
	second.Title = "Second editor's title"
	_, err := db.UpdateEvent(t.Context(), &second, base, edit("second"))
	if conflict.ErrorCode(err) != conflict.Conflict {
		t.Fatalf("stale UpdateEvent = %v, want a Conflict", err)
	}
	var ec *conflict.EditConflict[conflict.Event]
	if !errors.As(err, &ec) {
		t.Fatalf("stale UpdateEvent error %T does not carry the current event", err)
	}
	if ec.Current.Title != "First editor's title" || ec.Current.Version != base+1 || ec.BaseVersion != base {
		t.Errorf("conflict carries %q v%d (base %d), want the first editor's title at v%d (base %d)",
			ec.Current.Title, ec.Current.Version, ec.BaseVersion, base+1, base)
	}
	if ec.Latest.Summary != "first" || ec.Latest.Number == 0 {
		t.Errorf("conflict's latest revision = #%d %q, want the first editor's", ec.Latest.Number, ec.Latest.Summary)
	}
	stored, _ := db.FindEventByID(t.Context(), e.ID)
	if stored.Title != "First editor's title" {
		t.Errorf("after the conflict the title is %q, want the first editor's kept", stored.Title)
	}
	if got := len(revisions(t, db, conflict.EventRecord, int64(e.ID))); got != 2 {
		t.Errorf("revisions = %d, want 2 (no revision for the refused save)", got)
	}
}

func TestUpdatePublishedNeedsSummaryAndCitation(t *testing.T) {
	db := sqlitetest.NewWithDemo(t)
	e := demoEvent(t, db)
	e.Title = "Changed without a word"
	_, err := db.UpdateEvent(t.Context(), &e, e.Version, edit(""))
	if conflict.ErrorCode(err) != conflict.Invalid || conflict.ErrorFields(err)["summary"] == "" {
		t.Errorf("editing a published event without a summary = %v, want Invalid on summary", err)
	}
	e = demoEvent(t, db)
	e.Citations = nil
	_, err = db.UpdateEvent(t.Context(), &e, e.Version, edit("dropping the source"))
	if conflict.ErrorCode(err) != conflict.Invalid || conflict.ErrorFields(err)["citations"] == "" {
		t.Errorf("removing the last citation of a published event = %v, want Invalid on citations", err)
	}
	// A draft needs neither.
	d := draftEvent(t, db)
	d.Citations = nil
	if _, err := db.UpdateEvent(t.Context(), &d, d.Version, conflict.Change{AuthorName: "x"}); err != nil {
		t.Errorf("editing a draft without summary or citation: %v", err)
	}
}

func TestUpdateEventFailingHalfWayChangesNothing(t *testing.T) {
	db := sqlitetest.NewWithDemo(t)
	e := demoEvent(t, db)
	before := revisions(t, db, conflict.EventRecord, int64(e.ID))
	sources, err := db.FindSources(t.Context(), 100)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		edit func(e *conflict.Event)
	}{
		{"inline source with a bad URL after a good one", func(e *conflict.Event) {
			e.Citations = append(e.Citations,
				conflict.Citation{Source: newSource(7), Quote: "a new, valid source"},
				conflict.Citation{Source: conflict.Source{URL: "not a url", Publisher: "X", Title: "Y"}})
		}},
		{"citation of a source that does not exist", func(e *conflict.Event) {
			e.Citations = append(e.Citations, conflict.Citation{Source: conflict.Source{ID: 99999}})
		}},
		{"actor that does not exist", func(e *conflict.Event) {
			e.Actors = append(e.Actors, conflict.EventActor{Actor: conflict.ActorRef{ID: 99999}, Role: "ghost"})
		}},
		{"place that does not exist", func(e *conflict.Event) {
			e.Place = &conflict.PlaceRef{ID: 99999}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			x := demoEvent(t, db)
			x.Title = "This title must not be saved"
			x.Body = "Nor this body."
			x.Tags = []string{"half-way"}
			tt.edit(&x)
			_, err := db.UpdateEvent(t.Context(), &x, x.Version, edit("broken"))
			if conflict.ErrorCode(err) != conflict.Invalid {
				t.Fatalf("UpdateEvent = %v, want Invalid", err)
			}
			for _, c := range x.Citations {
				if c.Source.URL == newSource(7).URL && c.Source.ID != 0 {
					t.Errorf("the failed save left a rolled-back source id %d in the caller's event", c.Source.ID)
				}
			}
			stored, err := db.FindEventByID(t.Context(), e.ID)
			if err != nil {
				t.Fatal(err)
			}
			if stored.Title != e.Title || stored.Body != e.Body || stored.Version != e.Version ||
				strings.Join(stored.Tags, ",") != strings.Join(e.Tags, ",") || len(stored.Citations) != len(e.Citations) ||
				len(stored.Actors) != len(e.Actors) || stored.Place.ID != e.Place.ID {
				t.Errorf("after a failed update the event is %+v, want it unchanged", stored)
			}
			if got := revisions(t, db, conflict.EventRecord, int64(e.ID)); len(got) != len(before) {
				t.Errorf("revisions = %d, want %d", len(got), len(before))
			}
			after, _ := db.FindSources(t.Context(), 100)
			if len(after) != len(sources) {
				t.Errorf("sources = %d, want %d: the inline source of a failed save was kept", len(after), len(sources))
			}
		})
	}
}

func TestUpdateEventNotFound(t *testing.T) {
	db := sqlitetest.New(t)
	e := conflict.Event{ID: 404, Title: "Nothing", Date: edtf.MustParse("2016")}
	if _, err := db.UpdateEvent(t.Context(), &e, 1, edit("x")); conflict.ErrorCode(err) != conflict.NotFound {
		t.Errorf("UpdateEvent of a missing event = %v, want NotFound", err)
	}
}

func TestRevertEventRestoresEarlierContent(t *testing.T) {
	db := sqlitetest.NewWithDemo(t)
	e := demoEvent(t, db)
	original := e
	for i, title := range []string{"Second title", "Third title"} {
		e.Title = title
		e.Body = "Body number " + title
		e.Tags = []string{"edited"}
		if _, err := db.UpdateEvent(t.Context(), &e, e.Version, edit("edit "+string(rune('1'+i)))); err != nil {
			t.Fatalf("UpdateEvent: %v", err)
		}
	}
	reverted, _, err := db.RevertEvent(t.Context(), e.ID, 1, e.Version, conflict.Change{AuthorName: "Reviewer"})
	if err != nil {
		t.Fatalf("RevertEvent: %v", err)
	}
	if reverted.Title != original.Title || reverted.Body != original.Body ||
		strings.Join(reverted.Tags, ",") != strings.Join(original.Tags, ",") || len(reverted.Citations) != len(original.Citations) {
		t.Errorf("reverted event = %q / %q / %v, want revision 1's content", reverted.Title, reverted.Body, reverted.Tags)
	}
	if reverted.Status != conflict.Published || reverted.Version != e.Version+1 {
		t.Errorf("reverted status %s v%d, want published v%d", reverted.Status, reverted.Version, e.Version+1)
	}
	revs := revisions(t, db, conflict.EventRecord, int64(e.ID))
	if len(revs) != 4 {
		t.Fatalf("revisions = %d, want 4 (create, 2 edits, revert)", len(revs))
	}
	r := revs[0]
	if r.Number != 4 || r.Action != conflict.ActionRevert || r.Summary != "Reverted to revision 1" {
		t.Errorf("revert revision = #%d %s %q, want #4 revert \"Reverted to revision 1\"", r.Number, r.Action, r.Summary)
	}
	if snap := snapshotEvent(t, r); snap.Title != original.Title {
		t.Errorf("revert snapshot title = %q, want %q", snap.Title, original.Title)
	}

	// A stale revert is refused like a stale edit.
	if _, _, err := db.RevertEvent(t.Context(), e.ID, 2, e.Version, edit("")); conflict.ErrorCode(err) != conflict.Conflict {
		t.Errorf("stale RevertEvent = %v, want Conflict", err)
	}
	if _, _, err := db.RevertEvent(t.Context(), e.ID, 99, reverted.Version, edit("")); conflict.ErrorCode(err) != conflict.NotFound {
		t.Errorf("RevertEvent to a missing revision = %v, want NotFound", err)
	}
}

func TestSetEventStatusWorkflow(t *testing.T) {
	db := sqlitetest.New(t)
	ctx := t.Context()
	e := draftEvent(t, db)
	step := func(a conflict.Action, note string, role conflict.Role) conflict.Event {
		t.Helper()
		cur, err := db.FindEventByID(ctx, e.ID)
		if err != nil {
			t.Fatal(err)
		}
		got, err := db.SetEventStatus(ctx, e.ID, a, note, cur.Version, role, conflict.Change{AuthorName: string(role)})
		if err != nil {
			t.Fatalf("SetEventStatus(%s by %s): %v", a, role, err)
		}
		return got
	}
	if got := step(conflict.ActionSubmit, "", conflict.RoleEditor); got.Status != conflict.Submitted {
		t.Errorf("after submit: %s", got.Status)
	}
	got := step(conflict.ActionReject, "Cite the photo caption.", conflict.RoleReviewer)
	if got.Status != conflict.Rejected || got.StatusNote != "Cite the photo caption." {
		t.Errorf("after reject: %s %q, want rejected with the comment", got.Status, got.StatusNote)
	}
	step(conflict.ActionSubmit, "", conflict.RoleEditor)
	if got := step(conflict.ActionPublish, "", conflict.RoleReviewer); got.Status != conflict.Published || got.StatusNote != "" {
		t.Errorf("after publish: %s %q, want published with the comment cleared", got.Status, got.StatusNote)
	}
	got = step(conflict.ActionRetract, "The report was withdrawn.", conflict.RoleAdmin)
	if got.Status != conflict.Retracted || got.StatusNote != "The report was withdrawn." {
		t.Errorf("after retract: %s %q", got.Status, got.StatusNote)
	}

	revs := revisions(t, db, conflict.EventRecord, int64(e.ID))
	var actions []string
	for i := len(revs) - 1; i >= 0; i-- {
		actions = append(actions, string(revs[i].Action))
		if revs[i].Number != len(revs)-i {
			t.Errorf("revision numbers not consecutive: %d at position %d", revs[i].Number, len(revs)-i)
		}
	}
	if want := "create,submit,reject,submit,publish,retract"; strings.Join(actions, ",") != want {
		t.Errorf("revision actions = %s, want %s", strings.Join(actions, ","), want)
	}
	if revs[3].Summary != "Cite the photo caption." {
		t.Errorf("reject revision summary = %q, want the comment", revs[3].Summary)
	}
	if snap := snapshotEvent(t, revs[0]); snap.Status != conflict.Retracted {
		t.Errorf("retract snapshot status = %s", snap.Status)
	}
}

func TestSetEventStatusRefusals(t *testing.T) {
	db := sqlitetest.New(t)
	ctx := t.Context()
	e := draftEvent(t, db)
	noCite := conflict.Event{Title: "Unsourced", Date: edtf.MustParse("2016")}
	if err := db.CreateEvent(ctx, &noCite, editor); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		id   conflict.EventID
		a    conflict.Action
		note string
		base int
		role conflict.Role
		want conflict.Code
	}{
		{"editor publishes a draft", e.ID, conflict.ActionPublish, "", 1, conflict.RoleEditor, conflict.Forbidden},
		{"reviewer publishes an unreviewed draft", e.ID, conflict.ActionPublish, "", 1, conflict.RoleReviewer, conflict.Forbidden},
		{"reject a draft", e.ID, conflict.ActionReject, "no", 1, conflict.RoleAdmin, conflict.Invalid},
		{"anonymous submits", e.ID, conflict.ActionSubmit, "", 1, "", conflict.Unauthorized},
		{"stale version", e.ID, conflict.ActionSubmit, "", 7, conflict.RoleEditor, conflict.Conflict},
		{"publish without citation", noCite.ID, conflict.ActionPublish, "", 1, conflict.RoleAdmin, conflict.Invalid},
		{"missing event", 9999, conflict.ActionSubmit, "", 1, conflict.RoleEditor, conflict.NotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := db.SetEventStatus(ctx, tt.id, tt.a, tt.note, tt.base, tt.role, editor)
			if conflict.ErrorCode(err) != tt.want {
				t.Errorf("SetEventStatus = %v, want %s", err, tt.want)
			}
		})
	}
	if got := revisions(t, db, conflict.EventRecord, int64(e.ID)); len(got) != 1 {
		t.Errorf("refused status changes wrote revisions: %d, want 1", len(got))
	}
	// An admin may publish a draft directly.
	x, err := db.SetEventStatus(ctx, e.ID, conflict.ActionPublish, "", 1, conflict.RoleAdmin, editor)
	if err != nil || x.Status != conflict.Published {
		t.Errorf("admin publishing a draft = %s, %v", x.Status, err)
	}
}

func TestEstimateUpdateStatusAndRevert(t *testing.T) {
	db := sqlitetest.NewWithDemo(t)
	ctx := t.Context()
	x := demoEstimate(t, db)
	base := x.Version
	x.Low, x.High = conflict.Count(3500), conflict.Count(5000)
	x.Notes = "Revised after a second briefing."
	if _, err := db.UpdateEstimate(ctx, &x, base, edit("New numbers")); err != nil {
		t.Fatalf("UpdateEstimate: %v", err)
	}
	if x.Version != base+1 || x.Low.Value != 3500 || x.Status != conflict.Published {
		t.Errorf("updated estimate v%d low %d %s, want v%d low 3500 published", x.Version, x.Low.Value, x.Status, base+1)
	}

	stale := demoEstimate(t, db)
	stale.Notes = "stale"
	_, err := db.UpdateEstimate(ctx, &stale, base, edit("stale"))
	var ec *conflict.EditConflict[conflict.Estimate]
	if !errors.As(err, &ec) || ec.Current.Low.Value != 3500 {
		t.Fatalf("stale UpdateEstimate = %v, want an EditConflict carrying the current estimate", err)
	}

	bad := demoEstimate(t, db)
	bad.Low, bad.High = conflict.Count(9), conflict.Count(1)
	if _, err := db.UpdateEstimate(ctx, &bad, bad.Version, edit("bad")); conflict.ErrorCode(err) != conflict.Invalid {
		t.Errorf("UpdateEstimate with low > high = %v, want Invalid", err)
	}

	reverted, _, err := db.RevertEstimate(ctx, x.ID, 1, x.Version, edit(""))
	if err != nil {
		t.Fatalf("RevertEstimate: %v", err)
	}
	if reverted.Low.Value != 3000 || reverted.High.Value != 4500 || !strings.HasPrefix(reverted.Notes, "Described as") {
		t.Errorf("reverted estimate %s / %q, want revision 1's 3,000–4,500", reverted.ValueText(), reverted.Notes)
	}

	retracted, err := db.SetEstimateStatus(ctx, x.ID, conflict.ActionRetract, "Superseded.", reverted.Version, conflict.RoleReviewer, edit(""))
	if err != nil || retracted.Status != conflict.Retracted || retracted.StatusNote != "Superseded." {
		t.Fatalf("SetEstimateStatus(retract) = %s %q, %v", retracted.Status, retracted.StatusNote, err)
	}
	revs := revisions(t, db, conflict.EstimateRecord, int64(x.ID))
	var actions []string
	for i := len(revs) - 1; i >= 0; i-- {
		actions = append(actions, string(revs[i].Action))
	}
	if want := "create,update,revert,retract"; strings.Join(actions, ",") != want {
		t.Errorf("estimate revision actions = %s, want %s", strings.Join(actions, ","), want)
	}
}

func TestUpdateEstimateFailingCitationChangesNothing(t *testing.T) {
	db := sqlitetest.NewWithDemo(t)
	x := demoEstimate(t, db)
	edited := x
	edited.Notes = "must not be saved"
	edited.Citations = append(edited.Citations, conflict.Citation{Source: conflict.Source{ID: 4242}})
	if _, err := db.UpdateEstimate(t.Context(), &edited, x.Version, edit("broken")); conflict.ErrorCode(err) != conflict.Invalid {
		t.Fatalf("UpdateEstimate = %v, want Invalid", err)
	}
	stored := demoEstimate(t, db)
	if stored.Notes != x.Notes || stored.Version != x.Version || len(stored.Citations) != 1 {
		t.Errorf("after a failed update: %q v%d %d citations, want unchanged", stored.Notes, stored.Version, len(stored.Citations))
	}
}

func TestUpdateSourceActorPlaceTimeline(t *testing.T) {
	db := sqlitetest.NewWithDemo(t)
	ctx := t.Context()

	sources, err := db.FindSources(ctx, 1)
	if err != nil || len(sources) != 1 {
		t.Fatalf("FindSources: %v", err)
	}
	s := sources[0]
	base := s.Version
	s.Notes = "Checked against the archive."
	given := s.URL + "?utm_source=x"
	s.URL = given
	if _, err := db.UpdateSource(ctx, &s, base, edit("notes")); err != nil {
		t.Fatalf("UpdateSource: %v", err)
	}
	if s.Version != base+1 || s.URL != given {
		t.Errorf("updated source v%d %s, want v%d with the address as given, %s", s.Version, s.URL, base+1, given)
	}
	if _, err := db.UpdateSource(ctx, &s, base, edit("stale")); !isConflict[conflict.Source](err) {
		t.Errorf("stale UpdateSource = %v, want EditConflict", err)
	}
	other := newSource(2)
	if err := db.CreateSource(ctx, &other, editor); err != nil {
		t.Fatal(err)
	}
	other.URL = s.URL
	if _, err := db.UpdateSource(ctx, &other, other.Version, edit("dup")); conflict.ErrorCode(err) != conflict.Conflict || conflict.ErrorFields(err)["url"] == "" {
		t.Errorf("UpdateSource to another source's URL = %v, want Conflict on url", err)
	}

	badr, err := db.FindActorBySlug(ctx, "badr-organization")
	if err != nil {
		t.Fatal(err)
	}
	pmf := *badr.Parent
	badr.Aliases = append(badr.Aliases, "Badr Brigades")
	badr.Name = "Badr Organisation"
	if _, err := db.UpdateActor(ctx, &badr, badr.Version, edit("spelling")); err != nil {
		t.Fatalf("UpdateActor: %v", err)
	}
	if badr.Slug != "badr-organization" || badr.Name != "Badr Organisation" || !slices.Contains(badr.Aliases, "Badr Brigades") {
		t.Errorf("updated actor %s %q %v, want the slug kept, the new name and alias", badr.Slug, badr.Name, badr.Aliases)
	}
	if refs, _ := db.FindActorsByName(ctx, "Badr Brigades"); len(refs) != 1 {
		t.Errorf("FindActorsByName(new alias) = %v, want Badr", refs)
	}
	// Making PMF a member of its own member Badr would loop.
	pmfActor, err := db.FindActorByID(ctx, pmf.ID)
	if err != nil {
		t.Fatal(err)
	}
	badrRef := badr.Ref()
	pmfActor.Parent = &badrRef
	if _, err := db.UpdateActor(ctx, &pmfActor, pmfActor.Version, edit("loop")); conflict.ErrorCode(err) != conflict.Invalid || conflict.ErrorFields(err)["parent"] == "" {
		t.Errorf("UpdateActor making a loop = %v, want Invalid on parent", err)
	}
	if _, err := db.UpdateActor(ctx, &badr, 1, edit("stale")); !isConflict[conflict.Actor](err) {
		t.Errorf("stale UpdateActor = %v, want EditConflict", err)
	}

	mosul, err := db.FindPlaceBySlug(ctx, "mosul")
	if err != nil {
		t.Fatal(err)
	}
	mosul.Description = "Capital of Nineveh province."
	if _, err := db.UpdatePlace(ctx, &mosul, mosul.Version, edit("description")); err != nil {
		t.Fatalf("UpdatePlace: %v", err)
	}
	if mosul.Version != 2 || mosul.Description != "Capital of Nineveh province." || len(mosul.AltNames) == 0 {
		t.Errorf("updated place v%d %q %v", mosul.Version, mosul.Description, mosul.AltNames)
	}
	if _, err := db.UpdatePlace(ctx, &mosul, 1, edit("stale")); !isConflict[conflict.Place](err) {
		t.Errorf("stale UpdatePlace = %v, want EditConflict", err)
	}

	tl, err := db.FindTimelineBySlug(ctx, "mosul-2016")
	if err != nil {
		t.Fatal(err)
	}
	e := demoEvent(t, db)
	tl.Title = "Mosul, summer 2016"
	tl.Excluded = []conflict.EventID{e.ID}
	if _, err := db.UpdateTimeline(ctx, &tl, tl.Version, edit("leave out training")); err != nil {
		t.Fatalf("UpdateTimeline: %v", err)
	}
	if tl.Version != 2 || tl.Title != "Mosul, summer 2016" || len(tl.Excluded) != 1 {
		t.Errorf("updated timeline v%d %q excluded %v", tl.Version, tl.Title, tl.Excluded)
	}
	if _, err := db.UpdateTimeline(ctx, &tl, 1, edit("stale")); !isConflict[conflict.Timeline](err) {
		t.Errorf("stale UpdateTimeline = %v, want EditConflict", err)
	}

	for _, rt := range []conflict.RecordType{conflict.SourceRecord, conflict.ActorRecord, conflict.PlaceRecord, conflict.TimelineRecord} {
		page, err := db.FindActivity(ctx, conflict.ActivityFilter{RecordType: rt})
		if err != nil {
			t.Fatal(err)
		}
		updates := 0
		for _, a := range page.Items {
			if a.RecordType != rt {
				t.Errorf("activity filtered to %s lists a %s", rt, a.RecordType)
			}
			if a.Action == conflict.ActionUpdate {
				updates++
			}
		}
		if updates != 1 {
			t.Errorf("%s activity has %d updates, want 1", rt, updates)
		}
	}
}

func isConflict[T any](err error) bool {
	var ec *conflict.EditConflict[T]
	return errors.As(err, &ec) && conflict.ErrorCode(err) == conflict.Conflict
}

func TestFindActivity(t *testing.T) {
	db := sqlitetest.NewWithDemo(t)
	ctx := t.Context()
	u := conflict.User{Email: "ana@example.org", Name: "Ana", Role: conflict.RoleAdmin}
	if err := db.CreateUser(ctx, &u, "not-a-real-hash"); err != nil {
		t.Fatalf("CreateUser: %v", err)
	}
	// Ana edits published records as an admin who chose to skip review, so
	// her edits are in the log at once, marked unreviewed.
	ana := conflict.Change{Author: &u.ID, AuthorName: u.Name, Summary: "Ana's edit", Role: conflict.RoleAdmin, WithoutReview: true}
	e := demoEvent(t, db)
	e.Title = "Edited by Ana"
	if _, err := db.UpdateEvent(ctx, &e, e.Version, ana); err != nil {
		t.Fatal(err)
	}
	x := demoEstimate(t, db)
	x.Notes = "Ana's note"
	if _, err := db.UpdateEstimate(ctx, &x, x.Version, ana); err != nil {
		t.Fatal(err)
	}

	all, err := db.FindActivity(ctx, conflict.ActivityFilter{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	if len(all.Items) < 10 || all.Next != 0 {
		t.Fatalf("FindActivity = %d items, next %d; want the demo's writes and no next page", len(all.Items), all.Next)
	}
	for i := 1; i < len(all.Items); i++ {
		if all.Items[i].ID >= all.Items[i-1].ID {
			t.Fatalf("activity not newest first at %d", i)
		}
	}
	if first := all.Items[0]; first.RecordType != conflict.EstimateRecord || first.Title != "Islamic State: 3,000–4,500 fighters" || first.Snapshot != nil {
		t.Errorf("newest activity = %s %q (snapshot %d bytes), want the estimate's title and no snapshot", first.RecordType, first.Title, len(first.Snapshot))
	}
	for _, a := range all.Items {
		if a.Title == "" {
			t.Errorf("activity %s %d has no title", a.RecordType, a.RecordID)
		}
	}

	mine, err := db.FindActivity(ctx, conflict.ActivityFilter{UserID: u.ID})
	if err != nil {
		t.Fatal(err)
	}
	if len(mine.Items) != 2 || mine.Items[1].Title != "Edited by Ana" || mine.Items[1].AuthorName != "Ana" {
		t.Errorf("Ana's activity = %+v, want her 2 edits", mine.Items)
	}
	for _, a := range mine.Items {
		if !a.Unreviewed {
			t.Errorf("Ana's %s edit published without review is not marked so in the activity log", a.RecordType)
		}
	}
	events, err := db.FindActivity(ctx, conflict.ActivityFilter{UserID: u.ID, RecordType: conflict.EventRecord})
	if err != nil || len(events.Items) != 1 {
		t.Errorf("Ana's event activity = %d items, %v; want 1", len(events.Items), err)
	}

	// Paging by cursor walks the whole log once.
	seen := 0
	var f conflict.ActivityFilter
	f.Limit = 3
	for pages := 0; pages < 100; pages++ {
		p, err := db.FindActivity(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		seen += len(p.Items)
		if p.Next == 0 {
			break
		}
		f.Before = p.Next
	}
	if seen != len(all.Items) {
		t.Errorf("paging saw %d writes, want %d", seen, len(all.Items))
	}
}

func TestFindSubmissions(t *testing.T) {
	db := sqlitetest.NewWithDemo(t)
	ctx := t.Context()
	d := draftEvent(t, db)
	if _, err := db.SetEventStatus(ctx, d.ID, conflict.ActionSubmit, "", d.Version, conflict.RoleEditor, editor); err != nil {
		t.Fatal(err)
	}
	// A retracted estimate is not awaiting review.
	x := demoEstimate(t, db)
	if _, err := db.SetEstimateStatus(ctx, x.ID, conflict.ActionRetract, "Checking", x.Version, conflict.RoleReviewer, editor); err != nil {
		t.Fatal(err)
	}

	subs, err := db.FindSubmissions(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(subs) != 1 {
		t.Fatalf("FindSubmissions = %d, want 1", len(subs))
	}
	s := subs[0]
	if s.RecordType != conflict.EventRecord || s.RecordID != int64(d.ID) || s.Title != d.Title {
		t.Errorf("submission = %s %d %q", s.RecordType, s.RecordID, s.Title)
	}
	if s.Latest.Action != conflict.ActionSubmit || s.Previous == nil || s.Previous.Number != 1 || s.Reviewed != nil {
		t.Errorf("submission revisions: latest %s, previous %v, reviewed %v; want submit, #1, none", s.Latest.Action, s.Previous, s.Reviewed)
	}

	// Rejected, edited and submitted again: Reviewed is the rejection.
	cur, _ := db.FindEventByID(ctx, d.ID)
	if _, err := db.SetEventStatus(ctx, d.ID, conflict.ActionReject, "Needs a quote", cur.Version, conflict.RoleReviewer, editor); err != nil {
		t.Fatal(err)
	}
	cur, _ = db.FindEventByID(ctx, d.ID)
	cur.Body = "Better body."
	if _, err := db.UpdateEvent(ctx, &cur, cur.Version, editor); err != nil {
		t.Fatal(err)
	}
	if _, err := db.SetEventStatus(ctx, d.ID, conflict.ActionSubmit, "", cur.Version, conflict.RoleEditor, editor); err != nil {
		t.Fatal(err)
	}
	subs, err = db.FindSubmissions(ctx)
	if err != nil || len(subs) != 1 {
		t.Fatalf("FindSubmissions = %d, %v", len(subs), err)
	}
	if r := subs[0].Reviewed; r == nil || r.Action != conflict.ActionReject || r.Number != 3 {
		t.Errorf("Reviewed = %+v, want the rejection, revision 3", r)
	}
	if subs[0].Latest.Number != 5 || subs[0].Previous.Number != 4 {
		t.Errorf("latest #%d previous #%d, want 5 and 4", subs[0].Latest.Number, subs[0].Previous.Number)
	}
}
