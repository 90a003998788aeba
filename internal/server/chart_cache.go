package server

import (
	"context"
	"strconv"

	"github.com/sitrep/sitrep/internal/chart"
	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/edtf"
	"github.com/sitrep/sitrep/internal/versioned"
	"golang.org/x/sync/singleflight"
)

// chartCacheSize bounds how many charts are kept.
const chartCacheSize = 64

// chartData is a chart with the figures shown beside it.
type chartData struct {
	chart  chart.Chart
	spread conflict.Spread
	total  int
	points []conflict.Estimate
}

// chartCache keeps recently drawn charts until the next write. Drawing one
// means reading every estimate of a force, which for ten thousand
// estimates costs more than the rest of the page together; between writes
// the answer cannot change.
type chartCache struct {
	kept versioned.Cache[string, chartData]
	// drawing joins the readers of a chart being drawn: a burst of
	// readers of one page (an embed in a newsroom's article) waits for
	// one drawing rather than each drawing it at once and starving the
	// others.
	drawing singleflight.Group
}

// get returns the chart for key at the data version, building it with
// build when it is not kept; callers asking for a chart already being
// built wait for it, or until ctx ends.
func (c *chartCache) get(ctx context.Context, version int64, key string, build func(context.Context) (chartData, error)) (chartData, error) {
	return c.kept.Get(version, key, chartCacheSize, nil, func() (chartData, error) {
		drawn := c.drawing.DoChan(strconv.FormatInt(version, 10)+"\x00"+key, func() (any, error) {
			// The drawing outlives a reader who leaves: others may be
			// waiting for it.
			return build(context.WithoutCancel(ctx))
		})
		select {
		case r := <-drawn:
			d, _ := r.Val.(chartData)
			return d, r.Err
		case <-ctx.Done():
			return chartData{}, ctx.Err()
		}
	})
}

// forcePoints are the published estimates a chart's filter matches at any
// date, as the chart draws them, in as-of order, with the claims that
// superseded them; each date range cuts them. Their citations are not
// kept: the table's rows are (estimate_rows.go).
type forcePoints struct {
	points []conflict.Estimate
	// lo and hi are each point's as-of keys, as the estimates store them.
	lo, hi     []string
	superseded map[conflict.EstimateID]conflict.EstimateID
}

// within reports whether point i's as-of date reaches into from and to
// (keys, either "" for open), as the estimates' date filter matches them.
func (p *forcePoints) within(i int, fromKey, toKey string) bool {
	return (fromKey == "" || p.hi[i] >= fromKey) && (toKey == "" || p.lo[i] <= toKey)
}

// dateKeys are the keys a date range's estimates are matched by.
func dateKeys(from, to edtf.Date) (string, string) {
	var fromKey, toKey string
	if !from.IsZero() {
		fromKey = from.LowerKey()
	}
	if !to.IsZero() {
		toKey = to.UpperKey()
	}
	return fromKey, toKey
}

// rows are the first limit points within from and to, oldest first, as
// FindEstimates lists them but without their citations (the table's
// writer reads a row's first one when it writes the row). They share the kept points when they stand
// together, as those of a date range that ends (not begins) do: not to
// be changed.
func (p *forcePoints) rows(from, to edtf.Date, limit int) []conflict.Estimate {
	fromKey, toKey := dateKeys(from, to)
	first, n := -1, 0
	for i := range p.points {
		if n == limit {
			break
		}
		if !p.within(i, fromKey, toKey) {
			continue
		}
		if first < 0 {
			first = i
		} else if i != first+n {
			return p.copyRows(fromKey, toKey, limit)
		}
		n++
	}
	if first < 0 {
		return nil
	}
	return p.points[first : first+n : first+n]
}

// copyRows is rows copied one by one, for rows that do not stand together.
func (p *forcePoints) copyRows(fromKey, toKey string, limit int) []conflict.Estimate {
	var out []conflict.Estimate
	for i := range p.points {
		if len(out) == limit {
			break
		}
		if p.within(i, fromKey, toKey) {
			out = append(out, p.points[i])
		}
	}
	return out
}

// claims are the points within from and to (either zero for open), as
// the chart reads them, and their spread. The claims point into the
// kept estimates, which no one writes.
func (p *forcePoints) claims(from, to edtf.Date) ([]chart.Claim, conflict.Spread) {
	fromKey, toKey := dateKeys(from, to)
	out := make([]chart.Claim, 0, len(p.points))
	var spread conflict.SpreadCounter
	for i := range p.points {
		if !p.within(i, fromKey, toKey) {
			continue
		}
		x := &p.points[i]
		c := chart.Claim{Estimate: x}
		if r := x.ClaimantRecord; r != nil {
			c.ClaimantID, c.ClaimantType = int64(r.ID), string(r.Type)
		}
		if b, ok := p.superseded[x.ID]; ok {
			c.Superseded, c.SupersededBy = true, b
		}
		out = append(out, c)
		spread.Add(x.Claimant, x.Low, x.High, 1)
	}
	return out, spread.Spread()
}

// dayCounts counts the points within from and to by the day their as-of
// dates begin, as CountEstimatesByDay counts them one by one: those that
// begin before from and reach into it are counted apart.
func (p *forcePoints) dayCounts(from, to edtf.Date) conflict.DayCounts {
	fromKey, toKey := dateKeys(from, to)
	var out conflict.DayCounts
	for i := range p.lo {
		if !p.within(i, fromKey, toKey) {
			continue
		}
		if fromKey != "" && p.lo[i] < fromKey {
			out.Before++
			continue
		}
		// The points are in as-of order: a day's claims are together.
		if n := len(out.Days); n > 0 && out.Days[n-1].Day == p.lo[i] {
			out.Days[n-1].N++
			continue
		}
		out.Days = append(out.Days, conflict.DayCount{Day: p.lo[i], N: 1})
	}
	return out
}

// pointsCache keeps the points of recent small forces' filters, and the
// forces' tallies, until the next write. A chart is drawn anew for every
// date range a reader asks for; reading a force's estimates for each cost
// more than drawing them.
type pointsCache struct {
	entries versioned.Cache[string, *forcePoints]
	counts  versioned.Cache[conflict.ActorID, int]
	// claimants are forces' claimants, as FindForceClaimants lists them.
	claimants versioned.Cache[conflict.ActorID, []string]
	// spans are the as-of keys alone of larger forces' filters, which
	// their histograms count (lo and hi set, no points).
	spans versioned.Cache[string, *forcePoints]
}

// pointsCacheSize bounds how many estimates are kept, about 600 bytes
// each.
const pointsCacheSize = 12_000

// spansCacheSize bounds how many claims' spans are kept, two shared
// strings each.
const spansCacheSize = 100_000

// pointsCacheForces bounds how many forces' tallies and claimants are
// kept.
const pointsCacheForces = 1024

// count returns force's tally at the data version, reading it with read
// when not kept.
func (c *pointsCache) count(version int64, force conflict.ActorID, read func() (int, error)) (int, error) {
	return c.counts.Get(version, force, pointsCacheForces, nil, read)
}

// forceClaimants returns force's claimants at the data version, reading
// them with read when not kept.
func (c *pointsCache) forceClaimants(version int64, force conflict.ActorID, read func() ([]string, error)) ([]string, error) {
	return c.claimants.Get(version, force, pointsCacheForces, nil, read)
}

// claimSpans returns the spans kept for key at the data version, reading
// them with read when not kept; nil when the filter has too many claims.
func (c *pointsCache) claimSpans(version int64, key string, read func() (*forcePoints, error)) (*forcePoints, error) {
	return c.spans.Get(version, key, versioned.Scaled(spansCacheSize), func(p *forcePoints) int {
		if p == nil {
			return 1
		}
		return 1 + len(p.lo)
	}, read)
}

// get returns the points kept for key at the data version, reading them
// with read when not kept.
func (c *pointsCache) get(version int64, key string, read func() (*forcePoints, error)) (*forcePoints, error) {
	return c.entries.Get(version, key, versioned.Scaled(pointsCacheSize), func(p *forcePoints) int { return 1 + len(p.points) }, read)
}

// firstPage is the first page of the explorer's table of a filter
// without its end date, with each row's as-of key: the page of the filter
// up to any end date is the rows that begin by then, as the rows are in
// as-of order.
type firstPage struct {
	rows []conflict.Estimate
	lo   []string
}

// upTo is the page of the filter up to to (zero for open): the rows that
// begin by its end, shared, not to be changed.
func (p *firstPage) upTo(to edtf.Date) []conflict.Estimate {
	n := len(p.rows)
	if !to.IsZero() {
		key := to.UpperKey()
		n = 0
		for n < len(p.rows) && p.lo[n] <= key {
			n++
		}
	}
	return p.rows[:n:n]
}

// pageCacheSize bounds how many first pages are kept, a hundred rows each
// (some 4 MB in all). The bound does not follow the memory governor's
// scale: a first page missed is a query of its rows and their first
// citations, nearly half the work of `/estimates`, and within 135 MB,
// where the governor had cut the others to a sixteenth, keeping all 64
// took `/estimates` from 473–545 to 674–708 requests a second.
const pageCacheSize = 64
