package form

import (
	"context"
	"fmt"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/edtf"
)

// The editor's forms: raw form values become domain records here, with a
// message per field for what cannot be read or found, and every raw value
// kept so that a form that fails shows back exactly what was typed.
// Domain rules (lengths, required fields, an estimate's bounds) stay in
// conflict's Validate methods; their messages are merged in under the same
// field names.

// Resolver finds the records a form names by what an editor typed: actors
// and places by name or alias, sources by id, URL or title.
type Resolver interface {
	// Drafts are found too: an editor may cite a record not yet published,
	// which is then reviewed and published with what cites it.
	FindActorsByName(ctx context.Context, name string) ([]conflict.ActorRef, error)
	FindPlacesByName(ctx context.Context, name string) ([]conflict.PlaceRef, error)
	FindSourceByID(ctx context.Context, id conflict.SourceID) (conflict.Source, error)
	FindSourceByURL(ctx context.Context, url string) (conflict.Source, error)
	FindSourcesByTitle(ctx context.Context, title string) ([]conflict.Source, error)
}

// DateHint explains the dates a form accepts; every date field shows it,
// and a date that cannot be read gets it as its message.
const DateHint = "Type a date as EDTF or in words: 2016-09-27, 27 Sep 2016, Sep 2016, 2016, " +
	"~2016-09 (about), 2016-09? (uncertain), 2016-07/2016-09 or Jul–Sep 2016 (between), " +
	"late Sep 2016, mid-2016, summer 2016, Q3 2016, the week of 26 Sep 2016."

// maxRows bounds the repeatable rows (actors, citations) one form may send.
const maxRows = 50

// maxDateLen and maxNumberLen cut input that cannot be a date or a count
// before it is parsed.
const (
	maxDateLen   = 100
	maxNumberLen = 30
)

// Edit is what every edit form carries beside the record: the version it
// edits (0 for a new record), the editor's summary of the change and an
// admin's choice to publish the edit of a public record without review.
type Edit struct {
	Version       int
	Summary       string
	WithoutReview bool
}

// Missing names something a form referred to that does not exist yet, so
// the page can link to the form that creates it.
type Missing struct {
	// Kind is "actor", "place" or "source".
	Kind string
	Name string
}

// Action is what a submit button asked for: saving, or changing the form
// itself without saving (adding or removing a row, previewing the body).
type Action struct {
	// Name is "save", "preview", "add_actor", "remove_actor",
	// "add_citation" or "remove_citation".
	Name string
	// Row is the row a remove button belongs to.
	Row int
}

// Save reports whether the form is to be saved.
func (a Action) Save() bool { return a.Name == "save" }

// ActionOf reads which submit button sent the form. Without JavaScript,
// adding a row or previewing is a submit button that re-renders the form.
func ActionOf(vals url.Values) Action {
	for _, name := range []string{"add_actor", "add_citation", "add_relation", "preview"} {
		if _, ok := vals[name]; ok {
			return Action{Name: name}
		}
	}
	for _, name := range []string{"remove_actor", "remove_citation", "remove_relation"} {
		if v, ok := vals[name]; ok && len(v) > 0 {
			n, err := strconv.Atoi(v[0])
			if err == nil && n >= 0 {
				return Action{Name: name, Row: n}
			}
		}
	}
	return Action{Name: "save"}
}

// ActorRow is one actor of an event as typed: a name or alias, and a role.
type ActorRow struct {
	Name, Role string
}

// CitationRow is one citation as typed. Source names an existing source
// (chosen from the suggestions, or typed as its title or URL); URL,
// Publisher, Title and Published describe a new source entered inline.
type CitationRow struct {
	Source                           string
	URL, Publisher, Title, Published string
	Quote, Locator, Credibility      string
}

func (r CitationRow) inline() bool {
	return r.URL != "" || r.Publisher != "" || r.Title != "" || r.Published != ""
}

func (r CitationRow) blank() bool {
	return r.Source == "" && !r.inline() && r.Quote == "" && r.Locator == "" && r.Credibility == ""
}

// SourceOption is how a source is offered and typed in a citation's source
// field: its title and publisher, ending in its id, which is what resolves
// it.
func SourceOption(s conflict.Source) string {
	label := s.Title
	if s.Publisher != "" {
		label += " (" + s.Publisher + ")"
	}
	return label + " #" + strconv.FormatInt(int64(s.ID), 10)
}

var sourceIDSuffix = regexp.MustCompile(`#(\d{1,18})\s*$`)

// reader reads one form's values and collects its messages.
type reader struct {
	ctx     context.Context
	vals    url.Values
	res     Resolver
	errs    conflict.FieldErrors
	missing map[string]Missing
}

func newReader(ctx context.Context, vals url.Values, res Resolver) *reader {
	return &reader{ctx: ctx, vals: vals, res: res, errs: conflict.FieldErrors{}, missing: map[string]Missing{}}
}

// line is a one-line value, trimmed.
func line(vals url.Values, key string) string {
	return strings.TrimSpace(vals.Get(key))
}

// text is a multi-line value with the browser's CRLF line ends made LF;
// it is otherwise kept as typed.
func text(vals url.Values, key string) string {
	return strings.ReplaceAll(vals.Get(key), "\r\n", "\n")
}

// edit reads the version and summary every edit form carries.
func (r *reader) edit() Edit {
	e := Edit{Summary: strings.TrimSpace(text(r.vals, "summary")), WithoutReview: r.vals.Get("without_review") != ""}
	switch {
	case !utf8.ValidString(e.Summary):
		r.errs.Add("summary", "The edit summary contains characters that are not valid text.")
	case utf8.RuneCountInString(e.Summary) > conflict.MaxShortLen:
		r.errs.Add("summary", "The edit summary is too long: at most "+conflict.FormatCount(conflict.MaxShortLen)+" characters.")
	}
	if v := line(r.vals, "version"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			r.errs.Add("version", "This form is damaged (its version is not a number): reload the page and make the change again.")
		} else {
			e.Version = n
		}
	}
	return e
}

// date reads a date typed as EDTF or in words; "" is the zero date, which
// the domain reports when the date is required.
func (r *reader) date(field, s string) edtf.Date {
	if s == "" {
		return edtf.Date{}
	}
	if utf8.RuneCountInString(s) > maxDateLen {
		r.errs.Add(field, "This is too long to be a date. "+DateHint)
		return edtf.Date{}
	}
	d, err := ParseDate(s)
	if err != nil {
		r.errs.Add(field, Sentence(err.Error())+" "+DateHint)
		return edtf.Date{}
	}
	return d
}

// ParseDate reads a date as an editor types it: EDTF or words, as
// edtf.ParseLoose reads them, and also with the qualifier in front, as
// people write "~2016-09" for about September 2016; EDTF puts it after.
func ParseDate(s string) (edtf.Date, error) {
	return edtf.ParseLoose(strings.TrimSpace(s))
}

// count reads a whole number such as 3000, 3,000 or 3 000; "" leaves the
// bound unset.
func (r *reader) count(field, s string) conflict.Bound {
	if s == "" {
		return conflict.Bound{}
	}
	if utf8.RuneCountInString(s) > maxNumberLen {
		r.errs.Add(field, "This is too long to be a number.")
		return conflict.Bound{}
	}
	digits := strings.NewReplacer(",", "", " ", "", "\u00a0", "", "\u202f", "", "_", "").Replace(s)
	n, err := strconv.ParseInt(digits, 10, 64)
	if err != nil {
		if ne, ok := err.(*strconv.NumError); ok && ne.Err == strconv.ErrRange {
			r.errs.Add(field, "This number is too large.")
		} else {
			r.errs.Add(field, "Type a whole number, such as 3000 or 3,000.")
		}
		return conflict.Bound{}
	}
	return conflict.Count(n)
}

// actor resolves an actor typed by name or alias; "" is nil.
func (r *reader) actor(field, name string) (*conflict.ActorRef, error) {
	if name == "" {
		return nil, nil
	}
	if utf8.RuneCountInString(name) > conflict.MaxNameLen || !utf8.ValidString(name) {
		r.errs.Add(field, "This is too long to be an actor's name.")
		return nil, nil
	}
	refs, err := r.res.FindActorsByName(r.ctx, name)
	if err != nil {
		return nil, err
	}
	switch len(refs) {
	case 0:
		r.errs.Add(field, fmt.Sprintf("No actor called %q: create it first.", name))
		r.missing[field] = Missing{Kind: "actor", Name: name}
		return nil, nil
	case 1:
		return &refs[0], nil
	}
	for i := range refs {
		if strings.EqualFold(refs[i].Name, name) {
			return &refs[i], nil
		}
	}
	r.errs.Add(field, fmt.Sprintf("%q could be %s: type the full name.", name, refNames(refs)))
	return nil, nil
}

// place resolves a place typed by name or alternate name; "" is nil.
func (r *reader) place(field, name string) (*conflict.PlaceRef, error) {
	if name == "" {
		return nil, nil
	}
	if utf8.RuneCountInString(name) > conflict.MaxNameLen || !utf8.ValidString(name) {
		r.errs.Add(field, "This is too long to be a place's name.")
		return nil, nil
	}
	refs, err := r.res.FindPlacesByName(r.ctx, name)
	if err != nil {
		return nil, err
	}
	switch len(refs) {
	case 0:
		r.errs.Add(field, fmt.Sprintf("No place called %q: create it first.", name))
		r.missing[field] = Missing{Kind: "place", Name: name}
		return nil, nil
	case 1:
		return &refs[0], nil
	}
	for i := range refs {
		if strings.EqualFold(refs[i].Name, name) {
			return &refs[i], nil
		}
	}
	names := make([]string, len(refs))
	for i, p := range refs {
		names[i] = p.Name
	}
	r.errs.Add(field, fmt.Sprintf("%q could be %s: type the full name.", name, orList(names)))
	return nil, nil
}

func refNames(refs []conflict.ActorRef) string {
	names := make([]string, len(refs))
	for i, a := range refs {
		names[i] = a.Name
	}
	return orList(names)
}

func orList(names []string) string {
	if len(names) > 4 {
		names = append(names[:4:4], "others")
	}
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}

// rows reads the repeatable rows of group ("actors", "citations") in the
// order of their indices: keys such as "citations.2.quote". At most
// maxRows are read.
func rows(vals url.Values, group string) []map[string]string {
	byIndex := map[int]map[string]string{}
	prefix := group + "."
	for k, vs := range vals {
		rest, ok := strings.CutPrefix(k, prefix)
		if !ok || len(vs) == 0 {
			continue
		}
		idx, name, ok := strings.Cut(rest, ".")
		if !ok || len(idx) > 4 {
			continue
		}
		i, err := strconv.Atoi(idx)
		if err != nil || i < 0 {
			continue
		}
		if byIndex[i] == nil {
			byIndex[i] = map[string]string{}
		}
		byIndex[i][name] = vs[0]
	}
	keys := make([]int, 0, len(byIndex))
	for i := range byIndex {
		keys = append(keys, i)
	}
	sort.Ints(keys)
	if len(keys) > maxRows {
		keys = keys[:maxRows]
	}
	out := make([]map[string]string, len(keys))
	for i, k := range keys {
		out[i] = byIndex[k]
	}
	return out
}

func actorRows(vals url.Values) []ActorRow {
	var out []ActorRow
	for _, m := range rows(vals, "actors") {
		out = append(out, ActorRow{Name: strings.TrimSpace(m["name"]), Role: strings.TrimSpace(m["role"])})
	}
	return out
}

func citationRows(vals url.Values) []CitationRow {
	var out []CitationRow
	for _, m := range rows(vals, "citations") {
		out = append(out, CitationRow{
			Source:      strings.TrimSpace(m["source"]),
			URL:         strings.TrimSpace(m["url"]),
			Publisher:   strings.TrimSpace(m["publisher"]),
			Title:       strings.TrimSpace(m["title"]),
			Published:   strings.TrimSpace(m["published"]),
			Quote:       strings.TrimSpace(strings.ReplaceAll(m["quote"], "\r\n", "\n")),
			Locator:     strings.TrimSpace(m["locator"]),
			Credibility: strings.TrimSpace(m["credibility"]),
		})
	}
	return out
}

// removeRow drops row i, when there is one.
func removeRow[T any](rs []T, i int) []T {
	if i < 0 || i >= len(rs) {
		return rs
	}
	return append(rs[:i:i], rs[i+1:]...)
}

// citations resolves the citation rows: each names an existing source or
// describes a new one inline, never both. Blank rows are dropped first, so
// that the rows shown back and their messages keep the same numbers.
func (r *reader) citations(rs []CitationRow) ([]CitationRow, []conflict.Citation, error) {
	kept := rs[:0:0]
	for _, row := range rs {
		if !row.blank() {
			kept = append(kept, row)
		}
	}
	out := make([]conflict.Citation, 0, len(kept))
	for i, row := range kept {
		prefix := "citations." + strconv.Itoa(i) + "."
		c := conflict.Citation{Quote: row.Quote, Locator: row.Locator}
		switch row.Credibility {
		case "":
		default:
			n, err := strconv.Atoi(row.Credibility)
			if err != nil || n < 1 || n > 6 {
				r.errs.Add(prefix+"credibility", "Credibility is a grade from 1 to 6, or empty.")
			}
			c.Credibility = n
		}
		switch {
		case row.Source != "" && row.inline():
			r.errs.Add(prefix+"source", "Choose an existing source or enter a new one, not both: clear one of them.")
		case row.Source != "":
			src, err := r.source(prefix+"source", row.Source)
			if err != nil {
				return kept, nil, err
			}
			c.Source = src
		case row.inline():
			c.Source = conflict.Source{URL: row.URL, Publisher: row.Publisher, Title: row.Title,
				Published: r.date(prefix+"published", row.Published)}
			// The store validates an inline source when it saves it; doing
			// it here puts each message next to its field.
			if err := c.Source.Validate(); err != nil {
				for k, msg := range conflict.ErrorFields(err) {
					r.errs.Add(prefix+k, msg)
				}
			}
		default:
			r.errs.Add(prefix+"source", "Choose the source this citation comes from, or enter a new one.")
		}
		out = append(out, c)
	}
	return kept, out, nil
}

// source resolves an existing source typed in a citation: the option the
// suggestions offer (ending "#12"), a URL, or an exact title.
func (r *reader) source(field, s string) (conflict.Source, error) {
	if utf8.RuneCountInString(s) > conflict.MaxURLLen || !utf8.ValidString(s) {
		r.errs.Add(field, "This is too long to name a source.")
		return conflict.Source{}, nil
	}
	if m := sourceIDSuffix.FindStringSubmatch(s); m != nil {
		id, _ := strconv.ParseInt(m[1], 10, 64)
		src, err := r.res.FindSourceByID(r.ctx, conflict.SourceID(id))
		if conflict.ErrorCode(err) == conflict.NotFound {
			r.errs.Add(field, fmt.Sprintf("There is no source #%d: choose one from the suggestions.", id))
			return conflict.Source{}, nil
		}
		return src, err
	}
	if strings.HasPrefix(strings.ToLower(s), "http://") || strings.HasPrefix(strings.ToLower(s), "https://") {
		src, err := r.res.FindSourceByURL(r.ctx, s)
		switch conflict.ErrorCode(err) {
		case "":
			return src, nil
		case conflict.NotFound:
			r.errs.Add(field, "No source has this URL yet: enter it as a new source instead.")
			return conflict.Source{}, nil
		case conflict.Invalid:
			r.errs.Add(field, conflict.ErrorMessage(err))
			return conflict.Source{}, nil
		}
		return src, err
	}
	found, err := r.res.FindSourcesByTitle(r.ctx, s)
	if err != nil {
		return conflict.Source{}, err
	}
	switch len(found) {
	case 0:
		r.errs.Add(field, fmt.Sprintf("No source called %q: choose one from the suggestions or enter it as a new source.", s))
		r.missing[field] = Missing{Kind: "source", Name: s}
		return conflict.Source{}, nil
	case 1:
		return found[0], nil
	}
	r.errs.Add(field, "Several sources have this title: choose one from the suggestions.")
	return conflict.Source{}, nil
}

// merge adds the domain's messages after the form's own: a value the form
// could not read is explained by the form, not by the domain's "required".
func (r *reader) merge(err error) error {
	if err == nil {
		return nil
	}
	fields := conflict.ErrorFields(err)
	if conflict.ErrorCode(err) != conflict.Invalid || len(fields) == 0 {
		return err
	}
	for k, msg := range fields {
		r.errs.Add(k, msg)
	}
	return nil
}

// list splits a value on line ends and commas into trimmed, non-empty
// entries.
func list(s string) []string {
	return splitOn(s, "\n,")
}

// lines splits a value into its non-empty lines: for lists whose entries
// may hold commas (aliases, authors).
func lines(s string) []string {
	return splitOn(s, "\n")
}

func splitOn(s, seps string) []string {
	var out []string
	for _, p := range strings.FieldsFunc(s, func(r rune) bool { return strings.ContainsRune(seps, r) }) {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// EventForm is the event form as typed, the event it describes and what
// is wrong with it.
type EventForm struct {
	Edit
	Title, Date, Place, Tags, Body string
	Actors                         []ActorRow
	Citations                      []CitationRow
	Relations                      []RelationRow

	Event   conflict.Event
	Errors  conflict.FieldErrors
	Missing map[string]Missing
}

// ReadEvent reads the event form as typed, without resolving or checking
// anything, and applies a row action: adding a row or removing one.
func ReadEvent(vals url.Values, a Action) EventForm {
	f := EventForm{
		Title: line(vals, "title"), Date: line(vals, "date"), Place: line(vals, "place"),
		Tags: line(vals, "tags"), Body: text(vals, "body"),
		Actors: actorRows(vals), Citations: citationRows(vals), Relations: relationRows(vals, a),
		Errors: conflict.FieldErrors{}, Missing: map[string]Missing{},
	}
	f.Summary = strings.TrimSpace(text(vals, "summary"))
	f.Version, _ = strconv.Atoi(line(vals, "version"))
	f.WithoutReview = vals.Get("without_review") != ""
	switch a.Name {
	case "add_actor":
		f.Actors = append(f.Actors, ActorRow{})
	case "remove_actor":
		f.Actors = removeRow(f.Actors, a.Row)
	case "add_citation":
		f.Citations = append(f.Citations, CitationRow{})
	case "remove_citation":
		f.Citations = removeRow(f.Citations, a.Row)
	}
	return f
}

// ParseEvent reads the event form, resolves the actors, place and sources
// it names and checks the event. Messages are in f.Errors; the error is
// only for a failure to look something up.
func ParseEvent(ctx context.Context, vals url.Values, res Resolver) (EventForm, error) {
	r := newReader(ctx, vals, res)
	f := ReadEvent(vals, Action{Name: "save"})
	f.Edit = r.edit()
	e := conflict.Event{Title: f.Title, Body: f.Body, Tags: list(f.Tags), Date: r.date("date", f.Date)}
	var err error
	if e.Place, err = r.place("place", f.Place); err != nil {
		return f, err
	}
	kept := f.Actors[:0:0]
	for _, row := range f.Actors {
		if row.Name != "" || row.Role != "" {
			kept = append(kept, row)
		}
	}
	f.Actors = kept
	for i, row := range f.Actors {
		field := "actors." + strconv.Itoa(i) + ".name"
		if row.Name == "" {
			r.errs.Add(field, "Name the actor, or remove this row.")
			continue
		}
		ref, err := r.actor(field, row.Name)
		if err != nil {
			return f, err
		}
		if ref != nil {
			e.Actors = append(e.Actors, conflict.EventActor{Actor: *ref, Role: row.Role})
		}
	}
	if f.Citations, e.Citations, err = r.citations(f.Citations); err != nil {
		return f, err
	}
	f.Relations, e.Relations = r.relations(conflict.EventRecord, f.Relations, len(e.Citations))
	// Actors that did not resolve are left out above; the domain must not
	// then also complain about the list as a whole.
	if err := r.merge(e.Validate()); err != nil {
		return f, err
	}
	f.Event, f.Errors, f.Missing = e, r.errs, r.missing
	return f, nil
}

// EventFormOf fills the event form from a stored event, for editing it.
func EventFormOf(e conflict.Event) EventForm {
	f := EventForm{
		Edit:  Edit{Version: e.Version},
		Title: e.Title, Date: e.Date.String(), Body: e.Body, Tags: strings.Join(e.Tags, ", "),
		Event: e, Errors: conflict.FieldErrors{}, Missing: map[string]Missing{},
	}
	if e.Place != nil {
		f.Place = e.Place.Name
	}
	for _, a := range e.Actors {
		f.Actors = append(f.Actors, ActorRow{Name: a.Actor.Name, Role: a.Role})
	}
	f.Citations = citationRowsOf(e.Citations)
	f.Relations = RelationRowsOf(e.Relations, e.Citations)
	return f
}

func citationRowsOf(cs []conflict.Citation) []CitationRow {
	var out []CitationRow
	for _, c := range cs {
		row := CitationRow{Quote: c.Quote, Locator: c.Locator}
		if c.Source.ID != 0 {
			row.Source = SourceOption(c.Source)
		} else {
			row.URL, row.Publisher, row.Title = c.Source.URL, c.Source.Publisher, c.Source.Title
			if !c.Source.Published.IsZero() {
				row.Published = c.Source.Published.String()
			}
		}
		if c.Credibility != 0 {
			row.Credibility = strconv.Itoa(c.Credibility)
		}
		out = append(out, row)
	}
	return out
}

// EstimateForm is the estimate form as typed, the estimate it describes
// and what is wrong with it.
type EstimateForm struct {
	Edit
	Force, Place, AsOf, Unit, Qualifier string
	Low, High                           string
	Claimant, ClaimantActor, Notes      string
	Citations                           []CitationRow
	Relations                           []RelationRow

	Estimate conflict.Estimate
	Errors   conflict.FieldErrors
	Missing  map[string]Missing
}

// ReadEstimate reads the estimate form as typed, without resolving or
// checking anything, and applies a row action.
func ReadEstimate(vals url.Values, a Action) EstimateForm {
	f := EstimateForm{
		Force: line(vals, "force"), Place: line(vals, "place"), AsOf: line(vals, "as_of"),
		Unit: line(vals, "unit"), Qualifier: line(vals, "qualifier"),
		Low: line(vals, "low"), High: line(vals, "high"),
		Claimant: line(vals, "claimant"), ClaimantActor: line(vals, "claimant_actor"),
		Notes: text(vals, "notes"), Citations: citationRows(vals), Relations: relationRows(vals, a),
		Errors: conflict.FieldErrors{}, Missing: map[string]Missing{},
	}
	f.Summary = strings.TrimSpace(text(vals, "summary"))
	f.Version, _ = strconv.Atoi(line(vals, "version"))
	f.WithoutReview = vals.Get("without_review") != ""
	switch a.Name {
	case "add_citation":
		f.Citations = append(f.Citations, CitationRow{})
	case "remove_citation":
		f.Citations = removeRow(f.Citations, a.Row)
	}
	return f
}

// ParseEstimate reads the estimate form, resolves the force, place,
// claimant actor and sources, and checks the estimate.
func ParseEstimate(ctx context.Context, vals url.Values, res Resolver) (EstimateForm, error) {
	r := newReader(ctx, vals, res)
	f := ReadEstimate(vals, Action{Name: "save"})
	f.Edit = r.edit()
	readValueWords(&f)
	x := conflict.Estimate{
		AsOf: r.date("as_of", f.AsOf), Unit: f.Unit, Qualifier: conflict.Qualifier(f.Qualifier),
		Low: r.count("low", f.Low), High: r.count("high", f.High),
		Claimant: f.Claimant, Notes: f.Notes,
	}
	force, err := r.actor("force", f.Force)
	if err != nil {
		return f, err
	}
	if force != nil {
		x.Force = *force
	}
	if x.Place, err = r.place("place", f.Place); err != nil {
		return f, err
	}
	if x.ClaimantActor, err = r.actor("claimant_actor", f.ClaimantActor); err != nil {
		return f, err
	}
	if err := r.claimant(&x); err != nil {
		return f, err
	}
	if f.Citations, x.Citations, err = r.citations(f.Citations); err != nil {
		return f, err
	}
	f.Relations, x.Relations = r.relations(conflict.EstimateRecord, f.Relations, len(x.Citations))
	if err := r.merge(x.Validate()); err != nil {
		return f, err
	}
	f.Estimate, f.Errors, f.Missing = x, r.errs, r.missing
	return f, nil
}

// readValueWords reads a number typed as the claimant put it, "fewer than
// 10,000" or "more than 2,000", in either number field: its words choose
// the qualifier, and the number goes to the bound that qualifier keeps.
// The form then shows it as stored.
func readValueWords(f *EstimateForm) {
	for _, typed := range []*string{&f.Low, &f.High} {
		q, number, ok := conflict.ReadValueWords(*typed)
		if !ok {
			continue
		}
		*typed = ""
		f.Qualifier = string(q)
		if q.HighOnly() {
			f.High = number
		} else {
			f.Low = number
		}
		return
	}
}

// claimant matches the typed claimant to a claimant record, whatever its
// spelling, and uses the record's name, so that one claimant is written
// one way; a new name is kept as typed and becomes a claimant when saved.
func (r *reader) claimant(x *conflict.Estimate) error {
	cl, ok := r.res.(ClaimantLookup)
	if !ok || strings.TrimSpace(x.Claimant) == "" {
		return nil
	}
	c, err := cl.FindClaimantByName(r.ctx, x.Claimant)
	switch {
	case err == nil:
		x.Claimant = c.Name
		x.ClaimantRecord = &conflict.ClaimantRef{ID: c.ID, Name: c.Name, Type: c.Type}
	case conflict.ErrorCode(err) != conflict.NotFound:
		return err
	}
	return nil
}

// EstimateFormOf fills the estimate form from a stored estimate.
func EstimateFormOf(x conflict.Estimate) EstimateForm {
	f := EstimateForm{
		Edit:  Edit{Version: x.Version},
		Force: x.Force.Name, AsOf: x.AsOf.String(), Unit: x.Unit, Qualifier: string(x.Qualifier),
		Claimant: x.Claimant, Notes: x.Notes, Citations: citationRowsOf(x.Citations),
		Relations: RelationRowsOf(x.Relations, x.Citations), Estimate: x, Errors: conflict.FieldErrors{}, Missing: map[string]Missing{},
	}
	if x.Place != nil {
		f.Place = x.Place.Name
	}
	if x.ClaimantActor != nil {
		f.ClaimantActor = x.ClaimantActor.Name
	}
	if x.Low.Set {
		f.Low = strconv.FormatInt(x.Low.Value, 10)
	}
	if x.High.Set && !(x.Qualifier == conflict.Exact || x.Qualifier == conflict.About) {
		f.High = strconv.FormatInt(x.High.Value, 10)
	}
	return f
}

// SourceForm is the source form as typed.
type SourceForm struct {
	Edit
	URL, Publisher, Title, Published, Authors string
	Language, ArchivedURL, Reliability, Notes string

	Source conflict.Source
	Errors conflict.FieldErrors
}

// ParseSource reads and checks the source form.
func ParseSource(vals url.Values) SourceForm {
	r := newReader(context.Background(), vals, nil)
	f := SourceForm{
		URL: line(vals, "url"), Publisher: line(vals, "publisher"), Title: line(vals, "title"),
		Published: line(vals, "published"), Authors: text(vals, "authors"), Language: line(vals, "language"),
		ArchivedURL: line(vals, "archived_url"), Reliability: strings.ToUpper(line(vals, "reliability")),
		Notes: text(vals, "notes"),
	}
	f.Edit = r.edit()
	s := conflict.Source{URL: f.URL, Publisher: f.Publisher, Title: f.Title, Published: r.date("published", f.Published),
		Authors: lines(f.Authors), Language: f.Language, ArchivedURL: f.ArchivedURL,
		Reliability: conflict.Reliability(f.Reliability), Notes: f.Notes}
	_ = r.merge(s.Validate())
	f.Source, f.Errors = s, r.errs
	return f
}

// SourceFormOf fills the source form from a stored source.
func SourceFormOf(s conflict.Source) SourceForm {
	f := SourceForm{Edit: Edit{Version: s.Version}, URL: s.URL, Publisher: s.Publisher, Title: s.Title,
		Authors: strings.Join(s.Authors, "\n"), Language: s.Language, ArchivedURL: s.ArchivedURL,
		Reliability: string(s.Reliability), Notes: s.Notes, Source: s, Errors: conflict.FieldErrors{}}
	if !s.Published.IsZero() {
		f.Published = s.Published.String()
	}
	return f
}

// ActorForm is the actor form as typed.
type ActorForm struct {
	Edit
	Name, Aliases, Kind, Parent, Colour, Description string

	Actor   conflict.Actor
	Errors  conflict.FieldErrors
	Missing map[string]Missing
}

// ParseActor reads the actor form, resolves its parent and checks it.
func ParseActor(ctx context.Context, vals url.Values, res Resolver) (ActorForm, error) {
	r := newReader(ctx, vals, res)
	f := ActorForm{Name: line(vals, "name"), Aliases: text(vals, "aliases"), Kind: line(vals, "kind"),
		Parent: line(vals, "parent"), Colour: line(vals, "colour"), Description: text(vals, "description")}
	f.Edit = r.edit()
	a := conflict.Actor{Name: f.Name, Aliases: lines(f.Aliases), Kind: f.Kind, Colour: f.Colour, Description: f.Description}
	var err error
	if a.Parent, err = r.actor("parent", f.Parent); err != nil {
		return f, err
	}
	_ = r.merge(a.Validate())
	f.Actor, f.Errors, f.Missing = a, r.errs, r.missing
	return f, nil
}

// ActorFormOf fills the actor form from a stored actor.
func ActorFormOf(a conflict.Actor) ActorForm {
	f := ActorForm{Edit: Edit{Version: a.Version}, Name: a.Name, Aliases: strings.Join(a.Aliases, "\n"),
		Kind: a.Kind, Colour: a.Colour, Description: a.Description, Actor: a,
		Errors: conflict.FieldErrors{}, Missing: map[string]Missing{}}
	if a.Parent != nil {
		f.Parent = a.Parent.Name
	}
	return f
}

// PlaceForm is the place form as typed.
type PlaceForm struct {
	Edit
	Name, AltNames, Kind, Parent, Latitude, Longitude, Description string

	Place   conflict.Place
	Errors  conflict.FieldErrors
	Missing map[string]Missing
}

// langPrefix is the language tag an alternate name may start with:
// "ar: الموصل".
var langPrefix = regexp.MustCompile(`^([A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*)\s*:\s*(.+)$`)

// ParsePlace reads the place form, resolves its parent and checks it.
func ParsePlace(ctx context.Context, vals url.Values, res Resolver) (PlaceForm, error) {
	r := newReader(ctx, vals, res)
	f := PlaceForm{Name: line(vals, "name"), AltNames: text(vals, "alt_names"), Kind: line(vals, "kind"),
		Parent: line(vals, "parent"), Latitude: line(vals, "latitude"), Longitude: line(vals, "longitude"),
		Description: text(vals, "description")}
	f.Edit = r.edit()
	p := conflict.Place{Name: f.Name, Kind: f.Kind, Description: f.Description}
	for _, n := range lines(f.AltNames) {
		if m := langPrefix.FindStringSubmatch(n); m != nil {
			p.AltNames = append(p.AltNames, conflict.AltName{Lang: m[1], Name: strings.TrimSpace(m[2])})
		} else {
			p.AltNames = append(p.AltNames, conflict.AltName{Name: n})
		}
	}
	lat, latOK := r.degrees("latitude", f.Latitude)
	lon, lonOK := r.degrees("longitude", f.Longitude)
	switch {
	case latOK && lonOK:
		p.Coordinates = &conflict.LatLon{Lat: lat, Lon: lon}
	case latOK && f.Longitude == "":
		r.errs.Add("longitude", "Give the longitude too, or neither.")
	case lonOK && f.Latitude == "":
		r.errs.Add("latitude", "Give the latitude too, or neither.")
	}
	var err error
	if p.Parent, err = r.place("parent", f.Parent); err != nil {
		return f, err
	}
	_ = r.merge(p.Validate())
	f.Place, f.Errors, f.Missing = p, r.errs, r.missing
	return f, nil
}

// degrees reads a decimal number of degrees; ok is false for "" and for
// what cannot be read.
func (r *reader) degrees(field, s string) (float64, bool) {
	if s == "" {
		return 0, false
	}
	if utf8.RuneCountInString(s) > maxNumberLen {
		r.errs.Add(field, "This is too long to be a number of degrees.")
		return 0, false
	}
	v, err := strconv.ParseFloat(strings.Replace(s, ",", ".", 1), 64)
	if err != nil {
		r.errs.Add(field, "Type decimal degrees, such as 36.34 (north and east are positive).")
		return 0, false
	}
	return v, true
}

// PlaceFormOf fills the place form from a stored place.
func PlaceFormOf(p conflict.Place) PlaceForm {
	f := PlaceForm{Edit: Edit{Version: p.Version}, Name: p.Name, Kind: p.Kind, Description: p.Description, Place: p,
		Errors: conflict.FieldErrors{}, Missing: map[string]Missing{}}
	names := make([]string, len(p.AltNames))
	for i, n := range p.AltNames {
		names[i] = n.Name
		if n.Lang != "" {
			names[i] = n.Lang + ": " + n.Name
		}
	}
	f.AltNames = strings.Join(names, "\n")
	if p.Parent != nil {
		f.Parent = p.Parent.Name
	}
	if c := p.Coordinates; c != nil {
		f.Latitude = strconv.FormatFloat(c.Lat, 'f', -1, 64)
		f.Longitude = strconv.FormatFloat(c.Lon, 'f', -1, 64)
	}
	return f
}

// TimelineForm is the timeline form as typed.
type TimelineForm struct {
	Edit
	Title, Slug, Description       string
	Actors, Places, Tags, From, To string
	Pinned, Excluded               string
	WithEstimates                  bool

	Timeline conflict.Timeline
	Errors   conflict.FieldErrors
	Missing  map[string]Missing
}

// ParseTimeline reads the timeline form, resolves the actors and places of
// its filter and checks it.
func ParseTimeline(ctx context.Context, vals url.Values, res Resolver) (TimelineForm, error) {
	r := newReader(ctx, vals, res)
	f := TimelineForm{Title: line(vals, "title"), Slug: line(vals, "slug"), Description: text(vals, "description"),
		Actors: text(vals, "actors"), Places: text(vals, "places"), Tags: line(vals, "tags"),
		From: line(vals, "from"), To: line(vals, "to"), Pinned: line(vals, "pinned"), Excluded: line(vals, "excluded"),
		WithEstimates: vals.Get("with_estimates") != ""}
	f.Edit = r.edit()
	t := conflict.Timeline{Title: f.Title, Slug: strings.ToLower(f.Slug), Description: f.Description,
		WithEstimates: f.WithEstimates}
	t.Filter.Tags = list(f.Tags)
	t.Filter.From = r.date("from", f.From)
	t.Filter.To = r.date("to", f.To)
	for _, name := range lines(f.Actors) {
		ref, err := r.actor("actors", name)
		if err != nil {
			return f, err
		}
		if ref != nil {
			t.Filter.Actors = append(t.Filter.Actors, ref.ID)
		}
	}
	for _, name := range lines(f.Places) {
		ref, err := r.place("places", name)
		if err != nil {
			return f, err
		}
		if ref != nil {
			t.Filter.Places = append(t.Filter.Places, ref.ID)
		}
	}
	t.Pinned = eventIDs(r, "pinned", f.Pinned)
	t.Excluded = eventIDs(r, "excluded", f.Excluded)
	_ = r.merge(t.Validate())
	f.Timeline, f.Errors, f.Missing = t, r.errs, r.missing
	return f, nil
}

// eventIDs reads a list of event numbers separated by commas or spaces.
func eventIDs(r *reader, field, s string) []conflict.EventID {
	var out []conflict.EventID
	for _, p := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == ';' }) {
		id, err := strconv.ParseInt(strings.TrimPrefix(p, "#"), 10, 64)
		if err != nil || id <= 0 {
			r.errs.Add(field, "List events by their numbers, separated by commas: 12, 15, 31.")
			return nil
		}
		out = append(out, conflict.EventID(id))
		if len(out) > 1000 {
			r.errs.Add(field, "A timeline pins or leaves out at most 1,000 events by hand.")
			return nil
		}
	}
	return out
}

// TimelineFormOf fills the timeline form from a stored timeline; names
// names its filter's actors and places.
func TimelineFormOf(t conflict.Timeline, actors []conflict.ActorRef, places []conflict.PlaceRef) TimelineForm {
	f := TimelineForm{Edit: Edit{Version: t.Version}, Title: t.Title, Slug: t.Slug, Description: t.Description,
		Tags: strings.Join(t.Filter.Tags, ", "), WithEstimates: t.WithEstimates,
		Timeline: t, Errors: conflict.FieldErrors{}, Missing: map[string]Missing{}}
	if !t.Filter.From.IsZero() {
		f.From = t.Filter.From.String()
	}
	if !t.Filter.To.IsZero() {
		f.To = t.Filter.To.String()
	}
	var names []string
	for _, a := range actors {
		names = append(names, a.Name)
	}
	f.Actors = strings.Join(names, "\n")
	names = names[:0]
	for _, p := range places {
		names = append(names, p.Name)
	}
	f.Places = strings.Join(names, "\n")
	f.Pinned = idText(t.Pinned)
	f.Excluded = idText(t.Excluded)
	return f
}

func idText(ids []conflict.EventID) string {
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = strconv.FormatInt(int64(id), 10)
	}
	return strings.Join(parts, ", ")
}
