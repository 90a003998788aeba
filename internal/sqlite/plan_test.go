package sqlite

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/edtf"
)

// TestListQueriesUseIndexes runs EXPLAIN QUERY PLAN over every shape of
// list query — every combination of filters, with and without a
// timeline, its pins and exclusions, in both orders and from a cursor — on
// a database with the skew of a real record and its ANALYZE statistics,
// and fails when a query scans a whole table, sorts instead of reading an
// index in order, or walks every event to serve a selective filter.
func TestListQueriesUseIndexes(t *testing.T) {
	ctx := context.Background()
	db := openSkewed(t, 6000)
	if _, err := db.write.ExecContext(ctx, "ANALYZE"); err != nil {
		t.Fatal(err)
	}
	if lines := checkPlan(t, db, longestSpanQuery, nil); !strings.Contains(strings.Join(lines, " "), "events_public_span_idx") {
		t.Errorf("the longest event is found without its index: %q", lines)
	}
	plain := &conflict.Timeline{ID: 1, Filter: conflict.TimelineFilter{Actors: []conflict.ActorID{1}, From: edtf.MustParse("2016")}}
	pinned := &conflict.Timeline{ID: 2, Filter: conflict.TimelineFilter{Tags: []string{"tag1"}, To: edtf.MustParse("2020")},
		Pinned: []conflict.EventID{5, 6}, Excluded: []conflict.EventID{7}}
	onlyPins := &conflict.Timeline{ID: 3, Pinned: []conflict.EventID{5, 6}}
	type dim struct {
		name  string
		apply func(*conflict.EventFilter)
	}
	dims := []dim{
		{"big actor", func(f *conflict.EventFilter) { f.Actors = []conflict.ActorID{1} }},
		{"two actors", func(f *conflict.EventFilter) { f.Actors = []conflict.ActorID{2, 30} }},
		{"country", func(f *conflict.EventFilter) { f.Places = []conflict.PlaceID{1} }},
		{"town", func(f *conflict.EventFilter) { f.Places = []conflict.PlaceID{40} }},
		{"tag", func(f *conflict.EventFilter) { f.Tags = []string{"tag3"} }},
		{"dates", func(f *conflict.EventFilter) { f.From, f.To = edtf.MustParse("2019"), edtf.MustParse("2020-06") }},
		{"rare word", func(f *conflict.EventFilter) { f.Query = "rareword" }},
		{"common word", func(f *conflict.EventFilter) { f.Query = "fighting" }},
		{"retracted too", func(f *conflict.EventFilter) {
			f.Statuses = []conflict.Status{conflict.Published, conflict.Retracted}
		}},
	}
	timelines := map[string]*conflict.Timeline{"": nil, "timeline": plain, "pinned timeline": pinned, "pins only": onlyPins}
	pages := map[string]func(*conflict.EventFilter){
		"first":  func(*conflict.EventFilter) {},
		"after":  func(f *conflict.EventFilter) { f.After = "2018-03-01_9000" },
		"before": func(f *conflict.EventFilter) { f.Before = "2018-03-01_9000"; f.NewestFirst = true },
	}
	for mask := 0; mask < 1<<len(dims); mask++ {
		if bitsSet(mask) > 3 {
			continue
		}
		for tname, tl := range timelines {
			for pname, page := range pages {
				var f conflict.EventFilter
				var names []string
				for i, d := range dims {
					if mask&(1<<i) != 0 {
						d.apply(&f)
						names = append(names, d.name)
					}
				}
				f.Timeline = tl
				page(&f)
				name := strings.Join(append(names, tname, pname), "/")
				t.Run(name, func(t *testing.T) {
					plan, err := planEvents(ctx, db.read, f)
					if err != nil {
						t.Fatal(err)
					}
					if plan.none {
						t.Fatalf("the filter matches events, but the plan says none")
					}
					lo, id, _ := parseCursor(f.After + f.Before)
					var lines []string
					for _, piece := range plan.pieces(true) {
						q, params := piece.keysQuery(lo, id, f.NewestFirst == (f.Before != ""), 51)
						lines = append(lines, checkPlan(t, db, q, params)...)
					}
					selective := len(f.Actors)+len(f.Places)+len(f.Tags) > 0 || (tl != nil && tl != plain)
					if tl == plain {
						selective = true
					}
					sorted := tl != nil && len(tl.Pinned) > 0
					for _, line := range lines {
						if selective && strings.Contains(line, "events_status_date_idx") {
							t.Errorf("a selective filter walks every event: %q\nplan:\n  %s", line, strings.Join(lines, "\n  "))
						}
						if !sorted && strings.Contains(line, "TEMP B-TREE") {
							t.Errorf("the page is sorted instead of read in order: %q\nplan:\n  %s", line, strings.Join(lines, "\n  "))
						}
					}
					if plan.exact < 0 {
						for _, piece := range plan.pieces(true) {
							q, params := piece.countQuery(countLimit)
							checkPlan(t, db, q, params)
						}
					}
				})
			}
		}
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

func checkPlan(t *testing.T, db *DB, query string, params []any) []string {
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
	return plan
}

func bitsSet(n int) int {
	c := 0
	for ; n > 0; n &= n - 1 {
		c++
	}
	return c
}

// openSkewed is a new database of the test's own, migrated and seeded
// with n skewed events (seedSkewed), closed when the test ends.
func openSkewed(t *testing.T, n int) *DB {
	t.Helper()
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "skewed.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	seedSkewed(t, db, n)
	return db
}

// seedSkewed writes n events with the shape of a real record through raw
// SQL, so that the triggers fill the postings: a few actors, places and
// tags take most events (a Zipf-like share), actors and places nest, most
// dates are days and a few are months or intervals, a few events are
// retracted, and one word in the text is rare.
func seedSkewed(t *testing.T, db *DB, n int) {
	t.Helper()
	ctx := context.Background()
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := tx.ExecContext(ctx, q, args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	for i := 1; i <= 200; i++ {
		var parent any
		if i > 20 {
			parent = (i % 20) + 1
		}
		exec(`INSERT INTO actors (id, slug, name, parent_id, created_at, updated_at) VALUES (?, ?, ?, ?, '', '')`, i, fmt.Sprint("a", i), fmt.Sprint("Actor ", i), parent)
	}
	for i := 1; i <= 500; i++ {
		var parent any
		switch {
		case i > 50:
			parent = (i % 45) + 6
		case i > 5:
			parent = (i % 5) + 1
		}
		exec(`INSERT INTO places (id, slug, name, parent_id, created_at, updated_at) VALUES (?, ?, ?, ?, '', '')`, i, fmt.Sprint("p", i), fmt.Sprint("Place ", i), parent)
	}
	exec(`INSERT INTO timelines (id, slug, title, created_at, updated_at) VALUES (1, 't1', 'T', '', ''), (2, 't2', 'T', '', ''), (3, 't3', 'T', '', '')`)
	rng := rand.New(rand.NewPCG(1, 2))
	zipf := func(max int) int { return int(float64(max) * math.Pow(rng.Float64(), 3)) }
	start := time.Date(2014, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := 1; i <= n; i++ {
		d := start.AddDate(0, 0, i*3650/n)
		lo, hi, date := d.Format(time.DateOnly), d.Format(time.DateOnly), d.Format(time.DateOnly)
		if i%10 == 0 {
			lo, hi, date = d.AddDate(0, 0, 1-d.Day()).Format(time.DateOnly), d.AddDate(0, 1, -d.Day()).Format(time.DateOnly), d.Format("2006-01")
		}
		status := "published"
		if i%97 == 0 {
			status = "retracted"
		}
		body := "Heavy fighting was reported."
		if i%1000 == 0 {
			body += " rareword"
		}
		exec(`INSERT INTO events (id, title, date, date_lo, date_hi, place_id, body, status, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, '', '')`, i, fmt.Sprint("Event ", i), date, lo, hi, 51+zipf(450), body, status)
		exec(`INSERT INTO event_actors (event_id, actor_id, role, position) VALUES (?, ?, '', 0)`, i, 1+zipf(200))
		exec(`INSERT OR IGNORE INTO event_actors (event_id, actor_id, role, position) VALUES (?, ?, '', 1)`, i, 1+zipf(200))
		exec(`INSERT INTO event_tags (event_id, tag) VALUES (?, ?)`, i, fmt.Sprint("tag", 1+zipf(30)))
	}
	exec(`INSERT INTO timeline_events (timeline_id, event_id, excluded) VALUES (2, 5, 0), (2, 6, 0), (2, 7, 1), (3, 5, 0), (3, 6, 0)`)
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
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
	for _, name := range []string{"SCAN (subquery", "SCAN sub", "SCAN up", "SCAN json_each", "SCAN e VIRTUAL", "CONSTANT ROW"} {
		if strings.HasPrefix(line, name) {
			return false
		}
	}
	return true
}
