package export

import (
	"context"
	"io"
	"strconv"
	"strings"

	"github.com/sitrep/sitrep/internal/conflict"
)

// TableHeader names the columns of the events table (/events?view=table);
// its CSV has these columns, and TableRow fills both.
var TableHeader = []string{"Date", "Title", "Place", "Actors", "Tags", "Sources", "Fatalities"}

// TableRow is an event as the table shows it, one text a column: the
// date in words, the names of its place and actors, its tags, how many
// citations it has, and the deaths its text reports where it reports
// them (ReportedFatalities).
func TableRow(e conflict.Event, citations int) []string {
	place := ""
	if e.Place != nil {
		place = e.Place.Name
	}
	actors := make([]string, len(e.Actors))
	for i, a := range e.Actors {
		actors[i] = a.Actor.Name
	}
	deaths := ""
	if n, ok := conflict.ReportedFatalities(e.Body); ok {
		deaths = strconv.Itoa(n)
	}
	return []string{e.Date.Display(), e.Title, place, strings.Join(actors, "; "), strings.Join(e.Tags, "; "),
		strconv.Itoa(citations), deaths}
}

// TableStore reads a table's events; *sqlite.DB is one.
type TableStore interface {
	EachEventPage(ctx context.Context, f conflict.EventFilter, fn func(conflict.EventPage) error) error
	FindEventsSorted(ctx context.Context, f conflict.EventFilter, sort string, page, perPage int) (conflict.SortedEvents, error)
}

// Table writes the events table as CSV: f's events in the table's order
// (sort "" for date order, in f's order; otherwise as FindEventsSorted
// sorts them), in its columns, so that the file is the table row for row.
func Table(ctx context.Context, w io.Writer, s TableStore, f conflict.EventFilter, sort string, sortLimit int, o Options) error {
	out := newCSVWriter(w, o, eventKind)
	if err := out.csv.Write(TableHeader); err != nil {
		return err
	}
	write := func(events []conflict.Event, citations func(conflict.Event) int) error {
		for _, e := range events {
			row := TableRow(e, citations(e))
			for i := range row {
				row[i] = Cell(row[i])
			}
			if err := out.csv.Write(row); err != nil {
				return err
			}
		}
		return flush(out, o)
	}
	if sort != "" {
		page, err := s.FindEventsSorted(ctx, f, sort, 1, sortLimit)
		if err != nil {
			return err
		}
		if err := write(page.Events, func(e conflict.Event) int { return page.Citations[e.ID] }); err != nil {
			return err
		}
		return out.end()
	}
	f.Limit = pageSize
	err := s.EachEventPage(ctx, f, func(page conflict.EventPage) error {
		return write(page.Events, func(e conflict.Event) int { return len(e.Citations) })
	})
	if err != nil {
		return err
	}
	return out.end()
}
