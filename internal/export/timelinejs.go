package export

import (
	"bufio"
	"bytes"
	"encoding/json"
	"html"
	"io"
	"strconv"
	"strings"

	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/edtf"
)

// A TimelineJS export is the JSON that Knight Lab's TimelineJS 3 reads
// (new TL.Timeline(element, data)): a title slide and one slide per record.
// Dates say no more than is known: a month-precision date has no day, a
// year-precision one no month; an interval has an end date; the words
// sitrep shows ("July 2016 (approx.)") go in display_date, since TimelineJS
// itself has no notion of approximate dates. Slides are grouped by the
// event's main (first) actor, or the estimate's force.
type timelineWriter struct {
	buf   *bufio.Writer
	enc   *json.Encoder
	line  bytes.Buffer
	o     Options
	k     kind
	count int
}

func newTimelineWriter(w io.Writer, o Options, k kind) *timelineWriter {
	t := &timelineWriter{buf: bufio.NewWriterSize(w, 64<<10), o: o, k: k}
	t.enc = newEncoder(&t.line)
	return t
}

type tlText struct {
	Headline string `json:"headline"`
	Text     string `json:"text"`
}

type tlDate struct {
	Year  int `json:"year"`
	Month int `json:"month,omitempty"`
	Day   int `json:"day,omitempty"`
}

type tlSlide struct {
	StartDate   *tlDate `json:"start_date,omitempty"`
	EndDate     *tlDate `json:"end_date,omitempty"`
	DisplayDate string  `json:"display_date,omitempty"`
	Text        tlText  `json:"text"`
	Group       string  `json:"group,omitempty"`
	UniqueID    string  `json:"unique_id"`
}

func (t *timelineWriter) encode(v any) ([]byte, error) {
	t.line.Reset()
	if err := t.enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(t.line.Bytes(), []byte("\n")), nil
}

func (t *timelineWriter) begin() error {
	title := t.o.Title
	if title == "" {
		title = "Events"
		if t.k == estimateKind {
			title = "Estimates"
		}
	}
	b, err := t.encode(struct {
		Text     tlText `json:"text"`
		UniqueID string `json:"unique_id"`
	}{tlText{Headline: html.EscapeString(title), Text: t.render(t.o.Description)}, "title"})
	if err != nil {
		return err
	}
	t.buf.WriteString(`{"title":`)
	t.buf.Write(b)
	_, err = t.buf.WriteString(`,"events":[`)
	return err
}

func (t *timelineWriter) render(md string) string {
	if md == "" {
		return ""
	}
	if t.o.HTML != nil {
		return t.o.HTML(md)
	}
	return "<p>" + html.EscapeString(md) + "</p>"
}

// tlPoint turns an EDTF point into a TimelineJS date of the same
// precision.
func tlPoint(p edtf.Point) *tlDate {
	d := &tlDate{Year: p.Year}
	if p.Precision <= edtf.Month {
		d.Month = p.Month
	}
	if p.Precision == edtf.Day {
		d.Day = p.Day
	}
	return d
}

// dates returns the slide's start and end: an interval with an unknown or
// open start begins at its end, as TimelineJS needs a start.
func dates(d edtf.Date) (start, end *tlDate) {
	s, sok := d.Start()
	e, eok := d.End()
	switch {
	case sok && d.IsInterval() && eok:
		return tlPoint(s), tlPoint(e)
	case sok:
		return tlPoint(s), nil
	case eok:
		return tlPoint(e), nil
	}
	return nil, nil
}

func (t *timelineWriter) slide(s tlSlide) error {
	if s.StartDate == nil {
		return nil
	}
	b, err := t.encode(s)
	if err != nil {
		return err
	}
	sep := ",\n"
	if t.count == 0 {
		sep = "\n"
	}
	t.count++
	t.buf.WriteString(sep)
	_, err = t.buf.Write(b)
	return err
}

func (t *timelineWriter) sources(cs []conflict.Citation) string {
	if len(cs) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString(`<p class="sitrep-sources">Sources: `)
	seen := map[conflict.SourceID]bool{}
	for _, c := range cs {
		if seen[c.Source.ID] {
			continue
		}
		if len(seen) > 0 {
			b.WriteString("; ")
		}
		seen[c.Source.ID] = true
		title := conflict.Untitled
		if c.Source.Title != "" {
			title = "“" + c.Source.Title + "”"
		}
		label := html.EscapeString(c.Source.Publisher + ", " + title)
		if !c.Source.HasAddress() {
			// A broadcast or a printed report has no page to link to.
			b.WriteString(label)
			continue
		}
		b.WriteString(`<a href="` + html.EscapeString(c.Source.URL) + `">` + label + `</a>`)
	}
	b.WriteString("</p>")
	return b.String()
}

func (t *timelineWriter) event(e conflict.Event) error {
	start, end := dates(e.Date)
	s := tlSlide{StartDate: start, EndDate: end, DisplayDate: e.Date.Display(),
		Text:     tlText{Headline: html.EscapeString(e.Title), Text: t.render(e.Body) + t.sources(e.Citations)},
		UniqueID: "event-" + strconv.FormatInt(int64(e.ID), 10)}
	if len(e.Actors) > 0 {
		s.Group = e.Actors[0].Actor.Name
	}
	return t.slide(s)
}

func (t *timelineWriter) estimate(x conflict.Estimate) error {
	start, end := dates(x.AsOf)
	text := "<p>Claimed by " + html.EscapeString(x.Claimant) + ", as of " + html.EscapeString(x.AsOf.Display()) + ".</p>"
	if x.Notes != "" {
		text += "<p>" + html.EscapeString(x.Notes) + "</p>"
	}
	return t.slide(tlSlide{StartDate: start, EndDate: end, DisplayDate: x.AsOf.Display(),
		Text: tlText{Headline: html.EscapeString(x.Force.Name + ": " + x.ValueText() + " " + x.Unit),
			Text: text + t.sources(x.Citations)},
		Group: x.Force.Name, UniqueID: "estimate-" + strconv.FormatInt(int64(x.ID), 10)})
}

func (t *timelineWriter) flush() error { return t.buf.Flush() }

func (t *timelineWriter) end() error {
	if t.count > 0 {
		t.buf.WriteString("\n")
	}
	t.buf.WriteString("]}\n")
	return t.buf.Flush()
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
