package conflict

import "github.com/sitrep/sitrep/internal/edtf"

// EventFilter chooses events for a list. Zero fields do not filter.
type EventFilter struct {
	// Actors matches events with any of these actors.
	Actors []ActorID
	// Places matches events at any of these places or anywhere inside them.
	Places []PlaceID
	// Tags matches events with any of these tags.
	Tags []string
	// From and To keep events whose dates overlap the range.
	From, To edtf.Date
	// Query is free text searched in titles and bodies.
	Query string
	// Statuses defaults to published only.
	Statuses []Status
	// Timeline applies a timeline's pins and exclusions.
	Timeline *Timeline
	// NewestFirst reverses the default, oldest-first order.
	NewestFirst bool
	// After and Before are keyset cursors from a previous page.
	After, Before string
	Limit         int
}

// Dates returns the dates a list of f covers: the reader's, narrowed by
// its timeline's own when every event of the timeline must fall within
// them (it pins none). A timeline's dates narrow a reader's and never
// widen them.
func (f EventFilter) Dates() (from, to edtf.Date) {
	from, to = f.From, f.To
	if t := f.Timeline; t != nil && len(t.Pinned) == 0 {
		from, to = edtf.Later(from, t.Filter.From), edtf.Earlier(to, t.Filter.To)
	}
	return from, to
}

// EstimateFilter chooses estimates for the explorer. Zero fields do not
// filter.
type EstimateFilter struct {
	Force  ActorID
	Places []PlaceID
	// Claimant matches the claimant's name as estimates store it;
	// ClaimantID the claimant record (every spelling of its name);
	// ClaimantType every claimant of a type ("what did governments say").
	Claimant     string
	ClaimantID   ClaimantID
	ClaimantType ClaimantType
	From, To     edtf.Date
	// BeginsFrom, when set, keeps only the estimates whose as-of date
	// begins on or after its start, where From keeps those that reach it:
	// a page of a timeline places each estimate where its date begins.
	BeginsFrom edtf.Date
	Statuses   []Status
	// NewestFirst reverses the default, oldest-first order.
	NewestFirst bool
	// After is a keyset cursor: the list continues after it.
	After string
	Limit int
}

// EventPage is one page of a list of events, with keyset cursors to the
// pages around it ("" when there is none).
type EventPage struct {
	Events []Event
	// Citations counts each listed event's citations, which a list shows
	// without loading them.
	Citations map[EventID]int
	// Total counts the events matching the filter, up to a limit; More is
	// set when there are more than Total.
	Total int
	More  bool
	Next  string
	Prev  string
}
