// Package histogram turns counts by day into the bars of a histogram over
// time: days, weeks, months or years, whichever keeps the span to a few
// dozen bars, with the date range each bar stands for, so that a bar can
// link to its part of the list.
package histogram

import (
	"fmt"
	"sort"
	"time"

	"github.com/sitrep/sitrep/internal/conflict"
)

// Unit is the length of time one bar covers.
type Unit int

// The units, shortest first.
const (
	Day Unit = iota
	Week
	Month
	Year
)

// String names the unit as "by day", "by week"… completes it.
func (u Unit) String() string {
	switch u {
	case Day:
		return "day"
	case Week:
		return "week"
	case Month:
		return "month"
	}
	return "year"
}

// Bar is one bucket of time.
type Bar struct {
	// From and To are the first and last day the bar covers, within the
	// span asked for ("2016-10-01", "2016-10-31").
	From, To string
	// FromText and ToText are From and To as a filter is best written:
	// "2016-10" for a whole month, "2016" for a whole year, else the day.
	FromText, ToText string
	// Label names the bar's time in words: "October 2016".
	Label string
	N     int
}

// Histogram is a count of records over time.
type Histogram struct {
	Unit Unit
	Bars []Bar
	// Max is the largest bar's count; Peak is its first bar.
	Max  int
	Peak int
	// Total counts every record in the bars.
	Total int
}

// Empty reports whether there is nothing to draw.
func (h Histogram) Empty() bool { return h.Total == 0 }

// unitFor picks the unit that draws a span of days in at most about
// fifty bars (62 days, 53 weeks, 48 months): each bar is a link, and the
// strip must keep a list page light and its links few enough to tab
// through. A longer span is drawn by year, and a bar narrows to its year,
// drawn by month.
func unitFor(days int) Unit {
	switch {
	case days <= 62:
		return Day
	case days <= 371:
		return Week
	case days <= 4*366:
		return Month
	}
	return Year
}

// Series is what a histogram counts: the days records begin on.
type Series interface {
	// Span returns the first and last days any record begins on; ok is
	// false when none does.
	Span() (first, last string, ok bool)
	// Count returns how many records begin from from to to (ISO days,
	// both counted; either may be empty, for no bound).
	Count(from, to string) int
}

// Days is counts by day, in day order, as a Series.
type Days []conflict.DayCount

// Span returns the first and last days counted.
func (d Days) Span() (string, string, bool) {
	if len(d) == 0 {
		return "", "", false
	}
	return d[0].Day, d[len(d)-1].Day, true
}

// Count sums the days from from to to (either may be empty).
func (d Days) Count(from, to string) int {
	n := 0
	for _, c := range d[sort.Search(len(d), func(i int) bool { return d[i].Day >= from }):] {
		if to != "" && c.Day > to {
			break
		}
		n += c.N
	}
	return n
}

// Make buckets counts over the span from–to ("2016-01-01"; either may be
// empty, and then the first or last counted day bounds the span). The
// records counted as beginning before from (counts.Before) are drawn in
// the first bar, where the list shows them.
func Make(counts conflict.DayCounts, from, to string) Histogram {
	return MakeOf(Days(counts.Days), counts.Before, counts.Months, from, to)
}

// MakeOf is Make for any series: before is counts.Before, and months is
// counts.Months. Each bar is counted by one call of s.Count, so a series
// that sums a span without listing its days costs the same for a span of
// a week or of ten years.
func MakeOf(s Series, before int, months bool, from, to string) Histogram {
	var h Histogram
	firstDay, lastDay, any := s.Span()
	if !any && before == 0 {
		return h
	}
	first, last := from, to
	if first == "" && any {
		first = firstDay
	}
	if last == "" && any {
		last = lastDay
	}
	if first == "" {
		first = last
	}
	if last == "" || last < first {
		last = first
	}
	start, err1 := time.Parse(time.DateOnly, first)
	end, err2 := time.Parse(time.DateOnly, last)
	if err1 != nil || err2 != nil {
		return h
	}
	h.Unit = unitFor(int(end.Sub(start).Hours()/24) + 1)
	if months && h.Unit < Month {
		h.Unit = Month
	}
	for b := bucketStart(start, h.Unit); !b.After(end); b = next(b, h.Unit) {
		lo, hi := b, next(b, h.Unit).AddDate(0, 0, -1)
		whole := !lo.Before(start) && !hi.After(end)
		lo, hi = maxTime(lo, start), minTime(hi, end)
		// A week cut by the span is named by its first day in it.
		bar := Bar{From: lo.Format(time.DateOnly), To: hi.Format(time.DateOnly), Label: label(lo, h.Unit)}
		if h.Unit != Week {
			bar.Label = label(b, h.Unit)
		}
		bar.FromText, bar.ToText = bar.From, bar.To
		if whole && h.Unit == Month {
			bar.FromText, bar.ToText = lo.Format("2006-01"), lo.Format("2006-01")
		}
		if whole && h.Unit == Year {
			bar.FromText, bar.ToText = lo.Format("2006"), lo.Format("2006")
		}
		h.Bars = append(h.Bars, bar)
	}
	if len(h.Bars) == 0 {
		return h
	}
	for i := range h.Bars {
		h.Bars[i].N = s.Count(h.Bars[i].From, h.Bars[i].To)
	}
	h.Bars[0].N += before
	for i, b := range h.Bars {
		h.Total += b.N
		if b.N > h.Max {
			h.Max, h.Peak = b.N, i
		}
	}
	return h
}

func bucketStart(t time.Time, u Unit) time.Time {
	switch u {
	case Week:
		// Weeks begin on Monday, as ISO 8601 has them.
		return t.AddDate(0, 0, -((int(t.Weekday()) + 6) % 7))
	case Month:
		return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC)
	case Year:
		return time.Date(t.Year(), 1, 1, 0, 0, 0, 0, time.UTC)
	}
	return t
}

func next(t time.Time, u Unit) time.Time {
	switch u {
	case Week:
		return t.AddDate(0, 0, 7)
	case Month:
		return t.AddDate(0, 1, 0)
	case Year:
		return t.AddDate(1, 0, 0)
	}
	return t.AddDate(0, 0, 1)
}

func label(t time.Time, u Unit) string {
	switch u {
	case Day:
		return t.Format("2 January 2006")
	case Week:
		return "week of " + t.Format("2 January 2006")
	case Month:
		return t.Format("January 2006")
	}
	return t.Format("2006")
}

// Short is a bar's label for an axis: "17 Oct 2016", "Oct 2016", "2016".
func (h Histogram) Short(i int) string {
	t, err := time.Parse(time.DateOnly, h.Bars[i].From)
	if err != nil {
		return h.Bars[i].From
	}
	switch h.Unit {
	case Month:
		return t.Format("Jan 2006")
	case Year:
		return t.Format("2006")
	}
	return t.Format("2 Jan 2006")
}

// Summary says in words what the bars show, for the text beside them:
// "Most events: October 2016, 412." noun is the plural counted.
func (h Histogram) Summary(noun string) string {
	if h.Empty() {
		return ""
	}
	p := h.Bars[h.Peak]
	return fmt.Sprintf("Most %s: %s, %s.", noun, p.Label, conflict.FormatCount(int64(p.N)))
}

// Ties says how many other bars hold as many as the peak: "2 other weeks
// have as many." or "".
func (h Histogram) Ties() string {
	ties := -1
	for _, b := range h.Bars {
		if b.N == h.Max {
			ties++
		}
	}
	switch {
	case h.Empty() || ties <= 0:
		return ""
	case ties == 1:
		return fmt.Sprintf("One other %s has as many.", h.Unit)
	}
	return fmt.Sprintf("%d other %ss have as many.", ties, h.Unit)
}

// Height is a bar's height as a share of the tallest, 0–1000.
func (h Histogram) Height(i int) int {
	if h.Max == 0 {
		return 0
	}
	n := h.Bars[i].N * 1000 / h.Max
	if n == 0 && h.Bars[i].N > 0 {
		n = 8 // one event still shows
	}
	return n
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}
