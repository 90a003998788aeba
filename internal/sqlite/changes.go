package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"

	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/snapshot"
)

// What a public change did to the record readers see.
const (
	// ChangePublished: the record became public (its first publication,
	// or its publication again after a retraction).
	ChangePublished = "published"
	// ChangeUpdated: a public record changed and stayed public (an
	// accepted edit, a reviewer's own edit, a revert).
	ChangeUpdated = "updated"
	// ChangeRetracted: a published record was retracted; it stays
	// readable, labelled with the reason.
	ChangeRetracted = "retracted"
)

// PublicChange is a revision that changed what readers see: the record's
// state after it, with what it did to the public record.
type PublicChange struct {
	conflict.Revision
	// What is ChangePublished, ChangeUpdated or ChangeRetracted.
	What string
	// Cursor resumes the list after this change.
	Cursor string
	// Latest says whether this was the record's newest revision when the
	// page was read: its state is then the record's state now.
	Latest bool
}

// ChangePage is one page of public changes, oldest first.
type ChangePage struct {
	Changes []PublicChange
	// Next resumes the list after everything this page read, which may be
	// past its last change: revisions no reader saw are skipped once.
	// It is the cursor given when nothing was read.
	Next string
	// More says whether more revisions were already written after Next;
	// without it a consumer is up to date and may ask again later.
	More bool
}

// changeScan bounds how many revisions one page reads, public or not, so
// that a stretch of drafts costs a bounded page that says More rather
// than a read of all of them.
const changeScan = 2000

// FindChanges lists, oldest first, the revisions that reached readers
// after the cursor since ("" from the beginning): every publication,
// edit of a public record and retraction of every kind of record. Drafts,
// submissions and returned submissions are left out, and so are pending
// edits, which become revisions only when accepted. A revision counts
// when its snapshot is of a public record, as history pages count it, so
// the list replayed from the start rebuilds the public record. At most
// limit changes are returned. A cursor this list did not make is an
// Invalid error on the "cursor" field.
func (db *DB) FindChanges(ctx context.Context, since string, limit int) (ChangePage, error) {
	after, err := parseChangeCursor(since)
	if err != nil {
		return ChangePage{}, err
	}
	page := ChangePage{Next: since}
	if page.Next == "" {
		page.Next = changeCursor(0)
	}
	// Submissions and returns never leave a public snapshot: the query
	// skips them without reading their snapshots.
	rows, err := db.read.QueryContext(ctx, `SELECT `+revisionColumns+` FROM revisions
		WHERE id > ? AND action NOT IN ('submit', 'reject') ORDER BY id LIMIT ?`, after, changeScan+1)
	if err != nil {
		return ChangePage{}, err
	}
	var (
		public  []conflict.Revision
		scanned int
		last    int64
		blocks  blockReader
	)
	for rows.Next() {
		if scanned == changeScan {
			page.More = true
			break
		}
		r, err := blocks.scanRevision(rows)
		if err != nil {
			rows.Close()
			return ChangePage{}, err
		}
		st, err := snapshot.Status(r.RecordType, r.Snapshot)
		if err != nil {
			rows.Close()
			return ChangePage{}, fmt.Errorf("%s %d revision %d: %w", r.RecordType, r.RecordID, r.Number, err)
		}
		if st.Public() {
			if len(public) == limit {
				page.More = true
				break
			}
			public = append(public, r)
		}
		scanned++
		last = int64(r.ID)
	}
	if err := rows.Close(); err != nil {
		return ChangePage{}, err
	}
	if err := rows.Err(); err != nil {
		return ChangePage{}, err
	}
	if last > 0 {
		page.Next = changeCursor(last)
	}
	page.Changes = make([]PublicChange, 0, len(public))
	for _, r := range public {
		what, err := db.changeOf(ctx, r)
		if err != nil {
			return ChangePage{}, err
		}
		var newest int
		if err := db.read.QueryRowContext(ctx, `SELECT max(number) FROM revisions WHERE record_type = ? AND record_id = ?`,
			r.RecordType, r.RecordID).Scan(&newest); err != nil {
			return ChangePage{}, err
		}
		page.Changes = append(page.Changes, PublicChange{Revision: r, What: what, Cursor: changeCursor(int64(r.ID)), Latest: newest == r.Number})
	}
	return page, nil
}

// changeOf says what a public revision did, from the status of the
// record it leaves and the one the revision before it left.
func (db *DB) changeOf(ctx context.Context, r conflict.Revision) (string, error) {
	st, err := snapshot.Status(r.RecordType, r.Snapshot)
	if err != nil {
		return "", err
	}
	before := conflict.Status("")
	if r.Number > 1 {
		var stored storedSnapshot
		err := db.read.QueryRowContext(ctx, `SELECT `+snapshotColumns("revisions")+` FROM revisions
			WHERE record_type = ? AND record_id = ? AND number = ?`, r.RecordType, r.RecordID, r.Number-1).Scan(stored.dest()...)
		switch {
		case err == sql.ErrNoRows:
		case err != nil:
			return "", err
		default:
			var blocks blockReader
			js, err := blocks.decode(stored)
			if err != nil {
				return "", err
			}
			if before, err = snapshot.Status(r.RecordType, js); err != nil {
				return "", err
			}
		}
	}
	switch {
	case !before.Public():
		return ChangePublished, nil
	case st == conflict.Retracted && before != conflict.Retracted:
		return ChangeRetracted, nil
	case st == conflict.Published && before == conflict.Retracted:
		return ChangePublished, nil
	}
	return ChangeUpdated, nil
}

// changeCursor is the cursor resuming after revision id. It is the id
// written out; consumers keep it as it is and never read it.
func changeCursor(id int64) string { return strconv.FormatInt(id, 10) }

func parseChangeCursor(s string) (int64, error) {
	if s == "" {
		return 0, nil
	}
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id < 0 {
		msg := "That cursor is not one this list gave; start again from the beginning."
		return 0, &conflict.Error{Code: conflict.Invalid, Message: msg, Fields: conflict.FieldErrors{"cursor": msg}}
	}
	return id, nil
}
