package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"reflect"
	"testing"
)

// A bulk write that leaves a search index in many segments merges them
// into one, and every word is still found; an index in a few segments is
// left alone, since merging a large one takes seconds.
func TestBulkWritesMergeAFragmentedSearchIndex(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "segments.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	// Without FTS5's own merging each commit leaves a segment, as a long
	// bulk load leaves many.
	for _, tbl := range searchIndexes {
		if _, err := db.write.ExecContext(ctx, `INSERT INTO `+tbl+` (`+tbl+`, rank) VALUES ('automerge', 0)`); err != nil {
			t.Fatal(err)
		}
	}
	const commits = 12
	for i := 1; i <= commits; i++ {
		if _, err := db.write.ExecContext(ctx, `INSERT INTO events (id, title, date, date_lo, date_hi, body, status, created_at, updated_at)
			VALUES (?, ?, '2016-10-17', '2016-10-17', '2016-10-17', ?, 'published', '', '')`,
			i, fmt.Sprint("Offensive day ", i), fmt.Sprintf("Fighting near Mosul, report %d.", i)); err != nil {
			t.Fatal(err)
		}
	}
	before, err := searchSegments(ctx, db.write, "events_date_fts")
	if err != nil {
		t.Fatal(err)
	}
	if before <= maxSearchSegments {
		t.Fatalf("the index is in %d segments after %d commits; the test needs more than %d", before, commits, maxSearchSegments)
	}
	// Any bulk write merges on its way out; this one writes nothing.
	if err := db.bulkTx(ctx, func(*sql.Tx) error { return nil }); err != nil {
		t.Fatal(err)
	}
	for _, tbl := range []string{"events_date_fts"} {
		n, err := searchSegments(ctx, db.write, tbl)
		if err != nil {
			t.Fatal(err)
		}
		if n != 1 {
			t.Errorf("after a bulk write %s is in %d segments; want one", tbl, n)
		}
	}
	res, err := db.Search(ctx, "mosul", 50)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Events) != commits {
		t.Errorf("a search for a word in every event finds %d of %d after the merge", len(res.Events), commits)
	}
	// One more commit makes two segments: too few to be worth a merge.
	if _, err := db.write.ExecContext(ctx, `INSERT INTO events (id, title, date, date_lo, date_hi, body, status, created_at, updated_at)
		VALUES (99, 'Late report', '2016-10-18', '2016-10-18', '2016-10-18', 'Mosul again.', 'published', '', '')`); err != nil {
		t.Fatal(err)
	}
	if err := db.bulkTx(ctx, func(*sql.Tx) error { return nil }); err != nil {
		t.Fatal(err)
	}
	if n, _ := searchSegments(ctx, db.write, "events_date_fts"); n != 2 {
		t.Errorf("a bulk write merged an index in a few segments (now %d); want it left alone", n)
	}
}

// Once the desk pauses, an index its writes left in several segments is
// merged into one: searches find the same, and the sets of common words
// made before stay in use.
// An index in few segments is left alone.
func TestMergeSearchIndexesAfterWrites(t *testing.T) {
	ctx := t.Context()
	db := openTemp(t, "quiet.db")
	db.terms.slow = 0
	// Without FTS5's own merging each commit leaves a segment.
	for _, tbl := range searchIndexes {
		if _, err := db.write.ExecContext(ctx, `INSERT INTO `+tbl+` (`+tbl+`, rank) VALUES ('automerge', 0)`); err != nil {
			t.Fatal(err)
		}
	}
	for i := 1; i <= quietSegments+3; i++ {
		if _, err := db.write.ExecContext(ctx, `INSERT INTO events (id, title, date, date_lo, date_hi, body, status, created_at, updated_at)
			VALUES (?, ?, '2016-10-17', '2016-10-17', '2016-10-17', ?, 'published', '', '')`,
			i, fmt.Sprint("Offensive day ", i), fmt.Sprintf("Fighting near Mosul, report %d.", i)); err != nil {
			t.Fatal(err)
		}
	}
	if n, err := searchSegments(ctx, db.read, "events_date_fts"); err != nil || n <= quietSegments {
		t.Fatalf("the events' index is in %d segments (%v); the test needs more than %d", n, err, quietSegments)
	}
	before, err := db.Search(ctx, "fighting mosul", 20)
	if err != nil {
		t.Fatal(err)
	}
	db.terms.wait()

	merged, err := db.MergeSearchIndexes(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(merged, []string{"events_date_fts"}) {
		t.Errorf("merged %v, want the events' index (the records' had no writes)", merged)
	}
	for _, tbl := range merged {
		if n, err := searchSegments(ctx, db.read, tbl); err != nil || n != 1 {
			t.Errorf("%s is in %d segments after merging (%v), want one", tbl, n, err)
		}
	}
	answered := db.terms.answered.Load()
	after, err := db.Search(ctx, "fighting mosul", 20)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(after, before) || len(after.Events) != quietSegments+3 {
		t.Errorf("after merging, search found %d events (%+v); before, %d", len(after.Events), after, len(before.Events))
	}
	if db.terms.answered.Load() == answered {
		t.Error("after merging, the search was not counted from the sets made before")
	}
}
