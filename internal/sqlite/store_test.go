package sqlite_test

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/edtf"
	"github.com/sitrep/sitrep/internal/sqlite/sqlitetest"
)

// editor is who makes the tests' writes.
var editor = conflict.Change{AuthorName: "Test Editor", Summary: "written by a test"}

func newSource(i int) conflict.Source {
	return conflict.Source{
		URL:       fmt.Sprintf("https://news.example.org/report-%d", i),
		Publisher: "Example News",
		Title:     fmt.Sprintf("Report %d", i),
		Published: edtf.MustParse("2016-10-01"),
	}
}

// filterAll lists events in any status.
func filterAll() conflict.EventFilter {
	return conflict.EventFilter{Statuses: []conflict.Status{conflict.Draft, conflict.Submitted, conflict.Published, conflict.Rejected, conflict.Retracted}}
}

func TestEstimateBoundsCheckedByDatabase(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sitrep.db")
	db := sqlitetest.Open(t, path)
	a := conflict.Actor{Name: "Islamic State"}
	if err := db.CreateActor(t.Context(), &a, editor); err != nil {
		t.Fatal(err)
	}
	raw := openRaw(t, path)
	insert := func(qualifier string, low, high any) error {
		_, err := raw.Exec(`INSERT INTO estimates (actor_id, as_of, as_of_lo, as_of_hi, qualifier, low, high, claimant, status, created_at, updated_at)
			VALUES (?, '2016-09-29', '2016-09-29', '2016-09-29', ?, ?, ?, 'someone', 'draft', 'now', 'now')`, int64(a.ID), qualifier, low, high)
		return err
	}
	tests := []struct {
		name      string
		qualifier string
		low, high any
		ok        bool
	}{
		// The valid row proves that the failures come from the rules, not
		// from a mistake in the statement.
		{"valid range", "range", 3000, 4500, true},
		{"low above high", "range", 4500, 3000, false},
		{"range of one number", "range", 3000, 3000, false},
		{"negative low", "at_least", -1, nil, false},
		{"at least with a high", "at_least", 1, 2, false},
		{"at most with a low", "at_most", 1, 2, false},
		{"exact with two numbers", "exact", 1, 2, false},
		{"no bounds", "about", nil, nil, false},
		{"unknown qualifier", "roughly", 1, 1, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := insert(tt.qualifier, tt.low, tt.high)
			if tt.ok && err != nil {
				t.Errorf("INSERT %s %v–%v = %v, want success", tt.qualifier, tt.low, tt.high, err)
			}
			if !tt.ok && err == nil {
				t.Errorf("INSERT %s %v–%v succeeded, want the database to refuse it", tt.qualifier, tt.low, tt.high)
			}
		})
	}
}

func TestCreateSourceDuplicateURL(t *testing.T) {
	db := sqlitetest.New(t)
	ctx := t.Context()
	first := newSource(1)
	if err := db.CreateSource(ctx, &first, editor); err != nil {
		t.Fatal(err)
	}
	for _, url := range []string{
		"https://news.example.org/report-1",
		"HTTPS://News.Example.org/report-1/?utm_source=twitter#top",
	} {
		dup := newSource(2)
		dup.URL = url
		err := db.CreateSource(ctx, &dup, editor)
		if code := conflict.ErrorCode(err); code != conflict.Conflict {
			t.Errorf("CreateSource(%q) = %v (code %q), want code %q", url, err, code, conflict.Conflict)
			continue
		}
		if got, want := conflict.ErrorFields(err)["url"], `Already recorded as "Report 1".`; got != want {
			t.Errorf("CreateSource(%q) url message = %q, want %q", url, got, want)
		}
	}
	found, err := db.FindSourceByURL(ctx, "https://news.example.org/report-1?fbclid=x")
	if err != nil || found.ID != first.ID {
		t.Errorf("FindSourceByURL(tracking variant) = %d, %v; want source %d", found.ID, err, first.ID)
	}
}

func TestCreateEventCitingMissingSource(t *testing.T) {
	db := sqlitetest.New(t)
	ctx := t.Context()
	e := conflict.Event{
		Title:     "Clashes near Mosul",
		Date:      edtf.MustParse("2016-10-17"),
		Citations: []conflict.Citation{{Source: conflict.Source{ID: 9999}, Quote: "clashes"}},
	}
	err := db.CreateEvent(ctx, &e, editor)
	if code := conflict.ErrorCode(err); code != conflict.Invalid {
		t.Fatalf("CreateEvent(citing source 9999) = %v (code %q), want code %q", err, code, conflict.Invalid)
	}
	if got, want := conflict.ErrorFields(err)["citations"], "A cited source does not exist."; got != want {
		t.Errorf("CreateEvent(citing source 9999) citations message = %q, want %q", got, want)
	}
	// The transaction rolled back: no half-written event, no revision.
	if n, _, err := db.CountEvents(ctx, filterAll(), 1000); err != nil || n != 0 {
		t.Errorf("after the failed CreateEvent, CountEvents = %d, %v; want 0", n, err)
	}
}

func TestCreateEventWithUnknownActor(t *testing.T) {
	db := sqlitetest.New(t)
	e := conflict.Event{
		Title:  "Clashes near Mosul",
		Date:   edtf.MustParse("2016-10-17"),
		Actors: []conflict.EventActor{{Actor: conflict.ActorRef{ID: 42}, Role: "attacker"}},
	}
	err := db.CreateEvent(t.Context(), &e, editor)
	if got, want := conflict.ErrorFields(err)["actors"], "One of the actors does not exist."; got != want {
		t.Errorf("CreateEvent(actor 42) = %v, want actors message %q", err, want)
	}
}

func TestPublishingNeedsACitation(t *testing.T) {
	db := sqlitetest.New(t)
	e := conflict.Event{Title: "Clashes near Mosul", Date: edtf.MustParse("2016-10-17"), Status: conflict.Published}
	err := db.CreateEvent(t.Context(), &e, editor)
	if got, want := conflict.ErrorMessage(err), "Nothing is published without a source."; got != want {
		t.Errorf("CreateEvent(published, no citation) = %v, want %q", err, want)
	}
}

func TestRevisionsAreImmutable(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sitrep.db")
	db := sqlitetest.Open(t, path)
	s := newSource(1)
	if err := db.CreateSource(t.Context(), &s, editor); err != nil {
		t.Fatal(err)
	}
	raw := openRaw(t, path)
	for _, stmt := range []string{
		`UPDATE revisions SET summary = 'rewritten'`,
		`UPDATE revisions SET author_name = 'someone else'`,
		`DELETE FROM revisions`,
	} {
		if _, err := raw.Exec(stmt); err == nil {
			t.Errorf("%s succeeded, want the database to refuse it", stmt)
		}
	}
	revs, err := db.FindRevisions(t.Context(), conflict.SourceRecord, int64(s.ID))
	if err != nil {
		t.Fatal(err)
	}
	if len(revs) != 1 || revs[0].Summary != editor.Summary || revs[0].AuthorName != editor.AuthorName {
		t.Errorf("after the refused statements, revisions = %+v, want the one written, unchanged", revs)
	}
}

func TestInlineSourceCreatedOnce(t *testing.T) {
	db := sqlitetest.New(t)
	ctx := t.Context()
	inline := conflict.Source{
		URL:       "https://www.voanews.com/a/mosul-report",
		Publisher: "Voice of America",
		Title:     "Islamic State Struggling to Reinforce Mosul",
	}
	first := conflict.Event{
		Title: "Airstrikes limit reinforcement of Mosul", Date: edtf.MustParse("2016-09~"), Status: conflict.Published,
		Citations: []conflict.Citation{{Source: inline, Quote: "limited"}},
	}
	if err := db.CreateEvent(ctx, &first, editor); err != nil {
		t.Fatalf("CreateEvent with an inline source: %v", err)
	}
	if len(first.Citations) != 1 || first.Citations[0].Source.ID == 0 {
		t.Fatalf("CreateEvent stored citations %+v, want one with a stored source", first.Citations)
	}
	sourceID := first.Citations[0].Source.ID

	again := inline
	again.URL = "https://www.voanews.com/a/mosul-report/?utm_source=twitter"
	again.Title = "A different title typed by another editor"
	second := conflict.Event{
		Title: "Officials leave Mosul for Raqqa", Date: edtf.MustParse("2016-07/2016-09"), Status: conflict.Published,
		Citations: []conflict.Citation{{Source: again, Quote: "fled"}},
	}
	if err := db.CreateEvent(ctx, &second, editor); err != nil {
		t.Fatalf("CreateEvent with the same inline source: %v", err)
	}
	if got := second.Citations[0].Source; got.ID != sourceID || got.Title != inline.Title {
		t.Errorf("second event cites source %d %q, want the stored source %d %q", got.ID, got.Title, sourceID, inline.Title)
	}
	sources, err := db.FindSources(ctx, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(sources) != 1 || sources[0].URL != "https://www.voanews.com/a/mosul-report" {
		t.Errorf("FindSources = %+v, want the one source, stored under its normalised URL", sources)
	}
	// The inline source keeps a history like any other.
	revs, err := db.FindRevisions(ctx, conflict.SourceRecord, int64(sourceID))
	if err != nil || len(revs) != 1 {
		t.Errorf("source revisions = %d, %v; want 1", len(revs), err)
	}
}

func TestCreateWritesFirstRevision(t *testing.T) {
	db := sqlitetest.New(t)
	ctx := t.Context()

	var (
		force  = conflict.Actor{Name: "Islamic State", Aliases: []string{"ISIS"}}
		place  = conflict.Place{Name: "Mosul", AltNames: []conflict.AltName{{Name: "الموصل", Lang: "ar"}}}
		source = newSource(1)
	)
	create := []struct {
		rt     conflict.RecordType
		create func() (int64, error)
		text   string // something the snapshot must hold
	}{
		{conflict.ActorRecord, func() (int64, error) { err := db.CreateActor(ctx, &force, editor); return int64(force.ID), err }, "ISIS"},
		{conflict.PlaceRecord, func() (int64, error) { err := db.CreatePlace(ctx, &place, editor); return int64(place.ID), err }, "الموصل"},
		{conflict.SourceRecord, func() (int64, error) { err := db.CreateSource(ctx, &source, editor); return int64(source.ID), err }, "Report 1"},
		{conflict.EventRecord, func() (int64, error) {
			e := conflict.Event{Title: "Clashes in Mosul", Date: edtf.MustParse("2016-10-17"), Place: &conflict.PlaceRef{ID: place.ID},
				Actors: []conflict.EventActor{{Actor: force.Ref(), Role: "defender"}}, Citations: []conflict.Citation{{Source: source}}}
			err := db.CreateEvent(ctx, &e, editor)
			return int64(e.ID), err
		}, "Clashes in Mosul"},
		{conflict.EstimateRecord, func() (int64, error) {
			x := conflict.Estimate{Force: force.Ref(), AsOf: edtf.MustParse("2016-10"), Unit: "fighters", Qualifier: conflict.About,
				Low: conflict.Count(5000), Claimant: "Iraqi officials", Citations: []conflict.Citation{{Source: source}}}
			err := db.CreateEstimate(ctx, &x, editor)
			return int64(x.ID), err
		}, "Iraqi officials"},
		{conflict.TimelineRecord, func() (int64, error) {
			tl := conflict.Timeline{Title: "Battle of Mosul"}
			err := db.CreateTimeline(ctx, &tl, editor)
			return int64(tl.ID), err
		}, "Battle of Mosul"},
	}
	for _, c := range create {
		t.Run(string(c.rt), func(t *testing.T) {
			id, err := c.create()
			if err != nil {
				t.Fatalf("create %s: %v", c.rt, err)
			}
			revs, err := db.FindRevisions(ctx, c.rt, id)
			if err != nil {
				t.Fatal(err)
			}
			if len(revs) != 1 {
				t.Fatalf("FindRevisions(%s %d) returned %d revisions, want 1", c.rt, id, len(revs))
			}
			r := revs[0]
			if r.Number != 1 || r.Action != conflict.ActionCreate || r.AuthorName != "Test Editor" || r.Summary != editor.Summary {
				t.Errorf("revision = number %d, %s by %q (%q); want number 1, create by %q (%q)",
					r.Number, r.Action, r.AuthorName, r.Summary, "Test Editor", editor.Summary)
			}
			if !json.Valid(r.Snapshot) || !strings.Contains(string(r.Snapshot), c.text) {
				t.Errorf("revision snapshot = %.200s, want JSON holding %q", r.Snapshot, c.text)
			}
			if r.CreatedAt.IsZero() {
				t.Errorf("revision CreatedAt is zero")
			}
		})
	}
}

func TestImportRevisionAction(t *testing.T) {
	db := sqlitetest.New(t)
	s := newSource(1)
	if err := db.CreateSource(t.Context(), &s, conflict.Change{AuthorName: "csv import", Import: true}); err != nil {
		t.Fatal(err)
	}
	revs, err := db.FindRevisions(t.Context(), conflict.SourceRecord, int64(s.ID))
	if err != nil || len(revs) != 1 || revs[0].Action != conflict.ActionImport {
		t.Errorf("FindRevisions after an import = %+v, %v; want one %q revision", revs, err, conflict.ActionImport)
	}
}

func TestFindByIDNotFound(t *testing.T) {
	db := sqlitetest.New(t)
	ctx := t.Context()
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"event", second(db.FindEventByID(ctx, 404)), "No such event."},
		{"estimate", second(db.FindEstimateByID(ctx, 404)), "No such estimate."},
		{"source", second(db.FindSourceByID(ctx, 404)), "No such source."},
		{"actor", second(db.FindActorBySlug(ctx, "nobody")), "No such actor."},
		{"place", second(db.FindPlaceBySlug(ctx, "nowhere")), "No such place."},
		{"event by external id", second(db.FindEventByExternalID(ctx, "demo:none")), "No such event."},
	}
	for _, tt := range tests {
		if code := conflict.ErrorCode(tt.err); code != conflict.NotFound {
			t.Errorf("find %s = %v (code %q), want code %q", tt.name, tt.err, code, conflict.NotFound)
		}
		if got := conflict.ErrorMessage(tt.err); got != tt.want {
			t.Errorf("find %s message = %q, want %q", tt.name, got, tt.want)
		}
	}
}

func second[T any](_ T, err error) error { return err }

// TestFailedCreateLeavesTheEventAsGiven: an inline source stored before a
// later citation fails is rolled back, and the caller's event must not keep
// its id, or a form re-rendered from it would cite a source that is gone.
func TestFailedCreateLeavesTheEventAsGiven(t *testing.T) {
	db := sqlitetest.NewWithDemo(t)
	e := conflict.Event{
		Title: "Inline source then a missing one", Date: edtf.MustParse("2016-10-01"),
		Citations: []conflict.Citation{
			{Source: conflict.Source{URL: "https://example.org/new-report", Publisher: "Example", Title: "New report"}},
			{Source: conflict.Source{ID: 9999}},
		},
	}
	if err := db.CreateEvent(t.Context(), &e, conflict.Change{AuthorName: "test"}); err == nil {
		t.Fatal("CreateEvent citing source 9999 succeeded; want an error")
	}
	if e.ID != 0 || e.Citations[0].Source.ID != 0 {
		t.Errorf("after a failed create, event id = %d and inline source id = %d; want both 0", e.ID, e.Citations[0].Source.ID)
	}
	if _, err := db.FindSourceByURL(t.Context(), "https://example.org/new-report"); conflict.ErrorCode(err) != conflict.NotFound {
		t.Errorf("the inline source survived the rollback: %v", err)
	}
}
