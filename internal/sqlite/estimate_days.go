package sqlite

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/edtf"
	"github.com/sitrep/sitrep/internal/versioned"
)

// claimCountLimit is how many claims the explorer's histogram counts one
// by one before it reads the monthly tallies instead.
const claimCountLimit = 5000

// ClaimCountLimit is how many claims CountEstimatesByDay counts one by
// one: a filter matching no more is counted by day whatever its dates.
const ClaimCountLimit = claimCountLimit

// FindEstimateSpans returns the as-of keys (first and last day) of the
// estimates f matches (its cursor ignored), in as-of order, or false
// when there are more than limit: what counting them by day needs.
func (db *DB) FindEstimateSpans(ctx context.Context, f conflict.EstimateFilter, limit int) (lo, hi []string, ok bool, err error) {
	// The force's sub-actors and the claims are read from one state of
	// the record.
	err = db.readTx(ctx, func(q querier) error {
		lo, hi, ok, err = findEstimateSpans(ctx, q, f, limit)
		return err
	})
	return lo, hi, ok, err
}

func findEstimateSpans(ctx context.Context, q querier, f conflict.EstimateFilter, limit int) (lo, hi []string, ok bool, err error) {
	f.After = ""
	where, params, err := estimateWhere(ctx, q, f)
	if err != nil {
		return nil, nil, false, err
	}
	// A force's claims are read from the chart's covering index, as the
	// planner would otherwise walk every claim in date order.
	index := ""
	if f.Force != 0 {
		index = " INDEXED BY estimates_points_idx"
	}
	rows, err := q.QueryContext(ctx, `SELECT x.as_of_lo, x.as_of_hi FROM estimates x`+index+` WHERE `+
		strings.Join(where, " AND ")+` ORDER BY x.as_of_lo LIMIT ?`, append(params, limit+1)...)
	if err != nil {
		return nil, nil, false, err
	}
	defer rows.Close()
	// Claims share days: each day's text is kept once.
	days := map[string]string{}
	day := func(s string) string {
		if d, ok := days[s]; ok {
			return d
		}
		days[s] = s
		return s
	}
	for rows.Next() {
		var l, h string
		if err := rows.Scan(&l, &h); err != nil {
			return nil, nil, false, err
		}
		lo, hi = append(lo, day(l)), append(hi, day(h))
	}
	if err := rows.Err(); err != nil || len(lo) > limit {
		return nil, nil, false, err
	}
	// Kept until the next write: no room to spare.
	return slices.Clone(lo), slices.Clone(hi), true, nil
}

// CountEstimatesByDay returns how many of the estimates f matches (f's
// cursor and limit are ignored) have an as-of date beginning on each day,
// and how many begin before f's start and reach into it. A filter with up
// to claimCountLimit matches is counted claim by claim. A larger one of a
// force, a claimant or neither, without places or claimant records, is
// read from the monthly tallies (estimate_months, 0006) for the months
// wholly inside its dates and counted claim by claim in the months at its
// edges; it is then counted by month (Months is set). Any other larger
// filter is TooMany.
func (db *DB) CountEstimatesByDay(ctx context.Context, f conflict.EstimateFilter) (conflict.DayCounts, error) {
	version, err := db.LastChange(ctx)
	if err != nil {
		return conflict.DayCounts{}, err
	}
	var out conflict.DayCounts
	err = db.readTx(ctx, func(q querier) error {
		var err error
		out, err = countEstimatesByDay(ctx, q, f, func(where []string, params []any) ([]conflict.DayCount, error) {
			return db.months.Get(version, memoKey(strings.Join(where, " AND "), params), versioned.Scaled(memoDays), weighDays, func() ([]conflict.DayCount, error) {
				return monthSeries(ctx, q, where, params)
			})
		}, func(key string, count func() (edgeCount, error)) (edgeCount, error) {
			return db.edges.Get(version, key, versioned.Scaled(memoDays), func(e edgeCount) int { return weighDays(e.days) }, count)
		})
		return err
	})
	return out, err
}

// monthSeries reads the monthly tallies of the claims where chooses (of a
// force, a claimant, or all), one row a month, in month order, each
// month's count on its first day.
func monthSeries(ctx context.Context, q querier, where []string, params []any) ([]conflict.DayCount, error) {
	query := `SELECT month || '-01', sum(n) FROM estimate_months`
	if len(where) > 0 {
		query += ` WHERE ` + strings.Join(where, " AND ")
	}
	out, err := queryDayCounts(ctx, q, query+` GROUP BY month ORDER BY month`, params...)
	if err != nil {
		return nil, fmt.Errorf("count estimates by month: %w", err)
	}
	return out, nil
}

// The explorer's counts over time read the same things for many
// addresses, so they are kept until the next write (db.months and
// db.edges): the monthly series of a filter, which takes a scan of all
// the tallies without a force (35,000 rows at 100,000 claims, 20 ms), at
// every pair of dates; and the claims of the month at a range's edge,
// counted one by one (up to 2,000 claims reach into a month from before),
// at every end date in that month.

// memoKey names a query and its parameters for a kept count: %#v writes
// strings quoted, so no two lists of parameters read alike (fmt.Sprint
// writes ["a b"] and ["a", "b"] the same).
func memoKey(query string, params []any) string {
	return fmt.Sprintf("%s %#v", query, params)
}

// memoDays bounds each of those by the days it holds, some 40 bytes each
// (8 MB): a series has a few hundred months, an edge up to a month's
// days or, for the first month of a range, also the days of the claims
// that reach into it from before, which can be thousands.
const memoDays = 200_000

func weighDays(d []conflict.DayCount) int { return len(d) + 1 }

// edgeCount is what exact counting found of the claims at a range's edge:
// their number by the day each begins, or too many (ok false).
type edgeCount struct {
	days []conflict.DayCount
	ok   bool
}

// countEstimatesByDay is CountEstimatesByDay in q, with series giving
// the monthly tallies and edges keeping the counts of a range's edges.
func countEstimatesByDay(ctx context.Context, q querier, f conflict.EstimateFilter,
	series func(where []string, params []any) ([]conflict.DayCount, error),
	edges func(key string, count func() (edgeCount, error)) (edgeCount, error)) (conflict.DayCounts, error) {
	f.After = ""
	var out conflict.DayCounts
	start := ""
	if !f.From.IsZero() {
		start = f.From.LowerKey()
	}
	where, params, err := estimateWhere(ctx, q, f)
	if err != nil {
		return out, err
	}
	byDay := map[string]int{}
	// exact counts the claims matching g (f or f narrowed to the edge of
	// its dates), by day, up to limit; false when there are more. With
	// upTo set, only the days up to it are added: g then reads a whole
	// month, kept for every address that ends in it.
	exact := func(g conflict.EstimateFilter, limit int, upTo string) (bool, error) {
		w, p := where, params
		if !sameDates(g, f) {
			if w, p, err = estimateWhere(ctx, q, g); err != nil {
				return false, err
			}
		}
		query := `SELECT lo, count(*) FROM (SELECT x.as_of_lo AS lo FROM estimates x WHERE ` +
			strings.Join(w, " AND ") + ` LIMIT ?) GROUP BY lo`
		p = append(p[:len(p):len(p)], limit+1)
		count := func() (edgeCount, error) {
			days, err := queryDayCounts(ctx, q, query, p...)
			if err != nil {
				return edgeCount{}, fmt.Errorf("count estimates by day: %w", err)
			}
			counted := 0
			for _, d := range days {
				counted += d.N
			}
			if counted > limit {
				return edgeCount{}, nil
			}
			return edgeCount{days: days, ok: true}, nil
		}
		// The whole of f is one address's; an edge is shared by every
		// address that ends, or starts, in its month.
		var found edgeCount
		if sameDates(g, f) {
			found, err = count()
		} else {
			found, err = edges(memoKey(query, p), count)
		}
		if err != nil || !found.ok {
			return false, err
		}
		for _, d := range found.days {
			if upTo != "" && d.Day > upTo {
				continue
			}
			if start != "" && d.Day < start {
				out.Before += d.N
			} else {
				byDay[d.Day] += d.N
			}
		}
		return true, nil
	}
	many, err := manyClaims(ctx, q, f, series)
	if err != nil {
		return out, err
	}
	ok := false
	if !many {
		if ok, err = exact(f, claimCountLimit, ""); err != nil {
			return out, err
		}
	}
	if !ok {
		clear(byDay)
		out.Before = 0
		if ok, err = countEstimateMonths(ctx, q, f, byDay, exact, series); err != nil {
			return out, err
		}
		if !ok {
			return conflict.DayCounts{TooMany: true}, nil
		}
		out.Months = true
	}
	for day, n := range byDay {
		out.Days = append(out.Days, conflict.DayCount{Day: day, N: n})
	}
	sortDays(out.Days)
	return out, nil
}

// sameDates reports whether a and b bound the same dates, and so have the
// same conditions.
func sameDates(a, b conflict.EstimateFilter) bool {
	return a.From == b.From && a.To == b.To && a.BeginsFrom == b.BeginsFrom
}

// monthWhere is the condition on the monthly tallies that holds f's
// claims whatever its dates, or false when no tally answers f.
func monthWhere(ctx context.Context, q querier, f conflict.EstimateFilter) (where []string, params []any, ok bool, err error) {
	if len(f.Places) > 0 || f.ClaimantID != 0 || f.ClaimantType != "" || !f.BeginsFrom.IsZero() {
		return nil, nil, false, nil
	}
	for _, s := range f.Statuses {
		if s != conflict.Published {
			return nil, nil, false, nil
		}
	}
	if f.Force != 0 {
		ids, err := forceSubtree(ctx, q, f.Force)
		if err != nil {
			return nil, nil, false, err
		}
		where, params = append(where, "actor_id IN ("+placeholders(len(ids))+")"), append(params, args(ids)...)
	}
	if f.Claimant != "" {
		where, params = append(where, "claimant = ? COLLATE NOCASE"), append(params, f.Claimant)
	}
	return where, params, true, nil
}

// manyClaims reports whether the tallies know f to hold more than
// claimCountLimit claims in the months its dates touch: counting them
// one by one first would read that many only to give up.
func manyClaims(ctx context.Context, q querier, f conflict.EstimateFilter,
	series func(where []string, params []any) ([]conflict.DayCount, error)) (bool, error) {
	where, params, ok, err := monthWhere(ctx, q, f)
	if err != nil || !ok {
		return false, err
	}
	months, err := series(where, params)
	if err != nil {
		return false, err
	}
	lo, hi := "", ""
	if !f.From.IsZero() {
		lo = f.From.LowerKey()[:7] + "-01"
	}
	if !f.To.IsZero() {
		hi = f.To.UpperKey()
	}
	n := 0
	for _, m := range months {
		if (lo == "" || m.Day >= lo) && (hi == "" || m.Day <= hi) {
			n += m.N
		}
	}
	return n > claimCountLimit, nil
}

// countEstimateMonths adds f's claims to byDay from the monthly tallies,
// each month's count on its first day, and counts the months at the edges
// of f's dates claim by claim (through exact), as the tallies hold whole
// months. It reports false when no tally answers f.
func countEstimateMonths(ctx context.Context, q querier, f conflict.EstimateFilter, byDay map[string]int,
	exact func(g conflict.EstimateFilter, limit int, upTo string) (bool, error),
	series func(where []string, params []any) ([]conflict.DayCount, error)) (bool, error) {
	where, params, ok, err := monthWhere(ctx, q, f)
	if err != nil || !ok {
		return false, err
	}
	// The months at the edges are counted claim by claim: the first
	// with the claims reaching into it from before. The tallies give
	// the months from lo (inclusive) to hi (exclusive), first days.
	lo, hi := "", ""
	if !f.From.IsZero() {
		first := f.From.Lower()
		next := time.Date(first.Year(), first.Month()+1, 1, 0, 0, 0, 0, time.UTC)
		// Those beginning before the next month: f ending on the last
		// day of its first month, if it ends later.
		edge := f
		if last := edtf.MustParse(next.AddDate(0, 0, -1).Format(time.DateOnly)); f.To.IsZero() || f.To.UpperKey() > last.UpperKey() {
			edge.To = last
		}
		if ok, err := exact(edge, 4*claimCountLimit, ""); err != nil || !ok {
			return false, err
		}
		lo = next.Format(time.DateOnly)
	}
	if !f.To.IsZero() {
		last := f.To.Upper()
		monthStart := time.Date(last.Year(), last.Month(), 1, 0, 0, 0, 0, time.UTC)
		edge := monthStart.Format(time.DateOnly)
		if !f.From.IsZero() && f.From.LowerKey() > edge {
			// From and to in one month: the first edge counted it.
			return true, nil
		}
		if !f.From.IsZero() {
			if first := f.From.Lower(); first.Year() == last.Year() && first.Month() == last.Month() {
				return true, nil
			}
		}
		// Those beginning in its last month: f beginning no earlier.
		ending := f
		if f.BeginsFrom.IsZero() || f.BeginsFrom.LowerKey() < edge {
			ending.BeginsFrom = edtf.MustParse(edge)
		}
		// Read to the month's end and cut at f's (x.as_of_lo <= To is the
		// only condition To makes), so that every address ending in this
		// month shares one reading; a month too full for that is read to
		// f's end.
		whole := ending
		whole.To = edtf.MustParse(monthStart.AddDate(0, 1, -1).Format(time.DateOnly))
		ok, err := exact(whole, 4*claimCountLimit, f.To.UpperKey())
		if err == nil && !ok {
			ok, err = exact(ending, 4*claimCountLimit, "")
		}
		if err != nil || !ok {
			return false, err
		}
		hi = edge
	}
	months, err := series(where, params)
	if err != nil {
		return false, err
	}
	for _, m := range months {
		if (lo == "" || m.Day >= lo) && (hi == "" || m.Day < hi) {
			byDay[m.Day] += m.N
		}
	}
	return true, nil
}
