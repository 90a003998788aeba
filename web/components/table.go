package components

import (
	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/export"
)

// TableView is the compact table of a list of events (view=table): one
// row an event, sortable by date, place and number of sources.
type TableView struct {
	Rows    []TableRow
	Headers []TableHeader
	// CSVURL downloads this table: the same filter, order and columns.
	CSVURL string
	// Capped is set when the table is sorted by other than date and the
	// list has more events than are sorted (SortLimit, the first in date
	// order).
	Capped    bool
	SortLimit int
}

// TableRow is one event as the table shows it. Cells are export.TableRow,
// the texts its CSV holds.
type TableRow struct {
	Event *conflict.Event
	Cells []string
}

// TableHeader is a column's heading; a sortable one links to the table
// sorted by it (or reversed, when it already is), and says how it sorts
// now in Sort ("ascending", "descending" or "" for aria-sort).
type TableHeader struct {
	Label string
	URL   string
	Sort  string
}

// NewTableRows makes the rows of a page of events; citations counts each
// event's citations.
func NewTableRows(events []conflict.Event, citations map[conflict.EventID]int) []TableRow {
	out := make([]TableRow, len(events))
	for i := range events {
		e := &events[i]
		out[i] = TableRow{Event: e, Cells: export.TableRow(*e, citations[e.ID])}
	}
	return out
}

func (h TableHeader) ariaSort() string {
	if h.Sort == "" {
		return "none"
	}
	return h.Sort
}

// sortHint says where a sortable heading's link leads.
func (h TableHeader) sortHint() string {
	if h.Sort == "ascending" {
		return "sorted ascending; choose to sort descending"
	}
	if h.Sort == "descending" {
		return "sorted descending; choose to sort ascending"
	}
	return "choose to sort by " + h.Label
}

// EstimateTableCaption is the caption of a table of estimates, the site's
// or an embed's: it says in which order the rows come.
func EstimateTableCaption(newestFirst bool) string {
	if newestFirst {
		return "Estimates, newest first"
	}
	return "Estimates, oldest first"
}
