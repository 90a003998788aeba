package sqlite

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/RoaringBitmap/roaring/v2"

	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/edtf"
)

// Every list of events — pages, counts, the API, exports, embeds — is read
// through one plan. A plan drives the query from the filter's most
// selective condition: one or more index ranges that each yield matching
// events already in (date_lo, id) order, merged lazily when there are
// several, so reading a page stops after the page. Every other condition is
// a per-row check that costs a point lookup. The ranges are the
// event_postings of a key (an actor with everything under it, a place with
// everything inside it, a tag), a timeline's pinned events, the status and
// date index of all events, or, for a rare word, its full-text matches.

// row names the columns of a driving range that checks refer to: its
// date_lo, its event id, its date_hi and whether it is retracted.
type row struct{ lo, id, hi, retracted string }

// check is a condition on a row, rendered for that row's columns.
type check func(r row) (string, []any)

// arm is one index range yielding candidate events in date order.
type arm struct {
	from   string
	cols   row
	where  []string
	params []any
	checks []check // only for this arm, besides the plan's own
	// byKey, for a range read in the order of one integer key rather than
	// of (date_lo, id), is that key: the cursor and the order use it.
	byKey string
}

// eventPlan is how one filter reads its events.
type eventPlan struct {
	arms   []arm
	checks []check
	// exact is the number of matches when tallies know it, or -1.
	exact int
	// atLeast is a number of matches known without counting them.
	atLeast int
	// countCap, when set, counts fewer matches than asked: a plan whose
	// rows each need a full-text lookup would otherwise spend on "more
	// than 1,000" many times what its page costs.
	countCap int
	// none is set when the filter names a key no event has.
	none bool
	// prefix, when set, holds the events that begin long before the
	// driving range's first key yet reach into the filter's dates: they
	// come before all of its rows in date order, so they are read first
	// (last, newest first) by a query of their own.
	prefix []arm
}

var (
	// A posting of an event of one day stores date_hi '' (0031).
	postingRow = row{lo: "s.date_lo", id: "s.event_id", hi: "iif(s.date_hi = '', s.date_lo, s.date_hi)", retracted: "s.retracted"}
	eventsRow  = row{lo: "s.date_lo", id: "s.id", hi: "s.date_hi", retracted: "(s.status = 'retracted')"}
)

// clause is one condition of a filter that may drive the plan: an event
// matches it when it is posted under any of its keys, or is one of the
// pinned events of its timeline.
type clause struct {
	keys []string
	// all is set when every public event is a candidate (a timeline of
	// dates and pins only).
	all bool
	// pinnedIn, when set, adds a timeline's pinned events, and then rest
	// holds the timeline's other conditions, which only its keys' arms
	// must pass.
	pinnedIn conflict.TimelineID
	rest     []check
	// looksUp is set when rest checks each row against another of the
	// timeline's keys, a lookup per row.
	looksUp bool
	// cost estimates the rows the clause's ranges hold.
	cost int
}

// ftsDriveLimit is how many full-text matches make a word rare: a list
// filtered by it counts them all.
const ftsDriveLimit = 2000

// ftsCheckWeight is what an event read from another filter's postings
// and checked against a word costs, in events read from the word's
// matches and checked against the other filter. Measured at a million
// events with a word in a quarter of them: 13 µs against 6 µs.
const ftsCheckWeight = 2

// ftsRecountLimit is how far a common word is counted again to choose
// between driving from it and checking it row by row: at a million
// events, counting 100,000 matches takes about 12 ms, and search's sets
// of common words count them at once.
const ftsRecountLimit = 100_000

// textDrives says whether a list of a word and another filter is read
// from the word's matches, each checked against the filter, rather than
// from the filter's events, each checked against the word, given how
// many events each matches and how many there are in all. Either read
// stops once it has counted checkedCountLimit events of both, and the
// two are taken to meet as if by chance: from the word's matches that
// is after total / other of them for each event found, from the other
// filter's events after total / words.
func textDrives(words, other, total int) bool {
	if other <= 0 || words <= 0 {
		return words <= 0
	}
	fromWords := min(words, checkedCountLimit*total/other)
	fromOther := ftsCheckWeight * min(other, checkedCountLimit*total/words)
	return fromWords <= fromOther
}

// textDrivesUpTo is the most matches a word may have and still drive a
// list with another filter (textDrives), which holds for fewer matches
// and not for more.
func textDrivesUpTo(other, total int) int {
	lo, hi := 0, max(total, 1)
	for lo < hi {
		mid := lo + (hi-lo+1)/2
		if textDrives(mid, other, total) {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	return lo
}

// ftsCountLimit is where counting a word's matches in the index stops:
// one past where a word stops being rare, as far as the plan needs to
// know, and past the thousand a list counts to. Words that are each
// common but seldom meet walk their lists of matches as far as it.
const ftsCountLimit = ftsDriveLimit + 1

// textCountLimit caps the count of a list that checks a common word row by
// row: about four pages' worth of lookups.
const textCountLimit = 200

// checkedCountLimit caps the count of a list whose driving rows are each
// checked against another filter (an actor and a tag, a timeline's place
// and tag): every match counted costs a lookup or more, and a sparse
// intersection walks many rows per match, so "more than 200" is where
// the count stops costing more than a few pages of the list.
const checkedCountLimit = 200

// planEvents turns a filter into a plan. It reads the tallies of the
// filter's keys, so it runs in the caller's read transaction.
func planEvents(ctx context.Context, q querier, f conflict.EventFilter) (eventPlan, error) {
	plan := eventPlan{exact: -1}
	retracted, private := false, false
	for _, s := range f.Statuses {
		switch s {
		case conflict.Published:
		case conflict.Retracted:
			retracted = true
		default:
			private = true
		}
	}
	if private {
		return planPrivate(f)
	}
	var clauses []clause
	reader, err := dimensionClauses(ctx, q, f.Actors, f.Places, f.Tags)
	if err != nil {
		return plan, err
	}
	clauses = append(clauses, reader...)
	from, to := f.Dates()
	onlyTallied := from.IsZero() && to.IsZero() && f.Query == "" && !retracted
	if !to.IsZero() {
		key := to.UpperKey()
		plan.checks = append(plan.checks, func(r row) (string, []any) { return r.lo + " <= ?", []any{key} })
	}
	if t := f.Timeline; t != nil {
		own, err := dimensionClauses(ctx, q, t.Filter.Actors, t.Filter.Places, t.Filter.Tags)
		if err != nil {
			return plan, err
		}
		ownDates, err := dateChecks(ctx, q, t.Filter.From, t.Filter.To)
		if err != nil {
			return plan, err
		}
		pinned := len(t.Pinned) > 0
		switch {
		case !pinned:
			clauses = append(clauses, own...)
		case len(own) == 0 && len(ownDates) == 0:
			// A timeline of pinned events only.
			clauses = append(clauses, clause{pinnedIn: t.ID, cost: len(t.Pinned)})
			onlyTallied = false
		default:
			clauses = append(clauses, timelineClause(t.ID, own, ownDates, len(t.Pinned)))
			onlyTallied = false
		}
		if len(t.Excluded) > 0 {
			id := int64(t.ID)
			plan.checks = append(plan.checks, func(r row) (string, []any) {
				return "NOT EXISTS (SELECT 1 FROM timeline_events x WHERE x.timeline_id = ? AND x.event_id = " + r.id + " AND x.excluded = 1)", []any{id}
			})
			onlyTallied = false
		}
	}
	for _, c := range clauses {
		if c.pinnedIn == 0 && c.cost == 0 {
			plan.none = true
			plan.exact = 0
			return plan, nil
		}
	}
	if !retracted {
		plan.checks = append(plan.checks, func(r row) (string, []any) { return r.retracted + " = 0", nil })
	}
	var fts *clause
	search := parseQuery(f.Query)
	if f.Query != "" {
		match := search.match
		if match == "" {
			plan.none, plan.exact = true, 0
			return plan, nil
		}
		// Counting a word's matches in the index is cheap, and says
		// whether to drive from them or to check them row by row.
		n, err := countTextMatches(ctx, q, match, ftsCountLimit)
		if err != nil {
			return plan, err
		}
		if n == 0 {
			plan.none, plan.exact = true, 0
			return plan, nil
		}
		fts = &clause{cost: n, keys: []string{match}}
		if n > ftsDriveLimit {
			plan.countCap = textCountLimit
			if len(clauses) == 0 && from.IsZero() && to.IsZero() && f.Timeline == nil {
				// Text alone: every match that is not an unpublished
				// event is a public match, so the index's count less
				// the unpublished events is a true lower bound.
				var private int
				if err := q.QueryRowContext(ctx, `SELECT count(*) FROM (SELECT 1 FROM events
					WHERE status IN ('draft', 'submitted', 'rejected', 'retracted') LIMIT ?)`, ftsCountLimit).Scan(&private); err != nil {
					return plan, fmt.Errorf("count unpublished events: %w", err)
				}
				plan.atLeast = n - private
			}
		}
	}

	// The cheapest clause drives; the others become checks.
	driver := -1
	for i, c := range clauses {
		if driver < 0 || c.cost < clauses[driver].cost {
			driver = i
		}
	}
	useFTS := fts != nil && driver < 0
	// With another filter to drive, a word is either read first or
	// checked row by row; its set of matches, when search keeps one,
	// says exactly how common it is, and makes the check cheap.
	var words *roaring.Bitmap
	if fts != nil && driver >= 0 {
		if words, err = wordSet(ctx, q, search); err != nil {
			return plan, err
		}
		if useFTS, err = chooseTextDrive(ctx, q, search, fts.cost, words, clauses[driver].cost); err != nil {
			return plan, err
		}
	}
	switch {
	case useFTS:
		driver = -1
		// A rare word's matches are few enough to count them all, and
		// a word alone is known to have at least atLeast. A common word
		// within dates stops at textCountLimit, as when it is checked
		// row by row: each match counted joins its event, and a thousand
		// cost many times the page they describe.
		if fts.cost <= ftsDriveLimit || plan.atLeast > 0 {
			plan.countCap = 0
		}
		plan.atLeast = min(plan.atLeast, fts.cost)
		// The index holds every event, drafts too (0029): the public
		// ones are those the list shows.
		public := "s.status = 'published'"
		if retracted {
			public = "s.status IN ('published', 'retracted')"
		}
		a := arm{from: "events_date_fts f JOIN events s ON s.id = f.rowid % 4294967296", cols: eventsRow, byKey: "f.rowid",
			where: []string{"events_date_fts MATCH ?", public}, params: []any{fts.keys[0]}}
		if !to.IsZero() {
			a.where, a.params = append(a.where, "f.rowid <= ?"), append(a.params, dateKey(to.UpperKey(), math.MaxUint32))
		}
		plan.arms = []arm{a}
	case driver < 0:
		plan.arms = statusArms(retracted)
		if onlyTallied {
			total, err := tallies(ctx, q, []string{"*"})
			if err != nil {
				return plan, err
			}
			plan.exact = total["*"]
		}
	default:
		plan.arms = clauses[driver].arms(retracted)
		if clauses[driver].looksUp {
			plan.countCap = checkedCountLimit
		}
		if onlyTallied && len(clauses) == 1 && len(clauses[0].keys) == 1 {
			plan.exact = clauses[0].cost
		}
	}
	for i, c := range clauses {
		if i != driver {
			plan.checks = append(plan.checks, c.check())
			plan.countCap = checkedCountLimit
		}
	}
	if fts != nil && !useFTS {
		plan.checks = append(plan.checks, textCheck(q, search, words))
	}
	if !from.IsZero() {
		var driving func(earliest, from string) check
		switch {
		case useFTS:
			// The word's matches that begin in the window, read once
			// from the date-ordered index: a full-text lookup for each
			// spanned event would cost a hundred times more.
			match := fts.keys[0]
			driving = func(earliest, from string) check {
				lo, hi := dateKey(earliest, 0), dateKey(from, 0)
				return func(r row) (string, []any) {
					return r.id + " IN (SELECT f.rowid % 4294967296 FROM events_date_fts f WHERE events_date_fts MATCH ? AND f.rowid >= ? AND f.rowid < ?)",
						[]any{match, lo, hi}
				}
			}
		}
		// A key's own postings over the span before from hold its events
		// that reach into it; past a twentieth of all events, the index
		// of spanned events has fewer rows in that window to read.
		ownRanges := false
		if driver >= 0 {
			total, err := tallies(ctx, q, []string{"*"})
			if err != nil {
				return plan, err
			}
			ownRanges = clauses[driver].cost*20 < total["*"]
			if !ownRanges {
				c := clauses[driver].check()
				driving = func(string, string) check { return c }
			}
		}
		if err := plan.startAt(ctx, q, from, driving, ownRanges); err != nil {
			return plan, err
		}
	}
	return plan, nil
}

// planPrivate plans a list that includes drafts, submissions or rejected
// events, which are not posted: an editor's lists are short, so each
// status is read from the status index and every filter is checked
// against the links themselves.
func planPrivate(f conflict.EventFilter) (eventPlan, error) {
	plan := eventPlan{exact: -1}
	statuses := slices.Compact(slices.Sorted(slices.Values(f.Statuses)))
	for _, st := range statuses {
		plan.arms = append(plan.arms, arm{from: "events s", cols: eventsRow, where: []string{"s.status = ?"}, params: []any{string(st)}})
	}
	filters := []conflict.EventFilter{f}
	if t := f.Timeline; t != nil {
		own := conflict.EventFilter{Actors: t.Filter.Actors, Places: t.Filter.Places, Tags: t.Filter.Tags, From: t.Filter.From, To: t.Filter.To}
		if len(t.Pinned) == 0 {
			filters = append(filters, own)
		} else {
			ownChecks := linkChecks(own)
			id := int64(t.ID)
			plan.checks = append(plan.checks, func(r row) (string, []any) {
				pin := "EXISTS (SELECT 1 FROM timeline_events x WHERE x.timeline_id = ? AND x.event_id = " + r.id + " AND x.excluded = 0)"
				if len(ownChecks) == 0 {
					return pin, []any{id}
				}
				var parts []string
				var params []any
				for _, c := range ownChecks {
					s, p := c(r)
					parts, params = append(parts, s), append(params, p...)
				}
				return "((" + strings.Join(parts, " AND ") + ") OR " + pin + ")", append(params, id)
			})
		}
		if len(t.Excluded) > 0 {
			id := int64(t.ID)
			plan.checks = append(plan.checks, func(r row) (string, []any) {
				return "NOT EXISTS (SELECT 1 FROM timeline_events x WHERE x.timeline_id = ? AND x.event_id = " + r.id + " AND x.excluded = 1)", []any{id}
			})
		}
	}
	for _, ff := range filters {
		plan.checks = append(plan.checks, linkChecks(ff)...)
	}
	if f.Query != "" {
		search := parseQuery(f.Query)
		if search.match == "" {
			plan.none, plan.exact = true, 0
			return plan, nil
		}
		plan.checks = append(plan.checks, func(r row) (string, []any) { return textMatches(r, search.prefix), []any{search.match} })
	}
	return plan, nil
}

// linkChecks are a filter's actors, places, tags and dates as checks
// against an event's own links, for events that are not posted.
func linkChecks(f conflict.EventFilter) []check {
	var out []check
	if len(f.Actors) > 0 {
		ids := args(f.Actors)
		out = append(out, func(r row) (string, []any) {
			return "EXISTS (SELECT 1 FROM event_actors ea JOIN actor_tree t ON t.descendant_id = ea.actor_id WHERE ea.event_id = " + r.id +
				" AND t.ancestor_id IN (" + placeholders(len(ids)) + "))", ids
		})
	}
	if len(f.Places) > 0 {
		ids := args(f.Places)
		out = append(out, func(r row) (string, []any) {
			return "EXISTS (SELECT 1 FROM events pe JOIN place_tree t ON t.descendant_id = pe.place_id WHERE pe.id = " + r.id +
				" AND t.ancestor_id IN (" + placeholders(len(ids)) + "))", ids
		})
	}
	if len(f.Tags) > 0 {
		tags := args(f.Tags)
		out = append(out, func(r row) (string, []any) {
			return "EXISTS (SELECT 1 FROM event_tags et WHERE et.event_id = " + r.id + " AND et.tag IN (" + placeholders(len(tags)) + "))", tags
		})
	}
	var dates []check
	if !f.From.IsZero() {
		key := f.From.LowerKey()
		dates = append(dates, func(r row) (string, []any) { return r.hi + " >= ?", []any{key} })
	}
	if !f.To.IsZero() {
		key := f.To.UpperKey()
		dates = append(dates, func(r row) (string, []any) { return r.lo + " <= ?", []any{key} })
	}
	return append(out, dates...)
}

// statusArms reads all published events, and the retracted ones when
// asked, each status a range of the (status, date_lo, id) index.
func statusArms(retracted bool) []arm {
	arms := []arm{{from: "events s", cols: eventsRow, where: []string{"s.status = 'published'"}}}
	if retracted {
		arms = append(arms, arm{from: "events s", cols: eventsRow, where: []string{"s.status = 'retracted'"}})
	}
	return arms
}

// arms returns the ranges that yield the clause's events.
func (c clause) arms(retracted bool) []arm {
	out := make([]arm, 0, len(c.keys)+2)
	if c.all {
		out = statusArms(retracted)
		for i := range out {
			out[i].checks = c.rest
		}
	}
	for _, k := range c.keys {
		out = append(out, arm{from: "event_postings s", cols: postingRow, where: []string{"s.key = ?"}, params: []any{k}, checks: c.rest})
	}
	if c.pinnedIn != 0 {
		out = append(out, arm{from: "timeline_events te JOIN events s ON s.id = te.event_id", cols: eventsRow,
			where:  []string{"te.timeline_id = ?", "te.excluded = 0", "s.status IN ('published', 'retracted')"},
			params: []any{int64(c.pinnedIn)}})
	}
	return out
}

// check returns the clause as a condition on a row another clause drives.
func (c clause) check() check {
	return func(r row) (string, []any) {
		var (
			parts  []string
			params []any
		)
		if len(c.keys) > 0 {
			parts = append(parts, "EXISTS (SELECT 1 FROM event_postings x WHERE x.key IN ("+placeholders(len(c.keys))+") AND x.date_lo = "+r.lo+" AND x.event_id = "+r.id+")")
			params = append(params, args(c.keys)...)
		}
		for _, rc := range c.rest {
			s, p := rc(r)
			parts = append(parts, s)
			params = append(params, p...)
		}
		cond := strings.Join(parts, " AND ")
		if c.all && cond == "" {
			cond = "1"
		}
		if c.pinnedIn == 0 {
			return cond, params
		}
		pin := "EXISTS (SELECT 1 FROM timeline_events x WHERE x.timeline_id = ? AND x.event_id = " + r.id + " AND x.excluded = 0)"
		if cond == "" {
			return pin, []any{int64(c.pinnedIn)}
		}
		return "((" + cond + ") OR " + pin + ")", append(params, int64(c.pinnedIn))
	}
}

// timelineClause is a timeline with pinned events: its own conditions, or
// one of its pins. Its cheapest own clause drives it, beside the pins.
func timelineClause(id conflict.TimelineID, own []clause, dates []check, pins int) clause {
	c := clause{pinnedIn: id, rest: dates}
	if len(own) == 0 {
		// Dates alone: every event is a candidate.
		c.all, c.cost = true, math.MaxInt32
		return c
	}
	best := 0
	for i, o := range own {
		if o.cost < own[best].cost {
			best = i
		}
	}
	c.keys, c.cost = own[best].keys, own[best].cost+pins
	for i, o := range own {
		if i != best {
			c.rest = append(c.rest, o.check())
			c.looksUp = true
		}
	}
	return c
}

// postingKeys appends to keys the postings' keys of each kind of record
// named, one list a kind: an event matches a kind when it has one of its
// keys.
func postingKeys(keys [][]string, actors []conflict.ActorID, places []conflict.PlaceID, tags []string) [][]string {
	if len(actors) > 0 {
		keys = append(keys, prefixed("a:", actors))
	}
	if len(places) > 0 {
		keys = append(keys, prefixed("p:", places))
	}
	if len(tags) > 0 {
		ks := make([]string, len(tags))
		for i, t := range tags {
			ks[i] = "t:" + t
		}
		keys = append(keys, ks)
	}
	return keys
}

// dimensionClauses returns one clause for each kind of record the filter
// names: an event must match one of the actors, one of the places and one
// of the tags. Actors and places take in everything under them through
// the postings themselves.
func dimensionClauses(ctx context.Context, q querier, actors []conflict.ActorID, places []conflict.PlaceID, tags []string) ([]clause, error) {
	keys := postingKeys(nil, actors, places, tags)
	var all []string
	for _, ks := range keys {
		all = append(all, ks...)
	}
	n, err := tallies(ctx, q, all)
	if err != nil {
		return nil, err
	}
	out := make([]clause, 0, len(keys))
	for _, ks := range keys {
		c := clause{}
		for _, k := range slices.Compact(slices.Sorted(slices.Values(ks))) {
			// A key with no published events may still have retracted
			// ones; it costs nothing to keep.
			c.keys = append(c.keys, k)
			c.cost += n[k]
		}
		if c.cost == 0 {
			// Retracted events are not tallied: keep the clause cheap
			// but not empty when a key exists at all.
			if ok, err := anyPosting(ctx, q, c.keys); err != nil {
				return nil, err
			} else if ok {
				c.cost = 1
			}
		}
		out = append(out, c)
	}
	return out, nil
}

func prefixed[T ~int64](prefix string, ids []T) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = prefix + strconv.FormatInt(int64(id), 10)
	}
	return out
}

// tallies reads the maintained count of published events of each key.
func tallies(ctx context.Context, q querier, keys []string) (map[string]int, error) {
	out := make(map[string]int, len(keys))
	if len(keys) == 0 {
		return out, nil
	}
	list, err := json.Marshal(keys)
	if err != nil {
		return nil, err
	}
	rows, err := q.QueryContext(ctx, `SELECT key, n FROM event_key_counts WHERE key IN (SELECT value FROM json_each(?))`, string(list))
	if err != nil {
		return nil, fmt.Errorf("read tallies: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			k string
			n int
		)
		if err := rows.Scan(&k, &n); err != nil {
			return nil, err
		}
		out[k] = n
	}
	return out, rows.Err()
}

func anyPosting(ctx context.Context, q querier, keys []string) (bool, error) {
	var one int
	err := q.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM event_postings WHERE key IN (`+placeholders(len(keys))+`))`, args(keys)...).Scan(&one)
	return one == 1, err
}

// dateChecks keeps events whose dates overlap from–to, as checks on a row
// another condition drives (a timeline's own dates beside its pins). An
// event overlaps "from" when it ends on or after it, and so begins at most
// the longest span before it.
func dateChecks(ctx context.Context, q querier, from, to edtf.Date) ([]check, error) {
	var out []check
	if !from.IsZero() {
		span, err := longestSpan(ctx, q)
		if err != nil {
			return nil, err
		}
		lo, hi := reachBack(from, span), from.LowerKey()
		out = append(out, func(r row) (string, []any) {
			return r.lo + " >= ? AND " + r.hi + " >= ?", []any{lo, hi}
		})
	}
	if !to.IsZero() {
		key := to.UpperKey()
		out = append(out, func(r row) (string, []any) { return r.lo + " <= ?", []any{key} })
	}
	return out, nil
}

// reachBack is the earliest date_lo of an event that reaches from, when no
// event spans more than span days: "" for no bound.
func reachBack(from edtf.Date, span int) string {
	lower := from.Lower().AddDate(0, 0, -span)
	if lower.Year() < 1 || span > 3_000_000 {
		return ""
	}
	return lower.Format(time.DateOnly)
}

// startAt makes the plan list events that overlap from onwards. Events
// that begin on or after from are the driving ranges read from their key
// for from, with no check at all. Those that begin before from and reach
// into it come before every other match in date order, so they are the
// plan's prefix: with ownRanges, the driving ranges themselves read over
// the span before from (postings carry date_hi); otherwise the indexes of
// spanned events, checked against driving, the condition that drives the
// rest.
func (p *eventPlan) startAt(ctx context.Context, q querier, from edtf.Date, driving func(earliest, from string) check, ownRanges bool) error {
	key := from.LowerKey()
	span, err := longestSpan(ctx, q)
	if err != nil {
		return err
	}
	if span > 0 {
		earliest := reachBack(from, span)
		if ownRanges {
			// Postings carry date_hi: the driving ranges themselves,
			// read over the span before from, hold the events that
			// reach into it, at a few rows for most keys.
			for _, a := range p.arms {
				pre := a
				pre.where, pre.params = slices.Clone(a.where), slices.Clone(a.params)
				pre.where = append(pre.where, a.cols.lo+" >= ?", a.cols.lo+" < ?", a.cols.hi+" >= ?")
				pre.params = append(pre.params, earliest, key, key)
				p.prefix = append(p.prefix, pre)
			}
		} else {
			monthBefore := from.Lower().AddDate(0, 0, -spanTier).Format(time.DateOnly)
			short := arm{from: "events s INDEXED BY events_spanned_idx", cols: eventsRow,
				where: []string{"s.status IN ('published', 'retracted')", "s.date_hi > s.date_lo",
					"julianday(s.date_hi) - julianday(s.date_lo) <= 31",
					"s.date_lo >= ?", "s.date_lo < ?", "s.date_hi >= ?"},
				params: []any{max(earliest, monthBefore), key, key}}
			long := arm{from: "events s INDEXED BY events_long_idx", cols: eventsRow,
				where: []string{"s.status IN ('published', 'retracted')", "julianday(s.date_hi) - julianday(s.date_lo) > 31",
					"s.date_lo >= ?", "s.date_lo < ?", "s.date_hi >= ?"},
				params: []any{earliest, key, key}}
			if driving != nil {
				short.checks = []check{driving(max(earliest, monthBefore), key)}
				long.checks = []check{driving(earliest, key)}
			}
			p.prefix = []arm{short}
			if span > spanTier {
				p.prefix = append(p.prefix, long)
			}
		}
	}
	for i := range p.arms {
		a := &p.arms[i]
		if a.byKey != "" {
			a.where, a.params = append(a.where, a.byKey+" >= ?"), append(a.params, dateKey(key, 0))
		} else {
			a.where, a.params = append(a.where, a.cols.lo+" >= ?"), append(a.params, key)
		}
	}
	return nil
}

// spanTier parts the spanned events: a month or less, and longer (see
// events_spanned_idx and events_long_idx).
const spanTier = 31

// dateKey is the rowid events_date_fts gives an event: the day number of
// its date_lo, as SQLite's julianday rounds it, times 2^32, plus its id.
func dateKey(dateLo string, id int64) int64 {
	d, err := time.Parse(time.DateOnly, dateLo)
	if err != nil {
		return 0
	}
	const unixEpochDay = 2440588
	days := d.Unix()/86400 + unixEpochDay
	if d.Unix() < 0 && d.Unix()%86400 != 0 {
		days--
	}
	return days<<32 + id
}

// chooseTextDrive says whether the matches of search drive a list whose
// other driving filter holds other events (textDrives), given its count,
// which stopped at ftsCountLimit, and its set of matches when search
// keeps one (wordSet), which counts them all. A count that stopped says
// only that the word is common, and which read is cheaper turns on how
// common: driving from a word in a quarter of all events to find a small
// actor's few among them read every match (0.4 to 1.2 s at a million
// events, where the actor's own events checked against the word take
// milliseconds). So without a set the word is counted again as far as the
// choice needs, when that is not far; and a word checked row by row asks
// for a set, which makes the check cheap.
func chooseTextDrive(ctx context.Context, q querier, search ftsSearch, counted int, words *roaring.Bitmap, other int) (bool, error) {
	total, err := tallies(ctx, q, []string{"*"})
	if err != nil {
		return false, err
	}
	if words != nil {
		return textDrives(int(words.GetCardinality()), other, total["*"]), nil
	}
	if counted <= ftsDriveLimit {
		return textDrives(counted, other, total["*"]), nil
	}
	upTo := textDrivesUpTo(other, total["*"])
	if upTo >= ftsRecountLimit {
		// As common as that, either read costs about the same.
		return true, nil
	}
	if upTo >= counted {
		if counted, err = countTextMatches(ctx, q, search.match, upTo+1); err != nil || counted <= upTo {
			return true, err
		}
	}
	// Checked row by row, a word this common is worth a set.
	if t, ok := q.(readTxn); ok {
		t.terms.want("events_date_fts", search.plain)
	}
	return false, nil
}

// wordSet is the set of the events search matches, from search's sets of
// common words, when the read transaction can lend it to SQL
// (term_set_check.go); nil otherwise.
func wordSet(ctx context.Context, q querier, search ftsSearch) (*roaring.Bitmap, error) {
	t, ok := q.(readTxn)
	if !ok || t.lent == nil {
		return nil, nil
	}
	set, release, err := t.terms.matches(ctx, q, "events_date_fts", search.plain)
	if set != nil {
		// SQL reads the set until the transaction ends.
		t.lent.hold(release)
	}
	return set, err
}

// textCheck is the check that a row's event matches search: in words,
// its set of matches, when there is one, lent to SQL for the read
// transaction; otherwise in the index.
func textCheck(q querier, search ftsSearch, words *roaring.Bitmap) check {
	if words != nil {
		token := q.(readTxn).lent.lend(words)
		return func(r row) (string, []any) { return "in_term_set(?, " + r.id + ")", []any{token} }
	}
	return func(r row) (string, []any) { return textMatches(r, search.prefix), []any{search.match} }
}

// dateKeySQL is dateKey in SQL, of an event's date_lo and id columns, as
// the triggers of events_date_fts (0029) compute it.
func dateKeySQL(lo, id string) string {
	return "(CAST(julianday(" + lo + ") + 0.5 AS INTEGER) * 4294967296 + " + id + ")"
}

// textMatches is the condition that row r's event matches a full-text
// query, given as its one parameter: the event's one row of the index,
// sought by its key, holds the query's words. A query with a prefix
// (mine*) is matched against the set of all its matches instead, which
// SQLite reads once per statement: FTS5 gathers the lists of every word
// the prefix begins at each seek, some 60 ms for a short prefix at a
// million events, and a small actor's list checked its events that way
// one at a time took seconds.
func textMatches(r row, prefix bool) string {
	if prefix {
		return r.id + " IN (SELECT rowid % 4294967296 FROM events_date_fts WHERE events_date_fts MATCH ?)"
	}
	return "EXISTS (SELECT 1 FROM events_date_fts WHERE events_date_fts MATCH ? AND rowid = " + dateKeySQL(r.lo, r.id) + ")"
}

// longestSpanQuery names its index: the planner would otherwise prefer the
// status index and read every event to find the maximum.
const longestSpanQuery = `SELECT coalesce(max(julianday(date_hi) - julianday(date_lo)), 0)
	FROM events INDEXED BY events_public_span_idx WHERE status IN ('published', 'retracted')`

// longestSpan returns, in whole days rounded up, the span of the longest
// public event, read from the end of an index.
func longestSpan(ctx context.Context, q querier) (int, error) {
	var days float64
	err := q.QueryRowContext(ctx, longestSpanQuery).Scan(&days)
	if err != nil {
		return 0, fmt.Errorf("longest event: %w", err)
	}
	return int(math.Ceil(days)), nil
}

// keysQuery returns the query for the (date_lo, id) keys of up to limit
// events after cursor (which may be empty), in the given direction.
func (p eventPlan) keysQuery(cursorLo string, cursorID int64, asc bool, limit int) (string, []any) {
	dir, op := "ASC", ">"
	if !asc {
		dir, op = "DESC", "<"
	}
	var (
		parts  []string
		params []any
	)
	for _, a := range p.arms {
		where := slices.Clone(a.where)
		ps := slices.Clone(a.params)
		for _, c := range slices.Concat(p.checks, a.checks) {
			s, cp := c(a.cols)
			where = append(where, s)
			ps = append(ps, cp...)
		}
		switch {
		case cursorLo != "" && a.byKey != "":
			where = append(where, a.byKey+" "+op+" ?")
			ps = append(ps, dateKey(cursorLo, cursorID))
		case cursorLo != "":
			where = append(where, "("+a.cols.lo+", "+a.cols.id+") "+op+" (?, ?)")
			ps = append(ps, cursorLo, cursorID)
		}
		q := "SELECT " + a.cols.lo + " AS lo, " + a.cols.id + " AS id FROM " + a.from + " WHERE " + strings.Join(where, " AND ")
		switch {
		case len(p.arms) == 1 && a.byKey != "":
			q += " ORDER BY " + a.byKey + " " + dir
		case len(p.arms) == 1:
			q += " ORDER BY " + a.cols.lo + " " + dir + ", " + a.cols.id + " " + dir
		}
		parts = append(parts, q)
		params = append(params, ps...)
	}
	// SQLite merges a compound select's arms, each read in index order,
	// and stops at the limit: several ranges cost what one does.
	q := strings.Join(parts, " UNION ")
	if len(p.arms) > 1 {
		q += " ORDER BY 1 " + dir + ", 2 " + dir
	}
	return q + " LIMIT ?", append(params, limit)
}

// pieces returns the plan as the queries to read in order: the plan
// itself, or its prefix and the rest.
func (p eventPlan) pieces(asc bool) []eventPlan {
	if p.prefix == nil {
		return []eventPlan{p}
	}
	main, prefix := p, eventPlan{arms: p.prefix, checks: p.checks}
	main.prefix = nil
	if asc {
		return []eventPlan{prefix, main}
	}
	return []eventPlan{main, prefix}
}

// readKeys reads up to limit keys after the cursor.
func (p eventPlan) readKeys(ctx context.Context, q querier, cursorLo string, cursorID int64, asc bool, limit int) ([]eventKey, error) {
	// Room for them all at once: a sorted table reads a thousand.
	out := make([]eventKey, 0, min(max(limit, 0), 1024))
	for _, piece := range p.pieces(asc) {
		query, params := piece.keysQuery(cursorLo, cursorID, asc, limit-len(out))
		var err error
		if out, err = appendKeys(ctx, q, query, params, out); err != nil {
			return nil, err
		}
		if len(out) >= limit {
			break
		}
	}
	return out, nil
}

// countQuery counts matches up to limit+1.
func (p eventPlan) countQuery(limit int) (string, []any) {
	q, params := p.keysQuery("", 0, true, limit+1)
	return "SELECT count(*) FROM (" + q + ")", params
}

// eventKey is one listed event's sort key.
type eventKey struct {
	lo string
	id conflict.EventID
}

// readKeys runs a keys query.
func readKeys(ctx context.Context, q querier, query string, params []any) ([]eventKey, error) {
	return appendKeys(ctx, q, query, params, nil)
}

// appendKeys runs a keys query and appends its keys to out.
func appendKeys(ctx context.Context, q querier, query string, params []any, out []eventKey) ([]eventKey, error) {
	rows, err := q.QueryContext(ctx, query, params...)
	if err != nil {
		return nil, fmt.Errorf("list events: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var k eventKey
		if err := rows.Scan(&k.lo, &k.id); err != nil {
			return nil, err
		}
		out = append(out, k)
	}
	return out, rows.Err()
}

// loadEvents reads the listed events, in the keys' order.
func loadEvents(ctx context.Context, q querier, keys []eventKey) ([]conflict.Event, error) {
	if len(keys) == 0 {
		return nil, nil
	}
	ids := make([]any, len(keys))
	pos := make(map[conflict.EventID]int, len(keys))
	for i, k := range keys {
		ids[i] = int64(k.id)
		pos[k.id] = i
	}
	rows, err := q.QueryContext(ctx, `SELECT `+eventColumns+eventFrom+` WHERE e.id IN (SELECT value FROM json_each(?))`, jsonIDs(ids))
	if err != nil {
		return nil, fmt.Errorf("load events: %w", err)
	}
	defer rows.Close()
	out := make([]conflict.Event, len(keys))
	found := 0
	for rows.Next() {
		r, err := scanEvent(rows)
		if err != nil {
			return nil, err
		}
		out[pos[r.event.ID]] = r.event
		found++
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if found != len(keys) {
		return nil, fmt.Errorf("load events: found %d of %d", found, len(keys))
	}
	return out, nil
}
