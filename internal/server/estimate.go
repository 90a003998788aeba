package server

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/sitrep/sitrep/internal/chart"
	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/edtf"
	"github.com/sitrep/sitrep/internal/form"
	"github.com/sitrep/sitrep/web/components"
	"github.com/sitrep/sitrep/web/pages"
)

// explorerLimit bounds how many estimates one chart draws.
const explorerLimit = 10_000

// estimateList is the explorer: a force (and optionally a place, claimant
// and dates) charted and tabulated.
func (s *Server) estimateList(c echo.Context) error {
	ctx := c.Request().Context()
	f, err := form.ParseEstimateFilter(ctx, c.QueryParams(), s.db)
	if err != nil {
		return err
	}
	actors, err := s.db.FindActors(ctx)
	if err != nil {
		return err
	}
	places, err := s.db.FindPlaces(ctx)
	if err != nil {
		return err
	}
	claimants, err := s.db.FindClaimants(ctx, f.Filter.Force)
	if err != nil {
		return err
	}
	var xs []conflict.Estimate
	if !f.Unknown() {
		filter := f.Filter
		filter.Limit = explorerLimit
		if xs, err = s.db.FindEstimates(ctx, filter); err != nil {
			return err
		}
	}
	title := "Estimates"
	if f.ResolvedForce != nil {
		title = "Estimates of " + f.ResolvedForce.Name
	}
	v := pages.EstimatesView{
		Base: s.base(c, title, "estimates"), Filter: f, Actors: actors, Places: places, Claimants: claimants,
		Estimates: xs, Spread: conflict.SpreadOf(xs),
		Chart: chart.New(xs, chart.Options{ID: "explorer-chart", EstimateURL: components.EstimatePath}),
	}
	v.Base.Description = "Force-size estimates charted over time, with who claimed each and who reported it."
	return s.render(c, http.StatusOK, pages.Estimates(v))
}

// estimateShow is one estimate with its citations and its neighbours.
func (s *Server) estimateShow(c echo.Context) error {
	ctx := c.Request().Context()
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return conflict.Errorf(conflict.NotFound, "No such estimate.")
	}
	x, err := s.db.FindEstimateByID(ctx, conflict.EstimateID(id))
	if err != nil {
		return err
	}
	if !x.Status.Public() {
		return conflict.Errorf(conflict.NotFound, "No such estimate.")
	}
	nearby, err := s.nearbyEstimates(c, x)
	if err != nil {
		return err
	}
	v := pages.EstimateView{Base: s.base(c, fmt.Sprintf("%s: %s %s", x.Force.Name, x.ValueText(), x.Unit), "estimates"),
		Estimate: x, Notes: x.Notes, Nearby: nearby}
	return s.render(c, http.StatusOK, pages.Estimate(v))
}

// nearbyEstimates are the force's other published estimates within a year
// either side of x's as-of date.
func (s *Server) nearbyEstimates(c echo.Context, x conflict.Estimate) ([]conflict.Estimate, error) {
	from, err := edtf.Parse(x.AsOf.Lower().AddDate(-1, 0, 0).Format("2006-01-02"))
	if err != nil {
		from = edtf.Date{}
	}
	to, err := edtf.Parse(x.AsOf.Upper().AddDate(1, 0, 0).Format("2006-01-02"))
	if err != nil {
		to = edtf.Date{}
	}
	xs, err := s.db.FindEstimates(c.Request().Context(), conflict.EstimateFilter{Force: x.Force.ID, From: from, To: to, Limit: 50})
	if err != nil {
		return nil, err
	}
	out := xs[:0]
	for _, y := range xs {
		if y.ID != x.ID {
			out = append(out, y)
		}
	}
	return out, nil
}
