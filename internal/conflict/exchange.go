package conflict

import (
	"fmt"
	"sort"
	"strings"

	"github.com/sitrep/sitrep/internal/edtf"
)

// An import brings records in from a file, all or nothing. A file names
// the actors, places and sources its records mention instead of linking
// them by id: the store matches each to a stored record by name or alias
// (a source by its URL), or creates it. Records are matched to stored ones
// by their external id, so that importing the same file again changes
// nothing.

// ImportBatch is everything one file brings in.
type ImportBatch struct {
	Events    []ImportEvent
	Estimates []ImportEstimate
}

// ImportEvent is an event from a file. Event.Place and the actor refs of
// Event.Actors are ignored: Place and Actors name them. Its citations'
// sources carry no id; each is matched by URL or created.
type ImportEvent struct {
	Event  Event
	Place  *ImportPlace
	Actors []ImportActor
	Source RowRef
}

// ImportEstimate is an estimate from a file. Force, Place and
// ClaimantActor name what Estimate's refs would link.
type ImportEstimate struct {
	Estimate      Estimate
	Force         ImportActor
	Place         *ImportPlace
	ClaimantActor *ImportActor
	Source        RowRef
}

// ImportActor names an actor; Slug and Colour are used only when the actor
// is created.
type ImportActor struct {
	Name, Slug, Colour string
	// Role is the actor's part in an event.
	Role string
}

// ImportPlace names a place by its path from the outermost place in, such
// as Iraq › Ninewa › Mosul; a path of one is a place named on its own.
type ImportPlace struct {
	Path []PlaceName
}

// PlaceName is one step of an ImportPlace's path. Slug, Kind and
// Coordinates are used only when the place is created.
type PlaceName struct {
	Name, Slug, Kind string
	Coordinates      *LatLon
}

// RowRef says where in the file a record came from, so that a problem can
// be reported where the person can fix it.
type RowRef struct {
	// Row counts from 1 at the file's first record (a CSV's header is row
	// 1, its first record row 2).
	Row int
	// Columns maps a record field that fails validation ("title", "date")
	// to the file's column it came from.
	Columns map[string]string
}

// Column returns the file's column for a record field, or the field name
// itself.
func (r RowRef) Column(field string) string {
	if i := strings.IndexByte(field, '.'); i > 0 && r.Columns[field] == "" {
		field = field[:i]
	}
	if c := r.Columns[field]; c != "" {
		return c
	}
	return field
}

// ImportProblem is one thing wrong with a file: in which row and column,
// and why.
type ImportProblem struct {
	// Row is 0 for a problem with the file as a whole, such as its header.
	Row    int
	Column string
	Reason string
}

func (p ImportProblem) String() string {
	switch {
	case p.Row == 0 && p.Column == "":
		return p.Reason
	case p.Row == 0:
		return fmt.Sprintf("column %s: %s", p.Column, p.Reason)
	case p.Column == "":
		return fmt.Sprintf("row %d: %s", p.Row, p.Reason)
	}
	return fmt.Sprintf("row %d, column %s: %s", p.Row, p.Column, p.Reason)
}

// SortProblems orders problems by row, then column.
func SortProblems(ps []ImportProblem) {
	sort.SliceStable(ps, func(i, j int) bool {
		if ps[i].Row != ps[j].Row {
			return ps[i].Row < ps[j].Row
		}
		return ps[i].Column < ps[j].Column
	})
}

// ImportCounts tells what an import did, or would do, to one kind of
// record.
type ImportCounts struct {
	// Created are new records; Matched were already stored as the file has
	// them; Updated were stored and the file changes them.
	Created, Matched, Updated int
}

// ImportResult is what an import did, or what its dry run would do, and
// every problem that stopped it.
type ImportResult struct {
	Events, Estimates, Actors, Places, Sources ImportCounts
	Problems                                   []ImportProblem
	// Unlisted counts the problems found beyond those listed: a file
	// wrong on every row lists only its first problems.
	Unlisted int
	// Committed is set when the records were written.
	Committed bool
}

// Changes counts the records the import creates or updates.
func (r ImportResult) Changes() int {
	n := 0
	for _, c := range []ImportCounts{r.Events, r.Estimates, r.Actors, r.Places, r.Sources} {
		n += c.Created + c.Updated
	}
	return n
}

// ImportProblemsError is the Invalid error of an import that found n
// problems in its file and so imported nothing.
func ImportProblemsError(n int) error {
	word := "problems"
	if n == 1 {
		word = "problem"
	}
	return Errorf(Invalid, "The file has %d %s; nothing was imported.", n, word)
}

// EstimateFilter chooses the estimates a timeline shows beside its events,
// when it shows them: those within the reader's dates (from, to) or else
// the timeline's own, at the timeline's places, of its force when it
// follows one actor.
func (t Timeline) EstimateFilter(from, to edtf.Date) EstimateFilter {
	f := EstimateFilter{From: from, To: to, Places: t.Filter.Places}
	if f.From.IsZero() {
		f.From = t.Filter.From
	}
	if f.To.IsZero() {
		f.To = t.Filter.To
	}
	if len(t.Filter.Actors) == 1 {
		f.Force = t.Filter.Actors[0]
	}
	return f
}
