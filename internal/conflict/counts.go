package conflict

import (
	"regexp"
	"strconv"
)

// DayCount is how many records begin on one day ("2016-10-17").
type DayCount struct {
	Day string
	N   int
}

// DayCounts are the counts over time of a filtered list: how many of its
// records begin on each day, which the histogram above a list draws.
type DayCounts struct {
	// Days are in day order; days with none are left out.
	Days []DayCount
	// Before counts the records that begin before the filter's start and
	// reach into it: the list shows them first, the histogram in its
	// first bar.
	Before int
	// TooMany is set when the filters together match more records than
	// are counted one by one (no maintained tally answers them): the
	// counts are then not given at all rather than given short.
	TooMany bool
	// Months is set when the days in the middle of the span are counted
	// by month, each month's count on its first day: they are then drawn
	// by month or by year, never by day or week.
	Months bool
}

// Total is the number of records counted.
func (c DayCounts) Total() int {
	n := c.Before
	for _, d := range c.Days {
		n += d.N
	}
	return n
}

// fatalityPatterns find the deaths an import wrote into an event's text,
// as the ACLED and UCDP GED importers word them.
var fatalityPatterns = []*regexp.Regexp{
	regexp.MustCompile(`Fatalities reported \([^)]*\): (\d+)\.`),
	regexp.MustCompile(`Deaths \([^)]*\): best estimate (\d+)`),
}

// ReportedFatalities returns the number of deaths an event's text reports
// in the form an import writes it, and whether it reports one: sitrep has
// no field of its own for deaths, so an event typed by an editor has none.
func ReportedFatalities(body string) (int, bool) {
	for _, p := range fatalityPatterns {
		if m := p.FindStringSubmatch(body); m != nil {
			n, err := strconv.Atoi(m[1])
			if err == nil {
				return n, true
			}
		}
	}
	return 0, false
}

// SortedEvents is one page of a table of events sorted by other than
// date: only the first events of the list in date order are sorted, as
// many as Total; Capped says the list has more. Count is the list's own
// count as a page of it in date order gives it, More set when it stops
// short.
type SortedEvents struct {
	Events    []Event
	Citations map[EventID]int
	Total     int
	Capped    bool
	Count     int
	More      bool
}
