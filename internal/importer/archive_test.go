package importer_test

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	_ "modernc.org/sqlite"

	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/demo"
	"github.com/sitrep/sitrep/internal/edtf"
	"github.com/sitrep/sitrep/internal/export"
	"github.com/sitrep/sitrep/internal/importer"
	"github.com/sitrep/sitrep/internal/sqlite"
	"github.com/sitrep/sitrep/internal/sqlite/sqlitetest"
	"github.com/sitrep/sitrep/internal/synth"
)

// archiveTables are the tables a round trip must fill with the same public
// rows (the records readers may see, which are what an archive holds),
// and the columns compared: every column. The tables triggers derive from
// the records (the trees, postings, tallies and search indexes) are
// compared too, since readers' lists and searches come from them.
//
// Left out: users and sessions (accounts are never exported); revisions,
// since an archive carries only published revisions and, without
// history, an import writes one revision of its own per record (the
// revisions an archive with history carries are compared apart, by
// TestArchiveRoundTripHistory, less their authors' account ids and row
// ids); pending_edits (edits waiting for review are never exported);
// site_settings (the deployment's own, not part of the record);
// goose_db_version and sqlite_sequence (the database's bookkeeping); the
// full-text indexes' shadow tables (compared through the indexes); and
// citations' id column, a row number nothing refers to, which an import
// gives anew (the citations themselves, their record, source, quote,
// locator, grade and position, are compared).
var archiveTables = map[string]string{
	"actors":                `SELECT * FROM actors WHERE status = 'published' ORDER BY id`,
	"actor_aliases":         `SELECT * FROM actor_aliases WHERE actor_id IN ` + publicActors + ` ORDER BY actor_id, alias`,
	"actor_tree":            `SELECT * FROM actor_tree WHERE descendant_id IN ` + publicActors + ` ORDER BY ancestor_id, descendant_id`,
	"places":                `SELECT * FROM places WHERE status = 'published' ORDER BY id`,
	"place_names":           `SELECT * FROM place_names WHERE place_id IN ` + publicPlaces + ` ORDER BY place_id, name`,
	"place_tree":            `SELECT * FROM place_tree WHERE descendant_id IN ` + publicPlaces + ` ORDER BY ancestor_id, descendant_id`,
	"sources":               `SELECT * FROM sources WHERE status = 'published' ORDER BY id`,
	"events":                `SELECT * FROM events WHERE id IN ` + publicEvents + ` ORDER BY id`,
	"event_actors":          `SELECT * FROM event_actors WHERE event_id IN ` + publicEvents + ` ORDER BY event_id, actor_id, role`,
	"event_tags":            `SELECT * FROM event_tags WHERE event_id IN ` + publicEvents + ` ORDER BY event_id, tag`,
	"event_postings":        `SELECT * FROM event_postings ORDER BY key, date_lo, event_id`,
	"event_key_counts":      `SELECT * FROM event_key_counts WHERE n <> 0 ORDER BY key`,
	"estimates":             `SELECT * FROM estimates WHERE id IN ` + publicEstimates + ` ORDER BY id`,
	"estimate_months":       `SELECT * FROM estimate_months ORDER BY actor_id, claimant, unit, month`,
	"estimate_force_counts": `SELECT * FROM estimate_force_counts ORDER BY actor_id`,
	"citations": `SELECT source_id, event_id, estimate_id, quote, locator, credibility, position FROM citations
		WHERE ` + publicCitation + ` ORDER BY event_id, estimate_id, position, source_id`,
	"timelines":       `SELECT * FROM timelines WHERE status = 'published' ORDER BY id`,
	"timeline_actors": `SELECT * FROM timeline_actors WHERE timeline_id IN ` + publicTimelines + ` ORDER BY timeline_id, actor_id`,
	"timeline_places": `SELECT * FROM timeline_places WHERE timeline_id IN ` + publicTimelines + ` ORDER BY timeline_id, place_id`,
	"timeline_tags":   `SELECT * FROM timeline_tags WHERE timeline_id IN ` + publicTimelines + ` ORDER BY timeline_id, tag`,
	"timeline_events": `SELECT * FROM timeline_events WHERE timeline_id IN ` + publicTimelines + ` ORDER BY timeline_id, event_id`,
	// The search index numbers an actor, place or source id * 8 + 1, 2
	// or 3, and a citation (by its row id, which is not compared) + 4. It
	// keeps no text: its words are compared, each with its offset, through
	// a vocabulary table of its instances (dumpTable makes it).
	"records_fts": `SELECT doc, col, words FROM ` + recordsWords + ` WHERE
		(doc % 8 = 1 AND doc / 8 IN ` + publicActors + `) OR (doc % 8 = 2 AND doc / 8 IN ` + publicPlaces + `)
		OR (doc % 8 = 3 AND doc / 8 IN (SELECT id FROM sources WHERE status = 'published')) ORDER BY doc, col`,
	"records_fts citations": `SELECT col, words FROM ` + recordsWords + ` WHERE doc % 8 = 4
		AND doc / 8 IN (SELECT id FROM citations WHERE ` + publicCitation + `) ORDER BY words, col`,
	// The events' index keeps no text, only its rows (a day and an
	// event id), and an editor's drafts are in it too.
	"events_date_fts": `SELECT rowid FROM events_date_fts WHERE rowid % 4294967296 IN ` + publicEvents + ` ORDER BY rowid`,
}

// recordsWords is a table of records_fts's rows and columns, each with
// its words and their offsets, read through temp.records_words.
const recordsWords = `(SELECT doc, col, group_concat(term || '@' || offset, ' ') AS words
	FROM (SELECT doc, col, term, offset FROM temp.records_words ORDER BY doc, col, offset) GROUP BY doc, col)`

// The public records, which are what an archive holds.
const (
	publicActors    = `(SELECT id FROM actors WHERE status = 'published')`
	publicPlaces    = `(SELECT id FROM places WHERE status = 'published')`
	publicEvents    = `(SELECT id FROM events WHERE status IN ('published', 'retracted'))`
	publicEstimates = `(SELECT id FROM estimates WHERE status IN ('published', 'retracted'))`
	publicTimelines = `(SELECT id FROM timelines WHERE status = 'published')`
	publicCitation  = `(event_id IN ` + publicEvents + ` OR estimate_id IN ` + publicEstimates + `)`
)

// dumpTable reads a table's rows as text, one line a row.
func dumpTable(t *testing.T, path, query string) string {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	// One connection, which holds the vocabulary table of records_fts
	// that queries of its words read.
	db.SetMaxOpenConns(1)
	if strings.Contains(query, "temp.records_words") {
		if _, err := db.Exec(`CREATE VIRTUAL TABLE temp.records_words USING fts5vocab(main, 'records_fts', 'instance')`); err != nil {
			t.Fatal(err)
		}
	}
	rows, err := db.Query(query)
	if err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var b strings.Builder
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		for i, v := range vals {
			if i > 0 {
				b.WriteString(" | ")
			}
			if bs, ok := v.([]byte); ok {
				v = string(bs)
			}
			fmt.Fprintf(&b, "%v", v)
		}
		b.WriteByte('\n')
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func archiveOf(t *testing.T, db *sqlite.DB, history bool) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := export.Archive(context.Background(), &buf, db, history, export.Options{}); err != nil {
		t.Fatalf("export.Archive: %v", err)
	}
	return buf.Bytes()
}

func importArchive(t *testing.T, db *sqlite.DB, file []byte, dry bool) conflict.ImportResult {
	t.Helper()
	res, err := importer.Run(context.Background(), db, bytes.NewReader(file), importer.Options{Name: "sitrep.json", DryRun: dry})
	if err != nil {
		t.Fatalf("import: %v; problems: %v", err, res.Problems)
	}
	return res
}

// roundTrip exports from, imports the file into an empty database and
// exports that: the two files must be the same bytes and the public
// tables the same rows. It returns the file.
func roundTrip(t *testing.T, fromPath string, from *sqlite.DB, history bool) []byte {
	t.Helper()
	first := archiveOf(t, from, history)
	if again := archiveOf(t, from, history); !bytes.Equal(first, again) {
		t.Fatal("two exports of the same database differ")
	}
	toPath := filepath.Join(t.TempDir(), "to.db")
	to := sqlitetest.Open(t, toPath)
	dry := importArchive(t, to, first, true)
	if dry.Committed {
		t.Error("a dry run committed")
	}
	if n := len(archiveOf(t, to, false)); n > 200 {
		t.Errorf("a dry run left records behind: the empty database exports %d bytes", n)
	}
	res := importArchive(t, to, first, false)
	if !res.Committed || res.Events.Created == 0 || res.Actors.Created == 0 || res.Places.Created == 0 || res.Sources.Created == 0 {
		t.Fatalf("import: %+v", res)
	}
	if res.Events != dry.Events || res.Sources != dry.Sources {
		t.Errorf("the dry run said %+v, the import did %+v", dry, res)
	}
	second := archiveOf(t, to, history)
	if !bytes.Equal(first, second) {
		t.Errorf("export → import → export changed the file:\n%s", firstDiff(first, second))
	}
	if err := from.Checkpoint(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := to.Checkpoint(context.Background()); err != nil {
		t.Fatal(err)
	}
	for table, query := range archiveTables {
		a, b := dumpTable(t, fromPath, query), dumpTable(t, toPath, query)
		if a != b {
			t.Errorf("table %s differs after the round trip:\n%s", table, firstDiff([]byte(a), []byte(b)))
		}
		if strings.HasPrefix(table, "records_fts") && a == "" {
			t.Errorf("%s is empty: the comparison proves nothing", table)
		}
	}
	// Importing the same file again finds everything and changes nothing.
	res = importArchive(t, to, first, false)
	if res.Changes() != 0 {
		t.Errorf("importing the file again changed %d records: %+v", res.Changes(), res)
	}
	if third := archiveOf(t, to, history); !bytes.Equal(first, third) {
		t.Errorf("importing the file again changed the export:\n%s", firstDiff(first, third))
	}
	return first
}

// firstDiff shows the first line where a and b part.
func firstDiff(a, b []byte) string {
	al, bl := strings.Split(string(a), "\n"), strings.Split(string(b), "\n")
	for i := 0; i < len(al) || i < len(bl); i++ {
		var x, y string
		if i < len(al) {
			x = al[i]
		}
		if i < len(bl) {
			y = bl[i]
		}
		if x != y {
			return fmt.Sprintf("line %d:\n- %.600s\n+ %.600s", i+1, x, y)
		}
	}
	return "(same)"
}

func TestArchiveRoundTripDemo(t *testing.T) {
	path := filepath.Join(t.TempDir(), "demo.db")
	db := sqlitetest.Open(t, path)
	if err := demo.Load(t.Context(), db); err != nil {
		t.Fatal(err)
	}
	linkDemo(t, db)
	file := roundTrip(t, path, db, false)
	for _, want := range []string{`"aliases":["Daesh"`, `"name":"الموصل","lang":"ar"`, `"timelines":[`, `"parent_id":`,
		`"relations":[{"kind":"disputes","target":`, `"relations":[{"kind":"conflicting_dates","target":`,
		`"claimants":[`, `"type":"military","actor_id":`} {
		if !bytes.Contains(file, []byte(want)) {
			t.Errorf("the demo's archive lacks %s", want)
		}
	}
}

// linkDemo links the demo's records as a test of links would: its first
// estimate disputes the one after it, and its last event reports its
// first with other dates, so that each link points forward or back in
// its list.
func linkDemo(t *testing.T, db *sqlite.DB) {
	t.Helper()
	ctx := t.Context()
	ch := conflict.Change{AuthorName: "test", Summary: "links"}
	xs, err := db.FindEstimates(ctx, conflict.EstimateFilter{})
	if err != nil || len(xs) < 2 {
		t.Fatalf("demo estimates: %d, %v", len(xs), err)
	}
	x, err := db.FindEstimateByID(ctx, xs[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	x.Relations = []conflict.Relation{{Kind: conflict.Disputes, Target: int64(xs[1].ID)}}
	if _, err := db.UpdateEstimate(ctx, &x, x.Version, ch); err != nil {
		t.Fatal(err)
	}
	// Its claimant is described: a kind, and the actor it speaks for.
	c, err := db.FindClaimantByID(ctx, x.ClaimantRecord.ID)
	if err != nil {
		t.Fatal(err)
	}
	c.Type, c.Affiliation = conflict.Military, &x.Force
	if err := db.UpdateClaimant(ctx, &c, c.Version, conflict.RoleAdmin, 0); err != nil {
		t.Fatal(err)
	}
	page, err := db.FindEvents(ctx, conflict.EventFilter{})
	if err != nil || len(page.Events) < 2 {
		t.Fatalf("demo events: %v", err)
	}
	last := page.Events[len(page.Events)-1]
	e, err := db.FindEventByID(ctx, last.ID)
	if err != nil {
		t.Fatal(err)
	}
	e.Relations = []conflict.Relation{{Kind: conflict.ConflictingDates, Target: int64(page.Events[0].ID)}}
	if _, err := db.UpdateEvent(ctx, &e, e.Version, ch); err != nil {
		t.Fatal(err)
	}
}

// synthDB makes a small synthetic record: actors with aliases and
// parents, places in a hierarchy with Arabic names, timelines with
// filters and pins.
func synthDB(t *testing.T) (string, *sqlite.DB) {
	path := filepath.Join(t.TempDir(), "synth.db")
	db := sqlitetest.Open(t, path)
	_, err := synth.Generate(t.Context(), db, synth.Options{Events: 300, Estimates: 60, Actors: 30, Places: 40, Sources: 50, Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	return path, db
}

func TestArchiveRoundTripSynthetic(t *testing.T) {
	path, db := synthDB(t)
	file := roundTrip(t, path, db, false)
	if !bytes.Contains(file, []byte(`"lang":"ar"`)) || !bytes.Contains(file, []byte(`"pinned_event_ids":[1`)) {
		t.Error("the synthetic archive lacks Arabic names or pinned events")
	}
	// Imported without history, each record gets one revision saying
	// so, its snapshot in a shared block: each reads back as its record.
	to := sqlitetest.Open(t, filepath.Join(t.TempDir(), "to.db"))
	importArchive(t, to, file, false)
	var got struct {
		Events []export.ArchiveEvent `json:"events"`
	}
	if err := json.Unmarshal(archiveOf(t, to, true), &got); err != nil {
		t.Fatal(err)
	}
	if len(got.Events) != 300 {
		t.Fatalf("%d events imported, want 300", len(got.Events))
	}
	for _, e := range got.Events {
		var snap struct{ ID int64 }
		if len(e.Revisions) != 1 || e.Revisions[0].Action != "import" || json.Unmarshal(e.Revisions[0].Snapshot, &snap) != nil || snap.ID != e.ID {
			t.Fatalf("event %d imported with revisions %+v, want one import of itself", e.ID, e.Revisions)
		}
	}
}

func TestArchiveRoundTripHistory(t *testing.T) {
	path := filepath.Join(t.TempDir(), "demo.db")
	db := sqlitetest.Open(t, path)
	if err := demo.Load(t.Context(), db); err != nil {
		t.Fatal(err)
	}
	file := roundTrip(t, path, db, true)
	if !bytes.Contains(file, []byte(`"revisions":[{"number":1`)) {
		t.Error("an archive with history has no revisions")
	}
	// Every revision of the demo is published, so each comes back: the
	// same record, number, action, author, summary and time. The author's
	// account (author_id) is not exported, and the row id is the new
	// database's.
	to := filepath.Join(t.TempDir(), "to.db")
	toDB := sqlitetest.Open(t, to)
	importArchive(t, toDB, file, false)
	if err := toDB.Checkpoint(t.Context()); err != nil {
		t.Fatal(err)
	}
	const revisions = `SELECT record_type, record_id, number, action, author_name, summary, created_at, unreviewed
		FROM revisions ORDER BY record_type, record_id, number`
	if a, b := dumpTable(t, path, revisions), dumpTable(t, to, revisions); a != b || a == "" {
		t.Errorf("revisions differ after the round trip:\n%s", firstDiff([]byte(a), []byte(b)))
	}
	// The demo's history was written one edit at a time; imported, it is
	// history in bulk, its snapshots in shared blocks, which the export
	// above read back byte for byte.
	const blocked = `SELECT count(*) FROM revisions WHERE block_id IS NULL UNION ALL SELECT count(DISTINCT block_id) FROM revisions`
	if got := dumpTable(t, to, blocked); !strings.HasPrefix(got, "0\n") || got == "0\n0\n" {
		t.Errorf("imported revisions outside blocks, and blocks:\n%s", got)
	}
}

// editArchive returns the demo's archive changed by edit, which gets the
// file as decoded JSON.
func editArchive(t *testing.T, file []byte, edit func(m map[string]any)) []byte {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(file, &m); err != nil {
		t.Fatal(err)
	}
	edit(m)
	// The format field must stay first for the file to be recognised.
	var b bytes.Buffer
	b.WriteString(`{"format":"sitrep-archive"`)
	delete(m, "format")
	for _, k := range append([]string{"version", "history"}, export.ArchiveSections...) {
		v, ok := m[k]
		if !ok {
			continue
		}
		js, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, ",%q:%s", k, js)
		delete(m, k)
	}
	for k, v := range m {
		js, _ := json.Marshal(v)
		fmt.Fprintf(&b, ",%q:%s", k, js)
	}
	b.WriteString("}")
	return b.Bytes()
}

func item(m map[string]any, list string, i int) map[string]any {
	return m[list].([]any)[i].(map[string]any)
}

// TestArchiveProblems checks that every problem of an archive names its
// JSON path down to the item of a nested list, that problems are counted
// in plain English, and that nothing of a file with a problem is
// imported.
func TestArchiveProblems(t *testing.T) {
	good := archiveOf(t, sqlitetest.NewWithDemo(t), false)
	tests := []struct {
		name  string
		edit  func(m map[string]any)
		paths []string
	}{
		{"unknown field in a citation", func(m map[string]any) {
			c := item(m, "events", 2)["citations"].([]any)[0].(map[string]any)
			c["sorce"] = 1
		}, []string{"events[2].citations[0].sorce"}},
		{"a citation of a source not in the file", func(m map[string]any) {
			c := item(m, "events", 1)["citations"].([]any)[0].(map[string]any)
			c["source_id"] = 999
		}, []string{"events[1].citations[0].source_id"}},
		{"a bad grade, a bad quote type and an unknown field", func(m map[string]any) {
			c := item(m, "estimates", 0)["citations"].([]any)[0].(map[string]any)
			c["credibility"] = 9
			item(m, "estimates", 1)["citations"].([]any)[0].(map[string]any)["quote"] = 5
			item(m, "places", 0)["names"] = []any{map[string]any{"name": "x", "script": "ar"}}
		}, []string{"estimates[0].citations[0].credibility", "estimates[1].citations[0].quote", "places[0].names[0].script"}},
		{"an id given twice and a parent not in the file", func(m map[string]any) {
			item(m, "actors", 1)["id"] = item(m, "actors", 0)["id"]
			item(m, "places", 1)["parent_id"] = 777
		}, []string{"actors[1].id", "places[1].parent_id"}},
		{"a source without a publisher and an address given twice", func(m map[string]any) {
			list := m["sources"].([]any)
			dup := map[string]any{}
			for k, v := range list[0].(map[string]any) {
				dup[k] = v
			}
			dup["id"] = 500
			m["sources"] = append(list, dup)
			item(m, "sources", 0)["publisher"] = ""
		}, []string{"sources[0].publisher", "sources[1].url"}},
		{"a draft, a bad date and an unknown list", func(m map[string]any) {
			item(m, "events", 0)["status"] = "draft"
			item(m, "events", 2)["date"] = "27 Sept"
			m["users"] = []any{}
		}, []string{"events[0].status", "events[2].date", "users"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := sqlitetest.New(t)
			file := editArchive(t, good, tt.edit)
			res, err := importer.Run(t.Context(), db, bytes.NewReader(file), importer.Options{Name: "bad.json"})
			if conflict.ErrorCode(err) != conflict.Invalid {
				t.Fatalf("err = %v, want Invalid; problems %v", err, res.Problems)
			}
			var got []string
			for _, p := range res.Problems {
				got = append(got, p.Column)
			}
			for _, want := range tt.paths {
				found := false
				for _, g := range got {
					found = found || g == want
				}
				if !found {
					t.Errorf("no problem at %s; problems: %v", want, res.Problems)
				}
			}
			if len(res.Problems) != len(tt.paths) {
				t.Errorf("%d problems, want %d: %v", len(res.Problems), len(tt.paths), res.Problems)
			}
			want := fmt.Sprintf("The file has %s; nothing was imported.", importer.Problems(len(tt.paths)))
			if conflict.ErrorMessage(err) != want {
				t.Errorf("message %q, want %q", conflict.ErrorMessage(err), want)
			}
			if res.Committed || res.Changes() != 0 {
				t.Errorf("a file with problems imported: %+v", res)
			}
			if n := len(archiveOf(t, db, false)); n > 200 {
				t.Errorf("a file with problems left records: the database exports %d bytes", n)
			}
		})
	}
}

// resolved is an archive's events with their links followed to what they
// name: the same in any database, whatever the ids.
func resolved(t *testing.T, file []byte) map[string]string {
	t.Helper()
	var a struct {
		Actors  []export.ArchiveActor  `json:"actors"`
		Places  []export.ArchivePlace  `json:"places"`
		Sources []export.ArchiveSource `json:"sources"`
		Events  []export.ArchiveEvent  `json:"events"`
	}
	if err := json.Unmarshal(file, &a); err != nil {
		t.Fatal(err)
	}
	actors, places, sources := map[int64]string{}, map[int64]string{}, map[int64]string{}
	for _, x := range a.Actors {
		actors[x.ID] = x.Slug
	}
	for _, x := range a.Places {
		places[x.ID] = x.Slug
	}
	for _, x := range a.Sources {
		sources[x.ID] = x.URL
	}
	out := map[string]string{}
	for _, e := range a.Events {
		var b strings.Builder
		if e.PlaceID != nil {
			b.WriteString("at " + places[*e.PlaceID])
		}
		for _, x := range e.Actors {
			b.WriteString("; " + actors[x.ActorID] + " as " + x.Role)
		}
		for _, c := range e.Citations {
			b.WriteString("; cites " + sources[c.SourceID] + ": " + c.Quote)
		}
		out[e.Title] = b.String()
	}
	return out
}

// TestArchiveMerge imports the demo's archive into a database whose ids
// the demo's records already use for others: each record is created
// under a free id and every link follows it.
func TestArchiveMerge(t *testing.T) {
	file := archiveOf(t, sqlitetest.NewWithDemo(t), false)
	_, db := synthDB(t)
	before := archiveOf(t, db, false)
	res := importArchive(t, db, file, false)
	want := resolved(t, file)
	if res.Events.Created != len(want) {
		t.Errorf("created %d events, want the demo's %d: %+v", res.Events.Created, len(want), res)
	}
	got := resolved(t, archiveOf(t, db, false))
	for title, links := range want {
		if got[title] != links {
			t.Errorf("the demo's event %q is linked as\n%s\nwant\n%s", title, got[title], links)
		}
	}
	for title, links := range resolved(t, before) {
		if got[title] != links {
			t.Errorf("the synthetic event %q changed:\n%s\nwas\n%s", title, got[title], links)
		}
	}
}

// TestArchiveUpdate imports a changed archive over the database it came
// from: what changed is updated, with a revision saying so; the rest is
// matched and left alone.
func TestArchiveUpdate(t *testing.T) {
	db := sqlitetest.NewWithDemo(t)
	file := editArchive(t, archiveOf(t, db, false), func(m map[string]any) {
		a := item(m, "actors", 0)
		a["aliases"] = append(a["aliases"].([]any), "Tanzim al-Dawla")
		item(m, "events", 1)["title"] = "A title corrected"
		// Sets listed in another order are the same records.
		slices.Reverse(item(m, "places", 0)["names"].([]any))
		slices.Reverse(item(m, "events", 0)["tags"].([]any))
	})
	res := importArchive(t, db, file, false)
	if res.Actors.Updated != 1 || res.Events.Updated != 1 || res.Sources.Updated != 0 || res.Places.Updated != 0 || res.Estimates.Updated != 0 {
		t.Errorf("counts = %+v, want one actor and one event updated", res)
	}
	after := string(archiveOf(t, db, false))
	if !strings.Contains(after, "Tanzim al-Dawla") || !strings.Contains(after, `"title":"A title corrected"`) {
		t.Error("the update is not in the export")
	}
	e, err := db.FindEventByID(t.Context(), 2)
	if err != nil || e.Title != "A title corrected" || e.Version != 2 {
		t.Fatalf("event 2 = %q version %d, %v", e.Title, e.Version, err)
	}
	revs, _ := db.FindRevisions(t.Context(), conflict.EventRecord, 2)
	if len(revs) == 0 || revs[0].Action != conflict.ActionImport || revs[0].AuthorName != "import: sitrep.json" {
		t.Errorf("the newest revision of event 2 = %+v, want the import's", revs[0])
	}
	if res := importArchive(t, db, file, false); res.Changes() != 0 {
		t.Errorf("importing the changed file again changed %d records: %+v", res.Changes(), res)
	}
}

// TestArchiveRoundTripEdges carries sources exactly (an address with a
// bare query parameter and a trailing slash, an untitled source, a
// broadcast without an address), a retracted event and estimate with
// their reasons, a timeline with pins, exclusions and a filter of every
// kind, and leaves out a draft.
func TestArchiveRoundTripEdges(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sources.db")
	db := sqlitetest.Open(t, path)
	if err := demo.Load(t.Context(), db); err != nil {
		t.Fatal(err)
	}
	for _, s := range []conflict.Source{
		{URL: "https://www.example.org/news/?41658-title", Publisher: "Example", Title: "A bare parameter", Reliability: "B"},
		{URL: "https://www.example.org/wire/", Publisher: "Wire", Authors: []string{"A. Writer"}},
		{Publisher: "Al Iraqiya TV", Title: "Evening news", Language: "ar", Notes: "A broadcast."},
	} {
		if err := db.CreateSource(t.Context(), &s, conflict.Change{AuthorName: "test"}); err != nil {
			t.Fatal(err)
		}
	}
	ctx, reviewer := t.Context(), conflict.Change{AuthorName: "test"}
	if _, err := db.SetEventStatus(ctx, 1, conflict.ActionRetract, "A duplicate of a later report.", 1, conflict.RoleAdmin, reviewer); err != nil {
		t.Fatal(err)
	}
	if _, err := db.SetEstimateStatus(ctx, 2, conflict.ActionRetract, "The claimant withdrew it.", 1, conflict.RoleAdmin, reviewer); err != nil {
		t.Fatal(err)
	}
	tl := conflict.Timeline{Title: "Diyala and Mosul", Description: "Pins, *exclusions* and a filter.",
		Filter: conflict.TimelineFilter{Actors: []conflict.ActorID{1, 3}, Places: []conflict.PlaceID{2}, Tags: []string{"airstrike", "training"},
			From: edtf.MustParse("2016-07"), To: edtf.MustParse("2016-12~")},
		Pinned: []conflict.EventID{2}, Excluded: []conflict.EventID{3}}
	if err := db.CreateTimeline(ctx, &tl, reviewer); err != nil {
		t.Fatal(err)
	}
	u := conflict.User{Email: "ed@example.org", Name: "Ed", Role: conflict.RoleEditor}
	if err := db.CreateUser(ctx, &u, "x"); err != nil {
		t.Fatal(err)
	}
	editor := conflict.Change{Author: &u.ID, AuthorName: "Ed", Role: conflict.RoleEditor, Summary: "Proposed"}
	draft := conflict.Timeline{Title: "Not yet reviewed"}
	if err := db.CreateTimeline(ctx, &draft, editor); err != nil || draft.Status.Public() {
		t.Fatalf("an editor's timeline is %s, %v; want a draft", draft.Status, err)
	}
	// An edit of a published event waits for review: readers, and so the
	// archive, keep the published event.
	e, err := db.FindEventByID(ctx, 2)
	if err != nil {
		t.Fatal(err)
	}
	e.Title = "An edit waiting for review"
	if pending, err := db.UpdateEvent(ctx, &e, e.Version, editor); err != nil || pending == nil {
		t.Fatalf("UpdateEvent = %v, %v; want a pending edit", pending, err)
	}
	file := roundTrip(t, path, db, false)
	for _, want := range []string{`"url":"https://www.example.org/news/?41658-title"`, `"url":"https://www.example.org/wire/","publisher":"Wire","title":""`,
		`"url":"","publisher":"Al Iraqiya TV"`, `"status":"retracted","status_note":"A duplicate of a later report."`,
		`"status":"retracted","status_note":"The claimant withdrew it."`,
		`"filter":{"actor_ids":[1,3],"place_ids":[2],"tags":["airstrike","training"],"from":"2016-07","to":"2016-12~"},"pinned_event_ids":[2],"excluded_event_ids":[3]`} {
		if !bytes.Contains(file, []byte(want)) {
			t.Errorf("the archive lacks %s", want)
		}
	}
	if bytes.Contains(file, []byte(draft.Title)) || bytes.Contains(file, []byte(e.Title)) {
		t.Error("the archive holds a draft timeline or an edit waiting for review")
	}
}
