package importer_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/export"
	"github.com/sitrep/sitrep/internal/importer"
	"github.com/sitrep/sitrep/internal/sqlite"
	"github.com/sitrep/sitrep/internal/sqlite/sqlitetest"
)

var allStatuses = []conflict.Status{conflict.Draft, conflict.Submitted, conflict.Published, conflict.Rejected, conflict.Retracted}

func exportJSON(t *testing.T, db *sqlite.DB, what string) []byte {
	t.Helper()
	var buf bytes.Buffer
	var err error
	if what == "events" {
		err = export.Events(t.Context(), &buf, db, conflict.EventFilter{Statuses: allStatuses}, export.JSON, export.Options{})
	} else {
		err = export.Estimates(t.Context(), &buf, db, conflict.EstimateFilter{Statuses: allStatuses}, export.JSON, export.Options{})
	}
	if err != nil {
		t.Fatalf("export %s: %v", what, err)
	}
	return buf.Bytes()
}

func run(t *testing.T, db *sqlite.DB, file string, dry bool) (conflict.ImportResult, error) {
	t.Helper()
	return importer.Run(t.Context(), db, strings.NewReader(file), importer.Options{Name: "test.file", DryRun: dry})
}

// TestRoundTrip exports the demo's events and estimates as JSON, imports
// them into an empty database, and exports again: the files are the same
// byte for byte. Importing them once more changes nothing.
func TestRoundTrip(t *testing.T) {
	src := sqlitetest.NewWithDemo(t)
	dst := sqlitetest.New(t)
	for _, what := range []string{"events", "estimates"} {
		first := exportJSON(t, src, what)
		if !bytes.Contains(first, []byte(`"external_id"`)) {
			t.Fatalf("export has no external ids:\n%s", first)
		}
		res, err := run(t, dst, string(first), false)
		if err != nil {
			t.Fatalf("import %s: %v (%v)", what, err, res.Problems)
		}
		if !res.Committed {
			t.Fatalf("import %s not committed", what)
		}
		second := exportJSON(t, dst, what)
		if !bytes.Equal(first, second) {
			t.Errorf("%s: export → import → export differs:\nfirst:\n%s\nsecond:\n%s", what, first, second)
		}
		again, err := run(t, dst, string(first), false)
		if err != nil {
			t.Fatalf("second import %s: %v", what, err)
		}
		if again.Changes() != 0 {
			t.Errorf("importing %s again changed %d records: %+v", what, again.Changes(), again)
		}
	}
}

const header = "event_id_cnty,event_date,time_precision,event_type,sub_event_type,actor1,assoc_actor_1,actor2,assoc_actor_2,country,admin1,admin2,location,latitude,longitude,geo_precision,source,source_scale,notes,fatalities\n"

func row(id, date, precision, lat, lon string) string {
	return fmt.Sprintf("%s,%s,%s,Battles,Armed clash,Islamic State,,Military Forces of Iraq,,Iraq,Ninewa,Mosul,Mosul,%s,%s,1,Reuters; Rudaw,National,\"Clashes west of the city, \"\"heavy\"\" fire.\",3\n",
		id, date, precision, lat, lon)
}

func TestACLEDImport(t *testing.T) {
	db := sqlitetest.NewWithDemo(t)
	file := header + row("IRQ1", "2016-09-27", "1", "36.34", "43.13") +
		row("IRQ2", "28 September 2016", "2", "36.34", "43.13") +
		row("IRQ3", "2016-09-01", "3", "-0.5", "-12.25")
	dry, err := run(t, db, file, true)
	if err != nil {
		t.Fatalf("dry run: %v %v", err, dry.Problems)
	}
	if dry.Committed || dry.Events.Created != 3 {
		t.Fatalf("dry run = %+v, want 3 events to create and nothing committed", dry)
	}
	if n, _ := db.LastChange(t.Context()); n == 0 {
		t.Fatal("no revisions in the demo database")
	}
	before, _ := db.LastChange(t.Context())
	if after, _ := db.LastChange(t.Context()); after != before {
		t.Fatal("the dry run wrote")
	}
	res, err := run(t, db, file, false)
	if err != nil {
		t.Fatalf("import: %v %v", err, res.Problems)
	}
	if !res.Committed || res.Events != dry.Events || res.Actors != dry.Actors || res.Places != dry.Places || res.Sources != dry.Sources {
		t.Errorf("import = %+v, dry run said %+v", res, dry)
	}
	// The demo's actors and places are matched: Islamic State by name,
	// Iraq as the outermost place; Mosul inside Iraq.
	if res.Actors.Matched != 1 || res.Actors.Created != 1 {
		t.Errorf("actors = %+v, want Islamic State matched and one created", res.Actors)
	}
	e, err := db.FindEventByExternalID(t.Context(), "acled:IRQ2")
	if err != nil {
		t.Fatal(err)
	}
	if e.Date.String() != "2016-09-28~" {
		t.Errorf("time_precision 2: date = %s, want 2016-09-28~", e.Date)
	}
	// No second person checked what an import publishes, and its history
	// says so, for the event and for the actor the file brought.
	revs, err := db.FindRevisions(t.Context(), conflict.EventRecord, int64(e.ID))
	if err != nil || len(revs) != 1 || !revs[0].Unreviewed {
		t.Errorf("the imported event's revisions = %+v, %v; want one, marked published without review", revs, err)
	}
	for _, a := range e.Actors {
		revs, err := db.FindRevisions(t.Context(), conflict.ActorRecord, int64(a.Actor.ID))
		if err != nil || len(revs) == 0 || (a.Actor.Name != "Islamic State" && !revs[len(revs)-1].Unreviewed) {
			t.Errorf("the imported actor %s's first revision is not marked unreviewed: %+v, %v", a.Actor.Name, revs, err)
		}
	}
	if e.Place == nil || e.Place.Name != "Mosul" {
		t.Errorf("place = %+v, want Mosul", e.Place)
	}
	if len(e.Citations) != 2 || !strings.HasPrefix(e.Citations[0].Source.URL, "https://acled.invalid/source/") {
		t.Errorf("citations = %+v, want Reuters and Rudaw placeholders", e.Citations)
	}
	if !strings.Contains(e.Body, `"heavy" fire`) || !strings.Contains(e.Body, "Fatalities reported (ACLED): 3.") {
		t.Errorf("body = %q", e.Body)
	}
	revs, err = db.FindRevisions(t.Context(), conflict.EventRecord, int64(e.ID))
	if err != nil || len(revs) != 1 || revs[0].AuthorName != "import: test.file" || revs[0].Action != conflict.ActionImport {
		t.Errorf("revisions = %+v, %v; want one import by \"import: test.file\"", revs, err)
	}
	e3, _ := db.FindEventByExternalID(t.Context(), "acled:IRQ3")
	if e3.Date.String() != "2016-09" {
		t.Errorf("time_precision 3: date = %s, want 2016-09", e3.Date)
	}
	again, err := run(t, db, file, false)
	if err != nil || again.Changes() != 0 || again.Events.Matched != 3 {
		t.Errorf("importing again = %+v, %v; want 3 matched, nothing changed", again, err)
	}
	changed := strings.Replace(file, "heavy", "light", 1)
	upd, err := run(t, db, changed, false)
	if err != nil || upd.Events.Updated != 1 || upd.Events.Matched != 2 {
		t.Errorf("importing a changed row = %+v, %v; want 1 updated", upd, err)
	}
}

// TestBadCSV checks that each kind of bad file is reported row by row, and
// that nothing of it is imported.
func TestBadCSV(t *testing.T) {
	good := row("IRQ1", "2016-09-27", "1", "36.34", "43.13")
	tests := []struct {
		name string
		file string
		want []string // row/column/reason fragments, one per problem
	}{
		{"wrong header", "id,date,notes\n1,2016-09-27,x\n",
			[]string{"row 1: The header lacks ACLED's columns event_id_cnty, event_date, time_precision"}},
		{"bad dates", header + good + row("IRQ2", "2016-02-30", "1", "1", "1") + row("IRQ3", "yesterday", "1", "1", "1") + row("IRQ4", "2016-09-27", "7", "1", "1"),
			[]string{"row 3, column event_date: \"2016-02-30\" is not a date", "row 4, column event_date: \"yesterday\"", "row 5, column time_precision"}},
		{"bad coordinates", header + good + row("IRQ2", "2016-09-27", "1", "91", "43") + row("IRQ3", "2016-09-27", "1", "36", "east") + row("IRQ4", "2016-09-27", "1", "NaN", "1"),
			[]string{"row 3, column latitude: \"91\"", "row 4, column longitude: \"east\"", "row 5, column latitude: \"NaN\""}},
		{"duplicate ids", header + good + row("IRQ2", "2016-09-27", "1", "1", "1") + row("IRQ1", "2016-09-28", "1", "1", "1"),
			[]string{"row 4, column event_id_cnty: The id IRQ1 is used again: row 2 has it already."}},
		{"invalid UTF-8", header + good + strings.Replace(row("IRQ2", "2016-09-27", "1", "1", "1"), "Clashes", "Clash\xff\xfees", 1),
			[]string{"row 3, column notes: The cell is not valid UTF-8"}},
		{"no source for a published event", header + strings.Replace(good, "Reuters; Rudaw", "", 1),
			[]string{"row 2, column source: Cite at least one source"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := sqlitetest.New(t)
			res, err := run(t, db, tt.file, false)
			if conflict.ErrorCode(err) != conflict.Invalid {
				t.Fatalf("err = %v, want Invalid", err)
			}
			assertProblems(t, res, tt.want)
			assertEmpty(t, db)
		})
	}
}

func assertProblems(t *testing.T, res conflict.ImportResult, want []string) {
	t.Helper()
	if res.Committed {
		t.Error("committed despite problems")
	}
	var got []string
	for _, p := range res.Problems {
		got = append(got, p.String())
	}
	if len(got) != len(want) {
		t.Fatalf("problems:\n  %s\nwant %d:\n  %s", strings.Join(got, "\n  "), len(want), strings.Join(want, "\n  "))
	}
	for i := range want {
		if !strings.Contains(got[i], want[i]) {
			t.Errorf("problem %d = %q, want it to contain %q", i, got[i], want[i])
		}
	}
}

func assertEmpty(t *testing.T, db *sqlite.DB) {
	t.Helper()
	if n, err := db.LastChange(t.Context()); err != nil || n != 0 {
		t.Errorf("LastChange = %d, %v: something was imported", n, err)
	}
}

// hugeCell streams a file whose one cell holds 10 MB, without ever
// holding it: the importer must refuse it at 10 KB.
type hugeCell struct {
	head, tail string
	size, sent int
}

func (h *hugeCell) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		switch {
		case h.sent < len(h.head):
			c := copy(p[n:], h.head[h.sent:])
			n += c
			h.sent += c
		case h.sent < len(h.head)+h.size:
			c := min(len(p)-n, len(h.head)+h.size-h.sent)
			for i := range c {
				p[n+i] = 'x'
			}
			n += c
			h.sent += c
		case h.sent < len(h.head)+h.size+len(h.tail):
			off := h.sent - len(h.head) - h.size
			c := copy(p[n:], h.tail[off:])
			n += c
			h.sent += c
		default:
			if n == 0 {
				return 0, io.EOF
			}
			return n, nil
		}
	}
	return n, nil
}

func TestHugeCell(t *testing.T) {
	db := sqlitetest.New(t)
	r := &hugeCell{
		head: header + row("IRQ1", "2016-09-27", "1", "1", "1") + `IRQ2,2016-09-27,1,Battles,Armed clash,Islamic State,,,,Iraq,,,Mosul,1,1,1,Reuters,National,"`,
		tail: "\",0\n", size: 10 << 20,
	}
	res, err := importer.Run(context.Background(), db, r, importer.Options{Name: "huge.csv"})
	if conflict.ErrorCode(err) != conflict.Invalid {
		t.Fatalf("err = %v, want Invalid", err)
	}
	assertProblems(t, res, []string{"row 3, column notes: This cell is longer than 10 KB"})
	if r.sent > 1<<20 {
		t.Errorf("read %d bytes of a 10 MB cell before refusing it", r.sent)
	}
	assertEmpty(t, db)
}

// TestBadJSON reports records of a JSON file that cannot be imported.
func TestBadJSON(t *testing.T) {
	src := sqlitetest.NewWithDemo(t)
	file := string(exportJSON(t, src, "events"))
	bad := strings.Replace(file, `"edtf":"2016-09-27"`, `"edtf":"2016-13-27"`, 1)
	db := sqlitetest.New(t)
	res, err := run(t, db, bad, false)
	if conflict.ErrorCode(err) != conflict.Invalid {
		t.Fatalf("err = %v, want Invalid", err)
	}
	assertProblems(t, res, []string{"row 3, column events[2].date: \"2016-13-27\""})
	assertEmpty(t, db)
	res, _ = run(t, db, `{"kind":"events","data":[{"title":`, false)
	assertProblems(t, res, []string{"not valid JSON"})
}

// TestManyProblemsListed lists the first problems of a file wrong on every
// row and counts the rest, rather than keeping a message per row.
func TestManyProblemsListed(t *testing.T) {
	db := sqlitetest.New(t)
	var b strings.Builder
	b.WriteString(header)
	rows := importer.MaxProblems + 250
	for i := range rows {
		b.WriteString(row(fmt.Sprintf("IRQ%d", i), "2016-13-45", "1", "36.34", "43.13"))
	}
	res, err := run(t, db, b.String(), false)
	if conflict.ErrorCode(err) != conflict.Invalid {
		t.Fatalf("err = %v, want Invalid", err)
	}
	if len(res.Problems) != importer.MaxProblems || res.Unlisted != rows-importer.MaxProblems {
		t.Errorf("%d problems listed and %d unlisted, want %d and %d", len(res.Problems), res.Unlisted, importer.MaxProblems, rows-importer.MaxProblems)
	}
	if res.Problems[0].Row != 2 || res.Problems[len(res.Problems)-1].Row != importer.MaxProblems+1 {
		t.Errorf("rows %d to %d listed, want the first: 2 to %d", res.Problems[0].Row, res.Problems[len(res.Problems)-1].Row, importer.MaxProblems+1)
	}
	if !strings.Contains(err.Error(), fmt.Sprint(rows)) {
		t.Errorf("error %q does not count all %d problems", err, rows)
	}
	assertEmpty(t, db)
}

// TestImportFromStream imports from a reader that cannot seek, which is
// read once to check and again, from a copy, to import.
func TestImportFromStream(t *testing.T) {
	db := sqlitetest.New(t)
	file := header + row("IRQ1", "2016-09-27", "1", "36.34", "43.13") + row("IRQ2", "2016-09-28", "1", "36.34", "43.13")
	res, err := importer.Run(t.Context(), db, io.MultiReader(strings.NewReader(file)), importer.Options{Name: "stream.csv"})
	if err != nil || !res.Committed || res.Events.Created != 2 {
		t.Fatalf("import = %+v, %v; want 2 events created", res, err)
	}
	if _, err := db.FindEventByExternalID(t.Context(), "acled:IRQ2"); err != nil {
		t.Errorf("the second row was not imported: %v", err)
	}
}

// A file that updates some stored events and adds others, read from a
// stream that cannot seek, is read twice by the import (the updates, then
// the new events) and once by the check, and counts each row once.
func TestMixedFileFromStream(t *testing.T) {
	db := sqlitetest.New(t)
	first := header + row("IRQ1", "2016-09-27", "1", "36.34", "43.13") + row("IRQ2", "2016-09-28", "1", "36.34", "43.13")
	if _, err := importer.Run(t.Context(), db, strings.NewReader(first), importer.Options{Name: "first.csv"}); err != nil {
		t.Fatal(err)
	}
	mixed := header + row("IRQ3", "2016-09-30", "1", "36.34", "43.13") + row("IRQ1", "2016-09-29", "1", "36.34", "43.13") +
		row("IRQ2", "2016-09-28", "1", "36.34", "43.13") + row("IRQ4", "2016-10-01", "3", "36.34", "43.13")
	res, err := importer.Run(t.Context(), db, io.MultiReader(strings.NewReader(mixed)), importer.Options{Name: "mixed.csv"})
	if want := (conflict.ImportCounts{Created: 2, Matched: 1, Updated: 1}); err != nil || !res.Committed || res.Events != want {
		t.Fatalf("import = %+v, %v; want events %+v", res, err, want)
	}
	for ext, date := range map[string]string{"acled:IRQ1": "2016-09-29", "acled:IRQ3": "2016-09-30", "acled:IRQ4": "2016-10"} {
		e, err := db.FindEventByExternalID(t.Context(), ext)
		if err != nil || e.Date.String() != date {
			t.Errorf("%s: date %v, %v; want %s", ext, e.Date, err, date)
		}
	}
}

// A file that only adds records is read once, checked as it is written;
// one that turns out to update a stored record is then checked and
// imported from the start. From a stream that cannot seek, the second
// reading gets the whole file, not only what the first read before it
// stopped at the update.
func TestUpdateEarlyInALongStream(t *testing.T) {
	db := sqlitetest.New(t)
	first := header + row("IRQ1", "2016-09-27", "1", "36.34", "43.13")
	if _, err := importer.Run(t.Context(), db, strings.NewReader(first), importer.Options{Name: "first.csv"}); err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	b.WriteString(header + row("IRQ1", "2016-09-29", "1", "36.34", "43.13"))
	const added = 2000 // far past what one read of the stream takes
	for i := range added {
		b.WriteString(row(fmt.Sprintf("SYR%d", i), "2016-10-01", "1", "36.34", "43.13"))
	}
	res, err := importer.Run(t.Context(), db, io.MultiReader(strings.NewReader(b.String())), importer.Options{Name: "long.csv"})
	if want := (conflict.ImportCounts{Created: added, Updated: 1}); err != nil || !res.Committed || res.Events != want {
		t.Fatalf("import = %+v, %v; want events %+v", res.Events, err, want)
	}
	if _, err := db.FindEventByExternalID(t.Context(), fmt.Sprintf("acled:SYR%d", added-1)); err != nil {
		t.Errorf("the last row was not imported: %v", err)
	}
	if e, err := db.FindEventByExternalID(t.Context(), "acled:IRQ1"); err != nil || e.Date.String() != "2016-09-29" {
		t.Errorf("the updated event's date is %v, %v; want 2016-09-29", e.Date, err)
	}
}

// An import tells its progress stage by stage: the file read as it is
// imported, then, with nothing left to read, the new records indexed,
// which takes seconds on a large file and must not look like a hang. A
// dry run indexes nothing.
func TestImportReportsItsStages(t *testing.T) {
	var file strings.Builder
	file.WriteString(header)
	for i := range 20 {
		fmt.Fprintf(&file, "IRQ%d,2016-06-%02d,1,Battles,Armed clash,Islamic State,,Military Forces of Iraq,,Iraq,Nineveh,Mosul,Mosul,36.34,43.13,1,Reuters,National,Clashes near the bridge.,0\n", i, i%28+1)
	}
	for _, dry := range []bool{true, false} {
		var stages []string
		progress := func(stage string, done, total int64) {
			if len(stages) == 0 || stages[len(stages)-1] != stage {
				stages = append(stages, stage)
			}
		}
		db := sqlitetest.New(t)
		res, err := importer.Run(t.Context(), db, strings.NewReader(file.String()), importer.Options{Name: "acled.csv", DryRun: dry, Progress: progress})
		if err != nil || res.Events.Created != 20 {
			t.Fatalf("dry run %v: %v, events %+v, problems %v", dry, err, res.Events, res.Problems)
		}
		want := []string{"importing", "indexing"}
		if dry {
			want = []string{"checking"}
		}
		if !slices.Equal(stages, want) {
			t.Errorf("dry run %v: stages %q, want %q", dry, stages, want)
		}
	}
}
