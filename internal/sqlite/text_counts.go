package sqlite

import (
	"context"
	"fmt"
)

// The counts kept (readTxn.texts) are how many events each full-text query
// matches (up to ftsCountLimit, or further when asked), per snapshot of the record. The planner
// counts a query's matches to choose how to read them, and a histogram of
// the same list plans it again: for words that are common but rarely
// meet, each count walks their whole lists of matches, most of a page's
// cost. A reader who narrows the dates of one search asks the same count
// again, and the answer holds until an event is written, which writes a
// revision.

// textCountsKept bounds the queries kept: a flood of made-up words clears
// them rather than growing them.
const textCountsKept = 4096

// countTextMatches counts the events the full-text query match matches,
// up to limit, from the kept counts when the read transaction keeps them.
func countTextMatches(ctx context.Context, q querier, match string, limit int) (int, error) {
	count := func() (int, error) {
		var n int
		if err := q.QueryRowContext(ctx, `SELECT count(*) FROM (SELECT 1 FROM events_date_fts WHERE events_date_fts MATCH ? LIMIT ?)`,
			match, limit).Scan(&n); err != nil {
			return 0, fmt.Errorf("count text matches: %w", err)
		}
		return n, nil
	}
	t, ok := q.(readTxn)
	if !ok || t.texts == nil {
		return count()
	}
	revision, err := snapshotRevision(ctx, q)
	if err != nil {
		return 0, err
	}
	return t.texts.Get(revision, fmt.Sprint(limit, "\x00", match), textCountsKept, nil, count)
}
