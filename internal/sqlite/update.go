package sqlite

import (
	"context"
	"database/sql"
	"errors"

	"github.com/sitrep/sitrep/internal/conflict"
)

// record is what an edit asks of every kind of record: to be tidied and
// then judged.
type record[T any] interface {
	*T
	Normalize()
	Validate() error
}

// updateRecord is the one shape of an edit of the record (rt, id): rec is
// normalised and checked, then written by write through editRecord (the
// review gate), working on a copy. prepare, when set, runs first on the
// copy and is kept even when the edit waits for review. When the edit
// goes live, rec becomes the record as stored; when it waits, rec is left
// as given and the pending edit is returned. An edit that changes nothing
// writes nothing and is no error: rec becomes the record as stored, its
// version still the edit's base, and no pending edit is returned.
func updateRecord[T any, P record[T]](ctx context.Context, db *DB, rt conflict.RecordType, id int64, rec P, ch conflict.Change,
	prepare func(tx *sql.Tx, edit *T) error,
	write func(tx *sql.Tx, edit *T, ch conflict.Change) (stored any, title string, err error)) (*conflict.PendingEdit, error) {
	rec.Normalize()
	if err := rec.Validate(); err != nil {
		return nil, err
	}
	edit := *rec
	var prep func(tx *sql.Tx) error
	if prepare != nil {
		prep = func(tx *sql.Tx) error { return prepare(tx, &edit) }
	}
	pending, err := db.editRecord(ctx, rt, id, ch, prep, func(tx *sql.Tx, ch conflict.Change) (any, string, error) {
		return write(tx, &edit, ch)
	})
	var same *unchangedEdit
	if errors.As(err, &same) {
		if stored, ok := same.stored.(T); ok {
			*rec = stored
		}
		return nil, nil
	}
	if err == nil && pending == nil {
		*rec = edit
	}
	return pending, err
}
