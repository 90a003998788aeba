package components

import (
	"strconv"
	"time"

	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/edtf"
)

// Entry is one item on a drawn timeline: an event, or an estimate
// interleaved among them.
type Entry struct {
	Event     *conflict.Event
	Citations int
	Excerpt   string
	Estimate  *conflict.Estimate
	// Gap, on a list spaced by time, says how long before (or, newest
	// first, after) the previous entry this one began: "3 months later".
	// GapSize, 1 to 4, is how much room the page leaves for it.
	Gap     string
	GapSize int
}

// MonthGroup holds the entries that start in one month; Month is 0 for
// entries known only to the year.
type MonthGroup struct {
	Month   time.Month
	Entries []Entry
}

// Label names the month heading.
func (g MonthGroup) Label() string {
	if g.Month == 0 {
		return "Month unknown"
	}
	return g.Month.String()
}

// YearGroup holds one year's month groups.
type YearGroup struct {
	Year   int
	Months []MonthGroup
}

// GroupEntries files entries, already in date order, under year and month
// headings by the first day each can mean. Dates known only to the year go
// under "month unknown" rather than pretending to be January.
func GroupEntries(entries []Entry) []YearGroup {
	var out []YearGroup
	for _, e := range entries {
		year, month := entryStart(e)
		if len(out) == 0 || out[len(out)-1].Year != year {
			out = append(out, YearGroup{Year: year})
		}
		y := &out[len(out)-1]
		if len(y.Months) == 0 || y.Months[len(y.Months)-1].Month != month {
			y.Months = append(y.Months, MonthGroup{Month: month})
		}
		m := &y.Months[len(y.Months)-1]
		m.Entries = append(m.Entries, e)
	}
	return out
}

// Date is the entry's date: the event's, or the estimate's as-of date.
func (e Entry) Date() edtf.Date {
	if e.Event != nil {
		return e.Event.Date
	}
	return e.Estimate.AsOf
}

// entryStart is the year and month an entry is filed under: its first
// known point (the end of an interval open at the start).
func entryStart(e Entry) (int, time.Month) {
	d := e.Date()
	p, ok := d.Start()
	if !ok {
		p, _ = d.End()
	}
	if p.Precision == edtf.Year {
		return p.Year, 0
	}
	return p.Year, time.Month(p.Month)
}

// MergeEntries merges two lists already in date order into one.
func MergeEntries(a, b []Entry, newestFirst bool) []Entry {
	out := make([]Entry, 0, len(a)+len(b))
	for len(a) > 0 && len(b) > 0 {
		before := a[0].Date().LowerKey() <= b[0].Date().LowerKey()
		if newestFirst {
			before = a[0].Date().LowerKey() >= b[0].Date().LowerKey()
		}
		if before {
			out, a = append(out, a[0]), a[1:]
		} else {
			out, b = append(out, b[0]), b[1:]
		}
	}
	return append(append(out, a...), b...)
}

// SpaceByTime marks each entry with the time since the one before it, so a
// list spaced by time shows a quiet month as a gap rather than as the next
// card. Gaps under a week are not marked: a timeline of a busy week would
// otherwise be all gaps. Entries are in date order, newest first when
// newestFirst is set; each is measured by the first day it can mean.
func SpaceByTime(entries []Entry, newestFirst bool) []Entry {
	for i := 1; i < len(entries); i++ {
		prev, cur := entries[i-1].Date().Lower(), entries[i].Date().Lower()
		if prev.Year() <= 1 || cur.Year() <= 1 {
			continue // an interval open at its start has no first day to measure from
		}
		days := int(cur.Sub(prev).Hours() / 24)
		if newestFirst {
			days = -days
		}
		entries[i].Gap, entries[i].GapSize = gapWords(days, newestFirst)
	}
	return entries
}

// gapWords names a gap of days in the largest unit that fits it, and
// sizes it on a scale of four: a week, a month, a quarter, a year.
func gapWords(days int, newestFirst bool) (string, int) {
	var n int
	var unit string
	size := 0
	switch {
	case days < 7:
		return "", 0
	case days < 30:
		n, unit, size = days/7, "week", 1
	case days < 91:
		n, unit, size = days/30, "month", 2
	case days < 365:
		n, unit, size = days/30, "month", 3
	default:
		n, unit, size = days/365, "year", 4
	}
	words := strconv.Itoa(n) + " " + unit
	if n != 1 {
		words += "s"
	}
	if newestFirst {
		return words + " earlier", size
	}
	return words + " later", size
}
