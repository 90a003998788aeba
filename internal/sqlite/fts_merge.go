package sqlite

import (
	"context"
	"database/sql"
	"fmt"
)

// searchIndexes are the FTS5 tables, whose words' lists of matches are
// kept in segments that FTS5 merges as it goes.
var searchIndexes = []string{"events_date_fts", "records_fts"}

// maxSearchSegments is how many segments an index may be in before a bulk
// write merges them into one. A query reads every segment a word is in
// and merges their lists as it goes: a million events loaded in bulk left
// the events' index in nine, and a search of three common words then spent five
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

// mergeStepPages is how many pages of a search index one step of
// MergeSearchIndexes writes: each step is a transaction of its own, so a
// desk's write waits for one step at most, not for the whole merge.
const mergeStepPages = 512

// quietSegments is how many segments a search index may be in before
// MergeSearchIndexes merges it. Each transaction that writes to an index
// adds a small segment, which FTS5 merges with others of its size only
// once there are four; every query seeks in each. At a million events, 30
// publishes left the events' index in ten segments, and 64 readers of
// distinct searches got 305 answers a second from it against 500 once it
// was merged into one. Merging rewrites the whole index, so a single
// edit's segment is left for FTS5.
const quietSegments = 3

// MergeSearchIndexes merges each search index that the desk's writes have
// left in more than quietSegments segments into one, a step at a time,
// and returns the indexes it merged. The content is unchanged, so search's
// sets of common words stay as they are. Call it when writes pause.
func (db *DB) MergeSearchIndexes(ctx context.Context) (merged []string, err error) {
	for _, t := range searchIndexes {
		n, err := searchSegments(ctx, db.read, t)
		if err != nil {
			return merged, err
		}
		if n <= quietSegments {
			continue
		}
		// A negative step merges segments of every level, as 'optimize'
		// does, but only so many pages at a time. Writes meanwhile add
		// segments that the next steps take in; the steps are bounded
		// all the same.
		for step := 0; n > 1 && step < 1<<16; step++ {
			if _, err := db.write.ExecContext(ctx, `INSERT INTO `+t+` (`+t+`, rank) VALUES ('merge', ?)`, -mergeStepPages); err != nil {
				return merged, fmt.Errorf("merge the segments of %s: %w", t, mapError(err))
			}
			if n, err = searchSegments(ctx, db.read, t); err != nil {
				return merged, err
			}
		}
		merged = append(merged, t)
	}
	return merged, nil
}
