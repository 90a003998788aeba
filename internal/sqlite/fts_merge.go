package sqlite

import (
	"context"
	"database/sql"
	"fmt"
)

// searchIndexes are the FTS5 tables, whose words' lists of matches are
// kept in segments that FTS5 merges as it goes.
var searchIndexes = []string{"events_fts", "events_date_fts", "records_fts"}

// maxSearchSegments is how many segments an index may be in before a bulk
// write merges them into one. A query reads every segment a word is in
// and merges their lists as it goes: a million events loaded in bulk left
// events_fts in nine, and a search of three common words then spent five
// times as long merging as it would in one. Merging a million events'
// index takes some twenty seconds, worth it after a bulk load but not
// after every small import, and FTS5's own merging keeps an index written
// a little at a time within a few segments a level.
const maxSearchSegments = 8

// execQuerier is a connection or a transaction.
type execQuerier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// mergeSearchSegments merges each search index that is in more than most
// segments into one.
func mergeSearchSegments(ctx context.Context, q execQuerier, most int) error {
	for _, t := range searchIndexes {
		n, err := searchSegments(ctx, q, t)
		if err != nil {
			return err
		}
		if n <= most {
			continue
		}
		if _, err := q.ExecContext(ctx, `INSERT INTO `+t+` (`+t+`) VALUES ('optimize')`); err != nil {
			return fmt.Errorf("merge the segments of %s: %w", t, err)
		}
	}
	return nil
}

// searchSegments counts the segments of an FTS5 index from its shadow
// table of segment pages, which has a row for each leaf page's first term.
func searchSegments(ctx context.Context, q execQuerier, table string) (int, error) {
	var n int
	if err := q.QueryRowContext(ctx, `SELECT count(DISTINCT segid) FROM `+table+`_idx`).Scan(&n); err != nil {
		return 0, fmt.Errorf("count the segments of %s: %w", table, err)
	}
	return n, nil
}
