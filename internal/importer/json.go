package importer

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
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
func readJSON(r io.Reader) (conflict.ImportBatch, []conflict.ImportProblem, error) {
	var (
		b        conflict.ImportBatch
		problems []conflict.ImportProblem
		kind     string
	)
	dec := json.NewDecoder(r)
	fail := func(err error) (conflict.ImportBatch, []conflict.ImportProblem, error) {
		var se *json.SyntaxError
		var te *json.UnmarshalTypeError
		if errors.As(err, &se) || errors.As(err, &te) || errors.Is(err, io.ErrUnexpectedEOF) {
			return conflict.ImportBatch{}, append(problems, conflict.ImportProblem{
				Reason: fmt.Sprintf("The file is not valid JSON (at byte %d): %v.", dec.InputOffset(), err)}), nil
		}
		return conflict.ImportBatch{}, problems, err
	}
	tok, err := dec.Token()
	if err != nil {
		return fail(err)
	}
	if tok == json.Delim('{') {
		for {
			tok, err := dec.Token()
			if err != nil {
				return fail(err)
			}
			if tok == json.Delim('}') {
				break
			}
			field, _ := tok.(string)
			switch field {
			case "kind":
				if err := dec.Decode(&kind); err != nil {
					return fail(err)
				}
				if kind != api.KindEvents && kind != api.KindEstimates {
					return b, []conflict.ImportProblem{{Column: "kind",
						Reason: fmt.Sprintf("Only events and estimates can be imported, not %q.", kind)}}, nil
				}
			case "data":
				tok, err := dec.Token()
				if err != nil {
					return fail(err)
				}
				if tok != json.Delim('[') {
					return b, []conflict.ImportProblem{{Column: "data", Reason: "data must be a list of records."}}, nil
				}
				if err := readRecords(dec, kind, &b, &problems); err != nil {
					return fail(err)
				}
			default:
				var skip json.RawMessage
				if err := dec.Decode(&skip); err != nil {
					return fail(err)
				}
			}
		}
	} else if tok == json.Delim('[') {
		if err := readRecords(dec, kind, &b, &problems); err != nil {
			return fail(err)
		}
	} else {
		return b, []conflict.ImportProblem{{Reason: "The file is neither a sitrep export nor a list of records."}}, nil
	}
	return b, problems, nil
}

// readRecords reads the records of a list whose '[' has been read, up to
// and including its ']'.
func readRecords(dec *json.Decoder, kind string, b *conflict.ImportBatch, problems *[]conflict.ImportProblem) error {
	seen := map[string]int{}
	for row := 1; dec.More(); row++ {
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return err
		}
		bad := func(column, reason string) {
			*problems = append(*problems, conflict.ImportProblem{Row: row, Column: column, Reason: reason})
		}
		if len(raw) > maxRecord {
			bad("", fmt.Sprintf("The record is larger than %d KB.", maxRecord>>10))
			continue
		}
		if !utf8.Valid(raw) {
			bad("", "The record is not valid UTF-8 text.")
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
		before := len(*problems)
		var ext string
		switch k {
		case api.KindEvents:
			var rec api.Event
			if err := strictUnmarshal(raw, &rec); err != nil {
				bad("", "The record does not have the shape of an event: "+err.Error()+".")
				continue
			}
			ev := jsonEvent(rec, row, bad)
			ext = ev.Event.ExternalID
			if len(*problems) == before {
				b.Events = append(b.Events, ev)
			}
		case api.KindEstimates:
			var rec api.Estimate
			if err := strictUnmarshal(raw, &rec); err != nil {
				bad("", "The record does not have the shape of an estimate: "+err.Error()+".")
				continue
			}
			x := jsonEstimate(rec, row, bad)
			ext = x.Estimate.ExternalID
			if len(*problems) == before {
				b.Estimates = append(b.Estimates, x)
			}
		}
		if ext != "" {
			if first, ok := seen[ext]; ok {
				bad("external_id", fmt.Sprintf("The id %q is used again: record %d has it already.", ext, first))
				if n := len(b.Events); k == api.KindEvents && n > 0 && b.Events[n-1].Source.Row == row {
					b.Events = b.Events[:n-1]
				}
				if n := len(b.Estimates); k == api.KindEstimates && n > 0 && b.Estimates[n-1].Source.Row == row {
					b.Estimates = b.Estimates[:n-1]
				}
			} else {
				seen[ext] = row
			}
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
