package server

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/web/pages"
)

// home shows the timelines and the latest published events and estimates.
func (s *Server) home(c echo.Context) error {
	ctx := c.Request().Context()
	timelines, err := s.db.FindTimelines(ctx, false)
	if err != nil {
		return err
	}
	events, err := s.db.ListEvents(ctx, conflict.EventFilter{NewestFirst: true, Limit: 10})
	if err != nil {
		return err
	}
	estimates, err := s.db.FindEstimates(ctx, conflict.EstimateFilter{NewestFirst: true, Limit: 6})
	if err != nil {
		return err
	}
	v := pages.HomeView{Base: s.base(c, "", "home"), Timelines: timelines, Events: events, Estimates: estimates}
	v.Description = "A sourced record of an armed conflict: dated events and force-size estimates, each tied to its sources."
	return s.render(c, http.StatusOK, pages.Home(v))
}
