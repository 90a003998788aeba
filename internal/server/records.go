package server

import (
	"context"
	"net/http"
	"net/url"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/edtf"
	"github.com/sitrep/sitrep/internal/markdown"
	"github.com/sitrep/sitrep/web/components"
	"github.com/sitrep/sitrep/web/pages"
)

// actorShow is an actor's page: aliases, parent and children, the
// estimates of its size, and its events (and its sub-actors'), filterable.
func (s *Server) actorShow(c echo.Context) error {
	ctx := c.Request().Context()
	a, err := s.db.FindActorBySlug(ctx, c.Param("slug"))
	if err != nil {
		return err
	}
	if hiddenFromReader(c, a.Status) {
		return conflict.Errorf(conflict.NotFound, "No such actor.")
	}
	children, err := s.db.FindActorChildren(ctx, a.ID)
	if err != nil {
		return err
	}
	b, err := s.browse(c, components.ActorPath(a.Slug), nil, func(f *conflict.EventFilter) {
		f.Actors = append(f.Actors, a.ID)
	})
	if err != nil {
		return err
	}
	b.Hide = map[string]bool{"actor": true}
	if isFragment(c) {
		return s.render(c, http.StatusOK, components.Results(b))
	}
	// The estimates follow the period the reader chose for the events.
	est, err := s.forceEstimates(ctx, a.Ref(), b.Filter.Filter.From, b.Filter.Filter.To, "actor-chart")
	if err != nil {
		return err
	}
	v := pages.ActorView{Base: s.base(c, a.Name, ""), Actor: a, Description: s.md.Render(a.Description),
		Children: children, Estimates: est, Browser: b}
	v.Base.Description = markdown.Excerpt(a.Description, 200)
	v.Base.Tools = s.recordTools(c, a.Status, editActorPath(a.ID), "Edit this actor")
	v.Base.Alternates = append(v.Base.Alternates, s.feedAlternate(c, "/events", b.Filter.Values("actor", a.Slug), "Events of "+a.Name+" (Atom feed)"))
	v.Map = mapPanel("Map", b.Filter.Values("actor", a.Slug), "Map of the events of "+a.Name)
	return s.render(c, http.StatusOK, pages.Actor(v))
}

// placeShow is a place's page: its names in every script, where it lies,
// what lies inside it, and the events there, filterable.
func (s *Server) placeShow(c echo.Context) error {
	ctx := c.Request().Context()
	p, err := s.db.FindPlaceBySlug(ctx, c.Param("slug"))
	if err != nil {
		return err
	}
	if hiddenFromReader(c, p.Status) {
		return conflict.Errorf(conflict.NotFound, "No such place.")
	}
	ancestors, err := s.db.FindPlaceAncestors(ctx, p.ID)
	if err != nil {
		return err
	}
	children, err := s.db.FindPlaceChildren(ctx, p.ID)
	if err != nil {
		return err
	}
	b, err := s.browse(c, components.PlacePath(p.Slug), nil, func(f *conflict.EventFilter) {
		f.Places = append(f.Places, p.ID)
	})
	if err != nil {
		return err
	}
	b.Hide = map[string]bool{"place": true}
	if isFragment(c) {
		return s.render(c, http.StatusOK, components.Results(b))
	}
	v := pages.PlaceView{Base: s.base(c, p.Name, ""), Place: p, Description: s.md.Render(p.Description),
		Ancestors: ancestors, Children: children, Browser: b}
	v.Base.Description = markdown.Excerpt(p.Description, 200)
	v.Base.Tools = s.recordTools(c, p.Status, editPlacePath(p.ID), "Edit this place")
	v.Base.Alternates = append(v.Base.Alternates, s.feedAlternate(c, "/events", b.Filter.Values("place", p.Slug), "Events in "+p.Name+" (Atom feed)"))
	v.Map = mapPanel("Map", b.Filter.Values("place", p.Slug), "Map of the events in "+p.Name)
	return s.render(c, http.StatusOK, pages.Place(v))
}

// sourceShow is a source's page and what cites it.
func (s *Server) sourceShow(c echo.Context) error {
	ctx := c.Request().Context()
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return conflict.Errorf(conflict.NotFound, "No such source.")
	}
	src, err := s.db.FindSourceByID(ctx, conflict.SourceID(id))
	if err != nil {
		return err
	}
	if hiddenFromReader(c, src.Status) {
		return conflict.Errorf(conflict.NotFound, "No such source.")
	}
	events, err := s.db.FindEventsCitingSource(ctx, src.ID)
	if err != nil {
		return err
	}
	xs, err := s.db.FindEstimatesCitingSource(ctx, src.ID)
	if err != nil {
		return err
	}
	v := pages.SourceView{Base: s.base(c, src.Heading(), ""), Source: src, Notes: s.md.Render(src.Notes), Events: events, Estimates: xs}
	v.Base.Tools = s.recordTools(c, src.Status, editSourcePath(src.ID), "Edit this source")
	return s.render(c, http.StatusOK, pages.Source(v))
}

// summaryPanels is how many panels the chart on an actor's page or a
// timeline draws: the force's own, a unit each, before the forces inside
// it. The estimates page draws them all; a page about something else
// should reach its own subject within a screen or two.
const summaryPanels = 2

// summaryCards is how many claimants' latest claims those pages show in
// full, the most recent.
const summaryCards = 6

// forceEstimates is the chart, the latest claim of each claimant and the
// spread of one force's estimates over a period (open when from or to is
// zero), as actor pages and single-force timelines show them.
func (s *Server) forceEstimates(ctx context.Context, force conflict.ActorRef, from, to edtf.Date, id string) (pages.ActorEstimates, error) {
	q := url.Values{"force": {force.Name}}
	if !from.IsZero() {
		q.Set("from", from.String())
	}
	if !to.IsZero() {
		q.Set("to", to.String())
	}
	explorer := "/estimates?" + q.Encode()
	filter := conflict.EstimateFilter{Force: force.ID, From: from, To: to}
	data, err := s.forceChart(ctx, filter, id, q.Encode(), summaryPanels, func(claimant string, from, to edtf.Date) string {
		return explorer + "&" + url.Values{"claimant": {claimant}, "from": {from.String()}, "to": {to.String()}}.Encode()
	})
	if err != nil {
		return pages.ActorEstimates{}, err
	}
	// The cards show each claimant's latest claim in full; they change
	// only with the data, as the chart does.
	version, err := s.db.LastChange(ctx)
	if err != nil {
		return pages.ActorEstimates{}, err
	}
	cards, err := s.charts.get(ctx, version, id+"|latest|"+q.Encode(), func(ctx context.Context) (chartData, error) {
		var claimants []string
		for _, l := range data.chart.Legend {
			claimants = append(claimants, l.Claimant)
		}
		latest, err := s.db.FindLatestClaims(ctx, filter, claimants)
		return chartData{points: latest}, err
	})
	if err != nil {
		return pages.ActorEstimates{}, err
	}
	// Oldest first: a force with many claimants shows its newest few.
	latest := cards.points
	claimants := len(latest)
	latest = latest[max(0, len(latest)-summaryCards):]
	return pages.ActorEstimates{Force: force, Count: data.total, Latest: latest, Claimants: claimants, Spread: data.spread,
		Chart: data.chart, Explorer: explorer, From: from, To: to}, nil
}
