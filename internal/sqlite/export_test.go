package sqlite

import (
	"context"
	"time"

	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/memory"
)

// SearchByIndex is Search counting every query with FTS5, as it did
// before sets of common words' matches.
func (db *DB) SearchByIndex(ctx context.Context, input string, limit int) (conflict.SearchResults, error) {
	return db.search(ctx, input, limit, nil)
}

// SetTermSetsSlow sets how long a count by FTS5 may take before its words
// get sets; 0 gives every plain query's words sets.
func (db *DB) SetTermSetsSlow(d time.Duration) { db.terms.slow = d }

// SetTermSetsChunk sets how many rowids a set is read in at a time.
func (db *DB) SetTermSetsChunk(n int) { db.terms.chunk = n }

// WaitForTermSets returns once every set asked for is made.
func (db *DB) WaitForTermSets() { db.terms.wait() }

// TermSetAnswers counts the counts answered from sets.
func (db *DB) TermSetAnswers() int64 { return db.terms.answered.Load() }

// TermSetsClose ends the making of sets, as Close does first.
func (db *DB) TermSetsClose() { db.terms.close() }

// TermSetsStop ends the making of sets as TermSetsClose does, without
// waiting for it to stop.
func (db *DB) TermSetsStop() {
	db.terms.mu.Lock()
	db.terms.closed = true
	db.terms.mu.Unlock()
	db.terms.stop()
}

// TermSetsBuilding reports whether a set is being made.
func (db *DB) TermSetsBuilding() bool {
	db.terms.mu.Lock()
	defer db.terms.mu.Unlock()
	return db.terms.running
}

// DaySeriesReads is how many day tally series have been read from the
// database.
func (db *DB) DaySeriesReads() int64 { return db.series.reads.Load() }

// TermSetBuilds counts the sets made (or found current) by the builder.
func (db *DB) TermSetBuilds() int64 { return db.terms.builds.Load() }

// SetTermSetRemade sets how soon a set pushed out may be made again.
func (db *DB) SetTermSetRemade(d time.Duration) { db.terms.remade = d }

// TermSetsCache is the cache that bounds search's sets.
func (db *DB) TermSetsCache() memory.Cache { return db.terms.sets }

// SpillStats says what the spill store holds: bytes and segments.
func (db *DB) SpillStats() (live, segments int) { return db.spill.Stats() }
