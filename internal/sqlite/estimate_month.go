package sqlite

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/edtf"
)

// The explorer's tallies (migration 0006) are kept by triggers as
// estimates are written, so reading them costs the same however many
// estimates a force has.

// CanGroupClaims reports whether FindClaimGroups can answer f: the tallies
// are kept per force, claimant and month of published estimates, so a
// place filter, or another status, needs the estimates themselves.
func CanGroupClaims(f conflict.EstimateFilter) bool {
	published := len(f.Statuses) == 0 || (len(f.Statuses) == 1 && f.Statuses[0] == conflict.Published)
	return f.Force != 0 && published && len(f.Places) == 0 && f.ClaimantID == 0 && f.ClaimantType == ""
}

// FindClaimGroups returns the published estimates of f's force (and the
// forces inside it), and of f's claimant when set, summed up per force,
// claimant, unit and stretch of time. Each stretch is a whole number of
// months, as few as keep the groups to about marks (one group per
// claimant and stretch). It answers from the maintained tallies, so its
// cost grows with the force's claimants and months, not its estimates.
// The groups come in no particular order. f must satisfy CanGroupClaims.
func (db *DB) FindClaimGroups(ctx context.Context, f conflict.EstimateFilter, marks int) ([]conflict.ClaimGroup, error) {
	if !CanGroupClaims(f) {
		return nil, fmt.Errorf("claim groups: filter %+v needs the estimates themselves", f)
	}
	ids, err := forceSubtree(ctx, db.read, f.Force)
	if err != nil {
		return nil, err
	}
	where := `actor_id IN (` + placeholders(len(ids)) + `)`
	params := args(ids)
	if f.Claimant != "" {
		where += ` AND claimant = ? COLLATE NOCASE`
		params = append(params, f.Claimant)
	}
	// A date range takes the months wholly inside it from the tallies; the
	// estimates of its first and last months (and any that began earlier
	// and reach into it) are summed from the estimates themselves.
	var (
		edges      string
		edgeParams []any
	)
	if !f.From.IsZero() || !f.To.IsZero() {
		conds, ps, err := estimateWhere(ctx, db.read, f)
		if err != nil {
			return nil, err
		}
		// Each edge is its own index range.
		edge := func(cond string, v string) {
			edges += ` UNION ALL SELECT x.actor_id, x.claimant, x.unit, count(*), min(x.low), max(x.high),
			min(coalesce(x.low, x.high)), max(coalesce(x.high, x.low)), min(x.as_of_lo), max(x.as_of_hi), coalesce(max(x.claimant_actor_id), 0)
			FROM estimates x INDEXED BY estimates_points_idx WHERE ` + strings.Join(conds, " AND ") + ` AND ` + cond + `
			GROUP BY x.actor_id, x.claimant, x.unit, substr(x.as_of_lo, 1, 7)`
			edgeParams = append(append(edgeParams, ps...), v)
		}
		after := ""
		if !f.From.IsZero() {
			month := f.From.LowerKey()[:7]
			where += ` AND month > ?`
			params = append(params, month)
			after = month + "~"
			edge(`x.as_of_lo < ?`, after)
		}
		if !f.To.IsZero() {
			month := f.To.UpperKey()[:7]
			where += ` AND month < ?`
			params = append(params, month)
			edge(`x.as_of_lo >= ?`, max(month, after))
		}
	}
	// How many months and claimants there are decides how many months
	// each stretch spans.
	const monthIndex = `(CAST(substr(month, 1, 4) AS INTEGER) * 12 + CAST(substr(month, 6, 2) AS INTEGER))`
	var (
		firstMonth, lastMonth sql.NullString
		claimants             int
	)
	if err := db.read.QueryRowContext(ctx, `SELECT min(month), max(month), count(DISTINCT claimant)
		FROM estimate_months WHERE `+where, params...).Scan(&firstMonth, &lastMonth, &claimants); err != nil {
		return nil, err
	}
	first, last := monthNumber(firstMonth.String), monthNumber(lastMonth.String)
	months := last - first + 1
	per := max(1, (months*max(claimants, 1)+max(marks, 1)-1)/max(marks, 1))
	rows, err := db.read.QueryContext(ctx, `SELECT actor_id, claimant, unit, sum(n), min(low_min), max(high_max),
		min(value_min), max(value_max), min(first_lo), max(last_hi), coalesce(max(claimant_actor_id), 0)
		FROM estimate_months WHERE `+where+`
		GROUP BY actor_id, claimant, unit, (`+monthIndex+` - ?) / ?`+edges, slices.Concat(params, []any{first, per}, edgeParams)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var (
		out    = make([]conflict.ClaimGroup, 0, 256)
		actors = map[conflict.ActorID]bool{}
		// Many groups share first and last days: each is parsed once.
		days = map[string]edtf.Date{}
	)
	day := func(key string) (edtf.Date, error) {
		d, ok := days[key]
		if !ok {
			var err error
			if d, err = edtf.Parse(key); err != nil {
				return d, fmt.Errorf("estimate tally: day %q: %w", key, err)
			}
			days[key] = d
		}
		return d, nil
	}
	for rows.Next() {
		var (
			g           conflict.ClaimGroup
			low, high   sql.NullInt64
			first, last string
			claimant    conflict.ActorID
		)
		if err := rows.Scan(&g.Force.ID, &g.Claimant, &g.Unit, &g.Count, &low, &high, &g.Min, &g.Max, &first, &last, &claimant); err != nil {
			return nil, err
		}
		g.Low = conflict.Bound{Value: low.Int64, Set: low.Valid}
		g.High = conflict.Bound{Value: high.Int64, Set: high.Valid}
		if g.From, err = day(first); err != nil {
			return nil, err
		}
		if g.To, err = day(last); err != nil {
			return nil, err
		}
		actors[g.Force.ID] = true
		if claimant != 0 {
			g.ClaimantActor = &conflict.ActorRef{ID: claimant}
			actors[claimant] = true
		}
		out = append(out, g)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	refs, err := db.actorRefs(ctx, actors)
	if err != nil {
		return nil, err
	}
	for i := range out {
		out[i].Force = refs[out[i].Force.ID]
		if c := out[i].ClaimantActor; c != nil {
			r := refs[c.ID]
			out[i].ClaimantActor = &r
		}
	}
	return out, nil
}

// CountForceEstimates returns how many published estimates force (and the
// forces inside it) has, from the maintained tally.
func (db *DB) CountForceEstimates(ctx context.Context, force conflict.ActorID) (int, error) {
	ids, err := forceSubtree(ctx, db.read, force)
	if err != nil {
		return 0, err
	}
	var n int
	err = db.read.QueryRowContext(ctx, `SELECT coalesce(sum(n), 0) FROM estimate_force_counts WHERE actor_id IN (`+
		placeholders(len(ids))+`)`, args(ids)...).Scan(&n)
	return n, err
}

// monthNumber counts the months of a 'YYYY-MM' month since year 0, as
// monthIndex does in SQL; 0 for anything else.
func monthNumber(month string) int {
	var y, m int
	if _, err := fmt.Sscanf(month, "%d-%d", &y, &m); err != nil {
		return 0
	}
	return y*12 + m
}

// ForceTally is a force and how many published estimates of it there are.
type ForceTally struct {
	Force conflict.ActorRef
	Count int
}

// FindMostEstimatedForces returns the limit forces with the most published
// estimates of their own, most first, and how many published estimates
// there are in all, from the maintained tallies.
func (db *DB) FindMostEstimatedForces(ctx context.Context, limit int) ([]ForceTally, int, error) {
	var total int
	if err := db.read.QueryRowContext(ctx, `SELECT coalesce(sum(n), 0) FROM estimate_force_counts`).Scan(&total); err != nil {
		return nil, 0, err
	}
	rows, err := db.read.QueryContext(ctx, `SELECT actor_id, n FROM estimate_force_counts
		WHERE n > 0 ORDER BY n DESC, actor_id LIMIT ?`, limit)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var (
		out []ForceTally
		ids = map[conflict.ActorID]bool{}
	)
	for rows.Next() {
		var t ForceTally
		if err := rows.Scan(&t.Force.ID, &t.Count); err != nil {
			return nil, 0, err
		}
		ids[t.Force.ID] = true
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, err
	}
	refs, err := db.actorRefs(ctx, ids)
	if err != nil {
		return nil, 0, err
	}
	for i := range out {
		out[i].Force = refs[out[i].Force.ID]
	}
	return out, total, nil
}

// FindForceClaimants returns the distinct claimants of force's published
// estimates (and the forces inside it), by name, up to limit, from the
// maintained tallies.
func (db *DB) FindForceClaimants(ctx context.Context, force conflict.ActorID, limit int) ([]string, error) {
	ids, err := forceSubtree(ctx, db.read, force)
	if err != nil {
		return nil, err
	}
	rows, err := db.read.QueryContext(ctx, `SELECT DISTINCT claimant FROM estimate_months
		WHERE actor_id IN (`+placeholders(len(ids))+`) ORDER BY claimant COLLATE NOCASE LIMIT ?`,
		append(args(ids), limit)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		if len(out) == 0 || !strings.EqualFold(out[len(out)-1], s) {
			out = append(out, s)
		}
	}
	return out, rows.Err()
}

// FindLatestClaims returns, for each claimant of the published estimates
// matching f (which names a force), the estimate with the latest as-of
// date (the latest end; the highest id among equals), with its citations,
// oldest first. claimants are the claimants to find, compared ignoring
// case, such as a chart's legend names: the scan, newest first, stops once
// each has been found and no older estimate can reach past it, so a force
// of many claims costs about as much as one of few.
func (db *DB) FindLatestClaims(ctx context.Context, f conflict.EstimateFilter, claimants []string) ([]conflict.Estimate, error) {
	want := map[string]bool{}
	for _, c := range claimants {
		want[strings.ToLower(strings.TrimSpace(c))] = true
	}
	if f.Force == 0 || len(want) == 0 {
		return nil, nil
	}
	f.Statuses, f.Limit, f.After = nil, 0, ""
	where, params, err := estimateWhere(ctx, db.read, f)
	if err != nil {
		return nil, err
	}
	span, err := longestEstimateSpan(ctx, db.read)
	if err != nil {
		return nil, err
	}
	rows, err := db.read.QueryContext(ctx, `SELECT x.id, x.claimant, x.as_of_lo, x.as_of_hi FROM estimates x INDEXED BY estimates_points_idx
		WHERE `+strings.Join(where, " AND ")+` ORDER BY x.as_of_lo DESC, x.id DESC`, params...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	type claim struct {
		id int64
		hi string
	}
	best := map[string]claim{}
	for rows.Next() {
		var (
			c       claim
			who, lo string
		)
		if err := rows.Scan(&c.id, &who, &lo, &c.hi); err != nil {
			return nil, err
		}
		key := strings.ToLower(strings.TrimSpace(who))
		if b, ok := best[key]; !ok || c.hi > b.hi || (c.hi == b.hi && c.id > b.id) {
			best[key] = c
		}
		if len(best) < len(want) {
			continue
		}
		// Every claimant has a latest claim: an estimate that begins
		// before lo ends at most span days after it, so once that is
		// before every claimant's latest end, none can be later.
		oldest := ""
		for _, b := range best {
			if oldest == "" || b.hi < oldest {
				oldest = b.hi
			}
		}
		reach, err := time.Parse(time.DateOnly, lo)
		if err != nil {
			return nil, fmt.Errorf("estimate %d: as_of_lo %q: %w", c.id, lo, err)
		}
		if reach.AddDate(0, 0, span+1).Format(time.DateOnly) < oldest {
			break
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	out := make([]conflict.Estimate, 0, len(best))
	for _, b := range best {
		x, err := findEstimate(ctx, db.read, conflict.EstimateID(b.id))
		if err != nil {
			return nil, err
		}
		out = append(out, x)
	}
	slices.SortFunc(out, func(a, b conflict.Estimate) int {
		return cmp.Or(strings.Compare(a.AsOf.UpperKey(), b.AsOf.UpperKey()), cmp.Compare(a.ID, b.ID))
	})
	return out, nil
}
