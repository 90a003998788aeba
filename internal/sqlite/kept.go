package sqlite

import "github.com/sitrep/sitrep/internal/memory"

// KeptCaches are the database's caches whose bounds the memory governor
// may lower when the heap nears its limit: the largest it keeps, each
// with about what a unit of its weight takes.
func (db *DB) KeptCaches() []memory.Kept {
	// The table keeps a quarter of its rows (2 MB) however full the
	// heap: with none, once other pages had filled it, each table page
	// read its hundred rows again. Within 135 MB, after a force's
	// estimates, words in /events, the map and the counts over time,
	// the table answered 496 and 461 requests a second against 441 and
	// 443, builds run alternately, the other pages the same.
	kept := []memory.Kept{{Name: "table rows", Cache: db.rows.kept, UnitBytes: 1024, Floor: tableRowsFloor}}
	if db.spill != nil {
		// Search's sets and the day series are kept in the spill store,
		// and take next to nothing of the heap.
		return kept
	}
	return append(kept,
		// Search's sets save the most work a byte: a common word counted
		// without its set walks all its matches. The floor keeps the
		// sets warming makes at a million events (26 MB, within three
		// quarters of the whole bound): with half, the words pushed out
		// made a word and an actor in /events five times slower.
		memory.Kept{Name: "search sets", Cache: db.terms.sets, UnitBytes: 1, Floor: termSetsFloor},
		// Days packed in 8 bytes, a few kept plain. Every list's counts
		// over time read its series: kept whole, lowered no further than
		// a million events' keys need.
		memory.Kept{Name: "day series", Cache: db.series.kept, UnitBytes: 8, Floor: daySeriesFloor})
}

// tableRowsFloor is the least share of their bound the table's rows keep.
const tableRowsFloor = 0.25

// daySeriesFloor keeps 1.4 million days: every key's series at a million
// events.
const daySeriesFloor = 0.35

// termSetsFloor is the least share of their bound search's sets keep.
const termSetsFloor = 0.6

// The spill store beside the database keeps search's sets of common words
// (at most termSetBytes) and every key's day series, with room for what
// writes replace before the old is freed: 16 segments of 8 MB, of file
// the kernel keeps in memory as far as it is read.
const (
	spillSegmentBytes = 8 << 20
	spillSegments     = 16
)
