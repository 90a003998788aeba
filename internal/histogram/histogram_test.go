package histogram

import (
	"testing"

	"github.com/sitrep/sitrep/internal/conflict"
)

func days(pairs ...any) []conflict.DayCount {
	var out []conflict.DayCount
	for i := 0; i+1 < len(pairs); i += 2 {
		out = append(out, conflict.DayCount{Day: pairs[i].(string), N: pairs[i+1].(int)})
	}
	return out
}

func TestMakeChoosesTheUnitFromTheSpan(t *testing.T) {
	tests := []struct {
		name     string
		from, to string
		want     Unit
		bars     int
	}{
		{"a fortnight by day", "2016-10-01", "2016-10-14", Day, 14},
		{"a quarter by week", "2016-07-01", "2016-09-30", Week, 14},
		{"three years by month", "2014-01-01", "2016-12-31", Month, 36},
		{"seven years by year", "2014-01-01", "2020-12-29", Year, 7},
		{"twenty years by year", "2000-01-01", "2019-12-31", Year, 20},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := Make(conflict.DayCounts{Days: days(tt.from, 1)}, tt.from, tt.to)
			if h.Unit != tt.want || len(h.Bars) != tt.bars {
				t.Errorf("Make(%s–%s) = %d bars by %s, want %d by %s", tt.from, tt.to, len(h.Bars), h.Unit, tt.bars, tt.want)
			}
		})
	}
}

func TestMakeCountsEveryDayInItsBar(t *testing.T) {
	counts := conflict.DayCounts{Before: 2, Days: days("2016-01-05", 3, "2016-01-31", 1, "2016-02-01", 4, "2016-10-17", 400, "2016-10-30", 12)}
	h := Make(counts, "2016-01-03", "2017-06-30")
	if h.Unit != Month || len(h.Bars) != 18 {
		t.Fatalf("got %d bars by %s, want 18 by month", len(h.Bars), h.Unit)
	}
	if h.Bars[0].N != 6 || h.Bars[1].N != 4 || h.Bars[9].N != 412 || h.Total != 422 {
		t.Errorf("bars %v, total %d", h.Bars, h.Total)
	}
	// The first bar starts at the filter's start, not the month's; a
	// whole month is written as the month.
	if b := h.Bars[0]; b.From != "2016-01-03" || b.FromText != "2016-01-03" || b.To != "2016-01-31" {
		t.Errorf("first bar %+v", b)
	}
	if b := h.Bars[9]; b.FromText != "2016-10" || b.ToText != "2016-10" || b.Label != "October 2016" {
		t.Errorf("last bar %+v", b)
	}
	if got, want := h.Summary("events"), "Most events: October 2016, 412."; got != want {
		t.Errorf("Summary = %q, want %q", got, want)
	}
}

func TestWeeksBeginOnMonday(t *testing.T) {
	h := Make(conflict.DayCounts{Days: days("2016-09-29", 1, "2016-10-03", 2)}, "2016-08-01", "2016-10-31")
	if h.Unit != Week {
		t.Fatalf("unit %s", h.Unit)
	}
	for _, b := range h.Bars {
		if b.From == "2016-09-26" && (b.To != "2016-10-02" || b.N != 1) {
			t.Errorf("week of 26 September: %+v", b)
		}
		if b.From == "2016-10-03" && b.N != 2 {
			t.Errorf("week of 3 October: %+v", b)
		}
	}
}

func TestSummaryNamesTies(t *testing.T) {
	h := Make(conflict.DayCounts{Days: days("2016-10-03", 1, "2016-10-05", 1, "2016-10-20", 1)}, "2016-10-01", "2016-10-31")
	if got, want := h.Summary("events")+" "+h.Ties(), "Most events: 3 October 2016, 1. 2 other days have as many."; got != want {
		t.Errorf("Summary and Ties = %q, want %q", got, want)
	}
}
