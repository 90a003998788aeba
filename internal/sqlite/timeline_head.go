package sqlite

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"sync"

	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/edtf"
)

// A reader of a timeline chooses where it ends (?to=) and which way it
// reads; every such list is a cut of the same list, the timeline's own. Its
// count ("more than 200 events") and its first page were read again for
// every end a reader chose, and counting a timeline of an intersection (a
// tag at a place, an actor and a tag) walks thousands of rows, checking
// each against the other condition: most of the page's cost.
//
// So the timeline's first keys in date order, its head, are read once per
// snapshot of the record, with the first of its events and its last few.
// A list that ends at a date counts the head's keys up to it; its first
// page, oldest first, is the head's first keys, and newest first the last
// keys up to its end when the head holds them all, or the timeline's last
// events when it ends after them. The answer holds until any write, which
// writes a revision.

// headEvents is how many of a head's events are kept loaded: a page of
// cards, or an embed of the default length, begins with them.
const headEvents = 50

// headsKept bounds the heads kept: one for each timeline read, whether
// retracted events are shown or not.
const headsKept = 32

// timelineHeads keeps heads per snapshot of the record.
type timelineHeads struct {
	mu       sync.Mutex
	revision int64
	heads    map[string]*timelineHead
}

// timelineHead is the beginning of a timeline's list. It is never changed
// once kept; readers copy what they take from it.
type timelineHead struct {
	// plan reads the whole list (no end, no cursor); none when it is
	// empty whatever its end.
	plan eventPlan
	// keys are the list's first keys in (date_lo, id) order: all of them
	// when complete, or one past the most its count counts, so that a
	// head which is not the whole list still answers every count.
	keys     []eventKey
	complete bool
	// events are the first of keys (up to headEvents) with their actors
	// and tags.
	events []conflict.Event
	// tail, when the head is not the whole list, is its last keys with
	// their events, in the same order: the first page newest first of a
	// list that ends after its last event (a timeline that is over, read
	// newest first).
	tail keyRun
	// citations is how many citations each event loaded has.
	citations map[conflict.EventID]int
}

// keyRun is a run of a list's keys, each with its event loaded.
type keyRun struct {
	keys   []eventKey
	events []conflict.Event
}

// headable reports whether a list is a cut of a timeline's head: a
// timeline with none of the reader's own filters but an end and an order.
func headable(f conflict.EventFilter) bool {
	if f.Timeline == nil || len(f.Actors) > 0 || len(f.Places) > 0 || len(f.Tags) > 0 || f.Query != "" || !f.From.IsZero() {
		return false
	}
	for _, s := range f.Statuses {
		if s != conflict.Published && s != conflict.Retracted {
			return false
		}
	}
	// Its key says only whether retracted events are listed beside the
	// published ones.
	return len(f.Statuses) == 0 || slices.Contains(f.Statuses, conflict.Published)
}

// timelineHeadOf returns the head of f's timeline in q's snapshot, read
// when it is not kept, or nil when f is not a cut of one or q keeps no
// heads.
func timelineHeadOf(ctx context.Context, q querier, f conflict.EventFilter) (*timelineHead, error) {
	t, ok := q.(readTxn)
	if !ok || t.heads == nil || !headable(f) {
		return nil, nil
	}
	key := headKey(f)
	revision, err := snapshotRevision(ctx, q)
	if err != nil {
		return nil, err
	}
	c := t.heads
	c.mu.Lock()
	h, ok := c.heads[key]
	if ok && c.revision == revision {
		c.mu.Unlock()
		return h, nil
	}
	c.mu.Unlock()
	plan, err := planEvents(ctx, q, conflict.EventFilter{Statuses: f.Statuses, Timeline: f.Timeline})
	if err != nil {
		return nil, err
	}
	h = &timelineHead{plan: plan}
	if !plan.none {
		if err := h.read(ctx, q); err != nil {
			return nil, err
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.revision < revision || c.heads == nil || len(c.heads) >= headsKept {
		c.revision, c.heads = revision, map[string]*timelineHead{}
	}
	if c.revision == revision {
		c.heads[key] = h
	}
	return h, nil
}

// headKey names a timeline's head by what its plan is made of: the
// timeline's filter, whether it pins or excludes events (which events
// it pins and excludes the plan reads in the snapshot), and whether
// retracted events are listed. Whatever copy of the timeline a caller
// passes, the same key makes the same plan in one snapshot.
func headKey(f conflict.EventFilter) string {
	t := f.Timeline
	retracted := slices.Contains(f.Statuses, conflict.Retracted)
	return fmt.Sprintf("%d|%v|%v|%q|%s|%s|%t|%t|%t", t.ID, t.Filter.Actors, t.Filter.Places, t.Filter.Tags,
		t.Filter.From.String(), t.Filter.To.String(), len(t.Pinned) > 0, len(t.Excluded) > 0, retracted)
}

// read reads the head's keys and first events.
func (h *timelineHead) read(ctx context.Context, q querier) error {
	n := h.plan.countLimit() + 1
	keys, err := h.plan.readKeys(ctx, q, "", 0, true, n)
	if err != nil {
		return err
	}
	h.keys, h.complete = keys, len(keys) < n
	if h.events, err = loadEvents(ctx, q, keys[:min(len(keys), headEvents)]); err != nil {
		return err
	}
	loaded := h.events
	if !h.complete {
		// The tail, newest first, one past the longest page it serves.
		keys, err := h.plan.readKeys(ctx, q, "", 0, false, headEvents+1)
		if err != nil {
			return err
		}
		slices.Reverse(keys)
		if h.tail.events, err = loadEvents(ctx, q, keys); err != nil {
			return err
		}
		h.tail.keys = keys
		loaded = append(slices.Clip(loaded), h.tail.events...)
	}
	if h.citations, err = countCitations(ctx, q, loaded); err != nil {
		return err
	}
	// Details are filled in place, so in the head's and the tail's own.
	if err := loadEventDetails(ctx, q, h.events); err != nil {
		return err
	}
	return loadEventDetails(ctx, q, h.tail.events)
}

// planTo returns the plan of f, the head's list cut at f's end. When the
// whole list has no end of its own, that is the head's plan with the
// end's check first, as planEvents makes it; a timeline's own end and
// the reader's are one check, so those are planned anew: with two, the
// index range would run to the later one.
func (h *timelineHead) planTo(ctx context.Context, q querier, f conflict.EventFilter) (eventPlan, error) {
	if f.To.IsZero() {
		return h.plan, nil
	}
	if t := f.Timeline; len(t.Pinned) == 0 && !t.Filter.To.IsZero() {
		return planEvents(ctx, q, f)
	}
	p := h.plan
	key := f.To.UpperKey()
	p.checks = append([]check{func(r row) (string, []any) { return r.lo + " <= ?", []any{key} }}, p.checks...)
	p.exact = -1
	return p, nil
}

// upTo is how many of the head's keys begin on or before end ("" for no
// end).
func (h *timelineHead) upTo(end string) int {
	if end == "" {
		return len(h.keys)
	}
	return sort.Search(len(h.keys), func(i int) bool { return h.keys[i].lo > end })
}

// end is the key a list's end date gives its events' date_lo ("" for
// none). A timeline's own end is in its head already.
func end(to edtf.Date) string {
	if to.IsZero() {
		return ""
	}
	return to.UpperKey()
}

// count counts the list that ends at end as FindEvents would: from the
// tallies when they know the whole list, else exact up to the plan's
// limit, or the limit and more.
func (h *timelineHead) count(end string) (int, bool) {
	if end == "" && h.plan.exact >= 0 {
		return h.plan.exact, false
	}
	limit := h.plan.countLimit()
	if h.plan.atLeast > limit {
		return limit, true
	}
	// A head that is not the whole list holds more keys than any limit,
	// so when all of them are before the end, so are more than limit.
	if n := h.upTo(end); n <= limit {
		return n, false
	}
	return limit, true
}

// countLimit is where FindEvents stops counting the plan's matches.
func (p eventPlan) countLimit() int {
	if p.countCap > 0 {
		return min(countLimit, p.countCap)
	}
	return countLimit
}

// firstPage returns the run of keys, the head's or the tail's, and where
// in it the first n keys of the list that ends at end lie, oldest first or
// newest first, or ok false when neither holds them.
func (h *timelineHead) firstPage(end string, newestFirst bool, n int) (run keyRun, lo, hi int, ok bool) {
	head := keyRun{keys: h.keys, events: h.events}
	upTo := h.upTo(end)
	if !newestFirst {
		// The first n keys up to the end are in the head when it holds
		// n keys, or as many as there are up to the end.
		if n > len(h.keys) && upTo == len(h.keys) && !h.complete {
			return keyRun{}, 0, 0, false
		}
		return head, 0, min(upTo, n), true
	}
	// The newest keys up to the end are in the head when the head goes
	// past the end, or is the whole list; in the tail when the end is
	// past the list's last key.
	switch tail := h.tail.keys; {
	case upTo < len(h.keys) || h.complete:
		return head, max(0, upTo-n), upTo, true
	case len(tail) >= n && (end == "" || end >= tail[len(tail)-1].lo):
		return h.tail, len(tail) - n, len(tail), true
	}
	return keyRun{}, 0, 0, false
}

// pageKeys returns the run's keys lo to hi, newest first when asked.
func (r keyRun) pageKeys(lo, hi int, newestFirst bool) []eventKey {
	keys := slices.Clone(r.keys[lo:hi])
	if newestFirst {
		slices.Reverse(keys)
	}
	return keys
}

// keptEvent is a reader's own copy of an event kept for many: what a page
// might change (its actors, tags and place) is copied, so no change of
// one reader's reaches the next.
func keptEvent(e conflict.Event) conflict.Event {
	e.Actors, e.Tags = slices.Clone(e.Actors), slices.Clone(e.Tags)
	if e.Place != nil {
		p := *e.Place
		if p.Coordinates != nil {
			c := *p.Coordinates
			p.Coordinates = &c
		}
		e.Place = &p
	}
	return e
}

// pageEvents returns copies of the run's events lo to hi, newest first
// when asked, with their citation counts, or ok false when they are not
// all loaded.
func (h *timelineHead) pageEvents(r keyRun, lo, hi int, newestFirst bool) ([]conflict.Event, map[conflict.EventID]int, bool) {
	if hi > len(r.events) {
		return nil, nil, false
	}
	if lo == hi {
		// As loadEvents gives an empty page.
		return nil, map[conflict.EventID]int{}, true
	}
	events := make([]conflict.Event, 0, hi-lo)
	citations := make(map[conflict.EventID]int, hi-lo)
	for _, e := range r.events[lo:hi] {
		e = keptEvent(e)
		events = append(events, e)
		if n, ok := h.citations[e.ID]; ok {
			citations[e.ID] = n
		}
	}
	if newestFirst {
		slices.Reverse(events)
	}
	return events, citations, true
}

// dayCounts counts the events of the list f, which ends at its end, on
// each day of their beginning, as countEventsByDay would count them one by
// one up to limit; ok is false when the head does not hold them all (nor
// more than limit of them), and when there is no head.
func (h *timelineHead) dayCounts(f conflict.EventFilter, limit int) (conflict.DayCounts, bool) {
	switch {
	case h == nil:
		return conflict.DayCounts{}, false
	case h.plan.none:
		return conflict.DayCounts{}, true
	case limit <= 0:
		return conflict.DayCounts{TooMany: true}, true
	}
	n := h.upTo(end(f.To))
	if n > limit {
		return conflict.DayCounts{TooMany: true}, true
	}
	if n == len(h.keys) && !h.complete {
		return conflict.DayCounts{}, false
	}
	// The events that begin before a timeline's own start reach into it:
	// the histogram's first bar.
	start := ""
	if t := f.Timeline; len(t.Pinned) == 0 && !t.Filter.From.IsZero() {
		start = t.Filter.From.LowerKey()
	}
	var out conflict.DayCounts
	for _, k := range h.keys[:n] {
		switch last := len(out.Days) - 1; {
		case start != "" && k.lo < start:
			out.Before++
		case last >= 0 && out.Days[last].Day == k.lo:
			out.Days[last].N++
		default:
			out.Days = append(out.Days, conflict.DayCount{Day: k.lo, N: 1})
		}
	}
	return out, true
}
