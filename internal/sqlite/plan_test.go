package sqlite

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/edtf"
)

// TestListQueriesUseIndexes runs EXPLAIN QUERY PLAN over every list query
// shape and fails on a full scan of a table, so a filter added later
// without an index is caught before it meets 100,000 events.
func TestListQueriesUseIndexes(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "plan.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	seed := []string{
		`INSERT INTO actors (id, slug, name, created_at, updated_at) VALUES (1, 'a', 'A', '', '')`,
		`INSERT INTO places (id, slug, name, created_at, updated_at) VALUES (1, 'p', 'P', '', '')`,
		`INSERT INTO timelines (id, slug, title, created_at, updated_at) VALUES (1, 't', 'T', '', '')`,
	}
	for _, q := range seed {
		if _, err := db.write.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	timeline := &conflict.Timeline{ID: 1, Filter: conflict.TimelineFilter{From: edtf.MustParse("2016"), To: edtf.MustParse("2016")}}
	events := map[string]conflict.EventFilter{
		"all":           {},
		"newest":        {NewestFirst: true},
		"after cursor":  {After: "2016-09-01_12"},
		"before cursor": {Before: "2016-09-01_12"},
		"actor":         {Actors: []conflict.ActorID{1}},
		"place":         {Places: []conflict.PlaceID{1}},
		"tag":           {Tags: []string{"airstrike"}},
		"date range":    {From: edtf.MustParse("2016-07"), To: edtf.MustParse("2016-09")},
		"text":          {Query: "mosul"},
		"timeline":      {Timeline: timeline},
		"everything":    {Actors: []conflict.ActorID{1}, Places: []conflict.PlaceID{1}, Tags: []string{"x"}, From: edtf.MustParse("2016"), Query: "x", After: "2016-01-01_1"},
	}
	for name, f := range events {
		t.Run("events/"+name, func(t *testing.T) {
			for _, inDateOrder := range []bool{false, true} {
				q, params, err := eventListQuery(ctx, db.read, f, inDateOrder)
				if err != nil {
					t.Fatal(err)
				}
				checkPlan(t, db, q, params)
			}
		})
	}
	estimates := map[string]conflict.EstimateFilter{
		"force":       {Force: 1},
		"force place": {Force: 1, Places: []conflict.PlaceID{1}, From: edtf.MustParse("2016")},
		"newest":      {NewestFirst: true},
	}
	for name, f := range estimates {
		t.Run("estimates/"+name, func(t *testing.T) {
			q, params, err := estimateListQuery(ctx, db.read, f)
			if err != nil {
				t.Fatal(err)
			}
			checkPlan(t, db, q, params)
		})
	}
}

func checkPlan(t *testing.T, db *DB, query string, params []any) {
	t.Helper()
	rows, err := db.read.Query("EXPLAIN QUERY PLAN "+query, params...)
	if err != nil {
		t.Fatalf("explain: %v", err)
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, detail)
	}
	for _, line := range plan {
		if fullScan(line) {
			t.Errorf("query scans a whole table: %q\nplan:\n  %s", line, strings.Join(plan, "\n  "))
		}
	}
}

// fullScan reports a plan line that reads a table without an index.
// Scans of CTEs, json_each and FTS5 (which uses its own index) are fine.
func fullScan(line string) bool {
	if !strings.HasPrefix(line, "SCAN ") {
		return false
	}
	for _, ok := range []string{"USING INDEX", "USING COVERING INDEX", "VIRTUAL TABLE INDEX", "USING INTEGER PRIMARY KEY", "USING PRIMARY KEY"} {
		if strings.Contains(line, ok) {
			return false
		}
	}
	for _, name := range []string{"SCAN sub", "SCAN up", "SCAN json_each", "SCAN e VIRTUAL", "CONSTANT ROW"} {
		if strings.HasPrefix(line, name) {
			return false
		}
	}
	return true
}
