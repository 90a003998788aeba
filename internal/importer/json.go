package importer

import (
	"encoding/json"
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"reflect"
	"sort"
	"strings"
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
			case "next", "prev":
				// A saved page of the API says where its neighbours are.
				var skip json.RawMessage
				if err := dec.Decode(&skip); err != nil {
					return fail(err)
				}
			default:
				var skip json.RawMessage
				if err := dec.Decode(&skip); err != nil {
					return fail(err)
				}
				problem(conflict.ImportProblem{Column: field, Reason: fmt.Sprintf("unknown field %q.", field)})
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
	seen := map[uint64]string{}
	seed := maphash.MakeSeed()
	for row := 1; dec.More(); row++ {
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return err
		}
		bad := false
		report := func(path, reason string) {
			bad = true
			problem(conflict.ImportProblem{Row: row, Column: path, Reason: reason})
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
		// Every problem below names its place in the file as a JSON path,
		// "events[3].citations[2].source.title", counted from 0 as the
		// list is.
		at := fmt.Sprintf("%s[%d]", k, row-1)
		atField := func(field, reason string) { report(at+"."+field, reason) }
		var (
			ext string
			ev  *conflict.ImportEvent
			x   *conflict.ImportEstimate
		)
		switch k {
		case api.KindEvents:
			var rec api.Event
			if !checkShape(raw, reflect.TypeOf(rec), at, report) {
				continue
			}
			if err := json.Unmarshal(raw, &rec); err != nil {
				report(at, "The record does not have the shape of an event: "+err.Error()+".")
				continue
			}
			e := jsonEvent(rec, row, atField)
			e.Source.Columns = recordColumns(at, len(rec.Citations))
			ev, ext = &e, e.Event.ExternalID
		case api.KindEstimates:
			var rec api.Estimate
			if !checkShape(raw, reflect.TypeOf(rec), at, report) {
				continue
			}
			if err := json.Unmarshal(raw, &rec); err != nil {
				report(at, "The record does not have the shape of an estimate: "+err.Error()+".")
				continue
			}
			e := jsonEstimate(rec, row, atField)
			e.Source.Columns = recordColumns(at, len(rec.Citations))
			x, ext = &e, e.Estimate.ExternalID
		}
		checkSources(ev, x, at, report)
		if ext != "" {
			h := maphash.String(seed, k+"\x00"+ext)
			if first, ok := seen[h]; ok {
				atField("external_id", fmt.Sprintf("The id %q is used again: %s has it already.", ext, first))
			} else {
				seen[h] = at
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
				Published: jsonDate(s.Published, fmt.Sprintf("citations[%d].source.published", i), bad),
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
		Citations: jsonCitations(rec.Citations, bad), Relations: api.RelationsOf(rec.Relations), Status: conflict.Status(rec.Status), StatusNote: rec.StatusNote,
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
		Claimant: rec.Claimant, Notes: rec.Notes, Citations: jsonCitations(rec.Citations, bad), Relations: api.RelationsOf(rec.Relations),
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

// maxRelationColumns is how many of a record's relations problems are
// named by their path; a record rarely has more than a few.
const maxRelationColumns = 20

// recordColumns maps the fields the store may find wrong with a record
// onto the record's JSON path, so that its problems name the item:
// "citations.2.quote" becomes "events[3].citations[2].quote".
func recordColumns(at string, citations int) map[string]string {
	cols := make(map[string]string, len(jsonFields)+4*citations)
	for field, name := range jsonFields {
		cols[field] = at + "." + name
	}
	for _, field := range []string{"title", "date", "body", "tags", "status", "status_note", "external_id", "place",
		"unit", "qualifier", "low", "high", "claimant", "claimant_actor", "notes"} {
		cols[field] = at + "." + field
	}
	for i := 0; i < citations; i++ {
		for _, f := range []string{"source", "quote", "locator", "credibility"} {
			cols[fmt.Sprintf("citations.%d.%s", i, f)] = fmt.Sprintf("%s.citations[%d].%s", at, i, f)
		}
	}
	for i := 0; i < maxRelationColumns; i++ {
		cols[fmt.Sprintf("relations.%d", i)] = fmt.Sprintf("%s.relations[%d]", at, i)
	}
	return cols
}

// checkSources checks each cited source as the store will, so that a bad
// one is reported with its item's path; the store could only say
// "citations".
func checkSources(ev *conflict.ImportEvent, x *conflict.ImportEstimate, at string, report func(string, string)) {
	var cs []conflict.Citation
	if ev != nil {
		cs = ev.Event.Citations
	} else if x != nil {
		cs = x.Estimate.Citations
	}
	for i, c := range cs {
		s := c.Source
		s.Normalize()
		err := s.Validate()
		if err == nil {
			continue
		}
		prefix := fmt.Sprintf("%s.citations[%d].source", at, i)
		fields := conflict.ErrorFields(err)
		if len(fields) == 0 {
			report(prefix, conflict.ErrorMessage(err))
			continue
		}
		names := make([]string, 0, len(fields))
		for f := range fields {
			names = append(names, f)
		}
		sort.Strings(names)
		for _, f := range names {
			report(prefix+"."+f, fields[f])
		}
	}
}

var unmarshalerType = reflect.TypeOf((*json.Unmarshaler)(nil)).Elem()

// checkShape compares a record with the type it is read into, field by
// field, and reports every field the type does not have and every value
// of the wrong kind with its JSON path: encoding/json would stop at the
// first and name only the field. It returns whether all was well. The
// record is at most maxRecord bytes, so reading it into pieces is
// bounded too.
func checkShape(raw json.RawMessage, t reflect.Type, path string, report func(string, string)) bool {
	ok := true
	bad := func(p, reason string) {
		ok = false
		report(p, reason)
	}
	shape(raw, t, path, bad)
	return ok
}

func shape(raw json.RawMessage, t reflect.Type, path string, bad func(string, string)) {
	isNull := string(raw) == "null"
	for t.Kind() == reflect.Pointer {
		if isNull {
			return
		}
		t = t.Elem()
	}
	if reflect.PointerTo(t).Implements(unmarshalerType) {
		if err := json.Unmarshal(raw, reflect.New(t).Interface()); err != nil {
			bad(path, err.Error()+".")
		}
		return
	}
	switch t.Kind() {
	case reflect.Struct:
		if isNull {
			return
		}
		var obj map[string]json.RawMessage
		if err := json.Unmarshal(raw, &obj); err != nil {
			bad(path, "Expected an object, not "+jsonKind(raw)+".")
			return
		}
		fields := map[string]reflect.Type{}
		structFields(t, fields)
		names := make([]string, 0, len(obj))
		for name := range obj {
			names = append(names, name)
		}
		sort.Strings(names)
		for _, name := range names {
			ft, known := fields[name]
			if !known {
				// encoding/json matches a key to a field regardless of case.
				for f, typ := range fields {
					if strings.EqualFold(f, name) {
						ft, known = typ, true
						break
					}
				}
			}
			if !known {
				bad(path+"."+name, fmt.Sprintf("unknown field %q.", name))
				continue
			}
			shape(obj[name], ft, path+"."+name, bad)
		}
	case reflect.Slice:
		if isNull {
			return
		}
		var items []json.RawMessage
		if err := json.Unmarshal(raw, &items); err != nil {
			bad(path, "Expected a list, not "+jsonKind(raw)+".")
			return
		}
		for i, item := range items {
			shape(item, t.Elem(), fmt.Sprintf("%s[%d]", path, i), bad)
		}
	default:
		if isNull {
			return
		}
		if err := json.Unmarshal(raw, reflect.New(t).Interface()); err != nil {
			bad(path, fmt.Sprintf("Expected %s, not %s.", kindName(t), jsonKind(raw)))
		}
	}
}

// structFields collects a struct's JSON field names and types, with those
// of embedded structs, as encoding/json reads them.
func structFields(t reflect.Type, into map[string]reflect.Type) {
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		if f.Anonymous && name == "" {
			ft := f.Type
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct {
				structFields(ft, into)
				continue
			}
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		into[name] = f.Type
	}
}

// kindName says in words what a Go type reads from JSON.
func kindName(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return "text"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a whole number"
	case reflect.Float32, reflect.Float64:
		return "a number"
	}
	return "a " + t.Kind().String()
}

// jsonKind says in words what a JSON value is, quoting a short one.
func jsonKind(raw json.RawMessage) string {
	what := "a value"
	switch c := raw[0]; {
	case c == '"':
		what = "text"
	case c == '{':
		return "an object"
	case c == '[':
		return "a list"
	case c == 't' || c == 'f':
		what = "true or false"
	case c == 'n':
		return "null"
	default:
		what = "a number"
	}
	if len(raw) <= 40 {
		return what + " (" + string(raw) + ")"
	}
	return what
}
