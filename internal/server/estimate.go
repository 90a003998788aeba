package server

import (
	"context"
	"fmt"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/sitrep/sitrep/internal/chart"
	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/edtf"
	"github.com/sitrep/sitrep/internal/form"
	"github.com/sitrep/sitrep/internal/sqlite"
	"github.com/sitrep/sitrep/web/components"
	"github.com/sitrep/sitrep/web/pages"
)

// chartLimit bounds how many estimates one chart reads; tableSize is how
// many rows one page of the explorer's table lists.
const (
	chartLimit = 50_000
	tableSize  = 100
)

// estimateList is the explorer: a force (and optionally a place, claimant
// and dates) charted and tabulated. The chart reads every matching estimate
// from one covering index; the table lists them a page at a time.
func (s *Server) estimateList(c echo.Context) error {
	ctx := c.Request().Context()
	f, err := form.ParseEstimateFilter(ctx, c.QueryParams(), s.db)
	if err != nil {
		return err
	}
	opts, err := s.filterOptions(ctx)
	if err != nil {
		return err
	}
	claimants, err := s.db.FindClaimants(ctx, f.Filter.Force)
	if err != nil {
		return err
	}
	title := "Estimates"
	if f.ResolvedForce != nil {
		title = "Estimates of " + f.ResolvedForce.Name
	}
	v := pages.EstimatesView{Base: s.base(c, title, "estimates"), Filter: f, Actors: opts.Actors, Places: opts.Places, Claimants: claimants}
	v.Base.Description = "Force-size estimates charted over time, with who claimed each and who reported it."
	v.Base.Alternates = s.oembedAlternates(c, v.Base.Canonical, title)
	v.Embed = s.estimatesEmbedPanel(c, f, title)
	if !f.Unknown() {
		version, err := s.db.LastChange(ctx)
		if err != nil {
			return err
		}
		data, err := s.charts.get(ctx, version, "explorer?"+f.Values().Encode(), func(ctx context.Context) (chartData, error) {
			points := f.Filter
			points.Limit = chartLimit
			all, err := s.db.FindEstimatePoints(ctx, points)
			if err != nil {
				return chartData{}, err
			}
			return chartData{
				total:  len(all),
				spread: conflict.SpreadOf(all),
				chart: chart.New(all, chart.Options{ID: "explorer-chart", EstimateURL: components.EstimatePath,
					GroupURL: func(claimant string, from, to edtf.Date) string {
						return "/estimates?" + f.Values("claimant", claimant, "from", from.String(), "to", to.String()).Encode()
					}}),
			}, nil
		})
		if err != nil {
			return err
		}
		page := f.Filter
		page.Limit = tableSize + 1
		page.After = c.QueryParam("after")
		rows, err := s.db.FindEstimates(ctx, page)
		if conflict.ErrorCode(err) == conflict.Invalid {
			page.After = ""
			rows, err = s.db.FindEstimates(ctx, page)
		}
		if err != nil {
			return err
		}
		if len(rows) > tableSize {
			rows = rows[:tableSize]
			v.NextURL = "/estimates?" + f.Values("after", sqlite.EstimateCursor(rows[len(rows)-1])).Encode()
		}
		v.Total, v.Estimates, v.Spread, v.Chart = data.total, rows, data.spread, data.chart
	}
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
	v.Base.Tools = s.estimateTools(c, x)
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
