package export

import (
	"bufio"
	"encoding/csv"
	"io"
	"strconv"
	"strings"

	"github.com/sitrep/sitrep/internal/api"
	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/edtf"
)

// CSV exports follow RFC 4180 (encoding/csv quotes what needs quoting),
// in UTF-8, with a header row. Lists within a cell (actors, tags, sources)
// are separated by "; ".

var eventHeader = []string{"id", "page", "external_id", "date", "date_lower", "date_upper", "date_precision", "date_text",
	"title", "place", "latitude", "longitude", "main_actor", "actors", "tags", "body", "sources", "status"}

var estimateHeader = []string{"id", "page", "external_id", "force", "place", "latitude", "longitude",
	"as_of", "as_of_lower", "as_of_upper", "as_of_precision", "as_of_text", "qualifier", "low", "high", "text", "unit",
	"claimant", "claimant_actor", "notes", "sources", "status"}

type csvWriter struct {
	buf  *bufio.Writer
	csv  *csv.Writer
	o    Options
	k    kind
	cell []string
}

func newCSVWriter(w io.Writer, o Options, k kind) *csvWriter {
	buf := bufio.NewWriterSize(w, 64<<10)
	return &csvWriter{buf: buf, csv: csv.NewWriter(buf), o: o, k: k}
}

func (w *csvWriter) begin() error {
	if w.k == estimateKind {
		return w.csv.Write(estimateHeader)
	}
	return w.csv.Write(eventHeader)
}

func (w *csvWriter) event(e conflict.Event) error {
	c := w.cell[:0]
	id := strconv.FormatInt(int64(e.ID), 10)
	c = append(c, id, w.o.Links.Base+api.EventPage(int64(e.ID), e.Slug), Cell(e.ExternalID))
	c = appendDate(c, e.Date)
	c = append(c, Cell(e.Title))
	c = appendPlace(c, e.Place)
	var main string
	if len(e.Actors) > 0 {
		main = e.Actors[0].Actor.Name
	}
	var actors strings.Builder
	for i, a := range e.Actors {
		if i > 0 {
			actors.WriteString("; ")
		}
		actors.WriteString(a.Actor.Name)
		if a.Role != "" {
			actors.WriteString(" (" + a.Role + ")")
		}
	}
	c = append(c, Cell(main), Cell(actors.String()), Cell(strings.Join(e.Tags, "; ")), Cell(w.o.offSite(e.Body)),
		Cell(sourceURLs(e.Citations)), string(e.Status))
	w.cell = c
	return w.csv.Write(c)
}

func (w *csvWriter) estimate(x conflict.Estimate) error {
	c := w.cell[:0]
	id := strconv.FormatInt(int64(x.ID), 10)
	c = append(c, id, w.o.Links.Base+"/estimates/"+id, Cell(x.ExternalID), Cell(x.Force.Name))
	c = appendPlace(c, x.Place)
	c = appendDate(c, x.AsOf)
	c = append(c, string(x.Qualifier), bound(x.Low), bound(x.High), Cell(x.ValueText()), Cell(x.Unit), Cell(x.Claimant))
	var claimant string
	if x.ClaimantActor != nil {
		claimant = x.ClaimantActor.Name
	}
	c = append(c, Cell(claimant), Cell(w.o.offSite(x.Notes)), Cell(sourceURLs(x.Citations)), string(x.Status))
	w.cell = c
	return w.csv.Write(c)
}

func appendDate(c []string, d edtf.Date) []string {
	var precision string
	if !d.IsZero() {
		precision = d.Precision().String()
	}
	return append(c, Cell(d.String()), d.LowerKey(), d.UpperKey(), precision, Cell(d.Display()))
}

func appendPlace(c []string, p *conflict.PlaceRef) []string {
	if p == nil {
		return append(c, "", "", "")
	}
	lat, lon := "", ""
	if p.Coordinates != nil {
		lat = strconv.FormatFloat(p.Coordinates.Lat, 'f', -1, 64)
		lon = strconv.FormatFloat(p.Coordinates.Lon, 'f', -1, 64)
	}
	return append(c, Cell(p.Name), lat, lon)
}

func bound(b conflict.Bound) string {
	if !b.Set {
		return ""
	}
	return strconv.FormatInt(b.Value, 10)
}

func sourceURLs(cs []conflict.Citation) string {
	var b strings.Builder
	for _, c := range cs {
		if c.Source.URL == "" {
			continue // a broadcast or a printed report has no address
		}
		if b.Len() > 0 {
			b.WriteString("; ")
		}
		b.WriteString(c.Source.URL)
	}
	return b.String()
}

func (w *csvWriter) flush() error {
	w.csv.Flush()
	if err := w.csv.Error(); err != nil {
		return err
	}
	return w.buf.Flush()
}

func (w *csvWriter) end() error { return w.flush() }

// Cell makes text safe to open in a spreadsheet: a cell that begins with
// =, +, -, @, a tab or a carriage return would be run as a formula by
// Excel, LibreOffice or Google Sheets, so it gets a leading apostrophe,
// which they show as text. Numbers the export writes itself (ids,
// coordinates, counts) are not passed through Cell, so a negative
// longitude stays a number.
func Cell(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + s
	}
	return s
}
