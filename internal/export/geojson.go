package export

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"

	"github.com/sitrep/sitrep/internal/api"
	"github.com/sitrep/sitrep/internal/conflict"
)

// A GeoJSON export (RFC 7946) is a FeatureCollection of the records whose
// place has coordinates: each a Point at its place, with the record's
// main fields as flat properties, which GIS tools show as columns.
// Records at an unlocated place, or at none, are left out.
type geoWriter struct {
	buf   *bufio.Writer
	enc   *json.Encoder
	line  bytes.Buffer
	o     Options
	count int
}

func newGeoWriter(w io.Writer, o Options, _ kind) *geoWriter {
	g := &geoWriter{buf: bufio.NewWriterSize(w, 64<<10), o: o}
	g.enc = newEncoder(&g.line)
	return g
}

type feature struct {
	Type       string         `json:"type"`
	ID         string         `json:"id"`
	Geometry   point          `json:"geometry"`
	Properties map[string]any `json:"properties"`
}

type point struct {
	Type string `json:"type"`
	// Coordinates are longitude, then latitude, as GeoJSON has them.
	Coordinates [2]float64 `json:"coordinates"`
}

func (g *geoWriter) begin() error {
	_, err := g.buf.WriteString(`{"type":"FeatureCollection","features":[`)
	return err
}

func (g *geoWriter) feature(id string, p *conflict.PlaceRef, props map[string]any) error {
	if p == nil || p.Coordinates == nil {
		return nil
	}
	props["place"] = p.Name
	g.line.Reset()
	f := feature{Type: "Feature", ID: id, Geometry: point{Type: "Point", Coordinates: [2]float64{p.Coordinates.Lon, p.Coordinates.Lat}},
		Properties: props}
	if err := g.enc.Encode(f); err != nil {
		return err
	}
	sep := ",\n"
	if g.count == 0 {
		sep = "\n"
	}
	g.count++
	g.buf.WriteString(sep)
	_, err := g.buf.Write(bytes.TrimSuffix(g.line.Bytes(), []byte("\n")))
	return err
}

func (g *geoWriter) event(e conflict.Event) error {
	actors := make([]string, len(e.Actors))
	for i, a := range e.Actors {
		actors[i] = a.Actor.Name
	}
	tags := e.Tags
	if tags == nil {
		tags = []string{}
	}
	id := itoa(int64(e.ID))
	return g.feature("event-"+id, e.Place, map[string]any{
		"id": e.ID, "page": g.o.Links.Base + api.EventPage(int64(e.ID), e.Slug), "external_id": e.ExternalID, "title": e.Title,
		"date": e.Date.String(), "date_lower": e.Date.LowerKey(), "date_upper": e.Date.UpperKey(), "date_text": e.Date.Display(),
		"actors": actors, "tags": tags, "status": e.Status,
	})
}

func (g *geoWriter) estimate(x conflict.Estimate) error {
	id := itoa(int64(x.ID))
	props := map[string]any{
		"id": x.ID, "page": g.o.Links.Base + "/estimates/" + id, "external_id": x.ExternalID, "force": x.Force.Name,
		"as_of": x.AsOf.String(), "as_of_lower": x.AsOf.LowerKey(), "as_of_upper": x.AsOf.UpperKey(), "as_of_text": x.AsOf.Display(),
		"qualifier": x.Qualifier, "low": nil, "high": nil, "text": x.ValueText(), "unit": x.Unit, "claimant": x.Claimant, "status": x.Status,
	}
	if x.Low.Set {
		props["low"] = x.Low.Value
	}
	if x.High.Set {
		props["high"] = x.High.Value
	}
	return g.feature("estimate-"+id, x.Place, props)
}

func (g *geoWriter) flush() error { return g.buf.Flush() }

func (g *geoWriter) end() error {
	if g.count > 0 {
		g.buf.WriteString("\n")
	}
	g.buf.WriteString("]}\n")
	return g.buf.Flush()
}
