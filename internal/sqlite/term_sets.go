package sqlite

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"iter"
	"math"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/maypok86/otter/v2"

	"github.com/sitrep/sitrep/internal/spill"
)

// termSets keeps, for the words searches ask for often, the rowids of
// every row of a search index that holds the word, compressed. A search
// made only of such words is counted by intersecting them: FTS5 counts
// words that are each common by walking their lists of matches side by
// side, and when they never meet in one row it walks all of them to the
// end to say so (8 ms for three common words in records_fts at a million
// events, 35 ms in events_date_fts), where intersecting their sets takes a
// tenth of a millisecond.
//
// A set is exact for the index as it was read, which its state names. A
// write moves the index on; the next search that uses the set first brings
// it up to date from the rows the write changed, which the index's change
// log lists (0027_search_changes.sql), so it sees the write as it would
// without sets. When the log cannot say what changed (a bulk load), the set
// is not used until it is read again. Sets are made in
// the background, one at a time: at start for the words a sample of each
// index shows common (term_sets_warm.go), later for the words of searches
// whose count proved them common. Searches walk the index meanwhile, so
// no search waits for a set.
type termSets struct {
	read *sql.DB
	sets *otter.Cache[termKey, *termSet]
	// spill keeps the sets' bitmaps out of the heap when there is one
	// (nil otherwise): a set is read in place, from the page cache.
	spill *spill.Store
	tidy  spill.Tidier
	// slow is how long a count by FTS5 may take before its words are
	// worth sets.
	slow time.Duration
	// chunk is how many rowids a set is read in at a time.
	chunk int
	// stop ends a build under way when the database closes.
	ctx  context.Context
	stop context.CancelFunc

	mu     sync.Mutex
	idle   *sync.Cond // signalled when the queue is empty and no build runs
	queued map[termKey]bool
	queue  []termKey
	// made is when each set was last made: one made again soon after
	// means the sets asked for do not fit their bound (lowered by the
	// memory governor), and making each again as it is pushed out would
	// spend a core on sets that do not stay.
	made map[termKey]time.Time
	// remade is how long after a set was made it may be made again once
	// pushed out (termSetRemade; tests shorten it).
	remade time.Duration
	// builds counts the sets made or found current, for tests.
	builds  atomic.Int64
	running bool
	closed  bool

	// answered counts the searches counted from sets.
	answered atomic.Int64
}

// termKey names a set: a search index and one quoted term of its queries.
type termKey struct{ index, term string }

// termSet is a term's matches in its index in one state: in ids, or
// serialized in the spill store, kept.
type termSet struct {
	at   indexState
	ids  *roaring.Bitmap
	kept spill.Ref
}

// bytes is what the set takes where it is kept.
func (t *termSet) bytes() uint64 {
	if t.ids == nil {
		return uint64(t.kept.Len())
	}
	return t.ids.GetSizeInBytes()
}

// keep returns the set of ids at state at as the cache keeps it: in the
// spill store when there is one with room, otherwise ids itself. ids is
// not changed; the caller may go on reading it.
func (s *termSets) keep(at indexState, ids *roaring.Bitmap) *termSet {
	if s.spill == nil {
		return &termSet{at: at, ids: ids}
	}
	b, err := ids.ToBytes()
	if err != nil {
		return &termSet{at: at, ids: ids}
	}
	ref, ok := s.spill.Put(b)
	if !ok {
		s.tidy.Refused(s.spill, s.moveOut)
		return &termSet{at: at, ids: ids}
	}
	s.tidy.Maybe(s.spill, s.moveOut)
	return &termSet{at: at, kept: ref}
}

// moveOut moves the sets kept in segments of the spill store being
// emptied (spill.Tidier) to its current one.
func (s *termSets) moveOut() {
	// A set kept in the heap names nothing in the store: Move leaves it.
	for k, set := range s.sets.All() {
		s.spill.Move(set.kept, func(to spill.Ref) bool {
			moved := &termSet{at: set.at, kept: to}
			got, _ := s.sets.Compute(k, func(old *termSet, found bool) (*termSet, otter.ComputeOp) {
				if !found || old != set {
					return old, otter.CancelOp
				}
				return moved, otter.WriteOp
			})
			return got == moved
		})
	}
}

// open returns set's bitmap and what to call once done reading it, or ok
// false when the store no longer keeps it (the set has been replaced or
// pushed out since it was found).
func (s *termSets) open(set *termSet) (ids *roaring.Bitmap, release func(), ok bool) {
	if set.ids != nil {
		return set.ids, func() {}, true
	}
	v, ok := s.spill.View(set.kept)
	if !ok {
		return nil, nil, false
	}
	ids = roaring.New()
	if _, err := ids.FromUnsafeBytes(v.Bytes); err != nil {
		v.Release()
		return nil, nil, false
	}
	return ids, v.Release, true
}

// indexState names the content of a search index: the last entry of the
// change log (0027_search_changes.sql), which says what changed between
// two states, and the index's averages record (id 1 of its shadow table:
// its count of rows and of their words), which every insert and delete
// changes, so that a write the log missed (a bulk load's, while it has the
// log's triggers set aside) is seen.
type indexState struct {
	logged   int64
	averages string
}

const (
	// termSetBytes bounds the memory of all sets. A word in a quarter of a
	// million events takes about 130 KB, one in a hundred thousand of
	// records_fts's 1.3 million quotes about 150 KB: some three hundred
	// common words fit. With 32 MB, the words warming chose for the
	// quotes left out a dozen the benchmark's searches ask for, whose
	// sets were then made during its run.
	termSetBytes = 48 << 20
	// setChunk is how many rowids a set is read in at a time.
	setChunk = 1 << 16
	// termSetsQueued bounds the words waiting for a set: a flood of
	// made-up words is dropped rather than queued.
	termSetsQueued = 64
	// termSetRemade is how long after a set was made it may be made
	// again once pushed out of its bound.
	termSetRemade = time.Minute
	// termSetsRemembered bounds the words whose sets' making is
	// remembered.
	termSetsRemembered = 4096
	// slowCount is how long a count by FTS5 takes, at most, for words that
	// are not worth sets.
	slowCount = 2 * time.Millisecond
)

func newTermSets(read *sql.DB, store *spill.Store) *termSets {
	ctx, stop := context.WithCancel(context.Background())
	s := &termSets{read: read, spill: store, slow: slowCount, chunk: setChunk, ctx: ctx, stop: stop, queued: map[termKey]bool{}, made: map[termKey]time.Time{}, remade: termSetRemade}
	s.sets = otter.Must(&otter.Options[termKey, *termSet]{
		MaximumWeight: termSetBytes,
		Weigher: func(k termKey, t *termSet) uint32 {
			return uint32(min(t.bytes()+uint64(len(k.index)+len(k.term)+len(t.at.averages))+64, math.MaxUint32))
		},
		// A set pushed out or replaced gives its space in the store up;
		// searches reading it meanwhile hold their views.
		OnDeletion: func(e otter.DeletionEvent[termKey, *termSet]) { store.Free(e.Value.kept) },
	})
	s.idle = sync.NewCond(&s.mu)
	return s
}

// plainTerms are a query's terms, each a word, a phrase or a prefix: the
// quoted FTS5 terms to find, and those to leave out.
type plainTerms struct{ include, exclude []string }

// keys names the sets of every term in index: those to find, then those
// to leave out.
func (t *plainTerms) keys(index string) []termKey {
	keys := make([]termKey, 0, len(t.include)+len(t.exclude))
	for _, term := range append(t.include[:len(t.include):len(t.include)], t.exclude...) {
		keys = append(keys, termKey{index, term})
	}
	return keys
}

// count counts the rows of index that the terms match, up to limit, from
// the sets, or says it cannot (ok false) when a term has no set, or its set
// cannot be brought up to the index as it now is.
func (s *termSets) count(ctx context.Context, q querier, index string, terms *plainTerms, limit int) (n int, ok bool, err error) {
	include, exclude, release, ok, err := s.current(ctx, q, index, terms)
	if !ok || err != nil {
		return 0, false, err
	}
	defer release()
	var found uint64
	switch {
	case len(exclude) == 0 && len(include) == 1:
		found = include[0].GetCardinality()
	case len(exclude) == 0 && len(include) == 2:
		found = include[0].AndCardinality(include[1])
	case len(exclude) == 0:
		found = roaring.FastAnd(include[:len(include)-1]...).AndCardinality(include[len(include)-1])
	default:
		found = combine(include, exclude).GetCardinality()
	}
	s.answered.Add(1)
	return int(min(found, uint64(limit))), true, nil
}

// matches gives the set positions (setPosition) of the rows of index
// that the terms match, as count counts them, or nil when it cannot, and
// what to call once done reading them. The set is shared: it must not be
// changed.
func (s *termSets) matches(ctx context.Context, q querier, index string, terms *plainTerms) (*roaring.Bitmap, func(), error) {
	include, exclude, release, ok, err := s.current(ctx, q, index, terms)
	if !ok || err != nil {
		return nil, nil, err
	}
	if len(include) == 1 && len(exclude) == 0 {
		return include[0], release, nil
	}
	// What combine makes may share containers with the sets it read.
	return combine(include, exclude), release, nil
}

// combine is the rows in every set of include and none of exclude, in a
// set of its own.
func combine(include, exclude []*roaring.Bitmap) *roaring.Bitmap {
	var matches *roaring.Bitmap
	if len(include) == 1 {
		// The set itself is shared.
		matches = include[0].Clone()
	} else {
		matches = roaring.FastAnd(include...)
	}
	for _, x := range exclude {
		matches.AndNot(x)
	}
	return matches
}

// current gives the sets of the terms to find, smallest first, and of
// those to leave out, each of the index as q sees it, or says it cannot
// (ok false) when a term has no set, or its set cannot be brought up to
// the index as it now is. Once ok, release must be called when the sets
// are no longer read.
func (s *termSets) current(ctx context.Context, q querier, index string, terms *plainTerms) (include, exclude []*roaring.Bitmap, release func(), ok bool, err error) {
	if s == nil || terms == nil || len(terms.include) == 0 {
		return nil, nil, nil, false, nil
	}
	keys := terms.keys(index)
	sets := make([]*termSet, len(keys))
	for i, k := range keys {
		set, found := s.sets.GetIfPresent(k)
		if !found {
			return nil, nil, nil, false, nil
		}
		sets[i] = set
	}
	// Only now is the index read: a search whose words have no sets pays
	// nothing for them.
	now, err := readIndexState(ctx, q, index)
	if err != nil || now.averages == "" {
		return nil, nil, nil, false, err
	}
	if slices.ContainsFunc(sets, func(set *termSet) bool { return set.at != now }) {
		if sets, ok, err = s.catchUp(ctx, index, keys, sets); !ok || err != nil {
			return nil, nil, nil, false, err
		}
	}
	var releases []func()
	release = func() {
		for _, r := range releases {
			r()
		}
	}
	include, exclude = make([]*roaring.Bitmap, len(terms.include)), make([]*roaring.Bitmap, len(terms.exclude))
	for i, set := range sets {
		ids, r, ok := s.open(set)
		if !ok {
			release()
			return nil, nil, nil, false, nil
		}
		releases = append(releases, r)
		if i < len(include) {
			include[i] = ids
		} else {
			exclude[i-len(include)] = ids
		}
	}
	// The smallest set first keeps what is intersected small.
	slices.SortFunc(include, func(a, b *roaring.Bitmap) int { return cmp.Compare(a.GetCardinality(), b.GetCardinality()) })
	return include, exclude, release, true, nil
}

// loggedIndexes are the search indexes whose changes 0027_search_changes.sql
// logs, each by the name of a trigger that logs them, which a bulk load
// sets aside (records_fts's own triggers log its changes since 0030); the
// sets of any other index are used only while it is as they read it.
var loggedIndexes = map[string]string{"events_date_fts": "search_changes_event_insert", "records_fts": "citations_fts_insert"}

// catchUpRows is how many changed rows a set is brought up to date from,
// at most: past it, reading the set again costs less.
const catchUpRows = 1024

// catchUp brings sets, of keys in index, to the index as it is, in one
// read transaction: for each set, the rows logged since its state are
// looked up again with its term, and the set is kept anew. ok is false
// when the log cannot say what changed since some set's state: the log's
// triggers are set aside (a bulk load is under way), a bulk load rewrote
// the index since, the entries have been trimmed, or they are too many.
// A set's words are then found by FTS5, and the set read again as it
// would be after any write.
func (s *termSets) catchUp(ctx context.Context, index string, keys []termKey, sets []*termSet) (_ []*termSet, ok bool, err error) {
	if _, logged := loggedIndexes[index]; !logged {
		return nil, false, nil
	}
	tx, err := s.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, false, err
	}
	defer tx.Rollback()
	now, err := readIndexState(ctx, tx, index)
	if err != nil || now.averages == "" {
		return nil, false, err
	}
	return s.catchUpTo(ctx, tx, now, index, keys, sets)
}

// catchUpTo is catchUp in tx, where index is in state now.
func (s *termSets) catchUpTo(ctx context.Context, tx *sql.Tx, now indexState, index string, keys []termKey, sets []*termSet) (_ []*termSet, ok bool, err error) {
	trigger, logged := loggedIndexes[index]
	if !logged {
		return nil, false, nil
	}
	oldest := now.logged
	for _, set := range sets {
		switch {
		case set.at.logged > now.logged:
			// Read after this transaction began: caught up by another.
			return nil, false, nil
		case set.at.logged == now.logged && set.at != now:
			// The index changed with nothing logged.
			return nil, false, nil
		}
		oldest = min(oldest, set.at.logged)
	}
	var (
		inPlace bool
		first   sql.NullInt64
	)
	if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM sqlite_schema WHERE type = 'trigger' AND name = ?), (SELECT min(id) FROM search_changes)`,
		trigger).Scan(&inPlace, &first); err != nil {
		return nil, false, err
	}
	if !inPlace || (oldest < now.logged && first.Int64 > oldest+1) {
		return nil, false, nil
	}
	// The rows changed since the oldest set's state, with the last entry
	// that changed each.
	rows, err := tx.QueryContext(ctx, `SELECT row, max(id) FROM search_changes WHERE id > ? AND search_index = ? GROUP BY row`, oldest, index)
	if err != nil {
		return nil, false, err
	}
	type change struct{ row, last int64 }
	var changes []change
	for rows.Next() {
		var row sql.NullInt64
		var last int64
		if err := rows.Scan(&row, &last); err != nil {
			rows.Close()
			return nil, false, err
		}
		if !row.Valid || len(changes) == catchUpRows {
			// The whole index was rewritten, or too much of it changed.
			rows.Close()
			return nil, false, nil
		}
		changes = append(changes, change{row.Int64, last})
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, false, err
	}
	out := make([]*termSet, len(sets))
	for i, set := range sets {
		if set.at == now {
			out[i] = set
			continue
		}
		var changed []int64
		for _, c := range changes {
			if c.last > set.at.logged {
				changed = append(changed, c.row)
			}
		}
		old, release, ok := s.open(set)
		if !ok {
			return nil, false, nil
		}
		// A copy of its own, which shares nothing with the set kept.
		ids := old.Clone()
		ids.CloneCopyOnWriteContainers()
		release()
		if err := applyChanges(ctx, tx, keys[i], ids, changed); err != nil {
			if errors.Is(err, errLargeRowid) {
				return nil, false, nil
			}
			return nil, false, err
		}
		out[i] = &termSet{at: now, ids: ids}
		if kept, ok := s.sets.GetIfPresent(keys[i]); !ok || kept.at.logged < now.logged {
			s.sets.Set(keys[i], s.keep(now, ids))
		}
	}
	return out, true, nil
}

// applyChanges brings ids, a copy of k's set, up to date, given the rows
// changed since the set's state: each is taken out, and put back if its
// term matches it now. The set kept is not changed, for searches may be
// reading it.
func applyChanges(ctx context.Context, tx *sql.Tx, k termKey, ids *roaring.Bitmap, changed []int64) error {
	for _, row := range changed {
		at, err := setPosition(k.index, row)
		if err != nil {
			return err
		}
		ids.Remove(at)
	}
	if len(changed) > 0 {
		// CROSS JOIN keeps the rows the outer loop, so that FTS5 is
		// asked for each by its rowid, a seek into the term's list. A
		// prefix's rows are read in one walk from the first changed to
		// the last instead: each seek would gather the lists of every
		// word the prefix begins (at a million events, 100 changed rows
		// took 3.8 s sought one by one and 91 ms in one walk). The + keeps
		// the list of rows from FTS5, which would seek each.
		query := `SELECT group_concat(` + k.index + `.rowid) FROM json_each(?1) r CROSS JOIN ` + k.index + `
			WHERE ` + k.index + ` MATCH ?2 AND ` + k.index + `.rowid = r.value`
		if strings.HasSuffix(k.term, "*") {
			query = `SELECT group_concat(rowid) FROM ` + k.index + ` WHERE ` + k.index + ` MATCH ?2
				AND rowid BETWEEN ?3 AND ?4 AND +rowid IN (SELECT value FROM json_each(?1))`
		}
		var list sql.NullString
		if err := tx.QueryRowContext(ctx, query, jsonIDs(args(changed)), k.term, slices.Min(changed), slices.Max(changed)).Scan(&list); err != nil {
			return err
		}
		for rowid, err := range rowidList(list.String) {
			if err != nil {
				return err
			}
			at, err := setPosition(k.index, rowid)
			if err != nil {
				return err
			}
			ids.Add(at)
		}
	}
	return nil
}

// readIndexState reads where index stands, in one statement. An index
// with no averages record has had nothing written yet; it gets no sets.
func readIndexState(ctx context.Context, q querier, index string) (indexState, error) {
	var averages []byte
	var state indexState
	err := q.QueryRowContext(ctx, `SELECT (SELECT block FROM `+index+`_data WHERE id = 1), (SELECT coalesce(max(id), 0) FROM search_changes)`).
		Scan(&averages, &state.logged)
	state.averages = string(averages)
	return state, err
}

// counted learns from a count made by FTS5: when it took long, or found
// the terms in more than limit rows (so each of them is in that many),
// the terms are worth sets, and the ones without a current set are queued.
func (s *termSets) counted(index string, terms *plainTerms, took time.Duration, n, limit int) {
	if took >= s.slowness() || n > limit {
		s.want(index, terms)
	}
}

// want queues the sets of the terms in index that are not current: a
// caller that knows them common without counting asks for them so.
func (s *termSets) want(index string, terms *plainTerms) {
	if s == nil || terms == nil {
		return
	}
	s.enqueue(terms.keys(index), termSetsQueued)
}

// slowness is how long a count may take before its terms are worth sets.
func (s *termSets) slowness() time.Duration {
	if s == nil {
		return 0
	}
	return s.slow
}

// enqueue queues the sets of keys not already queued, while fewer than
// most wait, and starts a build unless one runs.
func (s *termSets) enqueue(keys []termKey, most int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, k := range keys {
		if s.closed || s.queued[k] || len(s.queue) >= most {
			continue
		}
		s.queued[k] = true
		s.queue = append(s.queue, k)
	}
	if len(s.queue) > 0 && !s.running && !s.closed {
		s.running = true
		go s.build()
	}
}

// build makes the queued sets, one at a time, then stops.
func (s *termSets) build() {
	for {
		s.mu.Lock()
		if len(s.queue) == 0 || s.closed {
			s.running = false
			s.idle.Broadcast()
			s.mu.Unlock()
			return
		}
		k := s.queue[0]
		s.queue = s.queue[1:]
		last, madeBefore := s.made[k]
		s.mu.Unlock()
		// A word whose set cannot be made stays searched by FTS5 alone;
		// so does one whose set was pushed out soon after it was made (a
		// set kept but stale is brought up to date).
		_, present := s.sets.GetIfPresent(k)
		if present || !madeBefore || time.Since(last) >= s.remade {
			if err := s.make(s.ctx, k); err == nil {
				s.builds.Add(1)
				s.mu.Lock()
				if len(s.made) >= termSetsRemembered {
					clear(s.made)
				}
				s.made[k] = time.Now()
				s.mu.Unlock()
			}
		}
		s.mu.Lock()
		delete(s.queued, k)
		s.mu.Unlock()
	}
}

// errLargeRowid refuses a set for rowids past what a set holds.
var errLargeRowid = errors.New("rowid past what a set holds")

// setPosition is where a set keeps a rowid of index. Those of records_fts
// are id * 8 + kind (0002_search.sql): kept as they are, a common word's
// quotes would be spread thinly over eight times their range, each 64K
// block of the set a short sorted list, and intersecting lists is a merge
// of each pair; grouped by kind, the same quotes fill their blocks densely
// enough to be kept as bitmaps, intersected word by word, which made the
// count of three common words about five times cheaper. Those of
// events_date_fts are a day * 2^32 + an event id (0007), and an event has
// one row, so its id is its place: the set is as dense as the ids, and an
// event moved to another day keeps its place. Counting does not care
// where a rowid is kept, only that each has its own place.
func setPosition(index string, rowid int64) (uint32, error) {
	switch index {
	case "records_fts":
		if rowid < 0 || rowid>>3 >= 1<<28 {
			return 0, errLargeRowid
		}
		return uint32(rowid&7)<<28 | uint32(rowid>>3), nil
	case "events_date_fts":
		return uint32(rowid), nil
	}
	if rowid < 0 || rowid > math.MaxUint32 {
		return 0, errLargeRowid
	}
	return uint32(rowid), nil
}

// make reads a term's matches and its index's state in one read
// transaction, unless the set kept is of the index as it is.
func (s *termSets) make(ctx context.Context, k termKey) error {
	tx, err := s.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return err
	}
	defer tx.Rollback()
	now, err := readIndexState(ctx, tx, k.index)
	if err != nil || now.averages == "" {
		return err
	}
	if kept, ok := s.sets.GetIfPresent(k); ok {
		// A set read before a few writes costs a few lookups to bring up
		// to date, where reading it again costs a walk of all its term's
		// matches (35 ms for a common word at a million events).
		if kept.at == now {
			return nil
		}
		if _, ok, err := s.catchUpTo(ctx, tx, now, k.index, []termKey{k}, []*termSet{kept}); ok || err != nil {
			return err
		}
	}
	// The rowids come a chunk at a time as one text each: read a row at a
	// time, the driver's work per row was four fifths of a set's cost.
	ids := roaring.New()
	var batch []uint32
	for after := int64(math.MinInt64); ; {
		// The count and the last rowid come from the list itself: asked
		// of SQLite too, they were two more aggregates a row.
		var list sql.NullString
		if err := tx.QueryRowContext(ctx, `SELECT group_concat(rowid) FROM (
			SELECT rowid FROM `+k.index+` WHERE `+k.index+` MATCH ? AND rowid > ? ORDER BY rowid LIMIT ?)`,
			k.term, after, s.chunk).Scan(&list); err != nil {
			return err
		}
		batch = batch[:0]
		n := 0
		for rowid, err := range rowidList(list.String) {
			if err != nil {
				return err
			}
			at, err := setPosition(k.index, rowid)
			if err != nil {
				return err
			}
			batch = append(batch, at)
			n, after = n+1, rowid
		}
		// The events' index gives its rows by day, whose places (ids)
		// are not in order; a set adds sorted places a block at a time.
		slices.Sort(batch)
		ids.AddMany(batch)
		if n < s.chunk {
			break
		}
	}
	ids.RunOptimize()
	s.sets.Set(k, s.keep(now, ids))
	return nil
}

// rowidList yields the rowids of a comma-separated list, as group_concat
// writes them, and stops at the first that is not one. Read with
// strings.Split and strconv, the list of a word in most rows took a fifth
// of its set's time.
func rowidList(list string) iter.Seq2[int64, error] {
	return func(yield func(int64, error) bool) {
		for list != "" {
			field, rest, _ := strings.Cut(list, ",")
			list = rest
			digits := strings.TrimPrefix(field, "-")
			if digits == "" || len(digits) > 18 {
				yield(0, fmt.Errorf("rowid %q", field))
				return
			}
			var v int64
			for i := 0; i < len(digits); i++ {
				if digits[i] < '0' || digits[i] > '9' {
					yield(0, fmt.Errorf("rowid %q", field))
					return
				}
				v = v*10 + int64(digits[i]-'0')
			}
			if len(digits) < len(field) {
				v = -v
			}
			if !yield(v, nil) {
				return
			}
		}
	}
}

// wait returns once no set is queued or being made.
func (s *termSets) wait() { s.waitContext(context.Background()) }

// waitContext is wait, ended early by ctx's end, which it returns.
func (s *termSets) waitContext(ctx context.Context) error {
	defer context.AfterFunc(ctx, func() {
		s.mu.Lock()
		s.idle.Broadcast()
		s.mu.Unlock()
	})()
	s.mu.Lock()
	defer s.mu.Unlock()
	for s.running && ctx.Err() == nil {
		s.idle.Wait()
	}
	return ctx.Err()
}

// close ends the build under way, if any, and waits for it to stop.
func (s *termSets) close() {
	s.mu.Lock()
	s.closed = true
	s.mu.Unlock()
	s.stop()
	s.wait()
}
