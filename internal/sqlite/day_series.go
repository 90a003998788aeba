package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"sync/atomic"

	"github.com/maypok86/otter/v2"
	"golang.org/x/sync/singleflight"

	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/histogram"
	"github.com/sitrep/sitrep/internal/spill"
)

// The counts over time above a list of one actor, place or tag (or of
// every event) are cuts of that key's whole series of days in the day
// tallies (0021). Every series is kept in memory, packed, and carried
// across writes that leave it alone: each key has a mark in
// day_tally_marks (0028) that its triggers move with its counts, so a
// series read at one mark is current while the mark has not moved. At a
// million events every key's series together is 1.4 million days, 11 MB
// packed, read in under two seconds when serve warms (WarmDaySeries). A
// publish then costs the few keys the event is filed under a read each,
// rather than every key read again by its next reader: an actor's series
// took a fifth of the time of that actor's list.

// daySeriesDays bounds the days kept, all keys together (8 bytes each
// packed): every key of a million events fits three times over.
const daySeriesDays = 4_000_000

// dayTallyRewritten moves the mark of every key at once, as a bulk load
// does when it puts the marks' triggers back (deferredTriggers).
const dayTallyRewritten = `INSERT INTO day_tally_marks (key, n) VALUES ('', 1) ON CONFLICT (key) DO UPDATE SET n = n + 1`

// daySeries keeps every key's series.
type daySeries struct {
	kept   *otter.Cache[string, *keptSeries]
	flight singleflight.Group
	// spill keeps the packed days out of the heap when there is one (nil
	// otherwise); a reader copies only the days it cuts.
	spill *spill.Store
	tidy  spill.Tidier
	// reads counts the series read from the database, for tests.
	reads atomic.Int64
}

func newDaySeries(store *spill.Store) *daySeries {
	return &daySeries{spill: store, kept: otter.Must(&otter.Options[string, *keptSeries]{
		MaximumWeight: daySeriesDays,
		Weigher:       func(_ string, s *keptSeries) uint32 { return uint32(max(1, s.n+3*len(s.plain))) },
		// A series replaced or pushed out gives its space in the store
		// up; readers copying from it meanwhile hold their views.
		OnDeletion: func(e otter.DeletionEvent[string, *keptSeries]) { store.Free(e.Value.kept) },
	})}
}

// keep keeps key's series s, its packed days copied to the spill store
// when there is one with room. s itself is not changed: its reader may go
// on reading it.
func (d *daySeries) keep(key string, s *keptSeries) {
	kept := &keptSeries{mark: s.mark, days: s.days, n: len(s.days), plain: s.plain}
	kept.checked.Store(s.checked.Load())
	if d.spill != nil && len(s.days) > 0 {
		if ref, ok := d.spill.Put(spill.Raw(s.days)); ok {
			kept.kept, kept.days = ref, nil
			d.tidy.Maybe(d.spill, d.moveOut)
		} else {
			d.tidy.Refused(d.spill, d.moveOut)
		}
	}
	d.kept.Set(key, kept)
}

// moveOut moves the series kept in segments of the spill store being
// emptied (spill.Tidier) to its current one.
func (d *daySeries) moveOut() {
	for key, s := range d.kept.All() {
		d.spill.Move(s.kept, func(to spill.Ref) bool {
			moved := &keptSeries{mark: s.mark, kept: to, n: s.n}
			got, _ := d.kept.Compute(key, func(old *keptSeries, found bool) (*keptSeries, otter.ComputeOp) {
				if !found || old != s {
					return old, otter.CancelOp
				}
				moved.checked.Store(s.checked.Load())
				return moved, otter.WriteOp
			})
			return got == moved
		})
	}
}

// cut returns a DaySeries of s from from to to, copying the days it
// spans out of the spill store when s is kept there. ok is false when
// the store no longer keeps them: s has been replaced since it was found.
func (d *daySeries) cut(s *keptSeries, from, to string) (DaySeries, bool) {
	if s.kept.Len() == 0 {
		return DaySeries{s, from, to}, true
	}
	v, ok := d.spill.View(s.kept)
	if !ok {
		return DaySeries{}, false
	}
	defer v.Release()
	whole := &keptSeries{days: spill.As[uint64](v.Bytes)}
	lo, hi, ok := whole.bounds(from, to)
	if !ok {
		lo, hi = 0, len(whole.days)
	}
	days := slices.Clone(whole.days[lo:hi])
	return DaySeries{&keptSeries{days: days, n: len(days)}, from, to}, true
}

// keptSeries is a key's series as of its mark. Once kept, only checked
// changes: a check that finds the mark current moves it on.
type keptSeries struct {
	// mark is the key's mark plus the mark of every key ('') when read.
	mark int64
	// checked is the data version (LastChange) at which mark was last
	// found current: until the next write nothing needs checking. Only
	// it changes once the series is kept.
	checked atomic.Int64
	// days are the days with their counts, in order, each packed as
	// packDay does, or kept in the spill store (daySeries.keep); n counts
	// them either way. A key with a day that does not pack (not a
	// four-digit year) keeps plain instead.
	days  []uint64
	kept  spill.Ref
	n     int
	plain []conflict.DayCount
}

// packDay packs an ISO day and its count into one word that sorts as the
// day does: YYYYMMDD in the high half, the count in the low.
func packDay(day []byte, n int) (uint64, bool) {
	if len(day) != 10 || day[4] != '-' || day[7] != '-' || n < 0 || n > 1<<32-1 {
		return 0, false
	}
	var ymd uint64
	for i, c := range day {
		if i == 4 || i == 7 {
			continue
		}
		if c < '0' || c > '9' {
			return 0, false
		}
		ymd = ymd*10 + uint64(c-'0')
	}
	return ymd<<32 | uint64(n), true
}

// dayBound is a day as the high half of packDay's word; ok is false for a
// day that does not pack, which the plain cut then handles.
func dayBound(day string) (uint64, bool) {
	w, ok := packDay([]byte(day), 0)
	return w >> 32, ok
}

// bounds returns the indexes of days from from to to (ISO days, either
// may be empty) in s.days; ok is false when the series is kept unpacked
// (plain) or from or to does not pack.
func (s *keptSeries) bounds(from, to string) (lo, hi int, ok bool) {
	if s.plain != nil {
		return 0, 0, false
	}
	lo, hi = 0, len(s.days)
	if from != "" {
		b, ok := dayBound(from)
		if !ok {
			return 0, 0, false
		}
		lo = sort.Search(len(s.days), func(i int) bool { return s.days[i]>>32 >= b })
	}
	if to != "" {
		b, ok := dayBound(to)
		if !ok {
			return 0, 0, false
		}
		hi = sort.Search(len(s.days), func(i int) bool { return s.days[i]>>32 > b })
	}
	return lo, max(lo, hi), true
}

// cut returns the days from from to to (ISO days, either may be empty).
func (s *keptSeries) cut(from, to string) []conflict.DayCount {
	if s.plain != nil {
		return cutDays(s.plain, from, to)
	}
	lo, hi, ok := s.bounds(from, to)
	if !ok {
		return cutDays(s.unpack(0, len(s.days)), from, to)
	}
	if lo == hi {
		return nil
	}
	return s.unpack(lo, hi)
}

// count sums the days from from to to (ISO days, either may be empty)
// without unpacking them.
func (s *keptSeries) count(from, to string) int {
	lo, hi, ok := s.bounds(from, to)
	if !ok {
		return histogram.Days(s.cut(from, to)).Count("", "")
	}
	n := 0
	for _, w := range s.days[lo:hi] {
		n += int(w & (1<<32 - 1))
	}
	return n
}

// span returns the first and last days from from to to (ISO days, either
// may be empty).
func (s *keptSeries) span(from, to string) (string, string, bool) {
	lo, hi, ok := s.bounds(from, to)
	if !ok {
		return histogram.Days(s.cut(from, to)).Span()
	}
	if lo == hi {
		return "", "", false
	}
	return s.unpack(lo, lo+1)[0].Day, s.unpack(hi-1, hi)[0].Day, true
}

// DaySeries is a key's day tally from one day to another (either may be
// empty), as DayTally cuts it: a histogram.Series that counts a span of
// days from the kept series itself.
type DaySeries struct {
	s        *keptSeries
	from, to string
}

// Span returns the first and last days with any events.
func (d DaySeries) Span() (string, string, bool) { return d.s.span(d.from, d.to) }

// Count returns how many events begin from from to to, within the cut.
func (d DaySeries) Count(from, to string) int {
	if d.from != "" && (from == "" || from < d.from) {
		from = d.from
	}
	if d.to != "" && (to == "" || to > d.to) {
		to = d.to
	}
	return d.s.count(from, to)
}

// Days returns every day of the cut with its count.
func (d DaySeries) Days() []conflict.DayCount { return d.s.cut(d.from, d.to) }

// unpack returns days[lo:hi] as day counts, their days' strings shared
// with every other series (dayNames).
func (s *keptSeries) unpack(lo, hi int) []conflict.DayCount {
	out := make([]conflict.DayCount, hi-lo)
	var day [10]byte
	for i, w := range s.days[lo:hi] {
		ymd := w >> 32
		day[0], day[1], day[2], day[3] = '0'+byte(ymd/10000000), '0'+byte(ymd/1000000%10), '0'+byte(ymd/100000%10), '0'+byte(ymd/10000%10)
		day[4], day[7] = '-', '-'
		day[5], day[6] = '0'+byte(ymd/1000%10), '0'+byte(ymd/100%10)
		day[8], day[9] = '0'+byte(ymd/10%10), '0'+byte(ymd%10)
		out[i] = conflict.DayCount{Day: dayNames.name(day[:]), N: int(w & (1<<32 - 1))}
	}
	return out
}

// cutDays returns the days of a series from from to to (ISO days, either
// may be empty), sharing its memory: the caller only reads them.
func cutDays(series []conflict.DayCount, from, to string) []conflict.DayCount {
	lo, hi := 0, len(series)
	if from != "" {
		lo = sort.Search(len(series), func(i int) bool { return series[i].Day >= from })
	}
	if to != "" {
		hi = sort.Search(len(series), func(i int) bool { return series[i].Day > to })
	}
	if lo > hi {
		return nil
	}
	return series[lo:hi:hi]
}

// DayTally returns the days from from to to (ISO days, either may be
// empty) of a day tally key's series ("*", or the key DayTallyKey names);
// days with none are left out. The series is kept (see daySeries) and
// read again only once a write has moved its mark.
func (db *DB) DayTally(ctx context.Context, key, from, to string) (DaySeries, error) {
	version, err := db.LastChange(ctx)
	if err != nil {
		return DaySeries{}, err
	}
	if s, ok := db.series.kept.GetIfPresent(key); ok && s.checked.Load() == version {
		if d, ok := db.series.cut(s, from, to); ok {
			return d, nil
		}
	}
	// Readers of one key at one version wait for one read of it.
	v, err, _ := db.series.flight.Do(key+"\x00"+strconv.FormatInt(version, 10), func() (any, error) {
		if s, ok := db.series.kept.GetIfPresent(key); ok {
			if s.checked.Load() == version {
				return s, nil
			}
			mark, err := readDayMark(ctx, db.read, key)
			if err != nil {
				return nil, err
			}
			if mark == s.mark {
				s.checked.Store(version)
				return s, nil
			}
		}
		var s *keptSeries
		err := db.readTx(ctx, func(q querier) error {
			mark, err := readDayMark(ctx, q, key)
			if err != nil {
				return err
			}
			s, err = readSeries(ctx, q, key)
			if err != nil {
				return err
			}
			s.mark = mark
			s.checked.Store(version)
			return nil
		})
		if err != nil {
			return nil, err
		}
		db.series.reads.Add(1)
		db.series.keep(key, s)
		return s, nil
	})
	if err != nil {
		return DaySeries{}, fmt.Errorf("read day tally: %w", err)
	}
	s := v.(*keptSeries)
	if d, ok := db.series.cut(s, from, to); ok {
		return d, nil
	}
	// Replaced since it was found: read again, once, as it now stands.
	var read *keptSeries
	if err := db.readTx(ctx, func(q querier) (err error) {
		read, err = readSeries(ctx, q, key)
		return err
	}); err != nil {
		return DaySeries{}, fmt.Errorf("read day tally: %w", err)
	}
	return DaySeries{read, from, to}, nil
}

// readDayMark returns key's mark plus the mark of every key.
func readDayMark(ctx context.Context, q querier, key string) (int64, error) {
	var mark int64
	err := q.QueryRowContext(ctx, `SELECT coalesce(sum(n), 0) FROM day_tally_marks WHERE key IN ('', ?)`, key).Scan(&mark)
	return mark, err
}

// readSeries reads key's series.
func readSeries(ctx context.Context, q querier, key string) (*keptSeries, error) {
	rows, err := q.QueryContext(ctx, `SELECT day, n FROM event_key_days WHERE key = ? AND n > 0 ORDER BY day`, key)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	s := &keptSeries{}
	var day sql.RawBytes
	var n int
	for rows.Next() {
		if err := rows.Scan(&day, &n); err != nil {
			return nil, err
		}
		s.add(day, n)
	}
	return s.packed(), rows.Err()
}

// add appends a day, packed while every day so far has packed.
func (s *keptSeries) add(day []byte, n int) {
	if s.plain == nil {
		if w, ok := packDay(day, n); ok {
			s.days = append(s.days, w)
			return
		}
		s.plain = s.unpack(0, len(s.days))
		s.days = nil
	}
	s.plain = append(s.plain, conflict.DayCount{Day: dayNames.name(day), N: n})
}

// packed returns s at its size: series are kept whole, for a key's every
// list.
func (s *keptSeries) packed() *keptSeries {
	if cap(s.days) > len(s.days)+len(s.days)/8 {
		s.days = append([]uint64(nil), s.days...)
	}
	if cap(s.plain) > len(s.plain)+len(s.plain)/8 {
		s.plain = append([]conflict.DayCount(nil), s.plain...)
	}
	return s
}

// WarmDaySeries reads every key's series that is not kept current, so
// that no list's first reader reads one: all of them in one pass at start
// or after a bulk load, and after the desk's writes only those whose mark
// has moved. It returns how many it read.
func (db *DB) WarmDaySeries(ctx context.Context) (int, error) {
	version, err := db.LastChange(ctx)
	if err != nil {
		return 0, err
	}
	read := 0
	err = db.readTx(ctx, func(q querier) error {
		marks := map[string]int64{}
		rows, err := q.QueryContext(ctx, `SELECT key, n FROM day_tally_marks`)
		if err != nil {
			return err
		}
		for rows.Next() {
			var key string
			var n int64
			if err := rows.Scan(&key, &n); err != nil {
				rows.Close()
				return err
			}
			marks[key] = n
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		all := marks[""]
		// The keys kept, each current or not: a key none has asked for
		// since the last pass stays unread until one does.
		stale, current, kept := []string{}, map[string]*keptSeries{}, 0
		for key, s := range db.series.kept.All() {
			kept++
			if s.mark != marks[key]+all {
				stale = append(stale, key)
			} else if s.checked.Load() != version {
				current[key] = s
			}
		}
		for _, s := range current {
			s.checked.Store(version)
		}
		if kept > 0 && len(stale) < warmSeriesOneByOne {
			for _, key := range stale {
				s, err := readSeries(ctx, q, key)
				if err != nil {
					return err
				}
				s.mark = marks[key] + all
				s.checked.Store(version)
				db.series.keep(key, s)
				read++
			}
			return nil
		}
		n, err := readEverySeries(ctx, q, func(key string, s *keptSeries) {
			s.mark = marks[key] + all
			s.checked.Store(version)
			db.series.keep(key, s)
		})
		read = n
		return err
	})
	db.series.reads.Add(int64(read))
	if err != nil {
		return read, fmt.Errorf("warm day tallies: %w", err)
	}
	return read, nil
}

// warmSeriesOneByOne is how many stale series WarmDaySeries reads one by
// one; past it, one pass over the tallies reads every series sooner.
const warmSeriesOneByOne = 500

// readEverySeries reads every key's series in one pass, in key order.
func readEverySeries(ctx context.Context, q querier, keep func(string, *keptSeries)) (int, error) {
	rows, err := q.QueryContext(ctx, `SELECT key, day, n FROM event_key_days WHERE n > 0 ORDER BY key, day`)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	var (
		key, day sql.RawBytes
		n, read  int
		at       string
		s        *keptSeries
	)
	for rows.Next() {
		if err := rows.Scan(&key, &day, &n); err != nil {
			return read, err
		}
		if s == nil || string(key) != at {
			if s != nil {
				keep(at, s.packed())
				read++
			}
			at, s = string(key), &keptSeries{}
		}
		s.add(day, n)
	}
	if s != nil {
		keep(at, s.packed())
		read++
	}
	return read, rows.Err()
}
