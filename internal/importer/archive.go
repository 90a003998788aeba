package importer

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/edtf"
	"github.com/sitrep/sitrep/internal/export"
	"github.com/sitrep/sitrep/internal/sqlite"
)

// An archive (export.ArchiveFormat) is the whole public record, as
// `sitrep export --what all` writes it. It is imported in two passes over
// the file, each a record at a time. The first checks every record on its
// own and against the file: its shape (an unknown field is named by its
// JSON path, "events[12].citations[2].sorce"), its values by the domain's
// rules, its links to the file's other records, ids, slugs, external ids
// and addresses given twice. Only a file without a problem is read again,
// into the store, in one transaction, matching each record to a stored one
// by slug, address or external id, or, for an event or estimate without
// an external id, by id (see sqlite.ArchiveImport); a problem the store finds there (a slug
// another stored record has) is reported the same way and nothing is
// written.

// maxArchiveRecord bounds one record of an archive, which may carry its
// history: a few hundred revisions of an event.
const maxArchiveRecord = 8 << 20

// ArchiveStore is where an archive is imported; *sqlite.DB is one.
type ArchiveStore interface {
	ImportArchive(ctx context.Context, ch conflict.Change, dryRun bool, fn func(*sqlite.ArchiveImport) error) (conflict.ImportResult, error)
}

// IsArchive reports whether a file's first bytes are an archive's: a JSON
// object whose first field says it is one.
func IsArchive(head []byte) bool {
	dec := json.NewDecoder(strings.NewReader(strings.TrimPrefix(string(head), "\ufeff")))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return false
	}
	if tok, err := dec.Token(); err != nil || tok != "format" {
		return false
	}
	tok, err := dec.Token()
	return err == nil && tok == export.ArchiveFormat
}

// sniffArchive peeks at the start of the file in src, leaving it to be
// read from its start.
func sniffArchive(src *source) (bool, error) {
	head := make([]byte, 256)
	if rs, ok := src.r.(io.ReadSeeker); ok {
		if _, err := rs.Seek(0, io.SeekStart); err == nil {
			n, err := io.ReadFull(rs, head)
			if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
				return false, err
			}
			return IsArchive(head[:n]), nil
		}
	}
	n, err := io.ReadFull(src.r, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return false, err
	}
	src.r = io.MultiReader(bytes.NewReader(head[:n]), src.r)
	return IsArchive(head[:n]), nil
}

// runArchive imports the archive in src (see Run).
func runArchive(ctx context.Context, s Store, src *source, o Options) (conflict.ImportResult, error) {
	store, ok := s.(ArchiveStore)
	if !ok {
		return conflict.ImportResult{}, errors.New("import: this store cannot import a whole archive")
	}
	var res conflict.ImportResult
	problem := func(p conflict.ImportProblem) {
		if len(res.Problems) < MaxProblems {
			res.Problems = append(res.Problems, p)
		} else {
			res.Unlisted++
		}
	}
	progress := func(stage string) (io.Reader, error) {
		in, err := src.open()
		if err != nil {
			return nil, err
		}
		if o.Progress != nil {
			o.Progress(stage, 0, src.size)
			in = &countingReader{r: in, step: func(n int64) { o.Progress(stage, n, src.size) }}
		}
		return in, nil
	}
	in, err := progress("checking")
	if err != nil {
		return res, err
	}
	c := newArchiveCheck(problem)
	if err := walkArchive(in, problem, c.record, c.end); err != nil {
		return res, err
	}
	if n := len(res.Problems) + res.Unlisted; n > 0 {
		conflict.SortProblems(res.Problems)
		return res, conflict.ImportProblemsError(n)
	}
	// The file is sound on its own: now into the store, in one
	// transaction that commits only when every record is written. A dry
	// run writes it all and rolls it back, so that it finds what the
	// import would: a slug another stored record has, what would be
	// created, matched or updated.
	stage := "importing"
	if o.DryRun {
		stage = "matching"
	}
	in, err = progress(stage)
	if err != nil {
		return res, err
	}
	var found []conflict.ImportProblem
	got, err := store.ImportArchive(ctx, o.Change, o.DryRun, func(im *sqlite.ArchiveImport) error {
		w := archiveWrite{im: im}
		return walkArchive(in, func(p conflict.ImportProblem) { found = append(found, p) }, w.record, im.EndSection)
	})
	var re *sqlite.ArchiveRecordError
	if errors.As(err, &re) {
		found = append(found, recordProblems(re.Section, re.Index, re.Err)...)
		err = nil
	}
	if len(found) > 0 {
		// The file changed since it was checked, or the store refused a
		// record: nothing was written.
		got.Problems, got.Committed = found, false
		return got, conflict.ImportProblemsError(len(found))
	}
	return got, err
}

// walkArchive reads an archive's header and lists a record at a time,
// handing each record to record with its list and index, and telling end
// when each list is over. What is not an archive's shape it reports to
// problem and stops.
func walkArchive(r io.Reader, problem func(conflict.ImportProblem), record func(section string, index int, raw json.RawMessage) error, end func(string) error) error {
	dec := json.NewDecoder(bufio.NewReaderSize(r, 64<<10))
	fail := func(err error) error {
		var se *json.SyntaxError
		var te *json.UnmarshalTypeError
		if errors.As(err, &se) || errors.As(err, &te) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
			problem(conflict.ImportProblem{Reason: fmt.Sprintf("The file is not valid JSON (at byte %d): %v.", dec.InputOffset(), err)})
			return nil
		}
		return err
	}
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		if err != nil {
			return fail(err)
		}
		problem(conflict.ImportProblem{Reason: "An archive is a JSON object."})
		return nil
	}
	next := 0 // the first of export.ArchiveSections still to come
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return fail(err)
		}
		field, _ := tok.(string)
		switch field {
		case "format", "version", "history":
			var v any
			if err := dec.Decode(&v); err != nil {
				return fail(err)
			}
			if msg := headerProblem(field, v); msg != "" {
				problem(conflict.ImportProblem{Column: field, Reason: msg})
				return nil
			}
			continue
		}
		at := -1
		for i, s := range export.ArchiveSections {
			if s == field {
				at = i
			}
		}
		if at < 0 {
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return fail(err)
			}
			problem(conflict.ImportProblem{Column: field, Reason: fmt.Sprintf("unknown field %q.", field)})
			continue
		}
		if at < next {
			problem(conflict.ImportProblem{Column: field, Reason: fmt.Sprintf("The lists come in this order, each once: %s.",
				strings.Join(export.ArchiveSections, ", "))})
			return nil
		}
		next = at + 1
		if tok, err := dec.Token(); err != nil || tok != json.Delim('[') {
			if err != nil {
				return fail(err)
			}
			problem(conflict.ImportProblem{Column: field, Reason: field + " must be a list of records."})
			return nil
		}
		for i := 0; dec.More(); i++ {
			var raw json.RawMessage
			if err := dec.Decode(&raw); err != nil {
				return fail(err)
			}
			if err := record(field, i, raw); err != nil {
				return err
			}
		}
		if _, err := dec.Token(); err != nil {
			return fail(err)
		}
		if err := end(field); err != nil {
			return err
		}
	}
	if _, err := dec.Token(); err != nil {
		return fail(err)
	}
	return nil
}

func headerProblem(field string, v any) string {
	switch field {
	case "format":
		if v != export.ArchiveFormat {
			return fmt.Sprintf("An archive's format is %q.", export.ArchiveFormat)
		}
	case "version":
		if n, ok := v.(float64); !ok || n != export.ArchiveVersion {
			return fmt.Sprintf("This sitrep reads version %d of the archive format, not %v.", export.ArchiveVersion, v)
		}
	case "history":
		if _, ok := v.(bool); !ok {
			return "history is true or false."
		}
	}
	return ""
}

// archiveTypes are the types each list's records are read into.
var archiveTypes = map[string]reflect.Type{
	"actors":    reflect.TypeOf(export.ArchiveActor{}),
	"places":    reflect.TypeOf(export.ArchivePlace{}),
	"sources":   reflect.TypeOf(export.ArchiveSource{}),
	"claimants": reflect.TypeOf(export.ArchiveClaimant{}),
	"events":    reflect.TypeOf(export.ArchiveEvent{}),
	"estimates": reflect.TypeOf(export.ArchiveEstimate{}),
	"timelines": reflect.TypeOf(export.ArchiveTimeline{}),
}

// decodeRecord reads a record into its list's type.
func decodeRecord(section string, raw json.RawMessage) (any, error) {
	v := reflect.New(archiveTypes[section]).Interface()
	return v, json.Unmarshal(raw, v)
}

// archiveCheck is the first pass: everything that can be found wrong
// with the file without the store.
type archiveCheck struct {
	problem func(conflict.ImportProblem)
	seed    maphash.Seed
	// ids are each list's ids; keys the slugs, external ids and source
	// addresses seen, by list, with the index that had each first.
	ids  map[string]map[int64]int
	keys map[string]map[uint64]int
	// parents are each actor's and place's parent, checked when the list
	// ends, since a parent may come after its child.
	parents map[string][][3]int64
}

func newArchiveCheck(problem func(conflict.ImportProblem)) *archiveCheck {
	c := &archiveCheck{problem: problem, seed: maphash.MakeSeed(), ids: map[string]map[int64]int{},
		keys: map[string]map[uint64]int{}, parents: map[string][][3]int64{}}
	for _, s := range export.ArchiveSections {
		c.ids[s], c.keys[s] = map[int64]int{}, map[uint64]int{}
	}
	return c
}

func at(section string, index int) string { return fmt.Sprintf("%s[%d]", section, index) }

func (c *archiveCheck) report(section string, index int, path, reason string) {
	p := at(section, index)
	if path != "" {
		p += "." + path
	}
	c.problem(conflict.ImportProblem{Row: index + 1, Column: p, Reason: reason})
}

func (c *archiveCheck) record(section string, index int, raw json.RawMessage) error {
	report := func(path, reason string) { c.report(section, index, path, reason) }
	if len(raw) > maxArchiveRecord {
		report("", fmt.Sprintf("The record is larger than %d MB.", maxArchiveRecord>>20))
		return nil
	}
	if !utf8.Valid(raw) {
		report("", "The record is not valid UTF-8 text.")
		return nil
	}
	prefix := at(section, index)
	if !checkShape(raw, archiveTypes[section], prefix, func(p, reason string) {
		c.problem(conflict.ImportProblem{Row: index + 1, Column: p, Reason: reason})
	}) {
		// Its id still stands for the records that link to it, which are
		// not at fault.
		var probe struct {
			ID int64 `json:"id"`
		}
		if json.Unmarshal(raw, &probe) == nil && probe.ID > 0 {
			if _, ok := c.ids[section][probe.ID]; !ok {
				c.ids[section][probe.ID] = index
			}
		}
		return nil
	}
	v, err := decodeRecord(section, raw)
	if err != nil {
		report("", "The record does not have the shape of one of "+section+": "+err.Error()+".")
		return nil
	}
	for _, p := range normalize(v) {
		report(p.path, p.reason)
	}
	id := recordID(v)
	if id <= 0 {
		report("id", "Every record needs an id, a whole number from 1, for the file's links to name it by.")
	} else if first, ok := c.ids[section][id]; ok {
		report("id", fmt.Sprintf("The id %d is used again: %s has it already.", id, at(section, first)))
	} else {
		c.ids[section][id] = index
	}
	key, keyName := naturalKey(v)
	if key != "" {
		h := maphash.String(c.seed, key)
		if first, ok := c.keys[section][h]; ok {
			msg := fmt.Sprintf("The %s %q is used again: %s has it already.", strings.ReplaceAll(keyName, "_", " "), key, at(section, first))
			if s, ok := v.(*export.ArchiveSource); ok {
				msg = fmt.Sprintf("%s is the same source: the same address, or, without one, the same publisher, title and date.", at(section, first))
				if s.URL == "" {
					keyName = "title"
				}
			}
			report(keyName, msg)
		} else {
			c.keys[section][h] = index
		}
	}
	c.links(section, index, v, report)
	return nil
}

// links checks that every record a record links to is in the file,
// before it (a parent when its list ends).
func (c *archiveCheck) links(section string, index int, v any, report func(string, string)) {
	has := func(list string, id int64, path string) {
		if _, ok := c.ids[list][id]; !ok {
			report(path, fmt.Sprintf("There is no record %d among the file's %s.", id, list))
		}
	}
	switch r := v.(type) {
	case *export.ArchiveActor:
		if r.ParentID != nil {
			c.parents[section] = append(c.parents[section], [3]int64{int64(index), r.ID, *r.ParentID})
		}
	case *export.ArchivePlace:
		if r.ParentID != nil {
			c.parents[section] = append(c.parents[section], [3]int64{int64(index), r.ID, *r.ParentID})
		}
	case *export.ArchiveClaimant:
		if r.ActorID != nil {
			has("actors", *r.ActorID, "actor_id")
		}
	case *export.ArchiveEvent:
		if r.PlaceID != nil {
			has("places", *r.PlaceID, "place_id")
		}
		for j, a := range r.Actors {
			has("actors", a.ActorID, fmt.Sprintf("actors[%d].actor_id", j))
		}
		for j, cit := range r.Citations {
			has("sources", cit.SourceID, fmt.Sprintf("citations[%d].source_id", j))
		}
		for j, l := range r.Relations {
			has("sources", l.SourceID, fmt.Sprintf("relations[%d].source_id", j))
		}
	case *export.ArchiveEstimate:
		has("actors", r.ForceID, "force_id")
		if r.PlaceID != nil {
			has("places", *r.PlaceID, "place_id")
		}
		if r.ClaimantActorID != nil {
			has("actors", *r.ClaimantActorID, "claimant_actor_id")
		}
		for j, cit := range r.Citations {
			has("sources", cit.SourceID, fmt.Sprintf("citations[%d].source_id", j))
		}
		for j, l := range r.Relations {
			has("sources", l.SourceID, fmt.Sprintf("relations[%d].source_id", j))
		}
	case *export.ArchiveTimeline:
		for j, id := range r.Filter.ActorIDs {
			has("actors", id, fmt.Sprintf("filter.actor_ids[%d]", j))
		}
		for j, id := range r.Filter.PlaceIDs {
			has("places", id, fmt.Sprintf("filter.place_ids[%d]", j))
		}
		for j, id := range r.Pinned {
			has("events", id, fmt.Sprintf("pinned_event_ids[%d]", j))
		}
		for j, id := range r.Excluded {
			has("events", id, fmt.Sprintf("excluded_event_ids[%d]", j))
		}
	}
}

// end checks the parents of a list of actors or places: each in the list,
// and none its own ancestor.
func (c *archiveCheck) end(section string) error {
	parent := map[int64]int64{}
	index := map[int64]int{}
	for _, p := range c.parents[section] {
		i, id, up := int(p[0]), p[1], p[2]
		if _, ok := c.ids[section][up]; !ok {
			c.report(section, i, "parent_id", fmt.Sprintf("There is no record %d among the file's %s.", up, section))
			continue
		}
		parent[id], index[id] = up, i
	}
	ids := make([]int64, 0, len(parent))
	for id := range parent {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(a, b int) bool { return index[ids[a]] < index[ids[b]] })
	for _, id := range ids {
		seen := map[int64]bool{id: true}
		for p, ok := parent[id]; ok; p, ok = parent[p] {
			if seen[p] {
				c.report(section, index[id], "parent_id", "A record cannot be inside itself: its parents lead back to it.")
				break
			}
			seen[p] = true
		}
	}
	delete(c.parents, section)
	return nil
}

func recordID(v any) int64 {
	switch r := v.(type) {
	case *export.ArchiveActor:
		return r.ID
	case *export.ArchivePlace:
		return r.ID
	case *export.ArchiveSource:
		return r.ID
	case *export.ArchiveClaimant:
		return r.ID
	case *export.ArchiveEvent:
		return r.ID
	case *export.ArchiveEstimate:
		return r.ID
	case *export.ArchiveTimeline:
		return r.ID
	}
	return 0
}

// naturalKey is what, beside its id, names a record uniquely, and the
// field it is in.
func naturalKey(v any) (string, string) {
	switch r := v.(type) {
	case *export.ArchiveActor:
		return r.Slug, "slug"
	case *export.ArchivePlace:
		return r.Slug, "slug"
	case *export.ArchiveTimeline:
		return r.Slug, "slug"
	case *export.ArchiveSource:
		published, _ := edtf.Parse(r.Published)
		key, _ := conflict.Source{URL: r.URL, Publisher: r.Publisher, Title: r.Title, Published: published}.Key()
		return key, "url"
	case *export.ArchiveClaimant:
		return conflict.ClaimantKey(r.Name), "name"
	case *export.ArchiveEvent:
		return r.ExternalID, "external_id"
	case *export.ArchiveEstimate:
		return r.ExternalID, "external_id"
	}
	return "", ""
}

// pathProblem is a problem at a path inside a record.
type pathProblem struct{ path, reason string }

// fieldPaths name, per list, the JSON path of a field the domain's rules
// know by another name.
var fieldPaths = map[string]string{
	"alt_names": "names", "latitude": "coordinates.lat", "longitude": "coordinates.lon",
	"from": "filter.from", "to": "filter.to", "force": "force_id", "place": "place_id",
	"claimant_actor": "claimant_actor_id", "parent": "parent_id",
}

// jsonPath turns a domain field ("citations.2.quote") into the record's
// JSON path ("citations[2].quote").
func jsonPath(field string) string {
	if p, ok := fieldPaths[field]; ok {
		return p
	}
	parts := strings.Split(field, ".")
	var b strings.Builder
	for i, p := range parts {
		if _, err := strconv.Atoi(p); err == nil && i > 0 {
			b.WriteString("[" + p + "]")
			continue
		}
		if i > 0 {
			b.WriteByte('.')
		}
		b.WriteString(p)
	}
	out := b.String()
	if strings.HasPrefix(out, "citations[") && strings.HasSuffix(out, "].source") {
		out += "_id"
	}
	return out
}

// errProblems lists an error of the domain's rules by field.
func errProblems(err error) []pathProblem {
	if err == nil {
		return nil
	}
	fields := conflict.ErrorFields(err)
	if len(fields) == 0 {
		return []pathProblem{{"", conflict.ErrorMessage(err)}}
	}
	names := make([]string, 0, len(fields))
	for f := range fields {
		names = append(names, f)
	}
	sort.Strings(names)
	out := make([]pathProblem, 0, len(names))
	for _, f := range names {
		out = append(out, pathProblem{jsonPath(f), fields[f]})
	}
	return out
}

// recordProblems lists a store's problem with a record.
func recordProblems(section string, index int, err error) []conflict.ImportProblem {
	var out []conflict.ImportProblem
	for _, p := range errProblems(err) {
		path := at(section, index)
		if p.path != "" {
			path += "." + p.path
		}
		out = append(out, conflict.ImportProblem{Row: index + 1, Column: path, Reason: p.reason})
	}
	return out
}

// stampLayout is how the store writes timestamps.
const stampLayout = "2006-01-02T15:04:05.000000Z"

// normalize puts a record in the form it is stored in, by the domain's
// rules, and lists what breaks them. Both passes run it, so the second
// writes what the first checked.
func normalize(v any) []pathProblem {
	var out []pathProblem
	add := func(err error) { out = append(out, errProblems(err)...) }
	date := func(s, path string, required bool) edtf.Date {
		if s == "" {
			if required {
				out = append(out, pathProblem{path, "A date is required."})
			}
			return edtf.Date{}
		}
		d, err := edtf.Parse(s)
		if err != nil {
			out = append(out, pathProblem{path, fmt.Sprintf("%q is not a date sitrep reads: %v.", s, err)})
		}
		return d
	}
	meta := func(m *export.ArchiveMeta) {
		for _, s := range []struct {
			v    *string
			path string
		}{{&m.CreatedAt, "created_at"}, {&m.UpdatedAt, "updated_at"}} {
			if *s.v == "" {
				continue
			}
			t, err := time.Parse(time.RFC3339Nano, *s.v)
			if err != nil {
				out = append(out, pathProblem{s.path, fmt.Sprintf("%q is not a time such as 2016-09-29T12:00:00Z.", *s.v)})
				continue
			}
			*s.v = t.UTC().Format(stampLayout)
		}
		last := 0
		for j := range m.Revisions {
			r := &m.Revisions[j]
			path := fmt.Sprintf("revisions[%d]", j)
			if r.Number <= last {
				out = append(out, pathProblem{path + ".number", "Revisions are numbered from 1, in order, each once."})
			}
			last = r.Number
			switch conflict.Action(r.Action) {
			case conflict.ActionCreate, conflict.ActionUpdate, conflict.ActionSubmit, conflict.ActionPublish, conflict.ActionReject,
				conflict.ActionRetract, conflict.ActionRevert, conflict.ActionImport:
			default:
				out = append(out, pathProblem{path + ".action", fmt.Sprintf("Unknown action %q.", r.Action)})
			}
			if strings.TrimSpace(r.Author) == "" {
				out = append(out, pathProblem{path + ".author", "Every revision names its author."})
			}
			if t, err := time.Parse(time.RFC3339Nano, r.CreatedAt); err != nil {
				out = append(out, pathProblem{path + ".created_at", fmt.Sprintf("%q is not a time such as 2016-09-29T12:00:00Z.", r.CreatedAt)})
			} else {
				r.CreatedAt = t.UTC().Format(stampLayout)
			}
			var obj map[string]json.RawMessage
			if err := json.Unmarshal(r.Snapshot, &obj); err != nil || obj == nil {
				out = append(out, pathProblem{path + ".snapshot", "A revision's snapshot is the record as a JSON object."})
			}
		}
	}
	status := func(s *string) {
		if *s == "" {
			*s = string(conflict.Published)
		}
		if !conflict.Status(*s).Public() {
			out = append(out, pathProblem{"status", fmt.Sprintf("Only published or retracted records are imported, not %q.", *s)})
		}
	}
	switch r := v.(type) {
	case *export.ArchiveActor:
		a := conflict.Actor{ID: conflict.ActorID(r.ID), Slug: r.Slug, Name: r.Name, Aliases: r.Aliases, Kind: r.Kind,
			Colour: r.Colour, Description: r.Description}
		if r.ParentID != nil {
			a.Parent = &conflict.ActorRef{ID: conflict.ActorID(*r.ParentID)}
		}
		a.Normalize()
		add(a.Validate())
		// Aliases, other names and tags are sets, kept in the order the
		// store lists them, so that a file that lists them otherwise is
		// still the same record.
		sort.Strings(a.Aliases)
		r.Slug, r.Aliases, r.Colour = a.Slug, a.Aliases, a.Colour
		meta(&r.ArchiveMeta)
	case *export.ArchivePlace:
		p := conflict.Place{ID: conflict.PlaceID(r.ID), Slug: r.Slug, Name: r.Name, Kind: r.Kind, Description: r.Description}
		for _, n := range r.Names {
			p.AltNames = append(p.AltNames, conflict.AltName{Name: n.Name, Lang: n.Lang})
		}
		if r.ParentID != nil {
			p.Parent = &conflict.PlaceRef{ID: conflict.PlaceID(*r.ParentID)}
		}
		if c := r.Coordinates; c != nil {
			p.Coordinates = &conflict.LatLon{Lat: c.Lat, Lon: c.Lon}
		}
		p.Normalize()
		add(p.Validate())
		seen := map[string]int{}
		for j, n := range r.Names {
			if first, ok := seen[n.Name]; ok {
				out = append(out, pathProblem{fmt.Sprintf("names[%d].name", j), fmt.Sprintf("names[%d] has this name already.", first)})
			}
			seen[n.Name] = j
		}
		sort.SliceStable(r.Names, func(i, j int) bool { return r.Names[i].Name < r.Names[j].Name })
		r.Slug = p.Slug
		meta(&r.ArchiveMeta)
	case *export.ArchiveSource:
		s := conflict.Source{URL: r.URL, Publisher: r.Publisher, Title: r.Title, Authors: r.Authors, Language: r.Language,
			ArchivedURL: r.ArchivedURL, Reliability: conflict.Reliability(r.Reliability), Notes: r.Notes,
			Published: date(r.Published, "published", false)}
		s.Normalize()
		add(s.Validate())
		r.URL, r.ArchivedURL, r.Authors = s.URL, s.ArchivedURL, s.Authors
		if !s.Published.IsZero() {
			r.Published = s.Published.String()
		}
		meta(&r.ArchiveMeta)
	case *export.ArchiveEvent:
		status(&r.Status)
		e := conflict.Event{Title: r.Title, Date: date(r.Date, "date", true), Tags: r.Tags, Body: r.Body,
			Status: conflict.Status(r.Status), StatusNote: r.StatusNote, ExternalID: r.ExternalID}
		for _, a := range r.Actors {
			e.Actors = append(e.Actors, conflict.EventActor{Actor: conflict.ActorRef{ID: conflict.ActorID(a.ActorID)}, Role: a.Role})
		}
		e.Citations = archiveCitations(r.Citations)
		e.ID, e.Relations = conflict.EventID(r.ID), archiveRelations(r.Relations)
		e.Normalize()
		if !e.Date.IsZero() {
			add(e.Validate())
		}
		if e.Status == conflict.Published {
			add(e.CanPublish())
		}
		if r.Slug == "" {
			r.Slug = e.Slug
		}
		if !e.Date.IsZero() {
			r.Date = e.Date.String()
		}
		sort.Strings(e.Tags)
		r.Tags = e.Tags
		meta(&r.ArchiveMeta)
	case *export.ArchiveClaimant:
		c := conflict.Claimant{Name: r.Name, Type: conflict.ClaimantType(r.Type), Description: r.Description}
		c.Normalize()
		add(c.Validate())
		r.Name = c.Name
	case *export.ArchiveEstimate:
		status(&r.Status)
		x := conflict.Estimate{Force: conflict.ActorRef{ID: conflict.ActorID(r.ForceID)}, AsOf: date(r.AsOf, "as_of", true),
			Unit: r.Unit, Qualifier: conflict.Qualifier(r.Qualifier), Claimant: r.Claimant, Notes: r.Notes,
			Status: conflict.Status(r.Status), StatusNote: r.StatusNote, ExternalID: r.ExternalID}
		if r.Low != nil {
			x.Low = conflict.Count(*r.Low)
		}
		if r.High != nil {
			x.High = conflict.Count(*r.High)
		}
		x.Citations = archiveCitations(r.Citations)
		x.ID, x.Relations = conflict.EstimateID(r.ID), archiveRelations(r.Relations)
		x.Normalize()
		if !x.AsOf.IsZero() {
			add(x.Validate())
		}
		if x.Status == conflict.Published {
			add(x.CanPublish())
		}
		r.Low, r.High = bound(x.Low), bound(x.High)
		if !x.AsOf.IsZero() {
			r.AsOf = x.AsOf.String()
		}
		meta(&r.ArchiveMeta)
	case *export.ArchiveTimeline:
		t := conflict.Timeline{Slug: r.Slug, Title: r.Title, Description: r.Description,
			Filter: conflict.TimelineFilter{Tags: r.Filter.Tags, From: date(r.Filter.From, "filter.from", false),
				To: date(r.Filter.To, "filter.to", false)}}
		t.Normalize()
		add(t.Validate())
		sort.Strings(t.Filter.Tags)
		r.Slug, r.Filter.Tags = t.Slug, t.Filter.Tags
		meta(&r.ArchiveMeta)
	}
	return out
}

func bound(b conflict.Bound) *int64 {
	if !b.Set {
		return nil
	}
	v := b.Value
	return &v
}

// archiveRelations are a record's relations as the domain's rules read
// them: kinds, targets and sources by their ids in the file.
func archiveRelations(ls []export.ArchiveRelation) []conflict.Relation {
	if len(ls) == 0 {
		return nil
	}
	out := make([]conflict.Relation, len(ls))
	for i, l := range ls {
		out[i] = conflict.Relation{Kind: conflict.RelationKind(l.Kind), Target: l.Target, Source: conflict.SourceID(l.SourceID)}
	}
	return out
}

// archiveCitations are a record's citations as the domain's rules read
// them: each source known by its id in the file.
func archiveCitations(cs []export.ArchiveCitation) []conflict.Citation {
	out := make([]conflict.Citation, len(cs))
	for i, c := range cs {
		out[i] = conflict.Citation{Source: conflict.Source{ID: conflict.SourceID(c.SourceID)}, Quote: c.Quote, Locator: c.Locator,
			Credibility: c.Credibility}
	}
	return out
}

// archiveWrite is the second pass: each record, checked already, into the
// store.
type archiveWrite struct {
	im *sqlite.ArchiveImport
}

func (w archiveWrite) record(section string, index int, raw json.RawMessage) error {
	v, err := decodeRecord(section, raw)
	if err != nil {
		return &sqlite.ArchiveRecordError{Section: section, Index: index, Err: err}
	}
	if ps := normalize(v); len(ps) > 0 {
		return &sqlite.ArchiveRecordError{Section: section, Index: index, Err: conflict.Errorf(conflict.Invalid, "%s", ps[0].reason)}
	}
	switch r := v.(type) {
	case *export.ArchiveActor:
		w.im.Actor(r)
	case *export.ArchivePlace:
		w.im.Place(r)
	case *export.ArchiveSource:
		return w.im.Source(r, index)
	case *export.ArchiveClaimant:
		return w.im.Claimant(r, index)
	case *export.ArchiveEvent:
		return w.im.Event(r, index)
	case *export.ArchiveEstimate:
		return w.im.Estimate(r, index)
	case *export.ArchiveTimeline:
		return w.im.Timeline(r, index)
	}
	return nil
}
