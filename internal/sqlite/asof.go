package sqlite

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/snapshot"
)

// The record as readers saw it at a past moment, for views pinned to that
// moment (an embed pasted into an article in 2016 that must still read as
// it did then). The state of a record at t is its newest public revision
// (published or retracted) written at or before t: the state a consumer of
// the change list holds after replaying it up to t. Drafts, submissions and
// pending edits never count, so a record first published after t is
// absent, and one retracted after t shows as it was.
//
// A pinned list is not rebuilt from revisions alone, which at a million
// events would decode every one of them. Most records have not changed
// since t, so their stored rows are their state at t: the list is read as
// today's, less the records revised after t, plus the states at t of the
// few records edited since, decoded from their revisions and filtered
// here. The cost is a page of today's list, a lookup per row, and a decode
// per record edited since t.

// pinScanLimit bounds how many rows of today's list a pinned list reads to
// fill its page, when many of them were added or changed since the moment.
// The page then ends early, with more to read on the full page.
const pinScanLimit = 5000

// pinDecodeLimit bounds how many records edited since the moment a pinned
// list decodes: past it the moment is too far back to rebuild on request.
const pinDecodeLimit = 50000

// stampOf formats t as revisions store their times, so that the two
// compare as text.
func stampOf(t time.Time) string { return t.UTC().Format(timeFormat) }

// RevisionSpan returns when the first and the newest revisions were
// written: a moment before the first has no record at all, and one at or
// before the newest can no longer change (any write still under way
// stamps its revisions later). Both are zero on an empty database.
func (db *DB) RevisionSpan(ctx context.Context) (first, newest time.Time, err error) {
	var lo, hi *string
	// Two subqueries: each is one end of the time index, where min and
	// max in one select would read the whole table.
	if err = db.read.QueryRowContext(ctx, `SELECT (SELECT min(created_at) FROM revisions), (SELECT max(created_at) FROM revisions)`).Scan(&lo, &hi); err != nil {
		return first, newest, err
	}
	if lo != nil {
		first = parseTime(*lo)
	}
	if hi != nil {
		newest = parseTime(*hi)
	}
	return first, newest, nil
}

// statesAt returns, of the records of type rt with the given ids, each
// one's newest public state written at or before t, decoded by decode
// (which also gives the state's status: one parse of each snapshot, the
// cost of a moment long ago). Records not public at t are absent.
func statesAt[T any](ctx context.Context, db *DB, rt conflict.RecordType, ids []int64, t time.Time,
	decode func([]byte) (T, conflict.Status, error)) (map[int64]T, error) {
	out := make(map[int64]T, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	rows, err := db.read.QueryContext(ctx, `SELECT record_id, `+snapshotColumns("revisions")+` FROM revisions
		WHERE record_type = ? AND record_id IN (SELECT value FROM json_each(?)) AND created_at <= ?
		ORDER BY record_id, number DESC`, rt, jsonIDs(args(ids)), stampOf(t))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var (
		done   = map[int64]bool{}
		blocks blockReader
	)
	for rows.Next() {
		var (
			id     int64
			stored storedSnapshot
		)
		if err := rows.Scan(append([]any{&id}, stored.dest()...)...); err != nil {
			return nil, err
		}
		if done[id] {
			continue
		}
		js, err := blocks.decode(stored)
		if err != nil {
			return nil, fmt.Errorf("%s %d: %w", rt, id, err)
		}
		v, st, err := decode(js)
		if err != nil {
			return nil, fmt.Errorf("%s %d: %w", rt, id, err)
		}
		if st.Public() {
			out[id] = v
			done[id] = true
		}
	}
	return out, rows.Err()
}

func decodeEvent(js []byte) (conflict.Event, conflict.Status, error) {
	e, err := snapshot.Event(js)
	return e, e.Status, err
}

func decodeEstimate(js []byte) (conflict.Estimate, conflict.Status, error) {
	x, err := snapshot.Estimate(js)
	return x, x.Status, err
}

func decodeTimeline(js []byte) (conflict.Timeline, conflict.Status, error) {
	tl, err := snapshot.Timeline(js)
	return tl, tl.Status, err
}

// revisedSince returns which of the given records have a revision written
// after t: their stored rows are not their state at t.
func (db *DB) revisedSince(ctx context.Context, rt conflict.RecordType, ids []int64, t time.Time) (map[int64]bool, error) {
	out := map[int64]bool{}
	if len(ids) == 0 {
		return out, nil
	}
	got, err := queryColumn[int64](ctx, db.read, `SELECT DISTINCT record_id FROM revisions
		WHERE record_type = ? AND record_id IN (SELECT value FROM json_each(?)) AND created_at > ?`,
		rt, jsonIDs(args(ids)), stampOf(t))
	for _, id := range got {
		out[id] = true
	}
	return out, err
}

// editedSince returns the records of type rt revised after t that may have
// existed at t: those with a revision after t that is not their first. A
// record created after t has no state at t, and statesAt leaves it out.
// The partial index of revisions past the first (migration 0020) holds
// exactly these, so a moment long ago costs the edits since, not every
// record added since.
func (db *DB) editedSince(ctx context.Context, rt conflict.RecordType, t time.Time) ([]int64, error) {
	ids, err := queryColumn[int64](ctx, db.read, `SELECT DISTINCT record_id FROM revisions INDEXED BY revisions_edits_idx
		WHERE record_type = ? AND number > 1 AND created_at > ? LIMIT ?`, rt, stampOf(t), pinDecodeLimit+1)
	if err != nil {
		return nil, err
	}
	if len(ids) > pinDecodeLimit {
		return nil, conflict.Errorf(conflict.Busy,
			"Too much has changed since that moment to show it as it was; pick a later moment or see the full record's history.")
	}
	return ids, nil
}

// RevisedSince reports which of the given records were revised after t,
// for a pinned view that says what changed since.
func (db *DB) RevisedSince(ctx context.Context, rt conflict.RecordType, ids []int64, t time.Time) (map[int64]bool, error) {
	return db.revisedSince(ctx, rt, ids, t)
}

// EventAt returns an event as readers saw it at t: NotFound when it was
// not public then.
func (db *DB) EventAt(ctx context.Context, id conflict.EventID, t time.Time) (conflict.Event, error) {
	states, err := statesAt(ctx, db, conflict.EventRecord, []int64{int64(id)}, t, decodeEvent)
	if err != nil {
		return conflict.Event{}, err
	}
	e, ok := states[int64(id)]
	if !ok {
		return conflict.Event{}, conflict.Errorf(conflict.NotFound, "This event was not published at that moment.")
	}
	one := []conflict.Event{e}
	if err := db.eventNamesAt(ctx, t, one); err != nil {
		return conflict.Event{}, err
	}
	return one[0], nil
}

// TimelineAt returns a timeline as readers saw it at t: its title,
// description, filter, pins and exclusions then. NotFound when it was not
// public then.
func (db *DB) TimelineAt(ctx context.Context, id conflict.TimelineID, t time.Time) (conflict.Timeline, error) {
	states, err := statesAt(ctx, db, conflict.TimelineRecord, []int64{int64(id)}, t, decodeTimeline)
	if err != nil {
		return conflict.Timeline{}, err
	}
	tl, ok := states[int64(id)]
	if !ok {
		return conflict.Timeline{}, conflict.Errorf(conflict.NotFound, "This timeline was not published at that moment.")
	}
	return tl, nil
}

// FindEventsAt returns the first page of the events f chooses, as readers
// saw them at t: f.Timeline, when set, is the timeline as it was at t
// (TimelineAt), whose pins and exclusions are taken from it rather than
// from today's. Only published events are listed, as on the public
// pages; f.After and f.Before are ignored. Next is set, to the last
// event's cursor, when more events follow the page.
func (db *DB) FindEventsAt(ctx context.Context, f conflict.EventFilter, t time.Time) (conflict.EventPage, error) {
	limit := clampLimit(f.Limit)
	m, err := db.eventMatcher(ctx, f)
	if err != nil {
		return conflict.EventPage{}, err
	}
	// Today's list, less the events revised since t, read page by page
	// until it fills this one.
	sf := f
	sf.After, sf.Before, sf.Statuses = "", "", nil
	sf.Limit = min(max(2*limit, 100), 500)
	stream := true
	if tl := f.Timeline; tl != nil {
		c := *tl
		c.Pinned, c.Excluded = nil, nil
		sf.Timeline = &c
		// A timeline of pinned events only lists no others.
		stream = len(tl.Pinned) == 0 || !m.own.empty()
	}
	var (
		out       []conflict.Event
		citations = map[conflict.EventID]int{}
		seen      = map[conflict.EventID]bool{}
		complete  = !stream
		last      *conflict.Event
		scanned   int
	)
	for stream {
		page, err := db.ListEvents(ctx, sf)
		if err != nil {
			return conflict.EventPage{}, err
		}
		ids := make([]int64, len(page.Events))
		for i, e := range page.Events {
			ids[i] = int64(e.ID)
		}
		revised, err := db.revisedSince(ctx, conflict.EventRecord, ids, t)
		if err != nil {
			return conflict.EventPage{}, err
		}
		kept := 0
		for i := range page.Events {
			e := page.Events[i]
			if revised[int64(e.ID)] || m.excluded[e.ID] {
				continue
			}
			out = append(out, e)
			citations[e.ID] = page.Citations[e.ID]
			seen[e.ID] = true
			kept++
		}
		scanned += len(page.Events)
		if n := len(page.Events); n > 0 {
			last = &page.Events[n-1]
		}
		if page.Next == "" {
			complete = true
			break
		}
		if len(out) >= limit || scanned >= pinScanLimit {
			break
		}
		sf.After = page.Next
	}
	// The events edited since t, and the timeline's pins, as they were.
	ids, err := db.editedSince(ctx, conflict.EventRecord, t)
	if err != nil {
		return conflict.EventPage{}, err
	}
	if f.Timeline != nil {
		for _, id := range f.Timeline.Pinned {
			ids = append(ids, int64(id))
		}
	}
	states, err := statesAt(ctx, db, conflict.EventRecord, ids, t, decodeEvent)
	if err != nil {
		return conflict.EventPage{}, err
	}
	for _, e := range states {
		if seen[e.ID] || !m.match(&e) {
			continue
		}
		// Past the last row read of today's list, events not read yet
		// may come first: the page ends there.
		if !complete && last != nil && pinAfter(pinEventKey(&e), pinEventKey(last), f.NewestFirst) {
			continue
		}
		seen[e.ID] = true
		out = append(out, e)
		citations[e.ID] = len(e.Citations)
	}
	slices.SortFunc(out, func(a, b conflict.Event) int {
		c := strings.Compare(pinEventKey(&a), pinEventKey(&b))
		if f.NewestFirst {
			c = -c
		}
		return c
	})
	page := conflict.EventPage{Citations: citations}
	if len(out) > limit || !complete {
		out = out[:min(limit, len(out))]
		if len(out) > 0 {
			l := out[len(out)-1]
			page.Next = makeCursor(l.Date.LowerKey(), l.ID)
		} else {
			page.Next = "-"
		}
	}
	if err := db.eventNamesAt(ctx, t, out); err != nil {
		return conflict.EventPage{}, err
	}
	page.Events = out
	page.Total = len(out)
	return page, nil
}

// pinEventKey is an event's place in date order, as lists sort it.
func pinEventKey(e *conflict.Event) string {
	return fmt.Sprintf("%s_%020d", e.Date.LowerKey(), e.ID)
}

// pinAfter reports whether key a sorts after b in the list's order.
func pinAfter(a, b string, newestFirst bool) bool {
	if newestFirst {
		return a < b
	}
	return a > b
}

// eventConditions is one set of an event filter's conditions, checked
// against an event as it was.
type eventConditions struct {
	actors   map[conflict.ActorID]bool
	places   map[conflict.PlaceID]bool
	tags     map[string]bool
	from, to string
	words    []string
}

func (c eventConditions) empty() bool {
	return c.actors == nil && c.places == nil && c.tags == nil && c.from == "" && c.to == "" && len(c.words) == 0
}

func (c eventConditions) match(e *conflict.Event) bool {
	if c.actors != nil && !slices.ContainsFunc(e.Actors, func(a conflict.EventActor) bool { return c.actors[a.Actor.ID] }) {
		return false
	}
	if c.places != nil && (e.Place == nil || !c.places[e.Place.ID]) {
		return false
	}
	if c.tags != nil && !slices.ContainsFunc(e.Tags, func(t string) bool { return c.tags[t] }) {
		return false
	}
	if c.from != "" && e.Date.UpperKey() < c.from {
		return false
	}
	if c.to != "" && e.Date.LowerKey() > c.to {
		return false
	}
	if len(c.words) > 0 {
		text := strings.ToLower(e.Title + "\n" + e.Body)
		for _, w := range c.words {
			if !strings.Contains(text, w) {
				return false
			}
		}
	}
	return true
}

// eventMatcher is an event filter and its timeline, checked against
// events as they were: the events a pinned list decodes, which today's
// rows no longer describe. Actors and places match with everything under
// them, as the list's query has it; a search matches events whose title
// or text holds each word.
type eventMatcher struct {
	reader, own eventConditions
	timeline    bool
	pinned      map[conflict.EventID]bool
	excluded    map[conflict.EventID]bool
}

func (db *DB) eventMatcher(ctx context.Context, f conflict.EventFilter) (eventMatcher, error) {
	var (
		m   eventMatcher
		err error
	)
	if m.reader, err = db.eventConditions(ctx, f.Actors, f.Places, f.Tags, f.From.LowerKey(), f.To.UpperKey(), f.Query); err != nil {
		return m, err
	}
	if tl := f.Timeline; tl != nil {
		m.timeline = true
		// LowerKey and UpperKey are "" for an open end.
		if m.own, err = db.eventConditions(ctx, tl.Filter.Actors, tl.Filter.Places, tl.Filter.Tags,
			tl.Filter.From.LowerKey(), tl.Filter.To.UpperKey(), ""); err != nil {
			return m, err
		}
		m.pinned, m.excluded = map[conflict.EventID]bool{}, map[conflict.EventID]bool{}
		for _, id := range tl.Pinned {
			m.pinned[id] = true
		}
		for _, id := range tl.Excluded {
			m.excluded[id] = true
		}
	}
	return m, nil
}

func (db *DB) eventConditions(ctx context.Context, actors []conflict.ActorID, places []conflict.PlaceID, tags []string, from, to, query string) (eventConditions, error) {
	c := eventConditions{from: from, to: to, words: strings.Fields(strings.ToLower(query))}
	if len(actors) > 0 {
		ids, err := queryColumn[conflict.ActorID](ctx, db.read, `SELECT descendant_id FROM actor_tree
			WHERE ancestor_id IN (SELECT value FROM json_each(?))`, jsonIDs(args(actors)))
		if err != nil {
			return c, err
		}
		c.actors = map[conflict.ActorID]bool{}
		for _, id := range append(ids, actors...) {
			c.actors[id] = true
		}
	}
	if len(places) > 0 {
		ids, err := queryColumn[conflict.PlaceID](ctx, db.read, `SELECT descendant_id FROM place_tree
			WHERE ancestor_id IN (SELECT value FROM json_each(?))`, jsonIDs(args(places)))
		if err != nil {
			return c, err
		}
		c.places = map[conflict.PlaceID]bool{}
		for _, id := range append(ids, places...) {
			c.places[id] = true
		}
	}
	if len(tags) > 0 {
		c.tags = map[string]bool{}
		for _, t := range tags {
			c.tags[t] = true
		}
	}
	return c, nil
}

func (m eventMatcher) match(e *conflict.Event) bool {
	if e.Status != conflict.Published || !m.reader.match(e) {
		return false
	}
	if !m.timeline {
		return true
	}
	switch {
	case m.excluded[e.ID]:
		return false
	case m.pinned[e.ID]:
		return true
	case len(m.pinned) > 0 && m.own.empty():
		return false
	}
	return m.own.match(e)
}

// FindEstimatesAt returns the first f.Limit estimates f chooses, as
// readers saw them at t, in f's order. Only published estimates are
// listed, as in the explorer; f.After is ignored.
func (db *DB) FindEstimatesAt(ctx context.Context, f conflict.EstimateFilter, t time.Time) ([]conflict.Estimate, error) {
	limit := f.Limit
	if limit <= 0 {
		limit = 1000
	}
	sf := f
	sf.After, sf.Statuses = "", nil
	sf.Limit = min(max(2*limit, 100), 1000)
	var (
		out      []conflict.Estimate
		seen     = map[conflict.EstimateID]bool{}
		complete bool
		last     *conflict.Estimate
		scanned  int
	)
	for {
		xs, err := db.FindEstimates(ctx, sf)
		if err != nil {
			return nil, err
		}
		ids := make([]int64, len(xs))
		for i, x := range xs {
			ids[i] = int64(x.ID)
		}
		revised, err := db.revisedSince(ctx, conflict.EstimateRecord, ids, t)
		if err != nil {
			return nil, err
		}
		for _, x := range xs {
			if !revised[int64(x.ID)] {
				out = append(out, x)
				seen[x.ID] = true
			}
		}
		scanned += len(xs)
		if len(xs) > 0 {
			last = &xs[len(xs)-1]
		}
		if len(xs) < sf.Limit {
			complete = true
			break
		}
		if len(out) >= limit || scanned >= pinScanLimit {
			break
		}
		sf.After = makeCursor(last.AsOf.LowerKey(), conflict.EventID(last.ID))
	}
	ids, err := db.editedSince(ctx, conflict.EstimateRecord, t)
	if err != nil {
		return nil, err
	}
	states, err := statesAt(ctx, db, conflict.EstimateRecord, ids, t, decodeEstimate)
	if err != nil {
		return nil, err
	}
	m, err := db.estimateMatcher(ctx, f)
	if err != nil {
		return nil, err
	}
	for _, x := range states {
		if seen[x.ID] || !m(&x) {
			continue
		}
		if !complete && last != nil && pinAfter(pinEstimateKey(&x), pinEstimateKey(last), f.NewestFirst) {
			continue
		}
		seen[x.ID] = true
		out = append(out, x)
	}
	slices.SortFunc(out, func(a, b conflict.Estimate) int {
		c := strings.Compare(pinEstimateKey(&a), pinEstimateKey(&b))
		if f.NewestFirst {
			c = -c
		}
		return c
	})
	out = out[:min(limit, len(out))]
	if err := db.estimateNamesAt(ctx, t, out); err != nil {
		return nil, err
	}
	return out, nil
}

func pinEstimateKey(x *conflict.Estimate) string {
	return fmt.Sprintf("%s_%020d", x.AsOf.LowerKey(), x.ID)
}

// estimateMatcher checks an estimate as it was against the explorer's
// filter: the force and the places with everything under them, the
// claimant regardless of case, and as-of dates overlapping the range.
func (db *DB) estimateMatcher(ctx context.Context, f conflict.EstimateFilter) (func(*conflict.Estimate) bool, error) {
	var forces map[conflict.ActorID]bool
	if f.Force != 0 {
		ids, err := forceSubtree(ctx, db.read, f.Force)
		if err != nil {
			return nil, err
		}
		forces = map[conflict.ActorID]bool{}
		for _, id := range ids {
			forces[id] = true
		}
	}
	var places map[conflict.PlaceID]bool
	if len(f.Places) > 0 {
		ids, err := subtree(ctx, db.read, "places", f.Places)
		if err != nil {
			return nil, err
		}
		places = map[conflict.PlaceID]bool{}
		for _, id := range ids {
			places[id] = true
		}
	}
	return func(x *conflict.Estimate) bool {
		switch {
		case x.Status != conflict.Published:
			return false
		case forces != nil && !forces[x.Force.ID]:
			return false
		case places != nil && (x.Place == nil || !places[x.Place.ID]):
			return false
		case f.Claimant != "" && !strings.EqualFold(x.Claimant, f.Claimant):
			return false
		case !f.From.IsZero() && x.AsOf.UpperKey() < f.From.LowerKey():
			return false
		case !f.BeginsFrom.IsZero() && x.AsOf.LowerKey() < f.BeginsFrom.LowerKey():
			return false
		case !f.To.IsZero() && x.AsOf.LowerKey() > f.To.UpperKey():
			return false
		}
		return true
	}, nil
}

// CountEventsByPlaceAt counts by place the events f chooses as readers saw
// them at t, as CountEventsByPlace counts today's: today's counts, less
// each event revised since t where it is today, plus its state at t where
// it was then. An event untouched since t is as it was, so f (with its
// timeline as it was at t) chooses it then as now. Past pinDecodeLimit
// events revised since, the moment is refused as a pinned list is.
func (db *DB) CountEventsByPlaceAt(ctx context.Context, f conflict.EventFilter, t time.Time, limit int) (conflict.PlaceTally, error) {
	out, err := db.CountEventsByPlace(ctx, f, limit)
	if err != nil {
		return out, err
	}
	ids, err := queryColumn[int64](ctx, db.read, `SELECT DISTINCT record_id FROM revisions
		WHERE record_type = ? AND created_at > ? LIMIT ?`, conflict.EventRecord, stampOf(t), pinDecodeLimit+1)
	if err != nil || len(ids) == 0 {
		return out, err
	}
	if len(ids) > pinDecodeLimit {
		return out, conflict.Errorf(conflict.Busy,
			"Too much has changed since that moment to show it as it was; pick a later moment or see the full record's history.")
	}
	m, err := db.eventMatcher(ctx, f)
	if err != nil {
		return out, err
	}
	count := func(e *conflict.Event, n int) {
		if !m.match(e) {
			return
		}
		if out.Total >= 0 {
			out.Total += n
		}
		if e.Place != nil {
			out.Counts[e.Place.ID] += n
		}
	}
	err = db.readTx(ctx, func(q querier) error {
		keys, err := readKeys(ctx, q, `SELECT date_lo, id FROM events
			WHERE status = 'published' AND id IN (SELECT value FROM json_each(?))`, []any{jsonIDs(args(ids))})
		if err != nil {
			return err
		}
		now, err := loadEvents(ctx, q, keys)
		if err == nil {
			err = loadEventDetails(ctx, q, now)
		}
		for i := range now {
			count(&now[i], -1)
		}
		return err
	})
	if err != nil {
		return out, err
	}
	then, err := statesAt(ctx, db, conflict.EventRecord, ids, t, decodeEvent)
	if err != nil {
		return out, err
	}
	for _, e := range then {
		count(&e, 1)
	}
	// A count read only in part may lose an event it never counted.
	for id, n := range out.Counts {
		if n <= 0 {
			delete(out.Counts, id)
		}
	}
	return out, nil
}
