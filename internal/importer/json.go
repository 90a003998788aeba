package importer

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"unicode/utf8"

	"github.com/sitrep/sitrep/internal/api"
	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/edtf"
)

// maxRecord bounds one JSON record, so that a file cannot make the reader
// hold more than this at once; an event's body is at most 100,000
// characters.
const maxRecord = 1 << 20

// A JSON file is sitrep's own export, or a page of the API saved to a
// file: {"kind": "events", "data": [...]}, or a bare array of records.
// Records are read one at a time. Their ids, addresses, versions and
// timestamps are ignored; a record is matched by its external id, or, for
// an API record without one, by "sitrep:event:ID" (as an export would
// have written it).
func readJSON(r io.Reader, yield func(*conflict.ImportEvent, *conflict.ImportEstimate) error, problem func(conflict.ImportProblem)) error {
	var kind string
	dec := json.NewDecoder(r)
	fail := func(err error) error {
		var se *json.SyntaxError
		var te *json.UnmarshalTypeError
		if errors.As(err, &se) || errors.As(err, &te) || errors.Is(err, io.ErrUnexpectedEOF) {
			problem(conflict.ImportProblem{Reason: fmt.Sprintf("The file is not valid JSON (at byte %d): %v.", dec.InputOffset(), err)})
			return nil
		}
		return err
	}
	tok, err := dec.Token()
	if err != nil {
		return fail(err)
	}
	switch tok {
	case json.Delim('{'):
		for {
			tok, err := dec.Token()
			if err != nil {
				return fail(err)
			}
			if tok == json.Delim('}') {
				return nil
			}
			field, _ := tok.(string)
			switch field {
			case "kind":
				if err := dec.Decode(&kind); err != nil {
					return fail(err)
				}
				if kind != api.KindEvents && kind != api.KindEstimates {
					problem(conflict.ImportProblem{Column: "kind", Reason: fmt.Sprintf("Only events and estimates can be imported, not %q.", kind)})
					return nil
				}
			case "data":
				tok, err := dec.Token()
				if err != nil {
					return fail(err)
				}
				if tok != json.Delim('[') {
					problem(conflict.ImportProblem{Column: "data", Reason: "data must be a list of records."})
					return nil
				}
				if err := readRecords(dec, kind, yield, problem); err != nil {
					return fail(err)
				}
			default:
				var skip json.RawMessage
				if err := dec.Decode(&skip); err != nil {
					return fail(err)
				}
			}
		}
	case json.Delim('['):
		if err := readRecords(dec, kind, yield, problem); err != nil {
			return fail(err)
		}
		return nil
	}
	problem(conflict.ImportProblem{Reason: "The file is neither a sitrep export nor a list of records."})
	return nil
}

// errStop carries yield's error out of readRecords untouched by fail.
type errStop struct{ err error }

func (e errStop) Error() string { return e.err.Error() }
func (e errStop) Unwrap() error { return e.err }

// readRecords reads the records of a list whose '[' has been read, up to
// and including its ']', handing each good one to yield.
func readRecords(dec *json.Decoder, kind string, yield func(*conflict.ImportEvent, *conflict.ImportEstimate) error, problem func(conflict.ImportProblem)) error {
	seen := map[uint64]int{}
	seed := maphash.MakeSeed()
	for row := 1; dec.More(); row++ {
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return err
		}
		bad := false
		report := func(column, reason string) {
			bad = true
			problem(conflict.ImportProblem{Row: row, Column: column, Reason: reason})
		}
		if len(raw) > maxRecord {
			report("", fmt.Sprintf("The record is larger than %d KB.", maxRecord>>10))
			continue
		}
		if !utf8.Valid(raw) {
			report("", "The record is not valid UTF-8 text.")
			continue
		}
		k := kind
		if k == "" {
			// A bare list: an estimate has a force, an event has not.
			var probe struct {
				Force json.RawMessage `json:"force"`
			}
			_ = json.Unmarshal(raw, &probe)
			k = api.KindEvents
			if len(probe.Force) > 0 {
				k = api.KindEstimates
			}
		}
		var (
			ext string
			ev  *conflict.ImportEvent
			x   *conflict.ImportEstimate
		)
		switch k {
		case api.KindEvents:
			var rec api.Event
			if err := strictUnmarshal(raw, &rec); err != nil {
				report("", "The record does not have the shape of an event: "+err.Error()+".")
				continue
			}
			e := jsonEvent(rec, row, report)
			ev, ext = &e, e.Event.ExternalID
		case api.KindEstimates:
			var rec api.Estimate
			if err := strictUnmarshal(raw, &rec); err != nil {
				report("", "The record does not have the shape of an estimate: "+err.Error()+".")
				continue
			}
			e := jsonEstimate(rec, row, report)
			x, ext = &e, e.Estimate.ExternalID
		}
		if ext != "" {
			h := maphash.String(seed, ext)
			if first, ok := seen[h]; ok {
				report("external_id", fmt.Sprintf("The id %q is used again: record %d has it already.", ext, first))
			} else {
				seen[h] = row
			}
		}
		if bad {
			continue
		}
		if err := yield(ev, x); err != nil {
			return errStop{err}
		}
	}
	_, err := dec.Token() // the closing ']'
	return err
}

func strictUnmarshal(raw []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	return dec.Decode(v)
}

// jsonFields are a record's JSON fields by the domain's names.
var jsonFields = map[string]string{"as_of": "as_of", "force": "force", "citations": "citations", "actors": "actors"}

func jsonDate(d *api.Date, column string, bad func(string, string)) edtf.Date {
	if d == nil || d.EDTF == "" {
		return edtf.Date{}
	}
	v, err := edtf.Parse(d.EDTF)
	if err != nil {
		bad(column, fmt.Sprintf("%q is not a date sitrep reads: %v.", d.EDTF, err))
	}
	return v
}

func jsonPlace(p *api.PlaceRef) *conflict.ImportPlace {
	if p == nil || p.Name == "" {
		return nil
	}
	step := conflict.PlaceName{Name: p.Name, Slug: p.Slug}
	if p.Coordinates != nil {
		step.Coordinates = &conflict.LatLon{Lat: p.Coordinates.Lat, Lon: p.Coordinates.Lon}
	}
	return &conflict.ImportPlace{Path: []conflict.PlaceName{step}}
}

func jsonCitations(cs []api.Citation, bad func(string, string)) []conflict.Citation {
	out := make([]conflict.Citation, 0, len(cs))
	for i, c := range cs {
		s := c.Source
		out = append(out, conflict.Citation{
			Source: conflict.Source{URL: s.URL, Publisher: s.Publisher, Title: s.Title,
				Published: jsonDate(s.Published, fmt.Sprintf("citations.%d.source.published", i), bad),
				Authors:   s.Authors, Language: s.Language, ArchivedURL: s.ArchivedURL,
				Reliability: conflict.Reliability(s.Reliability), Notes: s.Notes},
			Quote: c.Quote, Locator: c.Locator, Credibility: c.Credibility,
		})
	}
	return out
}

func key(prefix, ext string, id int64) string {
	if ext == "" && id != 0 {
		return fmt.Sprintf("sitrep:%s:%d", prefix, id)
	}
	return ext
}

func jsonEvent(rec api.Event, row int, bad func(string, string)) conflict.ImportEvent {
	e := conflict.Event{Title: rec.Title, Date: jsonDate(rec.Date, "date", bad), Tags: rec.Tags, Body: rec.Body,
		Citations: jsonCitations(rec.Citations, bad), Status: conflict.Status(rec.Status), StatusNote: rec.StatusNote,
		ExternalID: key("event", rec.ExternalID, rec.ID)}
	if rec.Date == nil || rec.Date.EDTF == "" {
		bad("date", "Every event needs a date.")
	}
	actors := make([]conflict.ImportActor, len(rec.Actors))
	for i, a := range rec.Actors {
		actors[i] = conflict.ImportActor{Name: a.Name, Slug: a.Slug, Colour: a.Colour, Role: a.Role}
	}
	return conflict.ImportEvent{Event: e, Place: jsonPlace(rec.Place), Actors: actors,
		Source: conflict.RowRef{Row: row, Columns: jsonFields}}
}

func jsonEstimate(rec api.Estimate, row int, bad func(string, string)) conflict.ImportEstimate {
	x := conflict.Estimate{AsOf: jsonDate(rec.AsOf, "as_of", bad), Unit: rec.Unit, Qualifier: conflict.Qualifier(rec.Qualifier),
		Claimant: rec.Claimant, Notes: rec.Notes, Citations: jsonCitations(rec.Citations, bad),
		Status: conflict.Status(rec.Status), StatusNote: rec.StatusNote, ExternalID: key("estimate", rec.ExternalID, rec.ID)}
	if rec.Low != nil {
		x.Low = conflict.Count(*rec.Low)
	}
	if rec.High != nil {
		x.High = conflict.Count(*rec.High)
	}
	out := conflict.ImportEstimate{Estimate: x, Force: conflict.ImportActor{Name: rec.Force.Name, Slug: rec.Force.Slug, Colour: rec.Force.Colour},
		Place: jsonPlace(rec.Place), Source: conflict.RowRef{Row: row, Columns: jsonFields}}
	if a := rec.ClaimantActor; a != nil {
		out.ClaimantActor = &conflict.ImportActor{Name: a.Name, Slug: a.Slug, Colour: a.Colour}
	}
	return out
}
