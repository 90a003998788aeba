package sqlite

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/sitrep/sitrep/internal/conflict"
)

// claimCountLimit is how many claims the explorer's histogram counts one
// by one before it reads the monthly tallies instead.
const claimCountLimit = 5000

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
	var out conflict.DayCounts
	err := db.readTx(ctx, func(q querier) error {
		var err error
		out, err = countEstimatesByDay(ctx, q, f)
		return err
	})
	return out, err
}

func countEstimatesByDay(ctx context.Context, q querier, f conflict.EstimateFilter) (conflict.DayCounts, error) {
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
	// exact counts the claims matching the filter and extra, by day, up
	// to limit; false when there are more.
	exact := func(extra string, extraParams []any, limit int) (bool, error) {
		w, p := where, params
		if extra != "" {
			w, p = append(w[:len(w):len(w)], extra), append(p[:len(p):len(p)], extraParams...)
		}
		rows, err := q.QueryContext(ctx, `SELECT lo, count(*) FROM (SELECT x.as_of_lo AS lo FROM estimates x WHERE `+
			strings.Join(w, " AND ")+` LIMIT ?) GROUP BY lo`, append(p, limit+1)...)
		if err != nil {
			return false, fmt.Errorf("count estimates by day: %w", err)
		}
		defer rows.Close()
		counted := 0
		found := map[string]int{}
		for rows.Next() {
			var (
				day string
				n   int
			)
			if err := rows.Scan(&day, &n); err != nil {
				return false, err
			}
			found[day] += n
			counted += n
		}
		if err := rows.Err(); err != nil || counted > limit {
			return false, err
		}
		for day, n := range found {
			if start != "" && day < start {
				out.Before += n
			} else {
				byDay[day] += n
			}
		}
		return true, nil
	}
	ok, err := exact("", nil, claimCountLimit)
	if err != nil {
		return out, err
	}
	if !ok {
		clear(byDay)
		out.Before = 0
		if ok, err = countEstimateMonths(ctx, q, f, byDay, exact); err != nil {
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

// countEstimateMonths adds f's claims to byDay from the monthly tallies,
// each month's count on its first day, and counts the months at the edges
// of f's dates claim by claim (through exact), as the tallies hold whole
// months. It reports false when no tally answers f.
func countEstimateMonths(ctx context.Context, q querier, f conflict.EstimateFilter, byDay map[string]int,
	exact func(extra string, params []any, limit int) (bool, error)) (bool, error) {
	if len(f.Places) > 0 || f.ClaimantID != 0 || f.ClaimantType != "" {
		return false, nil
	}
	for _, s := range f.Statuses {
		if s != conflict.Published {
			return false, nil
		}
	}
	var (
		where  []string
		params []any
	)
	if f.Force != 0 {
		ids, err := forceSubtree(ctx, q, f.Force)
		if err != nil {
			return false, err
		}
		where, params = append(where, "actor_id IN ("+placeholders(len(ids))+")"), append(params, args(ids)...)
	}
	if f.Claimant != "" {
		where, params = append(where, "claimant = ? COLLATE NOCASE"), append(params, f.Claimant)
	}
	// The months at the edges are counted claim by claim: the first
	// with the claims reaching into it from before.
	if !f.From.IsZero() {
		first := f.From.Lower()
		next := time.Date(first.Year(), first.Month()+1, 1, 0, 0, 0, 0, time.UTC)
		if ok, err := exact("x.as_of_lo < ?", []any{next.Format(time.DateOnly)}, 4*claimCountLimit); err != nil || !ok {
			return false, err
		}
		where, params = append(where, "month >= ?"), append(params, next.Format("2006-01"))
	}
	if !f.To.IsZero() {
		last := f.To.Upper()
		monthStart := time.Date(last.Year(), last.Month(), 1, 0, 0, 0, 0, time.UTC)
		lo := monthStart.Format(time.DateOnly)
		if !f.From.IsZero() && f.From.LowerKey() > lo {
			// From and to in one month: the first edge counted it.
			return true, nil
		}
		if !f.From.IsZero() {
			if first := f.From.Lower(); first.Year() == last.Year() && first.Month() == last.Month() {
				return true, nil
			}
		}
		if ok, err := exact("x.as_of_lo >= ?", []any{lo}, 4*claimCountLimit); err != nil || !ok {
			return false, err
		}
		where, params = append(where, "month < ?"), append(params, monthStart.Format("2006-01"))
	}
	query := `SELECT month, sum(n) FROM estimate_months`
	if len(where) > 0 {
		query += ` WHERE ` + strings.Join(where, " AND ")
	}
	rows, err := q.QueryContext(ctx, query+` GROUP BY month`, params...)
	if err != nil {
		return false, fmt.Errorf("count estimates by month: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			month string
			n     int
		)
		if err := rows.Scan(&month, &n); err != nil {
			return false, err
		}
		byDay[month+"-01"] += n
	}
	return true, rows.Err()
}
