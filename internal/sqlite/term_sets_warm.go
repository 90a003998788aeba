package sqlite

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"slices"

	"github.com/sitrep/sitrep/internal/conflict"
)

// The sets a search counts from are otherwise made only once a reader's
// search has proved its words common, so the first searches after start
// walk the index (8–35 ms for three common words at a million events)
// and make a busy server's slowest answers. Warming makes, at start, the
// sets for the words a sample of each index's rows shows to be common:
// the words every later search would prove common anyway.
const (
	// warmRuns and warmRunRows shape the sample: runs of consecutive
	// rows at random places, so that a word common only in a stretch of
	// the record (a year's, a region's) is still seen.
	warmRuns    = 96
	warmRunRows = 24
	// warmSeen is how many sampled rows a word must appear in: a word
	// seen once in two thousand rows may be rare.
	warmSeen = 3
	// warmShare is the part of the sets' memory warming may fill, so
	// that words readers prove common still find room.
	warmShare = 0.75
)

// warmIndexes are the search indexes searches count from sets.
var warmIndexes = []string{"events_date_fts", "records_fts"}

// indexSamples says where the text of each search index's rows is read
// from, a row at a time in order of the set positions (setPosition) they
// take: the number of rows and their range, and a run of rows from a
// point. Neither index keeps text: records_fts's comes from the records'
// tables (recordKinds), and events_date_fts's rows are the events.
var indexSamples = map[string]struct{ span, run string }{
	"records_fts": {
		span: `SELECT count(*), coalesce(min(id), 0), coalesce(max(id), 0) FROM records_fts_docsize`,
		run:  recordsFrom,
	},
	"events_date_fts": {
		span: `SELECT count(*), coalesce(min(id), 0), coalesce(max(id), 0) FROM events`,
		run:  `SELECT title || ' ' || body FROM events WHERE id >= ? ORDER BY id LIMIT ?`,
	},
}

// WarmSearch makes sets for the common words of each search index (see
// termSets) and returns once they are made, with how many words it chose:
// at a million events, 170 words, half a second to choose them and about
// fourteen seconds of one core to make them, while searches walk the
// index as before. Call it in the background at start. A database closed
// meanwhile ends it with an error that is context.Canceled.
func (db *DB) WarmSearch(ctx context.Context) (words int, err error) {
	return db.terms.warm(ctx, warmIndexes...)
}

// warm samples each index, chooses its common words within the share of
// memory each index may fill, queues their sets and waits for them.
func (s *termSets) warm(ctx context.Context, indexes ...string) (int, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	defer context.AfterFunc(s.ctx, cancel)()
	// Within the sets' bound as it stands: one the memory governor has
	// lowered (internal/memory) would evict the last sets made to keep the
	// next.
	budget := uint64(float64(s.sets.GetMaximum()) * warmShare / float64(len(indexes)))
	var keys []termKey
	for _, index := range indexes {
		words, err := commonWords(ctx, s.read, index, budget)
		if err != nil {
			if s.ctx.Err() != nil {
				return 0, fmt.Errorf("search sets: %w", s.ctx.Err())
			}
			return 0, err
		}
		for _, w := range words {
			keys = append(keys, termKey{index, `"` + w + `"`})
		}
	}
	s.enqueue(keys, len(keys)+termSetsQueued)
	// A caller that gives up (a server shutting down) stops waiting; the
	// sets queued are still made, until the database closes.
	if err := s.waitContext(ctx); err != nil {
		return 0, fmt.Errorf("search sets: %w", err)
	}
	// A database closing stops the build with sets still queued, and
	// the build may stop before the end of its context has reached ctx.
	s.mu.Lock()
	cut := s.closed && len(s.queue) > 0
	s.mu.Unlock()
	if cut {
		return 0, fmt.Errorf("search sets: %w", context.Canceled)
	}
	return len(keys), nil
}

// commonWords reads a sample of index's rows and gives the words found in
// enough of them that a search for them would count more than rankLimit
// rows, commonest first, as many as fit in budget bytes of sets.
func commonWords(ctx context.Context, read *sql.DB, index string, budget uint64) ([]string, error) {
	tx, err := read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	sample, ok := indexSamples[index]
	if !ok {
		return nil, fmt.Errorf("search sets: no sample of %s", index)
	}
	var rows, lo, hi int64
	if err := tx.QueryRowContext(ctx, sample.span).Scan(&rows, &lo, &hi); err != nil || rows == 0 {
		return nil, err
	}
	seen := map[string]int{}
	sampled := 0
	rng := rand.New(rand.NewPCG(uint64(lo), uint64(hi)))
	for range warmRuns {
		from := lo + rng.Int64N(hi-lo+1)
		texts, err := tx.QueryContext(ctx, sample.run, from, warmRunRows)
		if err != nil {
			return nil, err
		}
		for texts.Next() {
			var text string
			if err := texts.Scan(&text); err != nil {
				texts.Close()
				return nil, err
			}
			sampled++
			words := conflict.SearchWords(text)
			slices.Sort(words)
			for _, w := range slices.Compact(words) {
				seen[w]++
			}
		}
		if err := texts.Close(); err != nil {
			return nil, err
		}
	}
	type word struct {
		text    string
		matches float64
	}
	var common []word
	for w, n := range seen {
		matches := float64(n) / float64(sampled) * float64(rows)
		if n >= warmSeen && matches > rankLimit {
			common = append(common, word{w, matches})
		}
	}
	slices.SortFunc(common, func(a, b word) int {
		return cmp.Or(cmp.Compare(b.matches, a.matches), cmp.Compare(a.text, b.text))
	})
	var out []string
	var used uint64
	for _, w := range common {
		size := setBytes(w.matches/float64(rows), rows)
		if used+size > budget {
			break
		}
		used += size
		out = append(out, w.text)
	}
	return out, nil
}

// setBytes estimates the size of a set holding a share of the rowids
// among span rows (rowids, or records_fts's positions, are dense): a roaring set keeps each block of 65,536
// positions as a sorted list of two bytes an entry, or as a bitmap of
// 8 KB once that is smaller.
func setBytes(share float64, span int64) uint64 {
	blocks := span/(1<<16) + 1
	perBlock := min(share*(1<<16)*2, 8192)
	return uint64(float64(blocks) * (perBlock + 16))
}
