package server

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/sitrep/sitrep/internal/form"
)

// histogramJSON is /api/v1/events/histogram: the counts over time the
// strip above every list of events draws, for the same filter.
type histogramJSON struct {
	Kind string `json:"kind"`
	// Unit is what each bar counts: day, week, month or year, chosen
	// from the span as the page's strip chooses it.
	Unit string `json:"unit,omitempty"`
	// Total counts the events in the bars; Peak is the first bar with
	// the most.
	Total   int    `json:"total"`
	Peak    *int   `json:"peak,omitempty"`
	Summary string `json:"summary,omitempty"`
	// TooMany says the filter combines conditions no maintained count
	// answers and matches more events than are counted one by one: no
	// bars are given rather than short ones.
	TooMany bool           `json:"too_many"`
	Bars    []histogramBar `json:"bars"`
}

type histogramBar struct {
	From  string `json:"from"`
	To    string `json:"to"`
	Label string `json:"label"`
	Count int    `json:"count"`
	// Events is the list of the bar's events: the filter narrowed to
	// its dates.
	Events string `json:"events,omitempty"`
}

// apiEventHistogram answers with the counts over time of the events a
// filter chooses, from the tallies kept with every write: as fast for a
// million events as for a hundred.
func (s *Server) apiEventHistogram(c echo.Context) error {
	if err := checkParams(c, eventFilterParams...); err != nil {
		return err
	}
	ctx := c.Request().Context()
	f, err := form.ParseEventFilter(ctx, c.QueryParams(), s.db)
	if err != nil {
		return err
	}
	if err := firstFieldError(f.Errors, nil); err != nil {
		return err
	}
	v, err := s.eventHistogram(ctx, "/events", f, f.Filter, false)
	if err != nil {
		return err
	}
	out := histogramJSON{Kind: "event_histogram", TooMany: v.TooMany, Bars: []histogramBar{}}
	if !v.TooMany && !v.H.Empty() {
		peak := v.H.Peak
		out.Unit, out.Total, out.Peak, out.Summary = v.H.Unit.String(), v.H.Total, &peak, v.H.Summary("events")
	}
	for i, b := range v.H.Bars {
		bar := histogramBar{From: b.From, To: b.To, Label: b.Label, Count: b.N}
		if v.URLs[i] != "" {
			bar.Events = s.absURL(c, v.URLs[i])
		}
		out.Bars = append(out.Bars, bar)
	}
	return c.JSON(http.StatusOK, out)
}
