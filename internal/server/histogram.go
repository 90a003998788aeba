package server

import (
	"context"
	"strconv"

	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/edtf"
	"github.com/sitrep/sitrep/internal/form"
	"github.com/sitrep/sitrep/internal/sqlite"
	"github.com/sitrep/sitrep/web/components"
)

// histogramCountLimit is how many events a histogram counts one by one
// when no tally answers its filter and the list counted them all: the
// list counts up to 1,000.
const histogramCountLimit = 1000

// countCacheSize bounds how many counts over time are kept (Server.counts):
// a histogram is the same for every page, order, view and sort of one
// filter, which the response cache's addresses do not share.
const countCacheSize = 512

// eventHistogram is the strip of counts over time above a list of events:
// the list's own filter (action names the page, and with it a timeline's,
// an actor's or a place's own filter), each bar linking to the same page
// with the bar's dates in from and to, every other choice kept.
//
// more says the list has more matches than it counted: a filter no tally
// answers is then not counted by day either, as that would cost more than
// the list itself.
func (s *Server) eventHistogram(ctx context.Context, action string, f form.EventFilter, filter conflict.EventFilter, more bool) (components.HistogramView, error) {
	version, err := s.db.LastChange(ctx)
	if err != nil {
		return components.HistogramView{}, err
	}
	key := action + "?" + f.Values("order", "").Encode()
	if t := filter.Timeline; t != nil {
		key += "#" + strconv.FormatInt(int64(t.ID), 10)
	}
	from, to := filter.Dates()
	query := queryTemplate(f.PageValues("after", "", "before", "", "page", ""), "from", "to")
	link := func(lo, hi string) string { return withQuery(action, query(lo, hi)) }
	if tally, ok := sqlite.DayTallyKey(filter); ok {
		// One actor, place or tag, or none: its whole series of days is
		// kept, and every list of it, whatever its dates, is a cut of it,
		// whose bars are counted from the series without listing its days.
		series, err := s.db.DayTally(ctx, tally, from.LowerKey(), to.UpperKey())
		if err != nil {
			return components.HistogramView{}, err
		}
		// The events that reach into the start from before it are the
		// same whatever the end, so lists of one start share the count;
		// nothing reaches into a span that ends before it starts.
		before := 0
		if !from.IsZero() && (to.IsZero() || to.UpperKey() >= from.LowerKey()) {
			reachKey := action + "?" + f.Values("order", "", "to", "").Encode()
			if t := filter.Timeline; t != nil {
				reachKey += "#" + strconv.FormatInt(int64(t.ID), 10)
			}
			reaching, err := s.counts.Get(version, "reach:"+reachKey, countCacheSize, nil, func() (conflict.DayCounts, error) {
				n, err := s.db.CountEventsReachingIn(ctx, filter)
				return conflict.DayCounts{Before: n}, err
			})
			if err != nil {
				return components.HistogramView{}, err
			}
			before = reaching.Before
		}
		return components.NewHistogramOf("histogram", "events", series, before, from.LowerKey(), to.UpperKey(), link), nil
	}
	counts, err := s.counts.Get(version, key, countCacheSize, nil, func() (conflict.DayCounts, error) {
		limit := histogramCountLimit
		if more {
			limit = 0
		}
		return s.db.CountEventsByDay(ctx, filter, limit)
	})
	if err != nil {
		return components.HistogramView{}, err
	}
	return components.NewHistogram("histogram", "events", counts, from.LowerKey(), to.UpperKey(), link), nil
}

// withinSpan narrows an estimate filter to those beginning within the
// keys lo and hi of a page's span of events (hi "9999-12-31" when the
// span is open at its end), never widening the filter's own end.
func withinSpan(ef conflict.EstimateFilter, lo, hi string) conflict.EstimateFilter {
	if d, err := edtf.Parse(lo); err == nil {
		ef.BeginsFrom = d
	}
	if d, err := edtf.Parse(hi); err == nil && hi != "9999-12-31" {
		ef.To = edtf.Earlier(ef.To, d)
	}
	return ef
}

// claimsHistogram is the strip of counts over time on the estimates
// explorer: how many claims its filter matches, by the day their as-of
// dates begin, each bar linking to the explorer narrowed to its dates.
func (s *Server) claimsHistogram(ctx context.Context, f form.EstimateFilter) (components.HistogramView, error) {
	version, err := s.db.LastChange(ctx)
	if err != nil {
		return components.HistogramView{}, err
	}
	// A small force's claims are kept for its chart, and a larger one's
	// spans for this: counting them costs less than asking the database.
	var counts conflict.DayCounts
	p, kept, err := s.keptPoints(ctx, f.Filter)
	if err == nil && !kept {
		p, kept, err = s.keptSpans(ctx, f.Filter)
	}
	switch {
	case err != nil:
		return components.HistogramView{}, err
	case kept:
		counts = p.dayCounts(f.Filter.From, f.Filter.To)
	default:
		counts, err = s.counts.Get(version, "/estimates?"+f.Values().Encode(), countCacheSize, nil, func() (conflict.DayCounts, error) {
			return s.db.CountEstimatesByDay(ctx, f.Filter)
		})
		if err != nil {
			return components.HistogramView{}, err
		}
	}
	query := queryTemplate(f.Values(), "from", "to")
	link := func(lo, hi string) string { return withQuery("/estimates", query(lo, hi)) }
	return components.NewHistogram("claims-histogram", "claims", counts, f.Filter.From.LowerKey(), f.Filter.To.UpperKey(), link), nil
}
