package sqlite

import (
	"context"
	"fmt"
	"strings"
	"testing"
)

// TestDeskAndQueueQueriesUseIndexes explains the queries of the editor's
// desk, the review queue and the header's count on a database where one
// curator wrote most of the revisions, with ANALYZE statistics, and fails
// when one reads a table whole or looks a record's revisions up through
// the author index (which for that curator is most of the table).
func TestDeskAndQueueQueriesUseIndexes(t *testing.T) {
	ctx := context.Background()
	db := openSkewed(t, 3000)
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := tx.ExecContext(ctx, q, args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	exec(`INSERT INTO users (id, email, name, role, password_hash, created_at, updated_at) VALUES (1, 'c@x', 'Curator', 'editor', '', '', ''), (2, 'r@x', 'Reviewer', 'reviewer', '', '', '')`)
	for i := 1; i <= 3000; i++ {
		author := 1
		if i%10 == 0 {
			author = 2
		}
		for n := 1; n <= 3; n++ {
			exec(`INSERT INTO revisions (record_type, record_id, number, action, snapshot, author_id, author_name, created_at)
				VALUES ('event', ?, ?, 'update', CAST('{}' AS BLOB), ?, 'x', ?)`, i, n, author, fmt.Sprintf("2020-01-01T00:%02d:%02d.000000Z", i/60%60, n))
		}
		switch i % 50 {
		case 1:
			exec(`UPDATE events SET status = 'draft' WHERE id = ?`, i)
		case 2:
			exec(`UPDATE events SET status = 'submitted' WHERE id = ?`, i)
		case 3:
			exec(`UPDATE events SET status = 'rejected', status_note = 'no' WHERE id = ?`, i)
		}
		if i%20 == 0 {
			state, decided, note := "pending", "", ""
			if i%40 == 0 {
				state, decided, note = "returned", "2020-02-01T00:00:00.000000Z", "why"
			}
			exec(`INSERT INTO pending_edits (record_type, record_id, base_version, encoding, snapshot, author_id, author_name, created_at, state, decided_at, decision_note)
				VALUES ('event', ?, 1, 0, CAST('{}' AS BLOB), 1, 'Curator', '2020-01-02T00:00:00.000000Z', ?, ?, ?)`, i, state, decided, note)
		}
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	if _, err := db.write.ExecContext(ctx, "ANALYZE"); err != nil {
		t.Fatal(err)
	}
	cutoff := "2019-01-01T00:00:00.000000Z"
	queries := []struct {
		name   string
		query  string
		params []any
		// author is true where the author index should drive the query.
		author bool
	}{
		{"desk records count", `SELECT count(*) FROM (` + deskStatusUnion + `) WHERE at IS NOT NULL`, []any{1, "draft"}, false},
		{"desk records page", deskRecordsQuery,
			[]any{1, "submitted", "2020-01-01T00:10:00.000000Z", "event", 500, 51}, false},
		{"desk published", deskPublishedQuery, []any{1, "2020-01-01T00:10:00.000000Z", 500, 11}, true},
		{"header count", countReturnedQuery, []any{1, cutoff}, false},
		{"returned edits", `SELECT ` + pendingColumns + ` FROM pending_edits p WHERE p.author_id = ?1 AND ` + returnedSince +
			` AND (?3 <= 0 OR p.id < ?3) ORDER BY p.id DESC LIMIT ?4`, []any{1, cutoff, 0, 51}, false},
		{"pending edits", `SELECT ` + pendingColumns + ` FROM pending_edits p WHERE p.author_id = ?1 AND p.state = ?2
			AND (?3 <= 0 OR p.id < ?3) ORDER BY p.id DESC LIMIT ?4`, []any{1, "pending", 0, 51}, false},
		{"queue keys", queueKeysQuery, nil, false},
	}
	for _, q := range queries {
		t.Run(q.name, func(t *testing.T) {
			rows, err := db.read.Query("EXPLAIN QUERY PLAN "+q.query, q.params...)
			if err != nil {
				t.Fatalf("explain: %v", err)
			}
			var plan []string
			for rows.Next() {
				var id, parent, unused int
				var detail string
				if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
					t.Fatal(err)
				}
				plan = append(plan, detail)
			}
			rows.Close()
			joined := strings.Join(plan, "\n  ")
			for _, line := range plan {
				// A SELECT of sums without a FROM reads one constant row.
				if fullScan(line) && line != "SCAN CONSTANT ROW" {
					t.Errorf("query scans a whole table: %q\nplan:\n  %s", line, joined)
				}
			}
			if q.author && !strings.Contains(plan[0], "revisions_author_idx") {
				t.Errorf("the user's revisions are not walked by the author index:\n  %s", joined)
			}
			if strings.Contains(joined, "USE TEMP B-TREE FOR ORDER BY") && q.author {
				t.Errorf("the walk sorts instead of reading the author index in order:\n  %s", joined)
			}
			if strings.Count(joined, "revisions_author_idx") > map[bool]int{true: 1}[q.author] {
				t.Errorf("a record's revisions are looked up through the author index:\n  %s", joined)
			}
			t.Logf("plan:\n  %s", joined)
		})
	}
}
