package pages

import (
	"html/template"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/a-h/templ"

	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/form"
	"github.com/sitrep/sitrep/web/components"
	"github.com/sitrep/sitrep/web/layout"
)

// EditPage is what every editor's form page carries beside its form.
type EditPage struct {
	layout.Base
	// Kind is "event", "estimate", "source", "actor", "place" or
	// "timeline".
	Kind string
	// Action is where the form posts.
	Action string
	// New is set on the form that creates a record.
	New bool
	// Problem sums up a failed save.
	Problem string
	// Conflict is set when the save met a newer version of the record.
	Conflict *ConflictView
	// Workflow is the review panel of an event or an estimate.
	Workflow *components.WorkflowView
	// RecordURL and HistoryURL link the record's pages, when it has them.
	RecordURL, HistoryURL string
	// SummaryRequired is set when the record is public, so every change
	// to it must say why.
	SummaryRequired bool
	// SaveAndSubmit offers "Save and submit for review" beside the save
	// button, for a draft or a rejected record: one action, so that no
	// change in the form is left behind unsaved.
	SaveAndSubmit bool
	// SubmitProblem says why a saved form was not submitted for review.
	SubmitProblem string
	// OfferWithoutReview offers an admin "publish this edit without
	// review" on the form of a public record; WithoutReview is the choice
	// as posted.
	OfferWithoutReview, WithoutReview bool
	// Options fill the suggestion lists a browser shows without
	// JavaScript.
	Options components.FilterOptions
	// Redo is set when the form holds an edit that went back to its
	// author, to be made again ("Edit again" on the desk).
	Redo *RedoNotice
}

// RedoNotice heads a form filled from a returned or withdrawn edit: why
// it went back, and whether the record moved on since it was made.
type RedoNotice struct {
	// Returned is set for an edit a reviewer returned, by By with
	// Comment; otherwise its author withdrew it.
	Returned    bool
	By, Comment string
	// MadeAt is when the edit was made, DecidedAt when it went back.
	MadeAt, DecidedAt time.Time
	// EditURL is the edit's own page.
	EditURL string
	// Changed lists the fields that changed in the record since the edit
	// was made (by their labels); ChangedSince is set even when none of
	// them differ (a status change), HistoryURL the record's history
	// when it has one.
	ChangedSince bool
	Changed      []string
	HistoryURL   string
}

// Heading is the page's title: "New event", "Edit event".
func (p EditPage) Heading() string {
	if p.New {
		return "New " + p.Kind
	}
	return "Edit " + p.Kind
}

// ConflictView compares the stored version of a record with the one an
// editor tried to save over it, field by field.
type ConflictView struct {
	// Revision is the stored version's latest revision.
	Number  int
	Author  string
	Summary string
	At      time.Time
	Rows    []ConflictRow
}

// ConflictRow is one field that differs between the stored version and the
// editor's.
type ConflictRow struct {
	Field, Label, Theirs, Yours string
}

// EventEditView is the event form.
type EventEditView struct {
	EditPage
	Form form.EventForm
	// Preview is the body rendered as readers will see it, after the
	// Preview button.
	Preview     template.HTML
	ShowPreview bool
}

// EstimateEditView is the estimate form.
type EstimateEditView struct {
	EditPage
	Form form.EstimateForm
}

// SourceEditView is the source form.
type SourceEditView struct {
	EditPage
	Form form.SourceForm
}

// ActorEditView is the actor form.
type ActorEditView struct {
	EditPage
	Form form.ActorForm
}

// PlaceEditView is the place form.
type PlaceEditView struct {
	EditPage
	Form form.PlaceForm
}

// TimelineEditView is the timeline form.
type TimelineEditView struct {
	EditPage
	Form form.TimelineForm
}

// field builds a components.Field for the form field name, with its
// message and, for a name that resolved to nothing, a link to create it.
func field(name, label, value string, errs conflict.FieldErrors, missing map[string]form.Missing) components.Field {
	f := components.Field{ID: components.FieldID(name), Name: name, Label: label, Value: value, Error: errs[name]}
	if m, ok := missing[name]; ok && f.Error != "" {
		f.Create = &components.CreateLink{URL: "/edit/" + m.Kind + "s/new?name=" + url.QueryEscape(m.Name),
			Label: "Create the " + m.Kind + " “" + m.Name + "”"}
	}
	return f
}

func rowName(group string, i int, name string) string {
	return group + "." + strconv.Itoa(i) + "." + name
}

// suggest makes an input ask for suggestions as the editor types, and show
// them in the datalist list.
func suggest(kind, list string) templ.Attributes {
	return templ.Attributes{
		"hx-get":         "/edit/suggest/" + kind,
		"hx-trigger":     "input changed delay:250ms",
		"hx-target":      "#" + list,
		"hx-swap":        "innerHTML",
		"hx-sync":        "this:replace",
		"maxlength":      "200",
		"spellcheck":     "false",
		"autocapitalize": "off",
	}
}

// readsAs makes a date input show how it reads as the editor types.
func readsAs(id string) templ.Attributes {
	return templ.Attributes{
		"hx-get":     "/edit/date",
		"hx-trigger": "input changed delay:300ms",
		"hx-target":  "#" + id + "-reads",
		"hx-swap":    "innerHTML",
		"hx-sync":    "this:replace",
		"maxlength":  "100",
	}
}

// DateReading says how a typed date reads, or why it cannot be read.
func DateReading(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return ""
	}
	d, err := form.ParseDate(s)
	if err != nil {
		return form.Sentence(err.Error())
	}
	// A phrase such as "summer 2016" also says which days it covers, as
	// readers may count them otherwise.
	if days := d.Days(); days != "" {
		return "Reads as: " + d.Display() + " (" + days + ")"
	}
	return "Reads as: " + d.Display()
}

// errorItems lists a form's messages in the order of its fields, for the
// summary at its top; order names the fields in that order, and messages
// for other keys follow in key order.
func errorItems(errs conflict.FieldErrors, order []string, label func(string) string) []components.ErrorItem {
	var out []components.ErrorItem
	seen := map[string]bool{}
	add := func(k string) {
		if msg, ok := errs[k]; ok && !seen[k] {
			seen[k] = true
			id := components.FieldID(k)
			if k == "version" {
				id = "edit-form"
			}
			out = append(out, components.ErrorItem{ID: id, Label: label(k), Message: msg})
		}
	}
	for _, k := range order {
		add(k)
	}
	rest := make([]string, 0, len(errs))
	for k := range errs {
		if !seen[k] {
			rest = append(rest, k)
		}
	}
	sort.Strings(rest)
	for _, k := range rest {
		add(k)
	}
	return out
}

// fieldLabels name the fields of every editor's form in an error summary.
var fieldLabels = map[string]string{
	"title": "Title", "date": "Date", "place": "Place", "actors": "Actors", "tags": "Tags", "body": "Body",
	"citations": "Citations", "summary": "Edit summary", "version": "Form",
	"force": "Force", "as_of": "As of", "unit": "Unit", "qualifier": "How the number was put",
	"low": "Lowest number", "high": "Highest number", "claimant": "Claimed by",
	"claimant_actor": "Claimant as an actor", "notes": "Notes",
	"url": "URL", "publisher": "Publisher", "published": "Published", "authors": "Authors",
	"language": "Language", "archived_url": "Archived copy", "reliability": "Reliability",
	"name": "Name", "aliases": "Also known as", "kind": "Kind", "parent": "Part of", "colour": "Colour",
	"description": "Description", "alt_names": "Other names", "latitude": "Latitude", "longitude": "Longitude",
	"slug": "Address", "from": "From", "to": "To", "pinned": "Pinned events", "excluded": "Left-out events",
	"source": "Source", "quote": "Quote", "locator": "Locator", "credibility": "Credibility", "role": "Role",
}

// fieldLabel names a field key: "citations.1.url" is "Citation 2, URL".
func fieldLabel(k string) string {
	parts := strings.Split(k, ".")
	if len(parts) == 2 && parts[0] == "relations" {
		n, _ := strconv.Atoi(parts[1])
		return "Link " + strconv.Itoa(n+1)
	}
	if len(parts) == 3 {
		n, _ := strconv.Atoi(parts[1])
		group := "Citation"
		if parts[0] == "actors" {
			group = "Actor"
		}
		return group + " " + strconv.Itoa(n+1) + ", " + strings.ToLower(fieldLabels[parts[2]])
	}
	if l, ok := fieldLabels[k]; ok {
		return l
	}
	return k
}

// eventOrder lists the event form's fields in the order it shows them.
func eventOrder(f form.EventForm) []string {
	order := []string{"version", "title", "date", "place", "actors"}
	for i := range f.Actors {
		order = append(order, rowName("actors", i, "name"), rowName("actors", i, "role"))
	}
	order = append(order, "tags", "body", "citations")
	order = append(order, citationOrder(len(f.Citations))...)
	order = append(order, relationOrder(len(f.Relations))...)
	return append(order, "summary")
}

func relationOrder(n int) []string {
	var order []string
	for i := 0; i < n; i++ {
		order = append(order, "relations."+strconv.Itoa(i))
	}
	return order
}

// relationKindChoices are the kinds of link a record of type rt may have.
func relationKindChoices(rt conflict.RecordType) []components.Choice {
	out := []components.Choice{{Value: "", Label: "Choose…"}}
	for _, k := range conflict.RelationKinds(rt) {
		out = append(out, components.Choice{Value: string(k), Label: k.Label()})
	}
	return out
}

// relationCitationChoices name which citation reports a link.
func relationCitationChoices(cited int) []components.Choice {
	out := []components.Choice{{Value: "", Label: "The first citation"}}
	for i := 1; i <= cited; i++ {
		out = append(out, components.Choice{Value: strconv.Itoa(i), Label: "Citation " + strconv.Itoa(i)})
	}
	return out
}

func relationRow(rows []form.RelationRow, i int) form.RelationRow {
	if i < len(rows) {
		return rows[i]
	}
	return form.RelationRow{}
}

// claimantTypeChoices are the kinds of claimant.
func claimantTypeChoices() []components.Choice {
	var out []components.Choice
	for _, t := range conflict.ClaimantTypes {
		out = append(out, components.Choice{Value: string(t), Label: t.Label()})
	}
	return out
}

func citationOrder(n int) []string {
	var order []string
	for i := 0; i < n; i++ {
		for _, k := range []string{"source", "url", "publisher", "title", "published", "quote", "locator", "credibility"} {
			order = append(order, rowName("citations", i, k))
		}
	}
	return order
}

func estimateOrder(f form.EstimateForm) []string {
	order := []string{"version", "force", "place", "as_of", "unit", "qualifier", "low", "high", "claimant", "claimant_actor", "notes", "citations"}
	order = append(order, citationOrder(len(f.Citations))...)
	order = append(order, relationOrder(len(f.Relations))...)
	return append(order, "summary")
}

var (
	sourceOrder   = []string{"version", "url", "publisher", "title", "published", "authors", "language", "archived_url", "reliability", "notes", "summary"}
	actorOrder    = []string{"version", "name", "aliases", "kind", "parent", "colour", "description", "summary"}
	placeOrder    = []string{"version", "name", "alt_names", "kind", "parent", "latitude", "longitude", "description", "summary"}
	timelineOrder = []string{"version", "title", "slug", "description", "actors", "places", "tags", "from", "to", "pinned", "excluded", "summary"}
)

// credibilityChoices are the Admiralty scale's grades of information.
func credibilityChoices() []components.Choice {
	out := []components.Choice{{Value: "", Label: "Not graded"}}
	for g := 1; g <= 6; g++ {
		out = append(out, components.Choice{Value: strconv.Itoa(g), Label: strconv.Itoa(g) + ": " + conflict.CredibilityMeaning(g)})
	}
	return out
}

// reliabilityChoices are the Admiralty scale's grades of sources.
func reliabilityChoices() []components.Choice {
	out := []components.Choice{{Value: "", Label: "Not graded"}}
	for _, g := range []string{"A", "B", "C", "D", "E", "F"} {
		out = append(out, components.Choice{Value: g, Label: g + ": " + conflict.Reliability(g).Meaning()})
	}
	return out
}

// qualifierChoices say, for each qualifier, which numbers it needs.
func qualifierChoices() []components.Choice {
	hints := map[conflict.Qualifier]string{
		conflict.Exact:     "One number, given as exact: fill in Lowest.",
		conflict.About:     "One number, said loosely (“about 5,000”): fill in Lowest.",
		conflict.Range:     "Two numbers (“3,000–4,500”): fill in Lowest and Highest.",
		conflict.AtLeast:   "A floor (“at least 2,000”): fill in Lowest only.",
		conflict.AtMost:    "A ceiling (“as many as 10,000”): fill in Highest only.",
		conflict.MoreThan:  "A floor that is exceeded (“more than 2,000”): fill in Lowest only.",
		conflict.FewerThan: "A ceiling that is not reached (“fewer than 10,000”): fill in Highest only.",
	}
	var out []components.Choice
	for _, q := range conflict.Qualifiers {
		out = append(out, components.Choice{Value: string(q), Label: q.Label(), Hint: hints[q]})
	}
	return out
}

// rows returns n, at least 1: a form always offers one row to fill in.
func atLeastOne(n int) int {
	if n < 1 {
		return 1
	}
	return n
}

func actorRow(rows []form.ActorRow, i int) form.ActorRow {
	if i < len(rows) {
		return rows[i]
	}
	return form.ActorRow{}
}

func citationRow(rows []form.CitationRow, i int) form.CitationRow {
	if i < len(rows) {
		return rows[i]
	}
	return form.CitationRow{}
}

func summaryHint(required bool) string {
	if required {
		return "Required: this record is public. Say what you changed and why; the history shows it to readers."
	}
	return "Optional for a draft. Say what you changed and why; the history shows it."
}

func itoa64(n int64) string { return strconv.FormatInt(n, 10) }

func withAttrs(f components.Field, attrs map[string]any) components.Field {
	if f.Attrs == nil {
		f.Attrs = templ.Attributes{}
	}
	for k, v := range attrs {
		f.Attrs[k] = v
	}
	return f
}

func withRequired(f components.Field) components.Field { f.Required = true; return f }

func withRequiredIf(f components.Field, required bool) components.Field {
	f.Required = required
	return f
}

func withHint(f components.Field, hint string) components.Field { f.Hint = hint; return f }

func withRows(f components.Field, rows int) components.Field { f.Rows = rows; return f }

func withType(f components.Field, typ string) components.Field { f.Type = typ; return f }

// withSuggest makes f an input with suggestions of kind ("actors",
// "places", "sources") in the datalist list.
func withSuggest(f components.Field, kind, list, hint string) components.Field {
	f.List = list
	if hint != "" {
		f.Hint = hint
	}
	return withAttrs(f, suggest(kind, list))
}

// dateField is a date input that explains the forms it accepts and reads
// back what was typed.
func dateField(name, label, value string, errs conflict.FieldErrors, required bool) components.Field {
	f := field(name, label, value, errs, nil)
	f.Required = required
	f.Hint = form.DateHint
	f.After = readsAsOutput(f.ID, value)
	return withAttrs(f, readsAs(f.ID))
}

// quotedSummary is an edit summary in parentheses after a sentence, or "".
func quotedSummary(s string) string {
	if s == "" {
		return ""
	}
	return " (“" + s + "”)"
}

// redoChangedText says that the record changed since an edit was made,
// naming the fields that did.
func redoChangedText(kind string, changed []string) string {
	s := "This " + kind + " changed since the edit was made"
	if len(changed) > 0 {
		s += ": " + strings.ToLower(strings.Join(changed, ", "))
	}
	return s + "."
}

func isoTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }

func dayTime(t time.Time) string { return t.UTC().Format("2 Jan 2006 15:04 MST") }

func rowKey(i int) string { return "relations." + strconv.Itoa(i) }
