// Package form turns raw form and query values into domain values, with a
// message per field for whatever cannot be read.
package form

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/edtf"
)

// Lookup finds actors and places by what a person typed: a name, an alias,
// an alternate name in any script, or a slug. Filters are for readers, so
// it finds published records only: a draft's name typed into a filter
// finds nothing, as if it did not exist.
type Lookup interface {
	FindPublicActorsByName(ctx context.Context, name string) ([]conflict.ActorRef, error)
	FindPublicPlacesByName(ctx context.Context, name string) ([]conflict.PlaceRef, error)
}

// EventFilter is a list filter as typed, kept to show back in the form,
// with what it means and what could not be read.
type EventFilter struct {
	Actors []string
	Places []string
	Tags   []string
	From   string
	To     string
	Query  string
	Order  string
	After  string
	Before string
	// Retracted shows retracted events too, labelled; timelines hide them
	// unless the reader asks (retracted=1).
	Retracted bool
	// Spacing is "time" when entries are spaced by the time between them
	// (spacing=time), so that gaps in the record show as gaps on the page;
	// "" spaces them evenly.
	Spacing string
	// View is "table" for the compact table (view=table), "" for cards.
	View string
	// Sort orders the table: "" by date (in Order; sort=-date is newest
	// first), "place" or "-place"
	// by place name, "sources" or "-sources" by number of sources.
	Sort string
	// Page is the table's page when it is sorted by other than date
	// (page=2); date order pages with cursors.
	Page int

	Filter conflict.EventFilter
	// Resolved are the actors and places the filter matched, for the page
	// to name them.
	ResolvedActors []conflict.ActorRef
	ResolvedPlaces []conflict.PlaceRef
	Errors         conflict.FieldErrors

	// matched holds, per field and typed value, the names of the records
	// it matched, so the form can say that "ISIS" means Islamic State.
	matched map[string][]string
}

// Matched returns the names of the records a value typed into field
// ("actor", "place") matched: none when it matched nothing.
func (f EventFilter) Matched(field, typed string) []string {
	return f.matched[field+"\x00"+typed]
}

func (f *EventFilter) match(field, typed, name string) {
	if f.matched == nil {
		f.matched = map[string][]string{}
	}
	k := field + "\x00" + typed
	f.matched[k] = append(f.matched[k], name)
}

// maxValueLen cuts any one filter value; no name or date is longer.
const maxValueLen = 200

// maxValues bounds how many values of one filter are read.
const maxValues = 10

// ParseEventFilter reads a list filter from a URL query. A value that
// cannot be read is left out of the filter and gets a message, so the page
// still answers.
func ParseEventFilter(ctx context.Context, q url.Values, lookup Lookup) (EventFilter, error) {
	f := EventFilter{
		Actors: values(q, "actor"),
		Places: values(q, "place"),
		Tags:   values(q, "tag"),
		From:   value(q, "from"),
		To:     value(q, "to"),
		Query:  value(q, "q"),
		Order:  value(q, "order"),
		After:  value(q, "after"),
		Before: value(q, "before"),
		Errors: conflict.FieldErrors{},
	}
	switch value(q, "spacing") {
	case "", "even":
	case "time":
		f.Spacing = "time"
	default:
		f.Errors.Add("spacing", "Spacing is even or time (spacing=time shows the gaps between dates).")
	}
	switch v := value(q, "view"); v {
	case "", "cards":
	case "table":
		f.View = v
	default:
		f.Errors.Add("view", "The view is cards or table.")
	}
	switch v := value(q, "sort"); v {
	case "", "date":
	case "-date":
		// Date order is the list's own, which order= gives; as a sort,
		// reversed is what it says.
		f.Order = "newest"
	case "place", "-place", "sources", "-sources":
		f.Sort = v
	default:
		f.Errors.Add("sort", "The table sorts by date, place or sources (a leading - reverses it).")
	}
	if p := value(q, "page"); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > maxTablePage {
			f.Errors.Add("page", fmt.Sprintf("A page is a number from 1 to %d.", maxTablePage))
		} else if n > 1 {
			f.Page = n
		}
	}
	switch value(q, "retracted") {
	case "", "0":
	case "1", "on", "true", "yes":
		f.Retracted = true
		f.Filter.Statuses = []conflict.Status{conflict.Published, conflict.Retracted}
	default:
		f.Errors.Add("retracted", "The switch is retracted=1 to show retracted events too.")
	}
	for _, name := range f.Actors {
		refs, err := lookup.FindPublicActorsByName(ctx, name)
		if err != nil {
			return f, err
		}
		if len(refs) == 0 {
			f.Errors.Add("actor", fmt.Sprintf("No actor is called %q; it was left out of the filter.", name))
		}
		for _, r := range refs {
			f.Filter.Actors = append(f.Filter.Actors, r.ID)
			f.ResolvedActors = append(f.ResolvedActors, r)
			f.match("actor", name, r.Name)
		}
	}
	for _, name := range f.Places {
		refs, err := lookup.FindPublicPlacesByName(ctx, name)
		if err != nil {
			return f, err
		}
		if len(refs) == 0 {
			f.Errors.Add("place", fmt.Sprintf("No place is called %q; it was left out of the filter.", name))
		}
		for _, r := range refs {
			f.Filter.Places = append(f.Filter.Places, r.ID)
			f.ResolvedPlaces = append(f.ResolvedPlaces, r)
			f.match("place", name, r.Name)
		}
	}
	f.Filter.Tags = conflict.NormalizeTags(f.Tags)
	f.Filter.From = f.date("from", f.From)
	f.Filter.To = f.date("to", f.To)
	if !f.Filter.From.IsZero() && !f.Filter.To.IsZero() && f.Filter.From.LowerKey() > f.Filter.To.UpperKey() {
		f.Errors.Add("to", "The end of the range is before its start; the range was left out.")
		f.Filter.From, f.Filter.To = edtf.Date{}, edtf.Date{}
	}
	f.Filter.Query = f.Query
	switch f.Order {
	case "", "oldest":
		f.Order = "oldest"
	case "newest":
		f.Filter.NewestFirst = true
	default:
		f.Errors.Add("order", "Order is oldest or newest first.")
		f.Order = "oldest"
	}
	f.Filter.After, f.Filter.Before = f.After, f.Before
	return f, nil
}

// date reads a date bound as EDTF or plain words ("Sep 2016").
func (f *EventFilter) date(field, s string) edtf.Date {
	if s == "" {
		return edtf.Date{}
	}
	d, err := edtf.ParseLoose(s)
	if err != nil {
		f.Errors.Add(field, Sentence(err.Error())+" This date was left out of the filter.")
		return edtf.Date{}
	}
	return d
}

// Active reports whether any filter is set, not counting order and paging.
func (f EventFilter) Active() bool {
	return len(f.Actors)+len(f.Places)+len(f.Tags) > 0 || f.From != "" || f.To != "" || f.Query != "" || f.Retracted
}

// Values returns the filter as URL query values, without paging; extra
// pairs (key, value, …) are added.
func (f EventFilter) Values(extra ...string) url.Values {
	v := url.Values{}
	for _, a := range f.Actors {
		v.Add("actor", a)
	}
	for _, p := range f.Places {
		v.Add("place", p)
	}
	for _, t := range f.Tags {
		v.Add("tag", t)
	}
	set := func(k, s string) {
		if s != "" {
			v.Set(k, s)
		}
	}
	set("from", f.From)
	set("to", f.To)
	set("q", f.Query)
	if f.Order == "newest" {
		v.Set("order", "newest")
	}
	if f.Retracted {
		v.Set("retracted", "1")
	}
	for i := 0; i+1 < len(extra); i += 2 {
		v.Set(extra[i], extra[i+1])
	}
	return v
}

// PageValues is Values with how the page is laid out (spacing, the view
// and the table's sort), for links to the same list's other pages and
// views; exports and embeds take the filter alone. extra pairs are set,
// or removed when their value is empty.
func (f EventFilter) PageValues(extra ...string) url.Values {
	v := f.Values()
	if f.Spacing != "" {
		v.Set("spacing", f.Spacing)
	}
	if f.View != "" {
		v.Set("view", f.View)
	}
	if f.Sort != "" {
		v.Set("sort", f.Sort)
	}
	for i := 0; i+1 < len(extra); i += 2 {
		if extra[i+1] == "" {
			v.Del(extra[i])
		} else {
			v.Set(extra[i], extra[i+1])
		}
	}
	return v
}

// maxTablePage is the last page of a table sorted by other than date: it
// sorts the first 1,000 events of the list, 100 a page.
const maxTablePage = 10

func value(q url.Values, key string) string {
	return clean(q.Get(key))
}

// values reads the values of a repeated key, each once: a form that
// carries the chosen values and a box to add one more may send a value
// twice.
func values(q url.Values, key string) []string {
	var out []string
	seen := map[string]bool{}
	for _, s := range q[key] {
		if s = clean(s); s != "" && !seen[strings.ToLower(s)] && len(out) < maxValues {
			seen[strings.ToLower(s)] = true
			out = append(out, s)
		}
	}
	return out
}

// clean trims a value, drops invalid UTF-8 and cuts it to maxValueLen.
func clean(s string) string {
	s = strings.TrimSpace(strings.ToValidUTF8(s, ""))
	if utf8.RuneCountInString(s) > maxValueLen {
		s = string([]rune(s)[:maxValueLen])
	}
	return s
}

// Sentence capitalises msg and ends it with a full stop, for messages
// that come from lower layers in lower case.
func Sentence(msg string) string {
	msg = strings.TrimSpace(msg)
	if msg == "" {
		return msg
	}
	r, size := utf8.DecodeRuneInString(msg)
	msg = strings.ToUpper(string(r)) + msg[size:]
	if !strings.HasSuffix(msg, ".") && !strings.HasSuffix(msg, "?") && !strings.HasSuffix(msg, "!") {
		msg += "."
	}
	return msg
}

// EstimateFilter is the explorer's filter as typed, what it means, and
// what could not be read.
type EstimateFilter struct {
	Force    string
	Place    string
	Claimant string
	// ClaimantType is a claimant type's code ("government"), which keeps
	// the estimates of every claimant of that type.
	ClaimantType string
	From         string
	To           string

	Filter         conflict.EstimateFilter
	ResolvedForce  *conflict.ActorRef
	ResolvedPlaces []conflict.PlaceRef
	Errors         conflict.FieldErrors
}

// ParseEstimateFilter reads the explorer's filter from a URL query. An
// unknown force or place is not an error: the page says so and shows an
// empty state.
func ParseEstimateFilter(ctx context.Context, q url.Values, lookup Lookup) (EstimateFilter, error) {
	f := EstimateFilter{
		Force:        value(q, "force"),
		Place:        value(q, "place"),
		Claimant:     value(q, "claimant"),
		ClaimantType: value(q, "claimant_type"),
		From:         value(q, "from"),
		To:           value(q, "to"),
		Errors:       conflict.FieldErrors{},
	}
	if f.Force == "" {
		f.Force = value(q, "actor")
	}
	if f.Force != "" {
		refs, err := lookup.FindPublicActorsByName(ctx, f.Force)
		if err != nil {
			return f, err
		}
		if len(refs) == 0 {
			f.Errors.Add("force", fmt.Sprintf("No actor is called %q.", f.Force))
		} else {
			f.ResolvedForce = &refs[0]
			f.Filter.Force = refs[0].ID
		}
	}
	if f.Place != "" {
		refs, err := lookup.FindPublicPlacesByName(ctx, f.Place)
		if err != nil {
			return f, err
		}
		if len(refs) == 0 {
			f.Errors.Add("place", fmt.Sprintf("No place is called %q.", f.Place))
		}
		for _, r := range refs {
			f.Filter.Places = append(f.Filter.Places, r.ID)
		}
		f.ResolvedPlaces = refs
	}
	f.Filter.Claimant = f.Claimant
	if cl, ok := lookup.(ClaimantLookup); ok && f.Claimant != "" {
		// A claimant record stands for every spelling of its name.
		c, err := cl.FindClaimantByName(ctx, f.Claimant)
		switch {
		case err == nil:
			f.Filter.Claimant, f.Filter.ClaimantID = "", c.ID
		case conflict.ErrorCode(err) != conflict.NotFound:
			return f, err
		}
	}
	if f.ClaimantType != "" {
		if t := conflict.ClaimantType(f.ClaimantType); t.Valid() {
			f.Filter.ClaimantType = t
		} else {
			f.Errors.Add("claimant_type", "Choose a kind of claimant: government, military, armed group, media, NGO or researcher, or other.")
			f.ClaimantType = ""
		}
	}
	dates := EventFilter{Errors: f.Errors}
	f.Filter.From = dates.date("from", f.From)
	f.Filter.To = dates.date("to", f.To)
	if !f.Filter.From.IsZero() && !f.Filter.To.IsZero() && f.Filter.From.LowerKey() > f.Filter.To.UpperKey() {
		f.Errors.Add("to", "The end of the range is before its start; the range was left out.")
		f.Filter.From, f.Filter.To = edtf.Date{}, edtf.Date{}
	}
	return f, nil
}

// Unknown reports whether the force or place named could not be found, so
// nothing can match.
func (f EstimateFilter) Unknown() bool {
	return (f.Force != "" && f.ResolvedForce == nil) || (f.Place != "" && len(f.ResolvedPlaces) == 0)
}

// Values returns the explorer's filter as URL query values; extra pairs
// (key, value, …) replace or add values.
func (f EstimateFilter) Values(extra ...string) url.Values {
	v := url.Values{}
	for k, s := range map[string]string{"force": f.Force, "place": f.Place, "claimant": f.Claimant, "claimant_type": f.ClaimantType, "from": f.From, "to": f.To} {
		if s != "" {
			v.Set(k, s)
		}
	}
	for i := 0; i+1 < len(extra); i += 2 {
		v.Set(extra[i], extra[i+1])
	}
	return v
}

// ClaimantLookup finds a claimant record by any spelling of its name. A
// Lookup that has one lets the claimant filter match every spelling.
type ClaimantLookup interface {
	FindClaimantByName(ctx context.Context, name string) (conflict.Claimant, error)
}
