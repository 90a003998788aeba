package chart

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/edtf"
)

var (
	dayLabel   = regexp.MustCompile(`^[1-9][0-9]? (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)$`)
	monthLabel = regexp.MustCompile(`^(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [0-9]{4}$`)
	yearLabel  = regexp.MustCompile(`^[0-9]{4}$`)
)

func TestXTicks(t *testing.T) {
	tests := []struct {
		name   string
		dates  []string
		labels *regexp.Regexp
		want   []string // labels expected among the ticks, if any
	}{
		{"one day", []string{"2016-09-29"}, dayLabel, []string{"27 Sep", "29 Sep", "1 Oct"}},
		{"three weeks", []string{"2016-09-08", "2016-09-29"}, dayLabel, []string{"15 Sep"}},
		{"two months", []string{"2016-07", "2016-09-29"}, dayLabel, []string{"1 Aug", "15 Aug"}},
		{"a year", []string{"2016-01", "2016-12"}, monthLabel, []string{"Jul 2016"}},
		{"four years", []string{"2014-01-05", "2017-11-30"}, monthLabel, []string{"Jan 2015", "Jul 2016"}},
		{"a decade", []string{"2006", "2016-07"}, yearLabel, []string{"2010"}},
		{"a century", []string{"1914", "2016"}, yearLabel, []string{"1950", "2000"}},
		{"an interval", []string{"2016-07/2016-09"}, dayLabel, []string{"1 Aug"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var xs []conflict.Estimate
			for i, d := range tt.dates {
				xs = append(xs, est(i+1, d, conflict.Exact, "A", 100))
			}
			c := New(xs, Options{})
			for _, fig := range []Figure{c.Wide, c.Narrow} {
				p := fig.Panels[0]
				if len(p.XTicks) < 3 {
					t.Fatalf("%s XTicks = %v, want at least 3", fig.Name, p.XTicks)
				}
				var labels []string
				for i, tk := range p.XTicks {
					labels = append(labels, tk.Label)
					if fig.Name == "wide" && !tt.labels.MatchString(tk.Label) {
						t.Errorf("%s tick %d label %q does not match %s", fig.Name, i, tk.Label, tt.labels)
					}
					if tk.Pos < p.Plot.X || tk.Pos > p.Plot.Right() {
						t.Errorf("%s tick %q at %v lies outside the plot [%v, %v]", fig.Name, tk.Label, tk.Pos, p.Plot.X, p.Plot.Right())
					}
					if i > 0 {
						prev := p.XTicks[i-1]
						_, r := labelSpan(prev, fig.FontSize)
						if l, _ := labelSpan(tk, fig.FontSize); l < r+4 {
							t.Errorf("%s labels %q and %q overlap: %v < %v", fig.Name, prev.Label, tk.Label, l, r+4)
						}
					}
				}
				if fig.Name == "wide" {
					for _, w := range tt.want {
						if !slices.Contains(labels, w) {
							t.Errorf("labels %q lack %q", labels, w)
						}
					}
				}
				if dayLabel.MatchString(p.XTicks[0].Label) && p.XTicks[0].Sub == "" {
					t.Errorf("first day tick %q has no year under it", p.XTicks[0].Label)
				}
			}
		})
	}
}

func TestXTicksMarkTheYearOnDays(t *testing.T) {
	c := New([]conflict.Estimate{est(1, "2016-12-25", conflict.Exact, "A", 1), est(2, "2017-01-06", conflict.Exact, "A", 2)}, Options{})
	var subs []string
	for _, tk := range only(c).XTicks {
		if tk.Sub != "" {
			subs = append(subs, tk.Label+" "+tk.Sub)
		}
	}
	if len(subs) != 2 || !strings.HasSuffix(subs[0], "2016") || !strings.HasSuffix(subs[1], "2017") {
		t.Errorf("ticks with a year = %q, want the first and the first of 2017", subs)
	}
}

// TestTimeAxisFollowsTheFilter: four days asked for are four days drawn,
// however long a claim in them runs.
func TestTimeAxisFollowsTheFilter(t *testing.T) {
	xs := []conflict.Estimate{
		est(1, "2016-09-10", conflict.Exact, "A", 100),
		est(2, "2016", conflict.Exact, "B", 200), // a year-long claim
	}
	from, to := edtf.MustParse("2016-09-09"), edtf.MustParse("2016-09-12")
	c := New(xs, Options{From: from, To: to})
	p := only(c)
	for _, tk := range p.XTicks {
		if !dayLabel.MatchString(tk.Label) {
			t.Errorf("tick %q: want days across four days", tk.Label)
		}
	}
	if first, last := p.XTicks[0].Label, p.XTicks[len(p.XTicks)-1].Label; first != "9 Sep" || last != "12 Sep" {
		t.Errorf("ticks run %s to %s, want 9 Sep to 12 Sep", first, last)
	}
	for _, m := range p.Marks {
		if m.X1 < p.Plot.X || m.X2 > p.Plot.Right() {
			t.Errorf("mark %d spans %v–%v, outside the plot %v–%v", m.ID, m.X1, m.X2, p.Plot.X, p.Plot.Right())
		}
	}
	// Without the filter the year stretches the axis.
	if wide := only(New(xs, Options{})); dayLabel.MatchString(wide.XTicks[0].Label) {
		t.Errorf("unfiltered axis ticks %q, want months across the year", wide.XTicks[0].Label)
	}
}

func TestYTicks(t *testing.T) {
	tests := []struct {
		name    string
		xs      []conflict.Estimate
		wantTop int64
	}{
		{"worked example", workedExample(), 10000},
		{"small counts", []conflict.Estimate{est(1, "2016", conflict.Exact, "A", 3)}, 3},
		{"zero", []conflict.Estimate{est(1, "2016", conflict.Exact, "A", 0)}, 1},
		{"low zero", []conflict.Estimate{est(1, "2016", conflict.Range, "A", 0, 450)}, 500},
		{"millions", []conflict.Estimate{est(1, "2016", conflict.AtMost, "A", 1_234_567)}, 1_400_000},
		{"at least needs room", []conflict.Estimate{est(1, "2016", conflict.AtLeast, "A", 10000)}, 12000},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := only(New(tt.xs, Options{}))
			if p.YTicks[0].Label != "0" || p.YTicks[0].Pos != p.Plot.Bottom() {
				t.Errorf("first Y tick = %+v, want 0 at the plot's bottom %v", p.YTicks[0], p.Plot.Bottom())
			}
			top := p.YTicks[len(p.YTicks)-1]
			if top.Label != conflict.FormatCount(tt.wantTop) || top.Pos != p.Plot.Y {
				t.Errorf("top Y tick = %+v, want %s at the plot's top %v", top, conflict.FormatCount(tt.wantTop), p.Plot.Y)
			}
			step := count(t, p.YTicks[1].Label)
			if !nice(step) {
				t.Errorf("Y step %d is not 1, 2 or 5 × 10ⁿ", step)
			}
			for i, tk := range p.YTicks {
				if got := count(t, tk.Label); got != int64(i)*step {
					t.Errorf("Y tick %d = %d, want %d", i, got, int64(i)*step)
				}
			}
			for _, m := range p.Marks {
				if m.Y < p.Plot.Y || m.YLow > p.Plot.Bottom() {
					t.Errorf("mark %d drawn at %v–%v, outside the plot", m.ID, m.Y, m.YLow)
				}
			}
		})
	}
}

func count(t *testing.T, label string) int64 {
	t.Helper()
	n, err := strconv.ParseInt(strings.ReplaceAll(label, ",", ""), 10, 64)
	if err != nil {
		t.Fatalf("Y label %q is not a count: %v", label, err)
	}
	return n
}

func nice(n int64) bool {
	for n >= 10 && n%10 == 0 {
		n /= 10
	}
	return n == 1 || n == 2 || n == 5
}

func TestLeftMarginFitsLabels(t *testing.T) {
	small := only(New([]conflict.Estimate{est(1, "2016", conflict.Exact, "A", 40)}, Options{}))
	big := only(New([]conflict.Estimate{est(1, "2016", conflict.Exact, "A", 3_500_000)}, Options{}))
	if big.Plot.X <= small.Plot.X {
		t.Errorf("plot starts at %v for millions and %v for tens; want more room for longer labels", big.Plot.X, small.Plot.X)
	}
	for _, tk := range big.YTicks {
		if left := big.YLabelX - textWidth(tk.Label, FontSize); left < 0 {
			t.Errorf("label %q starts at %v, outside the chart", tk.Label, left)
		}
	}
}

func TestOpenIntervalDrawsItsKnownEnd(t *testing.T) {
	p := only(New([]conflict.Estimate{
		est(1, "2016-07/..", conflict.Exact, "A", 1),
		est(2, "2016-09-01", conflict.Exact, "A", 2),
	}, Options{}))
	if len(p.XTicks) == 0 || !monthLabel.MatchString(p.XTicks[0].Label) && !dayLabel.MatchString(p.XTicks[0].Label) {
		t.Errorf("an open end stretched the axis: ticks %v", p.XTicks)
	}
}

// labelSpan is where an X label runs, by its anchor.
func labelSpan(tk Tick, font float64) (left, right float64) {
	w := max(textWidth(tk.Label, font), textWidth(tk.Sub, font))
	switch tk.Anchor {
	case "start":
		return tk.Pos, tk.Pos + w
	case "end":
		return tk.Pos - w, tk.Pos
	}
	return tk.Pos - w/2, tk.Pos + w/2
}
