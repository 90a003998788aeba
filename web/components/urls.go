// Package components holds the pieces pages are built from: dates, actor
// chips, event items, estimate values, and the paths that link records.
package components

import (
	"net/url"
	"strconv"

	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/edtf"
)

// EventPath is an event's permanent address; the slug is for people, the id
// is what counts.
func EventPath(id conflict.EventID, slug string) string {
	// A table page links a hundred events: no fmt for each.
	return "/events/" + strconv.FormatInt(int64(id), 10) + "-" + slug
}

// EstimatePath is an estimate's address.
func EstimatePath(id conflict.EstimateID) string {
	return "/estimates/" + strconv.FormatInt(int64(id), 10)
}

// ActorPath is an actor's page.
func ActorPath(slug string) string { return "/actors/" + url.PathEscape(slug) }

// PlacePath is a place's page.
func PlacePath(slug string) string { return "/places/" + url.PathEscape(slug) }

// SourcePath is a source's page.
func SourcePath(id conflict.SourceID) string { return "/sources/" + strconv.FormatInt(int64(id), 10) }

// TimelinePath is a curated timeline's page.
func TimelinePath(slug string) string { return "/timelines/" + url.PathEscape(slug) }

// TagPath lists the events with a tag.
func TagPath(tag string) string { return "/events?tag=" + url.QueryEscape(tag) }

// ExplorerPath is the estimates explorer for one force.
func ExplorerPath(force string) string { return "/estimates?force=" + url.QueryEscape(force) }

// machineDate returns the date as an HTML datetime value when it is one
// (a plain day, month or year), and "" otherwise: an approximate date or an
// interval has no honest single datetime.
func machineDate(d edtf.Date) string {
	if d.IsZero() || d.IsInterval() || d.Approximate() || d.Uncertain() ||
		d.Precision() == edtf.Quarter || d.Precision() == edtf.Season {
		// A season or quarter (2016-22) has no HTML datetime form.
		return ""
	}
	return d.String()
}

// dateNote explains a date that is not a known day, for a tooltip.
func dateNote(d edtf.Date) string {
	var note string
	switch {
	case d.IsInterval():
		note = "Happened at some time in this period"
	case d.Precision() == edtf.Month:
		note = "Known to the month"
	case d.Precision() == edtf.Quarter:
		note = "Known to the quarter: " + d.Days()
	case d.Precision() == edtf.Season:
		note = "Known to the season: " + d.Days()
	case d.Precision() == edtf.Year:
		note = "Known to the year"
	}
	if d.Approximate() {
		note = join(note, "approximate")
	}
	if d.Uncertain() {
		note = join(note, "uncertain")
	}
	if note == "" {
		return ""
	}
	return note + " (EDTF " + d.String() + ")"
}

func join(a, b string) string {
	if a == "" {
		return string(b[0]-32) + b[1:]
	}
	return a + ", " + b
}
