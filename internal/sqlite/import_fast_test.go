package sqlite

import (
	"bytes"
	"compress/flate"
	"errors"
	"fmt"
	"os"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/edtf"
)

// An import of new records, written with the per-row triggers set aside
// and their work done once at the end, leaves a database a reader cannot
// tell from one where the same files were written row by row: the same
// records, revisions, search results, postings and tallies. So it stays
// after a mixed file (updates of records by external id beside new ones),
// whose updates the triggers follow from what the fast path left, and
// after a second file of new records into a database that already holds
// some.
func TestFastImportMatchesRowByRow(t *testing.T) {
	ctx := t.Context()
	fast, slow := openFastAndSlow(t)
	before := schemaOf(t, fast)
	ch := conflict.Change{AuthorName: "import: acled.csv", Summary: "Imported from acled.csv", Import: true, WithoutReview: true}

	// Actors with parents, so that postings reach ancestors: the import
	// matches them by name.
	for _, db := range []*DB{fast, slow} {
		var parent *conflict.ActorRef
		for _, name := range []string{"قوات الحشد الشعبي", "Badr Organization", "Badr Youth"} {
			a := conflict.Actor{Name: name, Parent: parent}
			if err := db.CreateActor(ctx, &a, ch); err != nil {
				t.Fatal(err)
			}
			ref := a.Ref()
			parent = &ref
		}
	}

	event := func(i int, body string) conflict.ImportEvent {
		places := []string{"الموصل", "Tal Afar", "Sinjar", "Mosul"}
		status := conflict.Published
		switch i % 9 {
		case 4:
			status = conflict.Draft
		case 7:
			status = conflict.Submitted
		}
		date := fmt.Sprintf("2016-%02d-%02d", 1+i%12, 1+i%27)
		if i%5 == 3 {
			date = fmt.Sprintf("2016-%02d", 1+i%12)
		}
		actors := []conflict.ImportActor{{Name: "Badr Youth", Role: "actor 1"}, {Name: fmt.Sprintf("مجموعة %d", i%4), Role: "actor 2"}}
		if i%3 == 0 {
			// The same actor twice, in two roles: posted once.
			actors = append(actors, conflict.ImportActor{Name: "Badr Youth", Role: "associated with actor 1"})
		}
		return conflict.ImportEvent{
			Event: conflict.Event{Title: fmt.Sprintf("اشتباك Clash %d near the bridge", i), Date: edtf.MustParse(date),
				Body: body, Tags: []string{"Battles", fmt.Sprintf("tag %d", i%3)}, Status: status, ExternalID: fmt.Sprintf("acled:IRQ%d", i),
				Citations: []conflict.Citation{{Source: conflict.Source{URL: fmt.Sprintf("https://example.org/%d", i%3), Publisher: "Wire", Title: "Report"},
					Locator: fmt.Sprintf("ACLED event IRQ%d", i), Quote: fmt.Sprintf("اقتباس quote %d", i%2)}}},
			Place:  &conflict.ImportPlace{Path: []conflict.PlaceName{{Name: "العراق", Kind: "country"}, {Name: "Nineveh", Kind: "region"}, {Name: places[i%4], Kind: "location"}}},
			Actors: actors,
			Source: conflict.RowRef{Row: i + 2},
		}
	}
	var first, mixed, more conflict.ImportBatch
	for i := range 40 {
		first.Events = append(first.Events, event(i, "Shelling was reported; قصف مدفعي."))
	}
	// The mixed file: every other stored record changed (its place, date,
	// actors and words with it), the rest as stored, and new ones.
	for i := range 50 {
		e := event(i, "Shelling was reported; قصف مدفعي.")
		if i%2 == 0 {
			e = event(i+1, "Airstrikes followed at dawn; غارة جوية.")
			e.Event.ExternalID = fmt.Sprintf("acled:IRQ%d", i)
			e.Source.Row = i + 2
		}
		mixed.Events = append(mixed.Events, e)
	}
	// New records among the updates, not only after them.
	for i := 0; i < 10; i += 2 {
		n := len(mixed.Events) - 1 - i/2
		mixed.Events[i*4+1], mixed.Events[n] = mixed.Events[n], mixed.Events[i*4+1]
	}
	for i := 50; i < 80; i++ {
		more.Events = append(more.Events, event(i, "A convoy was ambushed; كمين."))
	}

	steps := []struct {
		name    string
		batch   conflict.ImportBatch
		created int
		updated int
	}{
		{"new records into an empty database", first, 40, 0},
		{"a mixed file", mixed, 10, 20},
		{"new records into a database that holds some", more, 30, 0},
	}
	for i, step := range steps {
		// As importer.Run does: a direct import first, which a file with
		// updates stops having written nothing; then a check, and the
		// fast path when it finds nothing to update.
		res, err := fast.ImportBatch(ctx, step.batch, ch, ImportOptions{Direct: true})
		if step.updated == 0 && (err != nil || res.Events.Created != step.created) {
			t.Fatalf("%s: direct: %v %+v %v", step.name, err, res.Events, res.Problems)
		}
		if step.updated > 0 {
			if !errors.Is(err, ErrImportNeedsCheck) {
				t.Fatalf("%s: direct: err = %v, want ErrImportNeedsCheck", step.name, err)
			}
			compareImported(t, step.name+" (direct)", fast, slow, false)
			check, err := fast.ImportBatch(ctx, step.batch, ch, ImportOptions{DryRun: true})
			if err != nil {
				t.Fatalf("%s: check: %v %v", step.name, err, check.Problems)
			}
			if check.Events.Created != step.created || check.Events.Updated != step.updated {
				t.Fatalf("%s: check counts %+v, want %d created and %d updated", step.name, check.Events, step.created, step.updated)
			}
			res, err = fast.ImportBatch(ctx, step.batch, ch, ImportOptions{UpdatesFirst: step.created > 0})
			if err != nil {
				t.Fatalf("%s: fast: %v %v", step.name, err, res.Problems)
			}
		}
		if _, err := slow.ImportBatch(ctx, step.batch, ch, ImportOptions{}); err != nil {
			t.Fatalf("%s: row by row: %v", step.name, err)
		}
		compareImported(t, step.name, fast, slow, i == len(steps)-1)
	}
	if after := schemaOf(t, fast); !reflect.DeepEqual(after, before) {
		t.Errorf("triggers or indexes after the imports differ from before them")
	}
	for _, index := range []string{"events_date_fts", "records_fts"} {
		if _, err := fast.write.ExecContext(ctx, `INSERT INTO `+index+` (`+index+`) VALUES ('integrity-check')`); err != nil {
			t.Errorf("%s integrity check after the imports: %v", index, err)
		}
	}
}

// compareImported fails the test where what readers of fast and slow
// would see differs. By the last step every query has rows to compare.
func compareImported(t *testing.T, step string, fast, slow *DB, last bool) {
	t.Helper()
	for _, q := range []string{
		`SELECT id, title, date, date_lo, date_hi, place_id, body, status, external_id, version, created_at, updated_at FROM events ORDER BY id`,
		`SELECT * FROM event_actors ORDER BY 1, 2, 3`,
		`SELECT * FROM event_tags ORDER BY 1, 2`,
		`SELECT id, source_id, event_id, quote, locator, position FROM citations ORDER BY id`,
		`SELECT id, slug, name, kind, parent_id, latitude, longitude, created_at FROM places ORDER BY id`,
		`SELECT * FROM place_tree ORDER BY 1, 2`,
		`SELECT id, slug, name, colour, created_at FROM actors ORDER BY id`,
		`SELECT id, url, url_key, publisher, title, published, created_at FROM sources ORDER BY id`,
		`SELECT record_type, record_id, number, action, encoding, hex(snapshot), author_name, summary, created_at, unreviewed FROM revisions ORDER BY 1, 2, 3`,
		`SELECT key, date_lo, event_id, date_hi, retracted FROM event_postings ORDER BY key, date_lo, event_id`,
		`SELECT key, n FROM event_key_counts WHERE n <> 0 ORDER BY key`,
		`SELECT key, day, n FROM event_key_days WHERE n <> 0 ORDER BY key, day`,
		`SELECT key, place_id, n FROM event_place_counts WHERE n <> 0 ORDER BY key, place_id`,
		recordsWords,
		`SELECT rowid FROM events_date_fts WHERE events_date_fts MATCH 'bridge' ORDER BY rowid`,
		`SELECT rowid FROM events_date_fts WHERE events_date_fts MATCH 'airstrikes' ORDER BY rowid`,
		`SELECT rowid FROM events_date_fts WHERE events_date_fts MATCH search_fold('اشتباك') ORDER BY rowid`,
		`SELECT rowid FROM events_date_fts WHERE events_date_fts MATCH search_fold('كمين') ORDER BY rowid`,
		`SELECT rowid FROM events_date_fts WHERE events_date_fts MATCH 'clash' ORDER BY rowid`,
		`SELECT rowid FROM events_date_fts WHERE events_date_fts MATCH search_fold('قصف') ORDER BY rowid`,
		`SELECT rowid FROM events_date_fts WHERE events_date_fts MATCH search_fold('غارة') ORDER BY rowid`,
		`SELECT rowid FROM records_fts WHERE records_fts MATCH search_fold('الموصل') ORDER BY rowid`,
		`SELECT rowid FROM records_fts WHERE records_fts MATCH search_fold('اقتباس') ORDER BY rowid`,
	} {
		compareDump(t, step, fast, slow, q, last)
	}
}

// compareDump fails the test where query reads differently in fast and
// slow, or, when rows are required, reads nothing written row by row.
func compareDump(t *testing.T, step string, fast, slow *DB, query string, rows bool) {
	t.Helper()
	want, got := loadDump(t, slow, query), loadDump(t, fast, query)
	if rows && len(want) == 0 {
		t.Errorf("%s: %s: no rows written row by row; the comparison would prove nothing", step, query)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s: %s:\nfast       %v\nrow by row %v", step, query, got, want)
	}
}

// openFastAndSlow opens two empty databases, one for the fast path and
// one written row by row, on the same clock, so that their rows compare.
func openFastAndSlow(t *testing.T) (fast, slow *DB) {
	t.Helper()
	fast, slow = openTemp(t, "fast.db"), openTemp(t, "slow.db")
	clock := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	for _, db := range []*DB{fast, slow} {
		db.now = func() time.Time { return clock }
	}
	return fast, slow
}

// Snapshots are compressed by a faster encoder than the standard
// library's, into DEFLATE that the standard library's reader (through
// decodeSnapshot) reads back exactly, and no larger than level 4 of the
// standard library's encoder made them before.
func TestSnapshotEncoderKeepsSizeAndFormat(t *testing.T) {
	js, err := os.ReadFile("../snapshot/testdata/v1/event.json")
	if err != nil {
		t.Fatal(err)
	}
	ours := compressSnapshot(js)
	back, err := decodeSnapshot(snapshotDeflate, ours)
	if err != nil || string(back) != string(js) {
		t.Fatalf("decodeSnapshot(compressSnapshot(js)) = %s, %v; want the JSON back", back, err)
	}
	var std bytes.Buffer
	w, err := flate.NewWriterDict(&std, 4, snapshotDictBytes)
	if err != nil {
		t.Fatal(err)
	}
	w.Write(js)
	w.Close()
	if len(ours) > std.Len()*102/100 {
		t.Errorf("a snapshot of %d bytes compresses to %d bytes; the standard library's level 4 made %d", len(js), len(ours), std.Len())
	}
}

// Every fill reads the new events by their ids, after the last id stored
// before: never through an index of all events' statuses, which in a
// large database is a million entries for each fill.
func TestFillsReadNewEventsByID(t *testing.T) {
	ctx := t.Context()
	db := openTemp(t, "plans.db")
	// The statistics of the million-event benchmark database, whose
	// sampled ANALYZE (analysis_limit) judged a status to match a
	// thousand events.
	for _, q := range []string{`ANALYZE`, `DELETE FROM sqlite_stat1`,
		`INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES ('events', 'events_status_date_idx', '1000000 1001 1001 1')`,
		`INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES ('events', 'sqlite_autoindex_events_1', '1000000 1')`,
		`INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES ('events', NULL, '1000000')`, `ANALYZE sqlite_schema`} {
		if _, err := db.write.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	for _, g := range deferredTriggers {
		for _, fill := range g.fills {
			if !strings.HasPrefix(strings.TrimSpace(fill), "INSERT") {
				if _, err := tx.ExecContext(ctx, fill); err != nil {
					t.Fatal(err)
				}
				continue
			}
			// As many ids as the fill has parameters.
			params := []any{1000000}
			for n := 9; n > 1; n-- {
				if strings.Contains(fill, "?"+strconv.Itoa(n)) {
					params = slices.Repeat(params, n)
					break
				}
			}
			rows, err := tx.QueryContext(ctx, `EXPLAIN QUERY PLAN `+fill, params...)
			if err != nil {
				t.Fatalf("%s: %v", fill, err)
			}
			for rows.Next() {
				var id, parent, unused int
				var detail string
				if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
					t.Fatal(err)
				}
				// A whole-table read shows as "SCAN e" or "SCAN events",
				// bare or with an index after it.
				if strings.Contains(detail, "events_status_date_idx") || wholeEvents.MatchString(detail) {
					t.Errorf("fill reads every event (%s):\n%s", detail, fill)
				}
			}
			rows.Close()
		}
	}
}

var wholeEvents = regexp.MustCompile(`^SCAN (e|events)\b`)

// Sources are looked up as a file names them rather than all read first:
// one stored under another spelling of its address, and one without an
// address stored under the same publisher, title and date, are matched
// (and counted once however many rows cite them), in the check and in
// the import alike.
func TestImportMatchesStoredSourcesByKey(t *testing.T) {
	ctx := t.Context()
	db := openTemp(t, "sources.db")
	ch := conflict.Change{AuthorName: "import: test.csv", Import: true}
	web := conflict.Source{URL: "https://Example.org/reports/mosul/", Publisher: "Wire", Title: "Report"}
	paper := conflict.Source{Publisher: "الصباح", Title: "تقرير", Published: edtf.MustParse("2016-10-17")}
	for _, s := range []*conflict.Source{&web, &paper} {
		if err := db.CreateSource(ctx, s, ch); err != nil {
			t.Fatal(err)
		}
	}
	var b conflict.ImportBatch
	for i := range 4 {
		b.Events = append(b.Events, conflict.ImportEvent{
			Event: conflict.Event{Title: fmt.Sprintf("Clash %d", i), Date: edtf.MustParse("2016-10-17"), Status: conflict.Published,
				ExternalID: fmt.Sprintf("x:%d", i), Citations: []conflict.Citation{
					{Source: conflict.Source{URL: "https://example.org/reports/mosul", Publisher: "Wire", Title: "Report"}},
					{Source: conflict.Source{Publisher: "الصباح", Title: "تقرير", Published: edtf.MustParse("2016-10-17")}}}},
			Source: conflict.RowRef{Row: i + 2},
		})
	}
	for _, opt := range []ImportOptions{{DryRun: true}, {NothingToUpdate: true}} {
		res, err := db.ImportBatch(ctx, b, ch, opt)
		if err != nil {
			t.Fatalf("%+v: %v %v", opt, err, res.Problems)
		}
		if want := (conflict.ImportCounts{Matched: 2}); res.Sources != want {
			t.Errorf("%+v: sources %+v, want %+v", opt, res.Sources, want)
		}
	}
	got := loadDump(t, db, `SELECT DISTINCT source_id FROM citations ORDER BY 1`)
	if want := []string{fmt.Sprint(web.ID), fmt.Sprint(paper.ID)}; !reflect.DeepEqual(got, want) {
		t.Errorf("imported events cite sources %v, want the stored %v", got, want)
	}
}

// An import told that its check found nothing to update does not keep
// the file's ids in memory; should the file have changed since the check
// and give an id twice, the import still fails whole, whether the two
// rows are written in one statement or the first is stored already.
func TestImportAfterCheckRefusesAnIDGivenTwice(t *testing.T) {
	ctx := t.Context()
	ch := conflict.Change{AuthorName: "import: test.csv", Import: true}
	for _, tt := range []struct {
		gap int
		opt ImportOptions
	}{
		{3, ImportOptions{NothingToUpdate: true}},
		{insertBatch + 5, ImportOptions{NothingToUpdate: true}},
		{3, ImportOptions{NothingToUpdate: true, NothingStored: true}},
		{insertBatch + 5, ImportOptions{NothingToUpdate: true, NothingStored: true}},
	} {
		gap := tt.gap
		db := openTemp(t, fmt.Sprintf("twice-%d-%v.db", gap, tt.opt.NothingStored))
		var b conflict.ImportBatch
		for i := range gap + 2 {
			id := fmt.Sprintf("x:%d", i)
			if i == gap+1 {
				id = "x:1"
			}
			b.Events = append(b.Events, conflict.ImportEvent{
				Event: conflict.Event{Title: fmt.Sprintf("Clash %d", i), Date: edtf.MustParse("2016-10-17"), Status: conflict.Published, ExternalID: id,
					Citations: []conflict.Citation{{Source: conflict.Source{URL: "https://example.org/report", Publisher: "Wire", Title: "Report"}}}},
				Source: conflict.RowRef{Row: i + 2},
			})
		}
		if _, err := db.ImportBatch(ctx, b, ch, tt.opt); conflict.ErrorCode(err) != conflict.Conflict {
			t.Errorf("rows %d apart, %+v: an id given twice: err = %v, want Conflict", gap, tt.opt, err)
		}
		if got := loadDump(t, db, `SELECT count(*) FROM events`); !reflect.DeepEqual(got, []string{"0"}) {
			t.Errorf("rows %d apart: %v events stored after the import failed, want 0", gap, got)
		}
		// The check reports it by row.
		res, err := db.ImportBatch(ctx, b, ch, ImportOptions{DryRun: true})
		if conflict.ErrorCode(err) != conflict.Invalid || len(res.Problems) != 1 || res.Problems[0].Row != gap+3 {
			t.Errorf("rows %d apart: check = %v, %+v; want one problem on row %d", gap, err, res.Problems, gap+3)
		}
	}
}

// An import told that its check found every event new does not look them
// up again; one stored since the check fails the import whole.
func TestImportOfNewRecordsRefusesOneStoredSince(t *testing.T) {
	ctx := t.Context()
	db := openTemp(t, "since.db")
	ch := conflict.Change{AuthorName: "import: test.csv", Import: true}
	var b conflict.ImportBatch
	for i := range 5 {
		b.Events = append(b.Events, conflict.ImportEvent{
			Event: conflict.Event{Title: fmt.Sprintf("Clash %d", i), Date: edtf.MustParse("2016-10-17"), Status: conflict.Published,
				ExternalID: fmt.Sprintf("x:%d", i),
				Citations:  []conflict.Citation{{Source: conflict.Source{URL: "https://example.org/report", Publisher: "Wire", Title: "Report"}}}},
			Source: conflict.RowRef{Row: i + 2},
		})
	}
	// Stored by another writer after the check.
	if _, err := db.ImportBatch(ctx, conflict.ImportBatch{Events: b.Events[3:4]}, ch, ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ImportBatch(ctx, b, ch, ImportOptions{NothingToUpdate: true, NothingStored: true}); conflict.ErrorCode(err) != conflict.Conflict {
		t.Errorf("err = %v, want Conflict", err)
	}
	if got := loadDump(t, db, `SELECT count(*) FROM events`); !reflect.DeepEqual(got, []string{"1"}) {
		t.Errorf("%v events stored after the import failed, want the 1 stored before", got)
	}
}

// A direct import writes nothing when the file's reader found a problem,
// even in a row after every record it handed over, and reports it as a
// file with problems.
func TestDirectImportWritesNothingAfterAReaderProblem(t *testing.T) {
	ctx := t.Context()
	db := openTemp(t, "direct.db")
	ch := conflict.Change{AuthorName: "import: test.csv", Import: true}
	var b conflict.ImportBatch
	for i := range insertBatch + 5 {
		b.Events = append(b.Events, conflict.ImportEvent{
			Event: conflict.Event{Title: fmt.Sprintf("Clash %d", i), Date: edtf.MustParse("2016-10-17"), Status: conflict.Published,
				ExternalID: fmt.Sprintf("x:%d", i),
				Citations:  []conflict.Citation{{Source: conflict.Source{URL: "https://example.org/report", Publisher: "Wire", Title: "Report"}}}},
			Source: conflict.RowRef{Row: i + 2},
		})
	}
	readerProblems := 0
	records := func(yield func(*conflict.ImportEvent, *conflict.ImportEstimate) error) error {
		for i := range b.Events {
			if err := yield(&b.Events[i], nil); err != nil {
				return err
			}
		}
		readerProblems++ // the file's last row, which the reader could not read
		return nil
	}
	res, err := db.ImportStream(ctx, records, ch, ImportOptions{Direct: true, ReaderProblems: func() int { return readerProblems }})
	if conflict.ErrorCode(err) != conflict.Invalid || res.Committed {
		t.Errorf("err = %v, committed %v; want Invalid, nothing committed", err, res.Committed)
	}
	if res.Events.Created != len(b.Events) {
		t.Errorf("events %+v, want %d counted as created", res.Events, len(b.Events))
	}
	for _, q := range []string{`SELECT count(*) FROM events`, `SELECT count(*) FROM sources`, `SELECT count(*) FROM revisions`} {
		if got := loadDump(t, db, q); !reflect.DeepEqual(got, []string{"0"}) {
			t.Errorf("%s = %v after the import failed, want 0", q, got)
		}
	}
}

// While the triggers are set aside the import's writer stores the new
// places, actors and sources with the next batch of events; an estimate,
// written as it is read, may name them before that batch. Its force, its
// place, the actor who claimed it and its source are all new here, each
// first named by the estimate or by an event just before it.
func TestFastImportStoresWhatAnEstimateNamesFirst(t *testing.T) {
	ctx := t.Context()
	fast, slow := openFastAndSlow(t)
	ch := conflict.Change{AuthorName: "import: claims.json", Summary: "Imported", Import: true, WithoutReview: true}
	report := func(i int) conflict.Source {
		return conflict.Source{URL: fmt.Sprintf("https://example.org/report/%d", i), Publisher: "مرصد", Title: "Report"}
	}
	var batch conflict.ImportBatch
	for i := range 3 {
		batch.Events = append(batch.Events, conflict.ImportEvent{
			Event: conflict.Event{Title: fmt.Sprintf("Clash %d", i), Date: edtf.MustParse("2016-06-0" + strconv.Itoa(i+1)),
				Status: conflict.Published, ExternalID: fmt.Sprintf("ev:%d", i), Citations: []conflict.Citation{{Source: report(i)}}},
			Place:  &conflict.ImportPlace{Path: []conflict.PlaceName{{Name: "العراق", Kind: "country"}, {Name: "Sinjar", Kind: "location"}}},
			Actors: []conflict.ImportActor{{Name: "Badr Organization", Role: "actor 1"}},
			Source: conflict.RowRef{Row: i + 2},
		})
	}
	for i, force := range []string{"Badr Organization", "قوات الحشد الشعبي"} {
		batch.Estimates = append(batch.Estimates, conflict.ImportEstimate{
			Estimate: conflict.Estimate{AsOf: edtf.MustParse("2016-06-15"), Unit: "fighters", Qualifier: conflict.Exact,
				Low: conflict.Count(int64(700 + i)), Claimant: "Monitor", Status: conflict.Published, ExternalID: fmt.Sprintf("x:%d", i),
				Citations: []conflict.Citation{{Source: report(2 + i)}}},
			Force:         conflict.ImportActor{Name: force},
			Place:         &conflict.ImportPlace{Path: []conflict.PlaceName{{Name: "العراق", Kind: "country"}, {Name: fmt.Sprintf("Tal Afar %d", i), Kind: "location"}}},
			ClaimantActor: &conflict.ImportActor{Name: fmt.Sprintf("Monitor %d", i)},
			Source:        conflict.RowRef{Row: 10 + i},
		})
	}
	res, err := fast.ImportBatch(ctx, batch, ch, ImportOptions{Direct: true})
	if err != nil || res.Estimates.Created != 2 || res.Events.Created != 3 {
		t.Fatalf("fast import: %v, events %+v, estimates %+v, problems %v", err, res.Events, res.Estimates, res.Problems)
	}
	if _, err := slow.ImportBatch(ctx, batch, ch, ImportOptions{}); err != nil {
		t.Fatalf("row by row: %v", err)
	}
	for _, q := range []string{
		`SELECT id, actor_id, place_id, claimant_actor_id, low, external_id FROM estimates ORDER BY id`,
		`SELECT id, source_id, event_id, estimate_id FROM citations ORDER BY id`,
		`SELECT id, slug, name, parent_id FROM places ORDER BY id`,
		`SELECT * FROM place_tree ORDER BY 1, 2`,
		`SELECT id, slug, name FROM actors ORDER BY id`,
		`SELECT id, url_key, publisher FROM sources ORDER BY id`,
		`SELECT record_type, record_id, number, hex(snapshot) FROM revisions ORDER BY 1, 2, 3`,
	} {
		compareDump(t, "estimates naming new records", fast, slow, q, true)
	}
}
