package server

import (
	"cmp"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/sitrep/sitrep/internal/chart"
	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/edtf"
	"github.com/sitrep/sitrep/internal/form"
	"github.com/sitrep/sitrep/internal/sqlite"
	"github.com/sitrep/sitrep/web/components"
	"github.com/sitrep/sitrep/web/pages"
)

// chartLimit bounds how many estimates one chart reads one by one;
// tableSize is how many rows one page of the explorer's table lists;
// topForces is how many forces the explorer's overview lists.
const (
	chartLimit = 50_000
	tableSize  = 100
	topForces  = 12
	// groupMarks is about how many bars a chart drawn from the tallies
	// has, all its panels together: enough to show how claims moved, few
	// enough to read.
	groupMarks = 200
	// bandedGroupMarks is groupMarks for a chart that bands sooner (the
	// explorer, whose table and bars' links list every claim): half as
	// many bars, each summing up twice the months.
	bandedGroupMarks = 100
	// explorerPanels is how many panels the explorer's chart draws: a
	// force's own (one per unit, usually one to three) and then its
	// largest sub-forces', about two screens on a phone. The others are
	// named and linked, each to its own force's chart: a force with dozens
	// of sub-forces drew every one, pages of over a megabyte.
	explorerPanels = 6
	// explorerBandAfter is the most claims a panel of the explorer's
	// chart draws one by one (a phone's figure, fewer); past it each
	// claimant's claims are a band linking to them, and the table below
	// lists every claim. Hundreds of marks, each drawn, titled and linked
	// twice (wide and narrow), were most of the page's weight and of its
	// cost, and past a few dozen in one panel they hid each other.
	explorerBandAfter = 50
)

// estimateList is the explorer: a force (and optionally a place, claimant
// and dates) charted and tabulated. With no force chosen it lists the
// forces most estimated, from a maintained tally, and the table; a chart
// of every force at once would mean nothing.
func (s *Server) estimateList(c echo.Context) error {
	ctx := c.Request().Context()
	f, err := form.ParseEstimateFilter(ctx, c.QueryParams(), s.db)
	if err != nil {
		return err
	}
	title := "Estimates"
	if f.ResolvedForce != nil {
		title = "Estimates of " + f.ResolvedForce.Name
	}
	v := pages.EstimatesView{Base: s.base(c, title, "estimates"), Filter: f}
	v.Base.Description = "Force-size estimates charted over time, with who claimed each and who reported it."
	v.Base.Alternates = s.oembedAlternates(c, v.Base.Canonical, title)
	v.Base.Alternates = append(v.Base.Alternates, s.feedAlternate(c, "/estimates", f.Values(), title+" (Atom feed)"))
	v.Embed = s.estimatesEmbedPanel(c, f, title)
	if f.Unknown() {
		return s.render(c, http.StatusOK, pages.Estimates(v))
	}
	if v.Histogram, err = s.claimsHistogram(ctx, f); err != nil {
		return err
	}
	switch {
	case f.Filter.Force != 0:
		query := queryTemplate(f.Values(), "claimant", "from", "to")
		data, err := s.bandedForceChart(ctx, f.Filter, "explorer-chart", "/estimates?"+f.Values().Encode(), explorerPanels, explorerBandAfter, func(claimant string, from, to edtf.Date) string {
			return "/estimates?" + query(claimant, from.String(), to.String())
		})
		if err != nil {
			return err
		}
		v.Total, v.Spread, v.Chart = data.total, data.spread, data.chart
		if f.Filter.Claimant == "" && len(f.Filter.Places) == 0 && f.Filter.From.IsZero() && f.Filter.To.IsZero() {
			// The chart's legend already names every claimant.
			for _, l := range data.chart.Legend {
				v.Claimants = append(v.Claimants, l.Claimant)
			}
		} else if v.Claimants, err = s.forceClaimants(ctx, f.Filter.Force); err != nil {
			return err
		}
	case f.Values().Encode() == "":
		forces, total, err := s.db.FindMostEstimatedForces(ctx, topForces)
		if err != nil {
			return err
		}
		v.Total = total
		for _, t := range forces {
			v.Forces = append(v.Forces, pages.ForceCount{Force: t.Force, Count: t.Count})
		}
	}
	// The version is read before the rows, so that no row is kept as of
	// a version older than itself.
	version, err := s.db.LastChange(ctx)
	if err != nil {
		return err
	}
	page := f.Filter
	page.Limit = tableSize + 1
	page.After = c.QueryParam("after")
	rows, uncited, err := s.tableRows(ctx, page)
	if conflict.ErrorCode(err) == conflict.Invalid {
		page.After = ""
		uncited = false
		rows, err = s.db.FindEstimates(ctx, page)
	}
	if err != nil {
		return err
	}
	if len(rows) > tableSize {
		rows = rows[:tableSize]
		v.NextURL = "/estimates?" + f.Values("after", sqlite.EstimateCursor(rows[len(rows)-1])).Encode()
	}
	// After the cut: the row read to tell whether more follow is never
	// written, so never kept.
	var release func()
	if v.Row, release, err = s.tableRow(ctx, version, rows, uncited); err != nil {
		return err
	}
	defer release()
	v.Estimates = rows
	if f.Filter.Force == 0 && f.Values().Encode() != "" {
		// Counting every estimate a filter without a force matches could
		// cost far more than the page: the table says only whether more
		// follow.
		v.Total, v.More = len(rows), v.NextURL != ""
	}
	return s.render(c, http.StatusOK, pages.Estimates(v))
}

// forceChart is the chart of the estimates matching filter, which names a
// force, with the spread and count shown beside it. A force with more
// estimates than a chart draws one by one is drawn from the tallies kept
// per claimant and month, so its cost does not grow with its estimates;
// otherwise the estimates are read from one covering index. key names the
// chart in the cache and is the explorer's address for the filter (or its
// query), which a band of one type of claimant links to; groupURL links a
// band of one claimant's claims to them.
func (s *Server) forceChart(ctx context.Context, filter conflict.EstimateFilter, id, key string, maxPanels int, groupURL func(claimant string, from, to edtf.Date) string) (chartData, error) {
	return s.bandedForceChart(ctx, filter, id, key, maxPanels, 0, groupURL)
}

// bandedForceChart is forceChart whose panels draw bands past bandAfter
// claims (chart.Options.BandAfter), for a page whose table lists each.
func (s *Server) bandedForceChart(ctx context.Context, filter conflict.EstimateFilter, id, key string, maxPanels, bandAfter int, groupURL func(claimant string, from, to edtf.Date) string) (chartData, error) {
	version, err := s.db.LastChange(ctx)
	if err != nil {
		return chartData{}, err
	}
	explorer := key
	if !strings.HasPrefix(explorer, "/") {
		explorer = "/estimates?" + key
	}
	return s.charts.get(ctx, version, id+"|"+key, func(ctx context.Context) (chartData, error) {
		opts := chart.Options{ID: id, EstimateURL: components.EstimatePath, GroupURL: groupURL,
			Force: filter.Force, From: filter.From, To: filter.To, MaxPanels: maxPanels, BandAfter: bandAfter,
			TypeURL: func(t string) string { return explorer + "&" + url.Values{"claimant_type": {t}}.Encode() }}
		// The force's tally says whether its estimates are few enough to
		// draw one by one, however the other filters narrow them.
		n, err := s.points.count(version, filter.Force, func() (int, error) {
			return s.db.CountForceEstimates(ctx, filter.Force)
		})
		if err != nil {
			return chartData{}, err
		}
		if n > chart.MaxMarks && sqlite.CanGroupClaims(filter) {
			marks := groupMarks
			if bandAfter > 0 {
				marks = bandedGroupMarks
			}
			groups, err := s.db.FindClaimGroups(ctx, filter, marks, drawnPanels(filter.Force, maxPanels))
			if err != nil {
				return chartData{}, err
			}
			// Claims a chart would band anyway are drawn from the tallies
			// rather than read one by one.
			spread := conflict.SpreadOfGroups(groups)
			if spread.Count > min(cmp.Or(bandAfter, chart.MaxMarks), chart.MaxMarks) {
				// Groups are drawn as bars, each already summing up its
				// claims, up to MaxMarks claims in a panel as before:
				// bands of groups spanning months are coarser.
				grouped := opts
				grouped.BandAfter = 0
				return chartData{total: spread.Count, spread: spread, chart: chart.Grouped(groups, grouped)}, nil
			}
		}
		// Few enough to keep: the filter's estimates at any date are read
		// once, and each date range cuts them.
		if p, kept, err := s.keptPoints(ctx, filter); err != nil {
			return chartData{}, err
		} else if kept {
			claims, spread := p.claims(filter.From, filter.To)
			return chartData{total: len(claims), spread: spread, chart: chart.NewClaims(claims, opts)}, nil
		}
		points := filter
		points.Limit = chartLimit
		all, err := s.db.FindEstimatePoints(ctx, points)
		if err != nil {
			return chartData{}, err
		}
		claims, err := s.chartClaims(ctx, all)
		if err != nil {
			return chartData{}, err
		}
		return chartData{total: len(all), spread: conflict.SpreadOf(all), chart: chart.NewClaims(claims, opts)}, nil
	})
}

// drawnPanels tells FindClaimGroups which panels a chart of force capped
// at maxPanels draws, so that its groups go to them; nil when every panel
// is drawn.
func drawnPanels(force conflict.ActorID, maxPanels int) func([]sqlite.ClaimPanel) []bool {
	if maxPanels <= 0 {
		return nil
	}
	return func(ps []sqlite.ClaimPanel) []bool {
		counts := make([]chart.PanelCount, len(ps))
		for i, p := range ps {
			counts[i] = chart.PanelCount{Force: p.Force, Unit: chart.UnitName(p.Unit), Claims: p.Claims}
		}
		return chart.DrawnPanels(counts, force, maxPanels)
	}
}

// publishedOnly reports whether filter matches published estimates alone,
// which a force's tally counts.
func publishedOnly(filter conflict.EstimateFilter) bool {
	return len(filter.Statuses) == 0 || (len(filter.Statuses) == 1 && filter.Statuses[0] == conflict.Published)
}

// atAnyDate is filter without its dates, order, cursor and limit: the
// estimates kept for it, which each date range cuts.
func atAnyDate(filter conflict.EstimateFilter) conflict.EstimateFilter {
	filter.From, filter.To, filter.BeginsFrom, filter.After, filter.Statuses, filter.Limit, filter.NewestFirst =
		edtf.Date{}, edtf.Date{}, edtf.Date{}, "", nil, 0, false
	return filter
}

// pointsKey names filter's estimates at any date: every field but those
// atAnyDate clears, so that a field the filter gains is never left out.
func pointsKey(filter conflict.EstimateFilter) string {
	return fmt.Sprintf("%+v", atAnyDate(filter))
}

// forcePoints reads the estimates filter matches at any date, as a chart
// draws them, with the claims that superseded them. The filter's force
// has at most chart.MaxMarks published estimates.
func (s *Server) forcePoints(ctx context.Context, filter conflict.EstimateFilter) (*forcePoints, error) {
	filter = atAnyDate(filter)
	filter.Limit = chartLimit
	all, err := s.db.FindEstimatePoints(ctx, filter)
	if err != nil {
		return nil, err
	}
	// Kept until the next write: no room to spare.
	all = slices.Clone(all)
	p := &forcePoints{points: all, lo: make([]string, len(all)), hi: make([]string, len(all))}
	ids := make([]conflict.EstimateID, len(all))
	for i := range all {
		ids[i], p.lo[i], p.hi[i] = all[i].ID, all[i].AsOf.LowerKey(), all[i].AsOf.UpperKey()
	}
	if p.superseded, err = s.db.FindSupersededBy(ctx, ids); err != nil {
		return nil, err
	}
	return p, nil
}

// forceClaimants are the claimants of force the explorer's claimant box
// suggests, kept until the next write.
func (s *Server) forceClaimants(ctx context.Context, force conflict.ActorID) ([]string, error) {
	version, err := s.db.LastChange(ctx)
	if err != nil {
		return nil, err
	}
	return s.points.forceClaimants(version, force, func() ([]string, error) {
		return s.db.FindForceClaimants(ctx, force, 500)
	})
}

// smallForce reports whether filter asks for the published estimates of
// a force of at most limit estimates (by its tally, kept until the next
// write), with the data version it read that at.
func (s *Server) smallForce(ctx context.Context, filter conflict.EstimateFilter, limit int) (version int64, ok bool, err error) {
	// Kept points are cut by date range alone, not by where each date
	// begins (BeginsFrom).
	if filter.Force == 0 || !publishedOnly(filter) || !filter.BeginsFrom.IsZero() {
		return 0, false, nil
	}
	if version, err = s.db.LastChange(ctx); err != nil {
		return 0, false, err
	}
	n, err := s.points.count(version, filter.Force, func() (int, error) {
		return s.db.CountForceEstimates(ctx, filter.Force)
	})
	return version, err == nil && n <= limit, err
}

// keptPoints are the points kept for filter's chart, when its force is
// small enough to keep (see forceChart); ok is false otherwise.
func (s *Server) keptPoints(ctx context.Context, filter conflict.EstimateFilter) (p *forcePoints, ok bool, err error) {
	version, ok, err := s.smallForce(ctx, filter, chart.MaxMarks)
	if err != nil || !ok {
		return nil, false, err
	}
	p, err = s.points.get(version, pointsKey(filter), func() (*forcePoints, error) {
		return s.forcePoints(ctx, filter)
	})
	return p, err == nil, err
}

// tableRows is the page of the explorer's table filter asks for, as
// FindEstimates lists it. The first page is cut from what is kept: a
// small force's points, or the first page of the filter without its end
// date, which holds the first page up to any end date. Rows cut from a
// small force's points come without their citations (uncited is set).
func (s *Server) tableRows(ctx context.Context, filter conflict.EstimateFilter) (rows []conflict.Estimate, uncited bool, err error) {
	if p, kept, err := s.keptRows(ctx, filter); err != nil || kept {
		if !kept {
			return nil, false, err
		}
		return p.rows(filter.From, filter.To, filter.Limit), true, nil
	}
	if filter.After != "" || filter.NewestFirst {
		rows, err := s.db.FindEstimates(ctx, filter)
		return rows, false, err
	}
	version, err := s.db.LastChange(ctx)
	if err != nil {
		return nil, false, err
	}
	open := filter
	open.To = edtf.Date{}
	p, err := s.pages.Get(version, fmt.Sprintf("%+v", open), pageCacheSize, nil, func() (*firstPage, error) {
		rows, err := s.db.FindEstimates(ctx, open)
		if err != nil {
			return nil, err
		}
		p := &firstPage{rows: rows, lo: make([]string, len(rows))}
		for i := range rows {
			p.lo[i] = rows[i].AsOf.LowerKey()
		}
		return p, nil
	})
	if err != nil {
		return nil, false, err
	}
	return p.upTo(filter.To), false, nil
}

// keptSpans are the as-of keys of the claims filter matches at any date,
// when its force has no more than CountEstimatesByDay counts one by one
// (and is too large for its points to be kept): its histogram counts
// them. ok is false otherwise.
func (s *Server) keptSpans(ctx context.Context, filter conflict.EstimateFilter) (p *forcePoints, ok bool, err error) {
	version, ok, err := s.smallForce(ctx, filter, sqlite.ClaimCountLimit)
	if err != nil || !ok {
		return nil, false, err
	}
	p, err = s.points.claimSpans(version, pointsKey(filter), func() (*forcePoints, error) {
		open := filter
		open.From, open.To, open.After, open.Limit = edtf.Date{}, edtf.Date{}, "", 0
		lo, hi, ok, err := s.db.FindEstimateSpans(ctx, open, sqlite.ClaimCountLimit)
		if err != nil || !ok {
			return nil, err
		}
		return &forcePoints{lo: lo, hi: hi}, nil
	})
	return p, err == nil && p != nil, err
}

// keptRows are the points kept for filter's chart, from which the first
// page of the explorer's table is cut when its force is small enough to
// keep and the page is the first: the same rows FindEstimates lists,
// without reading them again. ok is false when the table must be read.
func (s *Server) keptRows(ctx context.Context, filter conflict.EstimateFilter) (p *forcePoints, ok bool, err error) {
	if filter.After != "" || filter.NewestFirst {
		return nil, false, nil
	}
	return s.keptPoints(ctx, filter)
}

// chartClaims are estimates as the chart reads them: with their claimant's
// record and type, and, when few enough to be drawn one by one, the claims
// that superseded them (past chart.MaxMarks claims are drawn as bands).
func (s *Server) chartClaims(ctx context.Context, xs []conflict.Estimate) ([]chart.Claim, error) {
	claims := chart.Claims(xs)
	for i := range claims {
		if r := claims[i].ClaimantRecord; r != nil {
			claims[i].ClaimantID, claims[i].ClaimantType = int64(r.ID), string(r.Type)
		}
	}
	if len(xs) == 0 || len(xs) > chart.MaxMarks {
		return claims, nil
	}
	ids := make([]conflict.EstimateID, len(xs))
	for i := range xs {
		ids[i] = xs[i].ID
	}
	by, err := s.db.FindSupersededBy(ctx, ids)
	if err != nil {
		return nil, err
	}
	for i := range claims {
		if b, ok := by[claims[i].ID]; ok {
			claims[i].Superseded, claims[i].SupersededBy = true, b
		}
	}
	return claims, nil
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
	v.RecordTools = s.estimateTools(c, x)
	// Links as they stand now, to and from estimates readers see.
	if v.Links, err = s.db.FindRelationLinks(ctx, conflict.EstimateRecord, int64(x.ID), true); err != nil {
		return err
	}
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
