// Package export writes a filtered list of events or estimates as CSV,
// JSON, GeoJSON or TimelineJS JSON. It streams: records are read a page of
// 1,000 at a time and written as they come, so an export of 100,000 events
// holds one page in memory, never the whole list.
package export

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/sitrep/sitrep/internal/api"
	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/markdown"
)

// Format is a file format an export can be written in.
type Format string

// The formats.
const (
	CSV        Format = "csv"
	JSON       Format = "json"
	GeoJSON    Format = "geojson"
	TimelineJS Format = "timelinejs"
)

// Formats lists the formats in the order pages offer them.
var Formats = []Format{CSV, JSON, GeoJSON, TimelineJS}

// Label names the format for a link.
func (f Format) Label() string {
	switch f {
	case CSV:
		return "CSV"
	case JSON:
		return "JSON"
	case GeoJSON:
		return "GeoJSON"
	case TimelineJS:
		return "TimelineJS"
	}
	return string(f)
}

// ContentType is the media type of the format.
func (f Format) ContentType() string {
	switch f {
	case CSV:
		return "text/csv; charset=utf-8"
	case GeoJSON:
		return "application/geo+json"
	}
	return "application/json"
}

// Extension is the file name extension of the format.
func (f Format) Extension() string {
	switch f {
	case GeoJSON:
		return ".geojson"
	case TimelineJS:
		return ".timelinejs.json"
	}
	return "." + string(f)
}

// ParseFormat reads a format's name, or says which exist.
func ParseFormat(s string) (Format, error) {
	for _, f := range Formats {
		if strings.EqualFold(s, string(f)) {
			return f, nil
		}
	}
	return "", &conflict.Error{Code: conflict.Invalid, Message: fmt.Sprintf("Unknown format %q: use csv, json, geojson or timelinejs.", s),
		Fields: conflict.FieldErrors{"format": "Use csv, json, geojson or timelinejs."}}
}

// Store is where exports read from; *sqlite.DB is one.
type Store interface {
	EachEventPage(ctx context.Context, f conflict.EventFilter, fn func(conflict.EventPage) error) error
	EachEstimatePage(ctx context.Context, f conflict.EstimateFilter, fn func([]conflict.Estimate) error) error
}

// Options shape an export.
type Options struct {
	// Links makes the records' page addresses absolute.
	Links api.Links
	// Title and Description (Markdown) make the title slide of a
	// TimelineJS export.
	Title, Description string
	// HTML renders Markdown as safe HTML, for TimelineJS texts; nil shows
	// Markdown as escaped plain text.
	HTML func(markdown string) string
	// Flush, when set, is called after each page is written, to send it on.
	Flush func()
}

// offSite writes a Markdown text for reading off the site: a link to
// /events/12 leads nowhere in a spreadsheet or another database, so links
// into the site are made absolute on Links.Base (left as written when
// there is no base).
func (o Options) offSite(md string) string { return markdown.Absolute(md, o.Links.Base) }

// pageSize is how many records one read brings.
const pageSize = 1000

// Events writes the events matching f in format. f's cursors and limit
// are replaced; its order is kept.
func Events(ctx context.Context, w io.Writer, s Store, f conflict.EventFilter, format Format, o Options) error {
	out, err := newWriter(w, format, o, eventKind)
	if err != nil {
		return err
	}
	if err := out.begin(); err != nil {
		return err
	}
	f.Limit = pageSize
	err = s.EachEventPage(ctx, f, func(page conflict.EventPage) error {
		for _, e := range page.Events {
			if err := out.event(e); err != nil {
				return err
			}
		}
		return flush(out, o)
	})
	if err != nil {
		return err
	}
	return out.end()
}

// Timeline writes a timeline's events (f, whose Timeline is set) and the
// estimates ef chooses, as one TimelineJS file, its slides mixed, since a
// timeline that shows estimates shows them among its events. Other
// formats hold one kind of record: for them it writes the events alone.
func Timeline(ctx context.Context, w io.Writer, s Store, f conflict.EventFilter, ef conflict.EstimateFilter, format Format, o Options) error {
	if format != TimelineJS {
		return Events(ctx, w, s, f, format, o)
	}
	out, err := newWriter(w, format, o, eventKind)
	if err != nil {
		return err
	}
	if err := out.begin(); err != nil {
		return err
	}
	f.Limit, ef.Limit = pageSize, pageSize
	err = s.EachEventPage(ctx, f, func(page conflict.EventPage) error {
		for _, e := range page.Events {
			if err := out.event(e); err != nil {
				return err
			}
		}
		return flush(out, o)
	})
	if err != nil {
		return err
	}
	err = s.EachEstimatePage(ctx, ef, func(xs []conflict.Estimate) error {
		for _, x := range xs {
			if err := out.estimate(x); err != nil {
				return err
			}
		}
		return flush(out, o)
	})
	if err != nil {
		return err
	}
	return out.end()
}

// Estimates writes the estimates matching f in format, in as-of order.
func Estimates(ctx context.Context, w io.Writer, s Store, f conflict.EstimateFilter, format Format, o Options) error {
	out, err := newWriter(w, format, o, estimateKind)
	if err != nil {
		return err
	}
	if err := out.begin(); err != nil {
		return err
	}
	f.Limit = pageSize
	err = s.EachEstimatePage(ctx, f, func(xs []conflict.Estimate) error {
		for _, x := range xs {
			if err := out.estimate(x); err != nil {
				return err
			}
		}
		return flush(out, o)
	})
	if err != nil {
		return err
	}
	return out.end()
}

// flush sends on what a page wrote.
func flush(out writer, o Options) error {
	if err := out.flush(); err != nil {
		return err
	}
	if o.Flush != nil {
		o.Flush()
	}
	return nil
}

type kind int

const (
	eventKind kind = iota
	estimateKind
)

// writer writes one format. begin and end frame the records; flush sends
// what is buffered.
type writer interface {
	begin() error
	event(conflict.Event) error
	estimate(conflict.Estimate) error
	flush() error
	end() error
}

func newWriter(w io.Writer, f Format, o Options, k kind) (writer, error) {
	switch f {
	case CSV:
		return newCSVWriter(w, o, k), nil
	case JSON:
		return newJSONWriter(w, o, k), nil
	case GeoJSON:
		return newGeoWriter(w, o, k), nil
	case TimelineJS:
		return newTimelineWriter(w, o, k), nil
	}
	_, err := ParseFormat(string(f))
	return nil, err
}
