package sqlite

import (
	"context"
	"fmt"
	"time"
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
// up to ftsCountLimit, from the kept counts when the read transaction
// keeps them.
func countTextMatches(ctx context.Context, q querier, match string) (int, error) {
	t, ok := q.(readTxn)
	if !ok || t.texts == nil {
		return ftsCount(ctx, q, match, ftsCountLimit)
	}
	revision, err := snapshotRevision(ctx, q)
	if err != nil {
		return 0, err
	}
	return t.texts.Get(revision, match, textCountsKept, nil, func() (int, error) { return ftsCount(ctx, q, match, ftsCountLimit) })
}

// countTextMatchesUpTo is countTextMatches of a parsed query, counting
// up to limit. A query of whole words is counted from search's sets of
// common words (termSets), exactly and at once, when it has them; a count
// without them that finds the words common asks for them, and is kept
// apart from the shorter count of the same query.
func countTextMatchesUpTo(ctx context.Context, q querier, search ftsSearch, limit int) (int, error) {
	t, ok := q.(readTxn)
	if !ok || t.texts == nil {
		return ftsCount(ctx, q, search.match, limit)
	}
	n, ok, err := t.terms.count(ctx, q, "events_date_fts", search.plain, limit)
	if err != nil || ok {
		return n, err
	}
	revision, err := snapshotRevision(ctx, q)
	if err != nil {
		return 0, err
	}
	return t.texts.Get(revision, fmt.Sprint(limit, "\x00", search.match), textCountsKept, nil, func() (int, error) {
		start := time.Now()
		n, err := ftsCount(ctx, q, search.match, limit)
		if err == nil {
			t.terms.counted("events_date_fts", search.plain, time.Since(start), n, ftsDriveLimit)
		}
		return n, err
	})
}

// ftsCount counts the events match matches in the index, up to limit.
func ftsCount(ctx context.Context, q querier, match string, limit int) (int, error) {
	var n int
	if err := q.QueryRowContext(ctx, `SELECT count(*) FROM (SELECT 1 FROM events_date_fts WHERE events_date_fts MATCH ? LIMIT ?)`,
		match, limit).Scan(&n); err != nil {
		return 0, fmt.Errorf("count text matches: %w", err)
	}
	return n, nil
}
