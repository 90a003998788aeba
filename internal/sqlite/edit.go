package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/sitrep/sitrep/internal/conflict"
)

// Every edit of a stored record takes the version the editor started from.
// Inside the write's transaction the stored version is compared with it: a
// record that moved on gives a *conflict.EditConflict carrying the record
// as it is now, and nothing is written. The single writer connection and
// immediate transactions make the comparison and the write one step; the
// UPDATE's own "AND version = ?" guards it all the same.

// staleEdit returns the conflict error for a save based on version base of
// a record now stored as current.
func staleEdit[T any](ctx context.Context, q querier, rt conflict.RecordType, id int64, base int, current T) error {
	latest, err := latestRevision(ctx, q, rt, id)
	if err != nil && conflict.ErrorCode(err) != conflict.NotFound {
		return err
	}
	return &conflict.EditConflict[T]{Current: current, Latest: latest, BaseVersion: base}
}

// lostRace reports a versioned UPDATE that changed no row; it cannot
// happen while the version was read in the same transaction, and says so
// if it ever does.
func lostRace(res sql.Result, rt conflict.RecordType, id int64) error {
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return fmt.Errorf("update %s %d: version changed inside the transaction (%d rows, %v)", rt, id, n, err)
	}
	return nil
}

// revisionColumns are the columns scanRevision reads, of the revisions
// table, named as such in the query.
var revisionColumns = `id, record_type, record_id, number, action, ` + snapshotColumns("revisions") + `,
	author_id, author_name, summary, created_at, unreviewed`

// revisionColumnsNoSnapshot are revisionColumns but the snapshot, read as
// none: for lists and links that show a revision's number, author and
// time, not what it says.
const revisionColumnsNoSnapshot = `id, record_type, record_id, number, action, 0, '', NULL, NULL,
	author_id, author_name, summary, created_at, unreviewed`

// latestRevision is LatestRevision inside a transaction.
func latestRevision(ctx context.Context, q querier, rt conflict.RecordType, id int64) (conflict.Revision, error) {
	return newestRevision(ctx, q, revisionColumns, rt, id)
}

// findRevision is FindRevision inside a transaction.
func findRevision(ctx context.Context, q querier, rt conflict.RecordType, id int64, n int) (conflict.Revision, error) {
	r, err := scanRevision(q.QueryRowContext(ctx, `SELECT `+revisionColumns+`
		FROM revisions WHERE record_type = ? AND record_id = ? AND number = ?`, rt, id, n))
	if conflict.ErrorCode(err) == conflict.NotFound {
		return r, conflict.Errorf(conflict.NotFound, "No such revision.")
	}
	return r, err
}

// revertChange fills in the summary of a revert the editor left blank.
func revertChange(ch conflict.Change, n int) conflict.Change {
	if strings.TrimSpace(ch.Summary) == "" {
		ch.Summary = fmt.Sprintf("Reverted to revision %d", n)
	}
	return ch
}

// statusChange records the note of a review action as the revision's
// summary when the reviewer gave no other.
func statusChange(ch conflict.Change, note string) conflict.Change {
	if strings.TrimSpace(ch.Summary) == "" {
		ch.Summary = strings.TrimSpace(note)
	}
	return ch
}

// statusNote is what a record keeps of a review action's note: the
// rejection comment or the retraction reason, which its page shows; other
// actions clear it.
func statusNote(a conflict.Action, note string) string {
	if a == conflict.ActionReject || a == conflict.ActionRetract {
		return strings.TrimSpace(note)
	}
	return ""
}
