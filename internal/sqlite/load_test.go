package sqlite

import (
	"context"
	"fmt"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/edtf"
)

func openTemp(t *testing.T, name string) *DB {
	t.Helper()
	db, err := Open(t.Context(), filepath.Join(t.TempDir(), name))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Migrate(t.Context()); err != nil {
		t.Fatal(err)
	}
	return db
}

// A load sets aside every trigger it knows how to do without, and puts
// each back as it was. When a migration changes one of them, this fails
// until deferredTriggers' fill and fingerprint are brought up to date.
func TestLoaderSetsAsideEveryKnownTrigger(t *testing.T) {
	ctx := t.Context()
	db := openTemp(t, "load.db")
	before := schemaOf(t, db)
	l, err := db.NewLoader(ctx, conflict.Change{AuthorName: "test", Import: true}, 10)
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range deferredTriggers {
		for name, print := range g.triggers {
			if _, ok := l.setAside[name]; !ok {
				t.Errorf("trigger %s was not set aside: its SQL's fingerprint is %s, deferredTriggers expects %s",
					name, triggerPrint(before[name]), print)
			}
		}
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	if after := schemaOf(t, db); !reflect.DeepEqual(after, before) {
		t.Errorf("triggers or indexes after a load differ from before it")
	}
}

func schemaOf(t *testing.T, db *DB) map[string]string {
	t.Helper()
	out := map[string]string{}
	rows, err := db.read.QueryContext(t.Context(), `SELECT name, sql FROM sqlite_schema WHERE type IN ('trigger', 'index') AND sql IS NOT NULL`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var name, def string
		if err := rows.Scan(&name, &def); err != nil {
			t.Fatal(err)
		}
		out[name] = def
	}
	return out
}

// What a load fills in at the end — search indexes, postings, tallies —
// is what the triggers write when the same records are stored one by one.
func TestLoaderMatchesRowByRowWrites(t *testing.T) {
	ctx := t.Context()
	loaded, stored := openTemp(t, "loaded.db"), openTemp(t, "stored.db")
	ch := conflict.Change{AuthorName: "test", Import: true}

	l, err := loaded.NewLoader(ctx, ch, 3)
	if err != nil {
		t.Fatal(err)
	}
	var steps []string
	l.Step = func(name string, took time.Duration) {
		if took < 0 {
			t.Errorf("step %q took %s", name, took)
		}
		steps = append(steps, name)
	}
	both := func(load func() error, store func() error) {
		t.Helper()
		if err := load(); err != nil {
			t.Fatal(err)
		}
		if err := store(); err != nil {
			t.Fatal(err)
		}
	}
	var actors []conflict.ActorRef
	for i, name := range []string{"Popular Mobilization Forces", "Badr Organization", "Badr Youth", "Islamic State"} {
		a := conflict.Actor{Name: name, Aliases: []string{fmt.Sprintf("A%d", i)}, Description: "An armed group."}
		if i == 1 || i == 2 {
			p := actors[i-1]
			a.Parent = &p
		}
		b := a
		both(func() error { return l.Actor(&a) }, func() error { return stored.CreateActor(ctx, &b, ch) })
		actors = append(actors, a.Ref())
	}
	var places []conflict.PlaceRef
	for i, name := range []string{"Iraq", "Nineveh", "Mosul", "Syria"} {
		p := conflict.Place{Name: name, Kind: "place", AltNames: []conflict.AltName{{Name: "الموصل " + name, Lang: "ar"}}}
		if i == 1 || i == 2 {
			parent := places[i-1]
			p.Parent = &parent
		}
		q := p
		both(func() error { return l.Place(&p) }, func() error { return stored.CreatePlace(ctx, &q, ch) })
		places = append(places, p.Ref())
	}
	var sources []conflict.Source
	for i := range 3 {
		s := conflict.Source{URL: fmt.Sprintf("https://example.org/report-%d", i), Publisher: "Wire Service",
			Title: fmt.Sprintf("Report %d", i), Notes: "Filed from the front."}
		u := s
		both(func() error { return l.Source(&s) }, func() error { return stored.CreateSource(ctx, &u, ch) })
		sources = append(sources, s)
	}
	for i := range 12 {
		place := places[i%len(places)]
		e := conflict.Event{
			Title: fmt.Sprintf("Convoy %d moves toward %s", i, place.Name), Date: edtf.MustParse(fmt.Sprintf("2016-10-%02d", 1+i)),
			Place: &place, Body: "Residents reported shelling near the bridge.", Status: conflict.Published,
			// Badr Youth and its grandparent both reach the Popular
			// Mobilization Forces: posted once, counted once.
			Actors: []conflict.EventActor{{Actor: actors[2], Role: "actor"}, {Actor: actors[i%2*3], Role: "target"}},
			Tags:   []string{"shelling", fmt.Sprintf("tag-%d", i%3)},
			Citations: []conflict.Citation{{Source: sources[i%len(sources)], Quote: fmt.Sprintf("Quote number %d about the convoy.", i)},
				{Source: sources[(i+1)%len(sources)]}},
			ExternalID: fmt.Sprintf("test:%d", i),
		}
		switch i {
		case 5:
			e.Status = conflict.Draft
		case 7:
			e.Date = edtf.MustParse("2016-09/2016-12")
		}
		f := e
		f.Citations = append([]conflict.Citation(nil), e.Citations...)
		both(func() error { return l.Event(&e) }, func() error { return stored.CreateEvents(ctx, []*conflict.Event{&f}, ch) })
	}
	for i := range 4 {
		place := places[2]
		x := conflict.Estimate{Force: actors[3], Place: &place, AsOf: edtf.MustParse(fmt.Sprintf("2016-%02d", 1+i)),
			Unit: "fighters", Qualifier: conflict.About, Low: conflict.Count(int64(1000 * (i + 1))), High: conflict.Count(int64(1000 * (i + 1))),
			Claimant: "Coalition officials", Status: conflict.Published,
			Citations: []conflict.Citation{{Source: sources[0], Quote: "Officials put the number at a thousand."}}}
		y := x
		y.Citations = append([]conflict.Citation(nil), x.Citations...)
		both(func() error { return l.Estimate(&x) }, func() error { return stored.CreateEstimates(ctx, []*conflict.Estimate{&y}, ch) })
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	// Close says what it does after the records, each group it filled in
	// by name, so that a million-event load is not minutes of silence. The
	// postings come last: they are sorted meanwhile on another connection.
	wantSteps := []string{"events' search index filled in",
		"search text of actors, places, sources and quotations filled in", "search indexes marked as rewritten", "event postings and tallies filled in", "search indexes merged", "statistics gathered"}
	if !reflect.DeepEqual(steps, wantSteps) {
		t.Errorf("Close reported the steps\n%q\nwant\n%q", steps, wantSteps)
	}
	// The file the postings were sorted in is gone.
	if left, _ := filepath.Glob(loaded.path + ".postings-*"); len(left) > 0 {
		t.Errorf("the load left %v behind", left)
	}

	// The search change log says the load rewrote both indexes, once,
	// rather than naming each row it wrote: searches' sets are read again.
	if got := loadDump(t, loaded, `SELECT search_index || ':' || coalesce(row, 'all') FROM search_changes ORDER BY id`); !reflect.DeepEqual(got,
		[]string{"records_fts:all", "events_date_fts:all"}) {
		t.Errorf("the search change log after a load = %q, want each index marked as rewritten once", got)
	}
	for _, q := range []string{
		`SELECT key, date_lo, event_id, date_hi, retracted FROM event_postings ORDER BY key, date_lo, event_id`,
		`SELECT key, n FROM event_key_counts ORDER BY key`,
		`SELECT key, day, n FROM event_key_days ORDER BY key, day`,
		`SELECT ancestor_id, descendant_id, depth FROM actor_tree ORDER BY 1, 2`,
		`SELECT ancestor_id, descendant_id, depth FROM place_tree ORDER BY 1, 2`,
		recordsWords,
		`SELECT rowid FROM events_date_fts WHERE events_date_fts MATCH 'convoy' ORDER BY rowid`,
		`SELECT rowid FROM events_date_fts WHERE events_date_fts MATCH 'mosul' ORDER BY rowid`,
		`SELECT rowid FROM events_date_fts WHERE events_date_fts MATCH 'convoy' ORDER BY rowid`,
		`SELECT rowid FROM events_date_fts WHERE events_date_fts MATCH 'shel*' ORDER BY rowid`,
		`SELECT rowid FROM records_fts WHERE records_fts MATCH 'موصل' ORDER BY rowid`,
		`SELECT * FROM estimate_months ORDER BY 1, 2, 3, 4`,
		`SELECT * FROM estimate_force_counts ORDER BY 1`,
		`SELECT record_type, record_id, number, action FROM revisions ORDER BY 1, 2, 3`,
	} {
		want, got := loadDump(t, stored, q), loadDump(t, loaded, q)
		if len(want) == 0 {
			t.Errorf("%s: no rows stored one by one; the comparison would prove nothing", q)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s:\nloaded %v\nstored %v", q, got, want)
		}
	}
	for _, index := range searchIndexes {
		if _, err := loaded.write.ExecContext(ctx, `INSERT INTO `+index+` (`+index+`) VALUES ('integrity-check')`); err != nil {
			t.Errorf("%s integrity check after a load: %v", index, err)
		}
	}
}

// recordsWords lists the words records_fts holds for each of its rows
// and columns, with their offsets, as loadDump reads it: the index keeps
// no text to compare (0030).
const recordsWords = `SELECT doc, col, group_concat(term || '@' || offset, ' ')
	FROM (SELECT doc, col, term, offset FROM temp.records_words ORDER BY doc, col, offset) GROUP BY doc, col ORDER BY doc, col`

func loadDump(t *testing.T, db *DB, q string) []string {
	t.Helper()
	ctx := context.Background()
	// The words of records_fts, which keeps no text, are read through a
	// vocabulary table of its instances, made on the connection that
	// reads it: the writer's, since readers make nothing.
	conn, err := db.write.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if strings.Contains(q, "temp.records_words") {
		if _, err := conn.ExecContext(ctx, `CREATE VIRTUAL TABLE IF NOT EXISTS temp.records_words USING fts5vocab(main, 'records_fts', 'instance')`); err != nil {
			t.Fatal(err)
		}
	}
	rows, err := conn.QueryContext(ctx, q)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var out []string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		out = append(out, fmt.Sprint(vals...))
	}
	return out
}

// An import of new records only, written with the triggers set aside,
// leaves the same search indexes, postings and tallies as one written row
// by row, and the triggers back in place.
func TestImportNothingToUpdateMatchesRowByRow(t *testing.T) {
	ctx := t.Context()
	fast, slow := openTemp(t, "fast.db"), openTemp(t, "slow.db")
	before := schemaOf(t, fast)
	var b conflict.ImportBatch
	for i := range 30 {
		path := []conflict.PlaceName{{Name: "Iraq"}, {Name: "Nineveh"}, {Name: fmt.Sprintf("Village %d", i%4)}}
		b.Events = append(b.Events, conflict.ImportEvent{
			Event: conflict.Event{Title: fmt.Sprintf("Clash %d near the river", i), Date: edtf.MustParse(fmt.Sprintf("2016-10-%02d", 1+i%28)),
				Body: "Shelling was reported.", Tags: []string{"shelling"}, Status: conflict.Published, ExternalID: fmt.Sprintf("x:%d", i),
				Citations: []conflict.Citation{{Source: conflict.Source{URL: fmt.Sprintf("https://example.org/%d", i%3), Publisher: "Wire", Title: "Report"},
					Quote: fmt.Sprintf("Quote %d", i)}}},
			Place:  &conflict.ImportPlace{Path: path},
			Actors: []conflict.ImportActor{{Name: fmt.Sprintf("Group %d", i%5), Role: "actor 1"}},
			Source: conflict.RowRef{Row: i + 2},
		})
	}
	ch := conflict.Change{AuthorName: "import", Import: true}
	if _, err := fast.ImportBatch(ctx, b, ch, ImportOptions{NothingToUpdate: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := slow.ImportBatch(ctx, b, ch, ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	// Written with the triggers set aside, the import marks both indexes
	// as rewritten, as a load does.
	if got := loadDump(t, fast, `SELECT search_index || ':' || coalesce(row, 'all') FROM search_changes ORDER BY id`); !reflect.DeepEqual(got,
		[]string{"records_fts:all", "events_date_fts:all"}) {
		t.Errorf("the search change log after a load = %q, want each index marked as rewritten once", got)
	}
	for _, q := range []string{
		`SELECT key, date_lo, event_id, date_hi, retracted FROM event_postings ORDER BY key, date_lo, event_id`,
		`SELECT key, n FROM event_key_counts ORDER BY key`,
		recordsWords,
		`SELECT rowid FROM events_date_fts WHERE events_date_fts MATCH 'river' ORDER BY rowid`,
		`SELECT rowid FROM events_date_fts WHERE events_date_fts MATCH 'clash' ORDER BY rowid`,
	} {
		want, got := loadDump(t, slow, q), loadDump(t, fast, q)
		if len(want) == 0 || !reflect.DeepEqual(got, want) {
			t.Errorf("%s:\nfast %v\nslow %v", q, got, want)
		}
	}
	if after := schemaOf(t, fast); !reflect.DeepEqual(after, before) {
		t.Errorf("triggers or indexes after an import differ from before it")
	}
	// A record to update after all abandons the import.
	b.Events[3].Event.Body = "Changed."
	if _, err := fast.ImportBatch(ctx, b, ch, ImportOptions{NothingToUpdate: true}); conflict.ErrorCode(err) != conflict.Conflict {
		t.Errorf("import with an update, told there was none: err = %v, want Conflict", err)
	}
	if after := schemaOf(t, fast); !reflect.DeepEqual(after, before) {
		t.Errorf("triggers or indexes after an abandoned import differ from before it")
	}
}
