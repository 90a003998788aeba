package components

import (
	"strconv"

	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/histogram"
)

// HistogramView is the strip of counts over time above a list: one bar a
// day, week, month or year, each a link to the list narrowed to its dates.
type HistogramView struct {
	// ID prefixes the strip's element ids; a page may hold two.
	ID string
	// Noun is what is counted, in the plural: "events", "claims".
	Noun string
	H    histogram.Histogram
	// URLs are the bars' links, one for each bar ("" for a bar of none).
	URLs []string
	// TooMany is set when the filters together match too many records to
	// count one by one: the strip then says to narrow them.
	TooMany bool
}

// NewHistogram buckets counts over from–to (ISO days, either may be
// empty) and links each bar through link, which gets the bar's dates as
// a filter writes them.
func NewHistogram(id, noun string, counts conflict.DayCounts, from, to string, link func(from, to string) string) HistogramView {
	if counts.TooMany {
		return HistogramView{ID: id, Noun: noun, TooMany: true}
	}
	return withLinks(HistogramView{ID: id, Noun: noun, H: histogram.Make(counts, from, to)}, link)
}

// NewHistogramOf is NewHistogram for a series that counts its own spans
// (histogram.MakeOf), with before counted in the first bar.
func NewHistogramOf(id, noun string, s histogram.Series, before int, from, to string, link func(from, to string) string) HistogramView {
	return withLinks(HistogramView{ID: id, Noun: noun, H: histogram.MakeOf(s, before, false, from, to)}, link)
}

// withLinks links each bar with any records to its part of the list.
func withLinks(v HistogramView, link func(from, to string) string) HistogramView {
	v.URLs = make([]string, len(v.H.Bars))
	for i, b := range v.H.Bars {
		if b.N > 0 {
			v.URLs[i] = link(b.FromText, b.ToText)
		}
	}
	return v
}

// Shown reports whether the strip has anything to show.
func (v HistogramView) Shown() bool { return v.TooMany || !v.H.Empty() }

// barWidth is one bar's width in the SVG's own units; the SVG is
// stretched to the width of the page, its labels are HTML.
const barWidth = 10

func (v HistogramView) viewBox() string {
	return "0 0 " + strconv.Itoa(len(v.H.Bars)*barWidth) + " 1000"
}

func barX(i int) string { return strconv.Itoa(i * barWidth) }

func barY(v HistogramView, i int) string { return strconv.Itoa(1000 - v.H.Height(i)) }

func barH(v HistogramView, i int) string { return strconv.Itoa(v.H.Height(i)) }

// barName is a bar's accessible name: "October 2016: 412 events".
func (v HistogramView) barName(i int) string {
	b := v.H.Bars[i]
	one := v.Noun[:len(v.Noun)-1]
	return b.Label + ": " + countWords(b.N, false, one, v.Noun)
}

// caption says what the strip counts and how: "1,000,000 events by
// month, from Jan 2014 to Dec 2020."
func (v HistogramView) caption() string {
	one := v.Noun[:len(v.Noun)-1]
	s := countWords(v.H.Total, false, one, v.Noun) + " by " + v.H.Unit.String() + " they begin in"
	if n := len(v.H.Bars); n > 1 {
		s += ", " + v.H.Short(0) + " to " + v.H.Short(n-1)
	} else {
		s += ": " + v.H.Bars[0].Label
	}
	s += "."
	if t := v.H.Ties(); t != "" {
		s += " " + t
	}
	return s + " Choose a bar to narrow the dates."
}

// axis are the labels under the strip: its first, middle and last bar.
func (v HistogramView) axis() []string {
	n := len(v.H.Bars)
	switch {
	case n == 0:
		return nil
	case n == 1:
		return []string{v.H.Short(0)}
	case n < 5:
		return []string{v.H.Short(0), v.H.Short(n - 1)}
	}
	return []string{v.H.Short(0), v.H.Short(n / 2), v.H.Short(n - 1)}
}
