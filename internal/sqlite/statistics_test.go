package sqlite

import (
	"fmt"
	"strings"
	"testing"

	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/edtf"
)

// TestPageRelationsQueryLeadsWithThePage checks the plan of the query for
// a page of records' relations (the API's and the exports' lists, and
// each event an archive imported again compares) on a database without
// statistics: it must find the links by the page's ids, not read every
// public record and look up its links, as SQLite chose to when free to.
func TestPageRelationsQueryLeadsWithThePage(t *testing.T) {
	db := openTemp(t, "plan.db")
	if got := loadDump(t, db, `SELECT count(*) FROM sqlite_schema WHERE name = 'sqlite_stat1'`); got[0] != "0" {
		t.Fatalf("a new database has statistics: %v", got)
	}
	for _, rt := range []conflict.RecordType{conflict.EventRecord, conflict.EstimateRecord} {
		st := relationsOf(rt)
		plan := checkPlan(t, db, pageRelationsQuery(st), []any{`[1, 2]`})
		if want := "SEARCH r USING PRIMARY KEY (" + st.column + "=?)"; len(plan) == 0 || plan[0] != want {
			t.Errorf("%s relations: plan begins %q, want %q\nplan:\n  %s", rt, first(plan), want, strings.Join(plan, "\n  "))
		}
	}
}

func first(plan []string) string {
	if len(plan) == 0 {
		return ""
	}
	return plan[0]
}

// TestImportGathersStatistics imports a file into a new database, which
// has no statistics for the query planner, and finds them gathered.
func TestImportGathersStatistics(t *testing.T) {
	ctx := t.Context()
	db := openTemp(t, "stats.db")
	var b conflict.ImportBatch
	for i := range 20 {
		b.Events = append(b.Events, conflict.ImportEvent{
			Event: conflict.Event{Title: fmt.Sprintf("Clash %d", i), Date: edtf.MustParse("2016-10-17"), Status: conflict.Published,
				ExternalID: fmt.Sprintf("x:%d", i),
				Citations:  []conflict.Citation{{Source: conflict.Source{URL: "https://example.org/report", Publisher: "Wire", Title: "Report"}}}},
			Source: conflict.RowRef{Row: i + 2},
		})
	}
	if _, err := db.ImportBatch(ctx, b, conflict.Change{AuthorName: "import: test.csv", Import: true}, ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	got := loadDump(t, db, `SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'events' AND stat LIKE '20 %'`)
	if len(got) != 1 || got[0] == "0" {
		t.Errorf("statistics of the events' indexes after an import of 20: %v rows, want some", got)
	}
}
