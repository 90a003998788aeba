package components

import (
	"strconv"
	"strings"

	"github.com/a-h/templ"

	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/form"
)

// BrowserView is a filterable, paginated list of events drawn as a
// timeline: the /events page, a curated timeline, an actor's or a place's
// events.
type BrowserView struct {
	// Action is the page's own path; the filter form submits to it.
	Action string
	Filter form.EventFilter
	// Tags are the most used tags, offered before the reader types.
	Tags   []string
	Groups []YearGroup
	Total  int
	// More is set when there are more than Total matches.
	More    bool
	NextURL string
	PrevURL string
	// Hide lists filter fields the page fixes itself (an actor page has no
	// actor filter).
	Hide map[string]bool
	// Fragment is set when htmx asked for the results alone: they then
	// carry the filter form's fields too, so the chosen values and the
	// messages under each field follow the results.
	Fragment bool
	// Fold folds the filter form away until the reader opens it (on a
	// timeline, which is read as a story before it is searched); it opens
	// by itself when a filter is set.
	Fold bool
	// Estimates counts the estimates a timeline shows among its events,
	// up to a cap (EstimatesMore is then set).
	Estimates     int
	EstimatesMore bool
	// SpacingURL and EvenURL link the same list spaced by time and
	// spaced evenly; empty where the list cannot be spaced by time.
	SpacingURL, EvenURL string
	// Histogram counts the matching events over time, above the list.
	Histogram HistogramView
	// Table, when set, shows the events as a compact table instead of
	// cards (view=table); CardsURL and TableURL switch between the two.
	Table              *TableView
	CardsURL, TableURL string
	// MapURL shows the same events on the map, where the page has one.
	MapURL string
}

// FilterOptions are the actors and places the editors' forms offer
// before anything is typed.
type FilterOptions struct {
	Actors []conflict.ActorRef
	Places []conflict.PlaceRef
}

func (v BrowserView) errorFor(field string) string { return v.Filter.Errors[field] }

func (v BrowserView) summary() string {
	events := countWords(v.Total, v.More, "event", "events")
	if v.Estimates > 0 || v.EstimatesMore {
		events += " and " + countWords(v.Estimates, v.EstimatesMore, "estimate", "estimates")
	} else if v.Total == 0 && !v.More {
		return "No events match."
	}
	return strings.ToUpper(events[:1]) + events[1:]
}

// countWords says how many, in the middle of a sentence: "1 event",
// "2,310 events", "more than 1,000 events".
func countWords(n int, more bool, one, many string) string {
	switch {
	case more:
		return "more than " + conflict.FormatCount(int64(n)) + " " + many
	case n == 1:
		return "1 " + one
	}
	return conflict.FormatCount(int64(n)) + " " + many
}

func fieldID(name string) string { return "filter-" + name }

func errID(name string) string { return "filter-" + name + "-error" }

func describedBy(v BrowserView, field string) templ.Attributes {
	if v.errorFor(field) != "" {
		return templ.Attributes{"aria-describedby": errID(field), "aria-invalid": "true"}
	}
	if len(v.shortPrefixes(field)) > 0 {
		return templ.Attributes{"aria-describedby": noteID(field)}
	}
	return nil
}

// shortPrefixes are the text filter's prefixes too short to search as
// prefixes, which it searched as words and says so beside the box.
func (v BrowserView) shortPrefixes(field string) []conflict.SearchTerm {
	if field != "q" {
		return nil
	}
	return conflict.ShortPrefixes(v.Filter.Query)
}

func noteID(field string) string { return fieldID(field) + "-note" }

func itoa(n int) string { return strconv.Itoa(n) }

// Suggestion is one option under a filter box: the value it puts in the
// box, and the other name that matched when it was not the value itself.
type Suggestion struct {
	Value string
	Also  string
}

// suggestKinds maps a filter field to its suggestion route's kind.
var suggestKinds = map[string]string{"actor": "actors", "place": "places", "tag": "tags"}

// SuggestPath is where a filter box asks for suggestions.
func SuggestPath(field string) string { return "/suggest/" + suggestKinds[field] }

func listboxID(field string) string { return fieldID(field) + "-listbox" }

// pickPlaceholder invites another value once one is chosen.
func pickPlaceholder(v BrowserView, field, hint string) string {
	if len(v.chosen(field)) > 0 {
		return "Add another"
	}
	return hint
}

func optionID(field string, i int) string { return fieldID(field) + "-opt-" + strconv.Itoa(i) }

// chosen are the values of a repeatable filter field.
func (v BrowserView) chosen(field string) []string {
	switch field {
	case "actor":
		return v.Filter.Actors
	case "place":
		return v.Filter.Places
	}
	return v.Filter.Tags
}

// also is what a chosen value stands for when it is not the record's own
// name: "Islamic State" for ISIS, "Mosul" for الموصل.
func (v BrowserView) also(field, value string) string {
	names := v.Filter.Matched(field, value)
	if len(names) == 1 && strings.EqualFold(names[0], value) {
		return ""
	}
	return strings.Join(names, ", ")
}

// unknown reports whether a chosen actor or place matched nothing.
func (v BrowserView) unknown(field, value string) bool {
	return field != "tag" && len(v.Filter.Matched(field, value)) == 0
}

// tagSuggestions are the most used tags, as options.
func (v BrowserView) tagSuggestions() []Suggestion {
	out := make([]Suggestion, len(v.Tags))
	for i, t := range v.Tags {
		out[i] = Suggestion{Value: t}
	}
	return out
}
