package sqlite

import (
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/sitrep/sitrep/internal/conflict"
)

// mapError turns driver errors into the domain's codes, by the driver's
// extended result code, never by the text of the message. Errors already in
// the domain's vocabulary pass through.
func mapError(err error) error {
	if err == nil {
		return nil
	}
	var de *conflict.Error
	if errors.As(err, &de) {
		return err
	}
	if errors.Is(err, sql.ErrNoRows) {
		return &conflict.Error{Code: conflict.NotFound, Message: "Not found."}
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() {
		case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
			return &conflict.Error{Code: conflict.Conflict, Message: "A record with the same identity already exists."}
		case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
			return &conflict.Error{Code: conflict.Invalid, Message: "A linked record does not exist."}
		case sqlite3.SQLITE_CONSTRAINT_CHECK, sqlite3.SQLITE_CONSTRAINT_NOTNULL:
			return &conflict.Error{Code: conflict.Invalid, Message: "The record breaks a rule of the data."}
		}
	}
	return err
}

// describeOpenError explains why a database file cannot be used, in words a
// person running the command can act on.
func describeOpenError(err error) error {
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() & 0xff {
		case sqlite3.SQLITE_NOTADB:
			return errors.New("not an SQLite database")
		case sqlite3.SQLITE_READONLY:
			return errors.New("cannot write here (read-only file or folder)")
		case sqlite3.SQLITE_CANTOPEN:
			return errors.New("cannot open or create the file (check the path and permissions)")
		case sqlite3.SQLITE_CORRUPT:
			return errors.New("the file is damaged (database disk image is malformed)")
		case sqlite3.SQLITE_PERM, sqlite3.SQLITE_AUTH:
			return errors.New("permission denied")
		}
	}
	return fmt.Errorf("cannot use the file: %s", strings.TrimSpace(err.Error()))
}
