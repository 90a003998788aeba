package server

import (
	"context"
	"net/http"
	"slices"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"

	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/edtf"
	"github.com/sitrep/sitrep/internal/form"
	"github.com/sitrep/sitrep/internal/markdown"
	"github.com/sitrep/sitrep/web/components"
	"github.com/sitrep/sitrep/web/pages"
)

// pageSize is how many events a list page shows: thirty cards keep a
// page well under 60 KB before compression, with room for long titles
// and many actors (TestEventsPageStaysSmall).
const pageSize = 30

// eventList is /events: every published event, filtered by the query.
func (s *Server) eventList(c echo.Context) error {
	b, err := s.browse(c, "/events", nil, nil)
	if err != nil {
		return err
	}
	b.MapURL = withQuery("/map", b.Filter.Values().Encode())
	if isFragment(c) {
		return s.render(c, http.StatusOK, components.Results(b))
	}
	v := pages.EventsView{Base: s.base(c, "Events", "events"), Heading: "Events", Browser: b}
	v.Description = "Every published event, in date order, with the sources that reported it."
	v.Base.Alternates = append(v.Base.Alternates, s.feedAlternate(c, "/events", b.Filter.Values(), "Events (Atom feed)"))
	return s.render(c, http.StatusOK, pages.Events(v))
}

// timelineShow is a curated timeline: its filter, pins and exclusions, with
// the reader's filters on top and its estimates interleaved.
func (s *Server) timelineShow(c echo.Context) error {
	t, err := s.db.FindTimelineBySlug(c.Request().Context(), c.Param("slug"))
	if err != nil {
		return err
	}
	if hiddenFromReader(c, t.Status) {
		return conflict.Errorf(conflict.NotFound, "No such timeline.")
	}
	b, err := s.browse(c, components.TimelinePath(t.Slug), &t, nil)
	if err != nil {
		return err
	}
	b.Fold = true
	b.MapURL = withQuery("/map", b.Filter.Values("timeline", t.Slug).Encode())
	if t.WithEstimates {
		ef := timelineEstimates(b.Filter.Filter, &t)
		if b.Estimates, b.EstimatesMore, err = s.countTimelineEstimates(c.Request().Context(), ef, &t); err != nil {
			return err
		}
	}
	if isFragment(c) {
		return s.render(c, http.StatusOK, components.Results(b))
	}
	parts, err := s.timelineParts(c.Request().Context(), t)
	if err != nil {
		return err
	}
	// A timeline is none of the sections the navigation names.
	v := pages.EventsView{Base: s.base(c, t.Title, ""), Heading: t.Title, Timeline: &t, Browser: b,
		Description: parts.description}
	v.Base.Description = parts.excerpt
	if parts.summary != "" {
		v.Estimates = templ.Raw(parts.summary)
	}
	v.Base.Alternates = s.oembedAlternates(c, v.Base.Canonical, t.Title)
	v.Base.Alternates = append(v.Base.Alternates, s.feedAlternate(c, components.TimelinePath(t.Slug), b.Filter.Values(), t.Title+" (Atom feed)"))
	v.Base.Tools = s.recordTools(c, t.Status, editTimelinePath(t.ID), "Edit this timeline")
	v.Embed = s.timelineEmbedPanel(c, t, b.Filter)
	v.Map = mapPanel("Map", b.Filter.Values("timeline", t.Slug), "Map of the events of "+t.Title)
	return s.render(c, http.StatusOK, pages.Events(v))
}

// browse reads the filter from the query, applies the page's own fixed
// filter (a timeline, an actor, a place) and loads one page of events.
func (s *Server) browse(c echo.Context, action string, t *conflict.Timeline, fixed func(*conflict.EventFilter)) (components.BrowserView, error) {
	ctx := c.Request().Context()
	f, err := form.ParseEventFilter(ctx, c.QueryParams(), s.db)
	if err != nil {
		return components.BrowserView{}, err
	}
	filter := f.Filter
	filter.Timeline = t
	filter.Limit = pageSize
	if f.View == "table" {
		filter.Limit = tablePageSize
	}
	if fixed != nil {
		fixed(&filter)
	}
	if f.View == "table" && f.Sort != "" {
		return s.browseSorted(c, action, f, filter)
	}
	find := s.db.FindEvents
	if f.View == "table" {
		find = s.db.FindTableEvents
	}
	page, err := find(ctx, filter)
	if conflict.ErrorCode(err) == conflict.Invalid {
		// A stale or mangled page link: show the first page and say so.
		f.Errors.Add("cursor", conflict.ErrorFields(err)["cursor"])
		filter.After, filter.Before = "", ""
		page, err = find(ctx, filter)
	}
	if err != nil {
		return components.BrowserView{}, err
	}
	tags, err := s.suggestedTags(ctx)
	if err != nil {
		return components.BrowserView{}, err
	}
	entries := make([]components.Entry, 0, len(page.Events))
	for i := range page.Events {
		e := &page.Events[i]
		entry := components.Entry{Event: e, Citations: page.Citations[e.ID]}
		if f.View != "table" {
			// The table shows no excerpt.
			entry.Excerpt = markdown.Excerpt(e.Body, 240)
		}
		entries = append(entries, entry)
	}
	if t != nil && t.WithEstimates {
		entries, err = s.interleaveEstimates(ctx, entries, filter, page)
		if err != nil {
			return components.BrowserView{}, err
		}
	}
	if f.Spacing == "time" {
		entries = components.SpaceByTime(entries, filter.NewestFirst)
	}
	v := components.BrowserView{Action: action, Filter: f, Tags: tags, Groups: components.GroupEntries(entries), Total: page.Total, More: page.More,
		Fragment: isFragment(c)}
	if page.Next != "" {
		v.NextURL = action + "?" + f.PageValues("after", page.Next).Encode()
	}
	if page.Prev != "" {
		v.PrevURL = action + "?" + f.PageValues("before", page.Prev).Encode()
	}
	// Both layouts start again from the first page: the gap before the
	// first entry of a later page is measured on the page before it.
	v.SpacingURL = withQuery(action, f.Values("spacing", "time").Encode())
	v.EvenURL = withQuery(action, f.Values().Encode())
	if f.View == "table" {
		v.Table = &components.TableView{Rows: components.NewTableRows(page.Events, page.Citations)}
	}
	return v, s.finishBrowse(ctx, action, f, filter, &v)
}

// estimateCountLimit is where a timeline stops counting its estimates.
const estimateCountLimit = 1000

// timelineEstimates is the filter of the estimates a timeline shows among
// its events: the reader's dates within the timeline's own, its places,
// and its force when it follows one.
func timelineEstimates(f conflict.EventFilter, t *conflict.Timeline) conflict.EstimateFilter {
	// The reader's dates narrow the timeline's, never widen them: its
	// events stop at its end, and so do its estimates.
	ef := conflict.EstimateFilter{From: edtf.Later(f.From, t.Filter.From), To: edtf.Earlier(f.To, t.Filter.To), NewestFirst: f.NewestFirst}
	ef.Places = t.Filter.Places
	if len(t.Filter.Actors) == 1 {
		ef.Force = t.Filter.Actors[0]
	}
	return ef
}

// interleaveEstimates adds the estimates whose as-of dates fall within the
// span of this page of events, so that paging through a timeline shows
// each estimate once, where it belongs.
func (s *Server) interleaveEstimates(ctx context.Context, entries []components.Entry, f conflict.EventFilter, page conflict.EventPage) ([]components.Entry, error) {
	// The page's span of dates: from its first event (or the beginning, on
	// the first page) to its last (or the end, on the last page).
	lo, hi := "", "9999-12-31"
	if len(entries) > 0 {
		earliest, latest := entries[0].Event.Date.LowerKey(), entries[len(entries)-1].Event.Date.LowerKey()
		older, newer := page.Prev != "", page.Next != ""
		if f.NewestFirst {
			earliest, latest, older, newer = latest, earliest, newer, older
		}
		if older {
			lo = earliest
		}
		if newer {
			hi = latest
		}
	}
	ef := conflict.EstimateFilter{From: f.From, To: f.To, NewestFirst: f.NewestFirst}
	if f.Timeline != nil {
		ef = timelineEstimates(f, f.Timeline)
	}
	ef.Limit = 200
	// Ask the store for this span only, not the whole timeline's.
	ef = withinSpan(ef, lo, hi)
	xs, err := s.findSpanEstimates(ctx, ef)
	if err != nil {
		return nil, err
	}
	var inSpan []components.Entry
	for i := range xs {
		if k := xs[i].AsOf.LowerKey(); k >= lo && k <= hi {
			inSpan = append(inSpan, components.Entry{Estimate: &xs[i]})
		}
	}
	return components.MergeEntries(entries, inSpan, f.NewestFirst), nil
}

// tagSuggestions is how many of the most used tags the event filter
// offers before the reader types.
const tagSuggestions = 24

// suggestedTags returns the tags the event filter offers. They come from
// the tallies the store keeps with every write, never rebuilt, and are
// kept until the next: every list page reads the same ones.
func (s *Server) suggestedTags(ctx context.Context) ([]string, error) {
	version, err := s.db.LastChange(ctx)
	if err != nil {
		return nil, err
	}
	tags, err := s.tags.Get(version, tagSuggestions, 1, nil, func() ([]string, error) {
		return s.db.FindTags(ctx, tagSuggestions)
	})
	return slices.Clone(tags), err
}

// filterOptions are the actors and places the editors' forms list before
// anything is typed, kept until the next write. No reader's page uses
// them: the event filter's boxes ask the suggestion route as the reader
// types (suggest.go).
func (s *Server) filterOptions(ctx context.Context) (components.FilterOptions, error) {
	version, err := s.db.LastChange(ctx)
	if err != nil {
		return components.FilterOptions{}, err
	}
	s.options.Lock()
	defer s.options.Unlock()
	if s.options.ok && s.options.version == version {
		return s.options.value, nil
	}
	actors, err := s.db.FindActors(ctx)
	if err != nil {
		return components.FilterOptions{}, err
	}
	places, err := s.db.FindPlaces(ctx)
	if err != nil {
		return components.FilterOptions{}, err
	}
	s.options.value = components.FilterOptions{Actors: actors, Places: places}
	s.options.version, s.options.ok = version, true
	return s.options.value, nil
}

// isFragment reports whether htmx asked for the results alone.
func isFragment(c echo.Context) bool {
	return c.Request().Header.Get("HX-Request") == "true" && c.Request().Header.Get("HX-Target") == "results"
}
