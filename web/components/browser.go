package components

import (
	"strconv"

	"github.com/a-h/templ"

	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/form"
)

// BrowserView is a filterable, paginated list of events drawn as a
// timeline: the /events page, a curated timeline, an actor's or a place's
// events.
type BrowserView struct {
	// Action is the page's own path; the filter form submits to it.
	Action  string
	Filter  form.EventFilter
	Options FilterOptions
	Groups  []YearGroup
	Total   int
	// More is set when there are more than Total matches.
	More    bool
	NextURL string
	PrevURL string
	// Hide lists filter fields the page fixes itself (an actor page has no
	// actor filter).
	Hide map[string]bool
}

// FilterOptions are the choices offered as suggestions in the filter form.
type FilterOptions struct {
	Actors []conflict.ActorRef
	Places []conflict.PlaceRef
	Tags   []string
}

func (v BrowserView) errorFor(field string) string { return v.Filter.Errors[field] }

func (v BrowserView) summary() string {
	if v.More {
		return "More than " + conflict.FormatCount(int64(v.Total)) + " events"
	}
	switch v.Total {
	case 0:
		return "No events match."
	case 1:
		return "1 event"
	}
	return conflict.FormatCount(int64(v.Total)) + " events"
}

func fieldID(name string) string { return "filter-" + name }

func errID(name string) string { return "filter-" + name + "-error" }

func describedBy(v BrowserView, field string) templ.Attributes {
	if v.errorFor(field) == "" {
		return nil
	}
	return templ.Attributes{"aria-describedby": errID(field), "aria-invalid": "true"}
}

func itoa(n int) string { return strconv.Itoa(n) }
