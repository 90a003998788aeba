package sqlite

import (
	"context"
	"sync"
	"time"
)

// LastChange returns a number that grows with every write to a curated
// record or to the site's settings: the id of the newest revision plus the
// number of times the settings were saved, plus the claimant records'
// versions summed, or 0 for an empty database. Every create, update,
// publication, retraction and revert writes a revision in its own
// transaction; claimant records (whose kinds lists filter and label by)
// are revised without one, and every page shows the settings (its title,
// its footer), so a page built from the database is unchanged as long as
// LastChange is; caches key their ETags on it.
//
// Every public request asks for it, so it is kept in memory: a write
// through this DB forgets it as it commits, and otherwise it is read again
// after versionTTL, which is how soon a write by another process (the
// import command, a restore) reaches the caches.
func (db *DB) LastChange(ctx context.Context) (int64, error) {
	return db.version.get(ctx, func(ctx context.Context) (int64, error) {
		var id int64
		// The end of the revisions table's primary key: the same cost at
		// any size. Claimants are few (tens, or hundreds).
		err := db.read.QueryRowContext(ctx, `SELECT (SELECT coalesce(max(id), 0) FROM revisions) +
			(SELECT coalesce(max(version), 0) FROM site_settings) +
			(SELECT coalesce(sum(version), 0) FROM claimants)`).Scan(&id)
		return id, err
	})
}

// versionTTL is how long LastChange trusts the number it read.
const versionTTL = time.Second

// dataVersion is LastChange's memory.
type dataVersion struct {
	mu    sync.Mutex
	value int64
	read  time.Time
	// gen counts forgets, so that a read which began before a write
	// committed is not kept as if it came after.
	gen uint64
}

func (v *dataVersion) get(ctx context.Context, read func(context.Context) (int64, error)) (int64, error) {
	v.mu.Lock()
	if !v.read.IsZero() && time.Since(v.read) < versionTTL {
		n := v.value
		v.mu.Unlock()
		return n, nil
	}
	gen := v.gen
	v.mu.Unlock()
	n, err := read(ctx)
	if err != nil {
		return 0, err
	}
	v.mu.Lock()
	if v.gen == gen {
		v.value, v.read = n, time.Now()
	}
	v.mu.Unlock()
	return n, nil
}

// forget makes the next LastChange read the database; writers call it
// once they have committed.
func (v *dataVersion) forget() {
	v.mu.Lock()
	v.gen++
	v.read = time.Time{}
	v.mu.Unlock()
}
