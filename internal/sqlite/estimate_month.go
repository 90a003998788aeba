package sqlite

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/maypok86/otter/v2"

	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/edtf"
	"github.com/sitrep/sitrep/internal/versioned"
)

// The explorer's tallies (migration 0006) are kept by triggers as
// estimates are written, so reading them costs the same however many
// estimates a force has.

// CanGroupClaims reports whether FindClaimGroups can answer f: the tallies
// are kept per force, claimant and month of published estimates, so a
// place filter, or another status, needs the estimates themselves.
func CanGroupClaims(f conflict.EstimateFilter) bool {
	published := len(f.Statuses) == 0 || (len(f.Statuses) == 1 && f.Statuses[0] == conflict.Published)
	return f.Force != 0 && published && len(f.Places) == 0 && f.ClaimantID == 0 && f.ClaimantType == "" && f.BeginsFrom.IsZero()
}

// ClaimPanel is how many claims of one force, in one unit, FindClaimGroups
// sums up: what a chart draws in one panel.
type ClaimPanel struct {
	Force  conflict.ActorID
	Unit   string
	Claims int
}

// FindClaimGroups returns the published estimates of f's force (and the
// forces inside it), and of f's claimant when set, summed up per force,
// claimant, unit and stretch of time. Each stretch is a whole number of
// months, as few as keep the groups drawn to about marks in all (one group
// per claimant, force, unit and stretch). drawn, when not nil, is told
// every force's and unit's count of claims and reports which are drawn
// (a chart may draw only some of its panels, see chart.DrawnPanels): the
// marks go to those alone, and the claims of the others are summed up
// whole, one group per force, claimant and unit, which still counts them.
// It answers from the maintained tallies, kept in memory per force and
// claimant until the next write (DB.tallies), so its cost grows with
// the force's claimants and months, not its estimates, and a new pair of
// dates costs no scan of the tallies. The groups come in no particular
// order. f must satisfy CanGroupClaims.
func (db *DB) FindClaimGroups(ctx context.Context, f conflict.EstimateFilter, marks int, drawn func([]ClaimPanel) []bool) ([]conflict.ClaimGroup, error) {
	if !CanGroupClaims(f) {
		return nil, fmt.Errorf("claim groups: filter %+v needs the estimates themselves", f)
	}
	version, err := db.LastChange(ctx)
	if err != nil {
		return nil, err
	}
	t, err := db.tallies.Get(version, claimTallyKey{f.Force, f.Claimant}, versioned.Scaled(claimTallyRows),
		func(t *claimTallies) int { return len(t.rows) },
		func() (*claimTallies, error) { return db.readClaimTallies(ctx, f.Force, f.Claimant) })
	if err != nil {
		return nil, err
	}
	// A date range takes the months wholly inside it from the tallies; the
	// estimates of its first and last months (and any that began earlier
	// and reach into it) are summed from the estimates themselves, per
	// month, and join the stretch of their month.
	var (
		edgeRows         []tallyRow
		fromMonth, toMon string
	)
	if !f.From.IsZero() || !f.To.IsZero() {
		if edgeRows, fromMonth, toMon, err = db.claimEdges(ctx, f); err != nil {
			return nil, err
		}
	}
	fromNumber, toNumber := monthNumber(fromMonth), monthNumber(toMon)
	inside := func(r *tallyRow) bool {
		return (fromMonth == "" || r.number > fromNumber) && (toMon == "" || r.number < toNumber)
	}
	// The rows are in the order of their key, months last: each series
	// (force, claimant and unit) is a run of rows. The first pass counts
	// the months, each panel's claims and its series.
	type panelKey struct {
		actor conflict.ActorID
		unit  string
	}
	var (
		first, last = 0, 0
		panelIndex  = map[panelKey]int{}
		panels      []ClaimPanel
		series      []int // how many series each panel has
		prev        *tallyRow
		run         int
	)
	count := func(r *tallyRow, n int, newSeries bool) {
		if first == 0 || r.number < first {
			first = r.number
		}
		last = max(last, r.number)
		k := panelKey{r.actor, r.unit}
		j, ok := panelIndex[k]
		if !ok {
			j = len(panels)
			panelIndex[k] = j
			panels = append(panels, ClaimPanel{Force: r.actor, Unit: r.unit})
			series = append(series, 0)
		}
		panels[j].Claims += n
		if newSeries {
			series[j]++
		}
	}
	sameSeries := func(a, b *tallyRow) bool {
		return a != nil && a.actor == b.actor && a.claimant == b.claimant && a.unit == b.unit
	}
	type seriesKey struct {
		actor          conflict.ActorID
		claimant, unit string
	}
	// inRange holds the series the tallies have in the range, when edge
	// rows may add claims to them rather than series of their own.
	var inRange map[seriesKey]bool
	if len(edgeRows) > 0 {
		inRange = map[seriesKey]bool{}
	}
	for i := range t.rows {
		r := &t.rows[i]
		if !inside(r) {
			continue
		}
		if !sameSeries(prev, r) {
			if prev != nil {
				count(prev, run, true)
			}
			prev, run = r, 0
			if inRange != nil {
				inRange[seriesKey{r.actor, r.claimant, r.unit}] = true
			}
		}
		run += r.n
		last = max(last, r.number)
	}
	if prev != nil {
		count(prev, run, true)
	}
	for i := range edgeRows {
		r := &edgeRows[i]
		k := seriesKey{r.actor, r.claimant, r.unit}
		count(r, r.n, !inRange[k])
		inRange[k] = true
	}
	isDrawn := make([]bool, len(panels))
	if drawn != nil {
		copy(isDrawn, drawn(slices.Clone(panels)))
	} else {
		for i := range isDrawn {
			isDrawn[i] = true
		}
	}
	drawnSeries, allSeries := 0, 0
	for j, n := range series {
		if isDrawn[j] {
			drawnSeries += n
		}
		allSeries += n
	}
	months := last - first + 1
	per := max(1, (months*max(drawnSeries, 1)+max(marks, 1)-1)/max(marks, 1))
	// stretch is the group a row of a series joins: the stretch of its
	// month when its panel is drawn, one for the whole range otherwise.
	stretch := func(r *tallyRow, panelDrawn bool) int {
		if !panelDrawn {
			return -1
		}
		return (max(r.number, first) - first) / per
	}
	// Each group is known by its series and stretch, so that an edge row
	// joins its stretch's group.
	type groupID struct {
		actor          conflict.ActorID
		claimant, unit string
		k              int
	}
	var (
		g *claimSum
		// About marks groups, and one more for each series whose months
		// do not divide evenly (an undrawn series is one group): four
		// times marks, as it was, left two thirds of them unused at a
		// million events, some 50 KB a page.
		sums     = make([]claimSum, 0, min(len(t.rows), max(marks, 1)+allSeries))
		ids      = make([]groupID, 0, cap(sums))
		groupKey int
		from     *tallyRow
		rowDrawn bool
	)
	for i := range t.rows {
		r := &t.rows[i]
		if !inside(r) {
			continue
		}
		same := sameSeries(from, r)
		if !same {
			rowDrawn = isDrawn[panelIndex[panelKey{r.actor, r.unit}]]
		}
		k := stretch(r, rowDrawn)
		if g != nil && same && groupKey == k {
			g.add(r.claimSum)
			continue
		}
		sums = append(sums, r.claimSum)
		ids = append(ids, groupID{r.actor, r.claimant, r.unit, k})
		g, groupKey, from = &sums[len(sums)-1], k, r
	}
	if len(edgeRows) > 0 {
		index := make(map[groupID]int, len(ids))
		for i, id := range ids {
			index[id] = i
		}
		for i := range edgeRows {
			r := &edgeRows[i]
			id := groupID{r.actor, r.claimant, r.unit, stretch(r, isDrawn[panelIndex[panelKey{r.actor, r.unit}]])}
			if j, ok := index[id]; ok {
				sums[j].add(r.claimSum)
				continue
			}
			index[id] = len(sums)
			sums = append(sums, r.claimSum)
		}
	}
	// Edge claims may name actors the tallies do not.
	missing := map[conflict.ActorID]bool{}
	for _, s := range sums {
		for _, id := range []conflict.ActorID{s.actor, s.claimantActor} {
			if _, ok := t.refs[id]; !ok && id != 0 {
				missing[id] = true
			}
		}
	}
	refs := t.refs
	if len(missing) > 0 {
		more, err := db.actorRefs(ctx, missing)
		if err != nil {
			return nil, err
		}
		refs = maps.Clone(t.refs)
		maps.Copy(refs, more)
	}
	out := make([]conflict.ClaimGroup, 0, len(sums))
	for _, s := range sums {
		g := conflict.ClaimGroup{Force: refs[s.actor], Claimant: s.claimant, Unit: s.unit, Count: s.n,
			Low:  conflict.Bound{Value: s.lowMin.Int64, Set: s.lowMin.Valid},
			High: conflict.Bound{Value: s.highMax.Int64, Set: s.highMax.Valid},
			Min:  s.valueMin, Max: s.valueMax}
		if g.From, err = parseTallyDay(s.firstLo); err != nil {
			return nil, err
		}
		if g.To, err = parseTallyDay(s.lastHi); err != nil {
			return nil, err
		}
		if s.claimantActor != 0 {
			r := refs[s.claimantActor]
			g.ClaimantActor = &r
		}
		out = append(out, g)
	}
	return out, nil
}

// claimEdges sums up, per force, claimant, unit and month, the claims of
// f's first and last months, which the tallies cannot cut at a day, and
// those that began before f's start and reach into it (counted in its
// first month). fromMonth and toMonth are those months ('YYYY-MM'), ""
// when f has no such end.
func (db *DB) claimEdges(ctx context.Context, f conflict.EstimateFilter) (rows []tallyRow, fromMonth, toMonth string, err error) {
	conds, ps, err := estimateWhere(ctx, db.read, f)
	if err != nil {
		return nil, "", "", err
	}
	var (
		edges  []string
		params []any
	)
	// Each edge is its own index range.
	edge := func(cond string, v string) {
		edges = append(edges, `SELECT x.actor_id, x.claimant, x.unit, substr(x.as_of_lo, 1, 7), count(*), min(x.low), max(x.high),
			min(coalesce(x.low, x.high)), max(coalesce(x.high, x.low)), min(x.as_of_lo), max(x.as_of_hi), coalesce(max(x.claimant_actor_id), 0)
			FROM estimates x INDEXED BY estimates_points_idx WHERE `+strings.Join(conds, " AND ")+` AND `+cond+`
			GROUP BY x.actor_id, x.claimant, x.unit, substr(x.as_of_lo, 1, 7)`)
		params = append(append(params, ps...), v)
	}
	after := ""
	if !f.From.IsZero() {
		fromMonth = f.From.LowerKey()[:7]
		after = fromMonth + "~"
		edge(`x.as_of_lo < ?`, after)
	}
	if !f.To.IsZero() {
		toMonth = f.To.UpperKey()[:7]
		edge(`x.as_of_lo >= ?`, max(toMonth, after))
	}
	q, err := db.read.QueryContext(ctx, strings.Join(edges, " UNION ALL "), params...)
	if err != nil {
		return nil, "", "", err
	}
	defer q.Close()
	start := monthNumber(fromMonth)
	for q.Next() {
		var (
			r     tallyRow
			month string
		)
		if err := q.Scan(&r.actor, &r.claimant, &r.unit, &month, &r.n, &r.lowMin, &r.highMax, &r.valueMin, &r.valueMax,
			&r.firstLo, &r.lastHi, &r.claimantActor); err != nil {
			return nil, "", "", err
		}
		r.number = max(monthNumber(month), start)
		rows = append(rows, r)
	}
	return rows, fromMonth, toMonth, q.Err()
}

// claimSum is the tally of some claims of one force, claimant and unit, as
// estimate_months keeps it per month.
type claimSum struct {
	actor              conflict.ActorID
	claimant, unit     string
	n                  int
	lowMin, highMax    sql.NullInt64
	valueMin, valueMax int64
	firstLo, lastHi    string
	claimantActor      conflict.ActorID
}

// add sums h into s as SQL's aggregates would: min and max pass over
// NULL.
func (s *claimSum) add(h claimSum) {
	s.n += h.n
	if h.lowMin.Valid && (!s.lowMin.Valid || h.lowMin.Int64 < s.lowMin.Int64) {
		s.lowMin = h.lowMin
	}
	if h.highMax.Valid && (!s.highMax.Valid || h.highMax.Int64 > s.highMax.Int64) {
		s.highMax = h.highMax
	}
	s.valueMin, s.valueMax = min(s.valueMin, h.valueMin), max(s.valueMax, h.valueMax)
	s.firstLo, s.lastHi = min(s.firstLo, h.firstLo), max(s.lastHi, h.lastHi)
	s.claimantActor = max(s.claimantActor, h.claimantActor)
}

// tallyRow is one row of estimate_months.
type tallyRow struct {
	claimSum
	// number is the row's month ('YYYY-MM'), counted in months since
	// year 0.
	number int
}

// claimTallies are the monthly tallies of one force (and the forces
// inside it), and of one claimant when set, in key order, with the actors
// they name.
type claimTallies struct {
	rows []tallyRow
	refs map[conflict.ActorID]conflict.ActorRef
}

// tallyDays keeps the days the tallies' first and last claims fall on,
// parsed, for every force's tallies at once: they are calendar days, the
// same few thousand in every force's. Kept per force's tallies, as they
// were, they took 5 MB of the heap at a million events, more than the
// rows they served.
var tallyDays = otter.Must(&otter.Options[string, edtf.Date]{MaximumSize: 1 << 14})

// parseTallyDay returns the date a tally's day key names.
func parseTallyDay(key string) (edtf.Date, error) {
	if d, ok := tallyDays.GetIfPresent(key); ok {
		return d, nil
	}
	d, err := edtf.Parse(key)
	if err != nil {
		return d, fmt.Errorf("estimate tally: day %q: %w", key, err)
	}
	tallyDays.Set(key, d)
	return d, nil
}

func (db *DB) readClaimTallies(ctx context.Context, force conflict.ActorID, claimant string) (*claimTallies, error) {
	ids, err := forceSubtree(ctx, db.read, force)
	if err != nil {
		return nil, err
	}
	where := `actor_id IN (` + placeholders(len(ids)) + `)`
	params := args(ids)
	if claimant != "" {
		where += ` AND claimant = ? COLLATE NOCASE`
		params = append(params, claimant)
	}
	rows, err := db.read.QueryContext(ctx, `SELECT actor_id, claimant, unit, month, n, low_min, high_max, value_min, value_max,
		first_lo, last_hi, coalesce(claimant_actor_id, 0)
		FROM estimate_months WHERE `+where+` ORDER BY actor_id, claimant, unit, month`, params...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	t := &claimTallies{}
	actors := map[conflict.ActorID]bool{}
	// Claimants, units and days repeat from month to month: each is kept
	// once.
	text := map[string]string{}
	intern := func(s string) string {
		if v, ok := text[s]; ok {
			return v
		}
		text[s] = s
		return s
	}
	for rows.Next() {
		var (
			r     tallyRow
			month string
		)
		if err := rows.Scan(&r.actor, &r.claimant, &r.unit, &month, &r.n, &r.lowMin, &r.highMax, &r.valueMin, &r.valueMax,
			&r.firstLo, &r.lastHi, &r.claimantActor); err != nil {
			return nil, err
		}
		r.claimant, r.unit = intern(r.claimant), intern(r.unit)
		r.firstLo, r.lastHi = intern(r.firstLo), intern(r.lastHi)
		r.number = monthNumber(month)
		// A day that does not parse is found here, where the tallies are
		// read, not on some later page.
		for _, key := range []string{r.firstLo, r.lastHi} {
			if _, err := parseTallyDay(key); err != nil {
				return nil, err
			}
		}
		actors[r.actor] = true
		if r.claimantActor != 0 {
			actors[r.claimantActor] = true
		}
		t.rows = append(t.rows, r)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	// Kept until the next write: no room to spare.
	t.rows = slices.Clone(t.rows)
	if t.refs, err = db.actorRefs(ctx, actors); err != nil {
		return nil, err
	}
	return t, nil
}

// claimTallyKey names a force's monthly claim tallies, all its claimants'
// or one's, as DB.tallies keeps them until the next write. Grouping them in
// SQL took a scan of a force's tallies for every pair of dates the
// explorer is asked for (11,000 rows for the largest force at a million
// events); each pair now cuts the rows kept.
type claimTallyKey struct {
	force    conflict.ActorID
	claimant string
}

// claimTallyRows bounds the tallies kept: about 160 bytes a row.
const claimTallyRows = 60_000

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
