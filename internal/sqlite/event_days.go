package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/sitrep/sitrep/internal/conflict"
)

// dayCountLimit is how many events a histogram counts one by one when no
// tally answers its filter: at a million events, two common filters
// together (an actor and a tag) take about 15 ms to count this far. Past
// it the histogram says to narrow the filter.
const dayCountLimit = 2000

// CountEventsByDay returns how many of the events f matches begin on each
// day (f's cursors and limit are ignored), and how many begin before its
// start and reach into it. A filter of one actor, place or tag, or none,
// with or without dates, is a cut of its day tally's kept series
// (DayTally), so a histogram of 400,000 events reads no event; any other is
// counted through the list's own plan up to limit events (at most
// dayCountLimit), past which TooMany is set and no day is given. A caller
// that knows the list has more matches than it counted passes 0: counting
// further than the list did would cost more than the list.
func (db *DB) CountEventsByDay(ctx context.Context, f conflict.EventFilter, limit int) (conflict.DayCounts, error) {
	f.After, f.Before = "", ""
	if key, ok := talliedKey(f); ok {
		return db.countTalliedByDay(ctx, key, f)
	}
	var out conflict.DayCounts
	err := db.readTx(ctx, func(q querier) error {
		var err error
		out, err = countEventsByDay(ctx, q, f, min(limit, dayCountLimit))
		return err
	})
	return out, err
}

// countTalliedByDay is CountEventsByDay for a filter the day tallies hold
// under key: its days are a cut of the key's kept series (DayTally), and
// the events reaching in from before its start are counted as the list's
// plan reads them first (CountEventsReachingIn).
func (db *DB) countTalliedByDay(ctx context.Context, key string, f conflict.EventFilter) (conflict.DayCounts, error) {
	from, to := f.Dates()
	series, err := db.DayTally(ctx, key, from.LowerKey(), to.UpperKey())
	if err != nil {
		return conflict.DayCounts{}, err
	}
	before, err := db.CountEventsReachingIn(ctx, f)
	if err != nil {
		return conflict.DayCounts{}, err
	}
	return conflict.DayCounts{Days: series.Days(), Before: before}, nil
}

// countEventsByDay counts a filter no day tally holds, event by event.
func countEventsByDay(ctx context.Context, q querier, f conflict.EventFilter, limit int) (conflict.DayCounts, error) {
	var out conflict.DayCounts
	// A timeline's list that only ends is a cut of its head, which holds
	// all its events when the list counted them all.
	head, err := timelineHeadOf(ctx, q, f)
	if err != nil {
		return out, err
	}
	if counts, ok := head.dayCounts(f, limit); ok {
		return counts, nil
	}
	plan, err := planEvents(ctx, q, f)
	if err != nil || plan.none {
		return out, err
	}
	from, _ := f.Dates()
	start := from.LowerKey()
	// Counted one by one: the plan's pieces, each up to the limit.
	if limit <= 0 {
		return conflict.DayCounts{TooMany: true}, nil
	}
	counted := 0
	byDay := map[string]int{}
	for _, piece := range plan.pieces(true) {
		keys, params := piece.keysQuery("", 0, true, limit-counted+1)
		rows, err := q.QueryContext(ctx, `SELECT lo, count(*) FROM (`+keys+`) GROUP BY lo`, params...)
		if err != nil {
			return out, fmt.Errorf("count events by day: %w", err)
		}
		for rows.Next() {
			var d conflict.DayCount
			if err := rows.Scan(&d.Day, &d.N); err != nil {
				rows.Close()
				return out, err
			}
			counted += d.N
			if start != "" && d.Day < start {
				out.Before += d.N
			} else {
				byDay[d.Day] += d.N
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return out, err
		}
		if counted > limit {
			return conflict.DayCounts{TooMany: true}, nil
		}
	}
	for day, n := range byDay {
		out.Days = append(out.Days, conflict.DayCount{Day: day, N: n})
	}
	sortDays(out.Days)
	return out, nil
}

// DayTallyKey returns the key of the day tallies that holds f's counts,
// if one does (see talliedKey); DayTally reads it.
func DayTallyKey(f conflict.EventFilter) (string, bool) { return talliedKey(f) }

// queryDayCounts reads rows of a day and a count.
func queryDayCounts(ctx context.Context, q querier, query string, args ...any) ([]conflict.DayCount, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var (
		out []conflict.DayCount
		day sql.RawBytes
	)
	for rows.Next() {
		var d conflict.DayCount
		if err := rows.Scan(&day, &d.N); err != nil {
			return nil, err
		}
		d.Day = dayNames.name(day)
		out = append(out, d)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	// Series are kept (whole, for an actor's every list): at their size.
	if cap(out) > len(out)+len(out)/8 {
		out = slices.Clone(out)
	}
	return out, nil
}

// dayNames holds one string for each day a series names: the series of
// every actor, place and tag kept in memory name the same few thousand
// days, and a string each per series was most of what they weighed and
// much of what the collector had to follow.
var dayNames = &dayNameSet{names: map[string]string{}}

type dayNameSet struct {
	mu    sync.RWMutex
	names map[string]string
}

// dayNamesKept bounds the set: past it (days of more than a few
// centuries) a day gets its own string.
const dayNamesKept = 200_000

func (s *dayNameSet) name(day []byte) string {
	s.mu.RLock()
	name, ok := s.names[string(day)]
	s.mu.RUnlock()
	if ok {
		return name
	}
	name = string(day)
	s.mu.Lock()
	if len(s.names) < dayNamesKept {
		s.names[name] = name
	}
	s.mu.Unlock()
	return name
}

// CountEventsReachingIn counts the events f matches that begin before its
// start and reach into it (none without a start), up to dayCountLimit:
// the histogram's first bar holds them.
func (db *DB) CountEventsReachingIn(ctx context.Context, f conflict.EventFilter) (int, error) {
	var n int
	err := db.readTx(ctx, func(q querier) error {
		f.After, f.Before = "", ""
		plan, err := planEvents(ctx, q, f)
		if err != nil || plan.none || len(plan.prefix) == 0 {
			return err
		}
		query, params := eventPlan{arms: plan.prefix, checks: plan.checks}.countQuery(dayCountLimit)
		if err := q.QueryRowContext(ctx, query, params...).Scan(&n); err != nil {
			return fmt.Errorf("count events reaching in: %w", err)
		}
		return nil
	})
	return n, err
}

// talliedKey returns the key of event_key_days that holds f's counts: "*"
// for all published events, or the one actor, place or tag f names, its
// own or its timeline's. Text, retracted events, a timeline's pins and
// exclusions, and two conditions together have no tally.
func talliedKey(f conflict.EventFilter) (string, bool) {
	if f.Query != "" {
		return "", false
	}
	for _, s := range f.Statuses {
		if s != conflict.Published {
			return "", false
		}
	}
	keys := postingKeys(nil, f.Actors, f.Places, f.Tags)
	if t := f.Timeline; t != nil {
		if len(t.Pinned) > 0 || len(t.Excluded) > 0 {
			return "", false
		}
		keys = postingKeys(keys, t.Filter.Actors, t.Filter.Places, t.Filter.Tags)
	}
	switch {
	case len(keys) == 0:
		return "*", true
	case len(keys) == 1 && len(keys[0]) == 1:
		return keys[0][0], true
	}
	// Several keys of one kind may share events: their tallies cannot be
	// added up.
	return "", false
}

func sortDays(ds []conflict.DayCount) {
	slices.SortFunc(ds, func(a, b conflict.DayCount) int { return strings.Compare(a.Day, b.Day) })
}
