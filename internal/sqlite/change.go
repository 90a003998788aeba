package sqlite

import "context"

// LastChange returns a number that grows with every write to a curated
// record: the id of the newest revision, or 0 for an empty database. Every
// create, update, publication, retraction and revert writes a revision in
// its own transaction, so a page built from the database is unchanged as
// long as LastChange is; caches key their ETags on it. The lookup reads the
// end of the revisions table's primary key and costs the same at any size.
func (db *DB) LastChange(ctx context.Context) (int64, error) {
	var id int64
	err := db.read.QueryRowContext(ctx, `SELECT coalesce(max(id), 0) FROM revisions`).Scan(&id)
	return id, err
}
