package server

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/sitrep/sitrep/internal/chart"
	"github.com/sitrep/sitrep/internal/conflict"
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
	xs, err := s.db.FindEstimates(ctx, conflict.EstimateFilter{Force: a.ID})
	if err != nil {
		return err
	}
	est := pages.ActorEstimates{
		All:      xs,
		Latest:   conflict.LatestPerClaimant(xs),
		Spread:   conflict.SpreadOf(xs),
		Chart:    chart.New(xs, chart.Options{ID: "actor-chart", EstimateURL: components.EstimatePath}),
		Explorer: components.ExplorerPath(a.Name),
	}
	v := pages.ActorView{Base: s.base(c, a.Name, ""), Actor: a, Description: s.md.Render(a.Description),
		Children: children, Estimates: est, Browser: b}
	v.Base.Description = markdown.Excerpt(a.Description, 200)
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
	events, err := s.db.FindEventsCitingSource(ctx, src.ID)
	if err != nil {
		return err
	}
	xs, err := s.db.FindEstimatesCitingSource(ctx, src.ID)
	if err != nil {
		return err
	}
	v := pages.SourceView{Base: s.base(c, src.Title, ""), Source: src, Notes: s.md.Render(src.Notes), Events: events, Estimates: xs}
	return s.render(c, http.StatusOK, pages.Source(v))
}
