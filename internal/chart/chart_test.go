package chart

import (
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/edtf"
)

var islamicState = conflict.ActorRef{ID: 1, Slug: "islamic-state", Name: "Islamic State"}

// est is an estimate of Islamic State in Mosul; values are low then high,
// or one value.
func est(id int, asOf string, q conflict.Qualifier, claimant string, values ...int64) conflict.Estimate {
	e := conflict.Estimate{
		ID: conflict.EstimateID(id), Force: islamicState,
		Place: &conflict.PlaceRef{ID: 1, Slug: "mosul", Name: "Mosul"},
		AsOf:  edtf.MustParse(asOf), Unit: "fighters", Qualifier: q, Claimant: claimant,
	}
	switch q {
	case conflict.AtMost:
		e.High = conflict.Count(values[0])
	case conflict.AtLeast:
		e.Low = conflict.Count(values[0])
	case conflict.Range:
		e.Low, e.High = conflict.Count(values[0]), conflict.Count(values[1])
	default:
		e.Low, e.High = conflict.Count(values[0]), conflict.Count(values[0])
	}
	return e
}

// workedExample is the two estimates of the VOA report of 29 Sep 2016.
func workedExample() []conflict.Estimate {
	return []conflict.Estimate{
		est(1, "2016-09-29", conflict.Range, "U.S. military officials", 3000, 4500),
		est(2, "2016-07", conflict.AtMost, "Coalition estimates", 10000),
	}
}

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
			if len(c.XTicks) < 3 {
				t.Fatalf("XTicks = %v, want at least 3", c.XTicks)
			}
			var labels []string
			for i, tk := range c.XTicks {
				labels = append(labels, tk.Label)
				if !tt.labels.MatchString(tk.Label) {
					t.Errorf("tick %d label %q does not match %s", i, tk.Label, tt.labels)
				}
				if tk.Pos < c.Plot.X || tk.Pos > c.Plot.Right() {
					t.Errorf("tick %q at %v lies outside the plot [%v, %v]", tk.Label, tk.Pos, c.Plot.X, c.Plot.Right())
				}
				if i > 0 {
					prev := c.XTicks[i-1]
					room := (textWidth(prev.Label, FontSize) + textWidth(tk.Label, FontSize)) / 2
					if tk.Pos-prev.Pos < room+4 {
						t.Errorf("labels %q and %q are %v apart, too close", prev.Label, tk.Label, tk.Pos-prev.Pos)
					}
				}
			}
			for _, w := range tt.want {
				if !slices.Contains(labels, w) {
					t.Errorf("labels %q lack %q", labels, w)
				}
			}
			if tt.labels == dayLabel && c.XTicks[0].Sub == "" {
				t.Errorf("first day tick %q has no year under it", c.XTicks[0].Label)
			}
		})
	}
}

func TestXTicksMarkTheYearOnDays(t *testing.T) {
	c := New([]conflict.Estimate{est(1, "2016-12-25", conflict.Exact, "A", 1), est(2, "2017-01-06", conflict.Exact, "A", 2)}, Options{})
	var subs []string
	for _, tk := range c.XTicks {
		if tk.Sub != "" {
			subs = append(subs, tk.Label+" "+tk.Sub)
		}
	}
	if len(subs) != 2 || !strings.HasSuffix(subs[0], "2016") || !strings.HasSuffix(subs[1], "2017") {
		t.Errorf("ticks with a year = %q, want the first and the first of 2017", subs)
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
			c := New(tt.xs, Options{})
			if c.YTicks[0].Label != "0" || c.YTicks[0].Pos != c.Plot.Bottom() {
				t.Errorf("first Y tick = %+v, want 0 at the plot's bottom %v", c.YTicks[0], c.Plot.Bottom())
			}
			top := c.YTicks[len(c.YTicks)-1]
			if top.Label != conflict.FormatCount(tt.wantTop) || top.Pos != c.Plot.Y {
				t.Errorf("top Y tick = %+v, want %s at the plot's top %v", top, conflict.FormatCount(tt.wantTop), c.Plot.Y)
			}
			step := count(t, c.YTicks[1].Label)
			if !nice(step) {
				t.Errorf("Y step %d is not 1, 2 or 5 × 10ⁿ", step)
			}
			for i, tk := range c.YTicks {
				if got := count(t, tk.Label); got != int64(i)*step {
					t.Errorf("Y tick %d = %d, want %d", i, got, int64(i)*step)
				}
			}
			for _, m := range c.Marks {
				if m.Y < c.Plot.Y || m.YLow > c.Plot.Bottom() {
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
	small := New([]conflict.Estimate{est(1, "2016", conflict.Exact, "A", 40)}, Options{})
	big := New([]conflict.Estimate{est(1, "2016", conflict.Exact, "A", 3_500_000)}, Options{})
	if big.Plot.X <= small.Plot.X {
		t.Errorf("plot starts at %v for millions and %v for tens; want more room for longer labels", big.Plot.X, small.Plot.X)
	}
	for _, tk := range big.YTicks {
		// Labels end 8 units left of the axis.
		if left := big.Plot.X - 8 - textWidth(tk.Label, FontSize); left < 0 {
			t.Errorf("label %q starts at %v, outside the chart", tk.Label, left)
		}
	}
}

func TestMarkKinds(t *testing.T) {
	tests := []struct {
		e      conflict.Estimate
		kind   Kind
		hollow bool
	}{
		{est(1, "2016-09-01", conflict.Exact, "A", 5000), Point, false},
		{est(2, "2016-09-02", conflict.About, "A", 5000), Point, true},
		{est(3, "2016-09-03", conflict.Range, "A", 3000, 4500), Bar, false},
		{est(4, "2016-09-04", conflict.AtLeast, "A", 2000), Up, false},
		{est(5, "2016-09-05", conflict.AtMost, "A", 10000), Down, false},
	}
	var xs []conflict.Estimate
	for _, tt := range tests {
		xs = append(xs, tt.e)
	}
	c := New(xs, Options{EstimateURL: func(id conflict.EstimateID) string { return fmt.Sprintf("/estimates/%d", id) }})
	if len(c.Marks) != len(tests) {
		t.Fatalf("%d marks, want %d", len(c.Marks), len(tests))
	}
	y := func(v float64) float64 { return c.Plot.Bottom() - v/10000*c.Plot.H }
	for i, tt := range tests {
		m := c.Marks[i]
		t.Run(string(tt.e.Qualifier), func(t *testing.T) {
			if m.Kind != tt.kind || m.Hollow != tt.hollow {
				t.Errorf("mark = %v hollow %v, want %v hollow %v", m.Kind, m.Hollow, tt.kind, tt.hollow)
			}
			if m.URL != fmt.Sprintf("/estimates/%d", tt.e.ID) {
				t.Errorf("URL = %q", m.URL)
			}
			if m.X1 != m.X2 || m.X != m.X1 {
				t.Errorf("a day is a point, got X1 %v X %v X2 %v", m.X1, m.X, m.X2)
			}
			if m.Path == "" || m.Focus == "" || m.Colour == "" {
				t.Errorf("mark lacks drawing: %+v", m)
			}
			switch tt.kind {
			case Bar:
				if !near(m.YLow, y(3000)) || !near(m.YHigh, y(4500)) {
					t.Errorf("bar from %v to %v, want %v to %v", m.YLow, m.YHigh, y(3000), y(4500))
				}
			case Up:
				if !near(m.Y, y(2000)) {
					t.Errorf("at least 2,000 drawn at %v, want %v", m.Y, y(2000))
				}
			case Down:
				if !near(m.Y, y(10000)) {
					t.Errorf("as many as 10,000 drawn at %v, want %v", m.Y, y(10000))
				}
			default:
				if !near(m.Y, y(5000)) {
					t.Errorf("5,000 drawn at %v, want %v", m.Y, y(5000))
				}
			}
		})
	}
}

func near(a, b float64) bool { return math.Abs(a-b) <= 0.11 }

func TestMarkSpans(t *testing.T) {
	c := New([]conflict.Estimate{
		est(1, "2016-07", conflict.Exact, "A", 1),
		est(2, "2016-09", conflict.Exact, "A", 1),
		est(3, "2016-08-01", conflict.Exact, "A", 1),
		est(4, "2016-07-15/2016-07-16", conflict.Exact, "A", 1),
	}, Options{})
	byID := map[conflict.EstimateID]Mark{}
	for _, m := range c.Marks {
		byID[m.ID] = m
	}
	jul, sep, aug1, interval := byID[1], byID[2], byID[3], byID[4]
	// July has 31 days, September 30.
	if got, want := (jul.X2-jul.X1)/(sep.X2-sep.X1), 31.0/30; math.Abs(got-want) > 0.01 {
		t.Errorf("July is %v as wide as September, want %v", got, want)
	}
	dayW := (sep.X2 - sep.X1) / 30
	// The 1st of August is a point in the middle of its day, just after July.
	if aug1.X1 != aug1.X2 || math.Abs(aug1.X-jul.X2-dayW/2) > 0.2 {
		t.Errorf("1 Aug at %v, July ends at %v; want half a day (%v) after", aug1.X, jul.X2, dayW/2)
	}
	if jul.X != round1((jul.X1+jul.X2)/2) {
		t.Errorf("July's value at %v, want the middle of %v–%v", jul.X, jul.X1, jul.X2)
	}
	if got := interval.X2 - interval.X1; math.Abs(got-2*dayW) > 0.2 {
		t.Errorf("a two-day interval is %v wide, want %v", got, 2*dayW)
	}
}

func TestSingleDayIsCentred(t *testing.T) {
	for _, xs := range [][]conflict.Estimate{
		{est(1, "2016-09-29", conflict.Range, "A", 3000, 4500)},
		{est(1, "2016-09-29", conflict.Exact, "A", 3000), est(2, "2016-09-29", conflict.About, "B", 4000)},
	} {
		c := New(xs, Options{})
		for _, m := range c.Marks {
			if mid := c.Plot.X + c.Plot.W/2; math.Abs(m.X-mid) > 0.5 {
				t.Errorf("mark at %v, want the plot's middle %v", m.X, mid)
			}
		}
	}
}

func TestMarkTitle(t *testing.T) {
	c := New(workedExample(), Options{})
	want := []string{
		"as many as 10,000 fighters, Islamic State in Mosul, as of July 2016, claimed by Coalition estimates",
		"3,000–4,500 fighters, Islamic State in Mosul, as of 29 Sep 2016, claimed by U.S. military officials",
	}
	for i, m := range c.Marks {
		if m.Title != want[i] {
			t.Errorf("mark %d title = %q, want %q", i, m.Title, want[i])
		}
	}
}

func TestSummary(t *testing.T) {
	tests := []struct {
		name string
		xs   []conflict.Estimate
		want string
	}{
		{"worked example", workedExample(),
			"2 estimates of Islamic State from July 2016 to 29 Sep 2016, ranging from 3,000 to 10,000 fighters, by 2 claimants."},
		{"one", workedExample()[:1],
			"1 estimate of Islamic State, as of 29 Sep 2016: 3,000–4,500 fighters, by U.S. military officials."},
		{"same day", []conflict.Estimate{est(1, "2016-09-29", conflict.Exact, "A", 4000), est(2, "2016-09-29", conflict.About, "A", 4000)},
			"2 estimates of Islamic State as of 29 Sep 2016, all of 4,000 fighters, by 1 claimant."},
		{"interval", []conflict.Estimate{est(1, "2016-07/2016-09", conflict.Exact, "A", 10), est(2, "2016-08-02", conflict.Exact, "B", 20)},
			"2 estimates of Islamic State from July 2016 to September 2016, ranging from 10 to 20 fighters, by 2 claimants."},
		{"within a month", []conflict.Estimate{est(1, "2016-07", conflict.Exact, "A", 10), est(2, "2016-07-02", conflict.Exact, "A", 20)},
			"2 estimates of Islamic State within July 2016, ranging from 10 to 20 fighters, by 1 claimant."},
		{"none", nil, "No estimates to chart."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := New(tt.xs, Options{}).Summary; got != tt.want {
				t.Errorf("Summary = %q\nwant      %q", got, tt.want)
			}
		})
	}
}

func TestEmpty(t *testing.T) {
	noValue := est(1, "2016", conflict.Exact, "A", 1)
	noValue.Low, noValue.High = conflict.Bound{}, conflict.Bound{}
	for _, xs := range [][]conflict.Estimate{nil, {}, {noValue}} {
		c := New(xs, Options{})
		if !c.Empty || len(c.Marks) != 0 || c.Summary == "" || c.Title == "" {
			t.Errorf("New(%d estimates without values) = %+v, want an empty chart with a summary", len(xs), c)
		}
	}
	if c := New(workedExample(), Options{}); c.Empty {
		t.Error("the worked example is empty")
	}
}

func TestLegend(t *testing.T) {
	red := &conflict.ActorRef{ID: 9, Name: "Iraqi security forces", Colour: "#AA0000"}
	xs := []conflict.Estimate{
		est(1, "2016-01", conflict.Exact, "Coalition estimates", 1),
		est(2, "2016-02", conflict.Exact, "U.S. military officials", 2),
		est(3, "2016-03", conflict.Exact, "Iraqi security forces", 3),
		est(4, "2016-04", conflict.Exact, "Iraqi army", 4),
		est(5, "2016-05", conflict.Exact, "Coalition estimates", 5),
	}
	xs[2].ClaimantActor = red
	// The same colour again: the first claimant in the legend keeps it.
	xs[3].ClaimantActor = &conflict.ActorRef{ID: 10, Name: "Iraqi army", Colour: "#aa0000"}
	c := New(xs, Options{})
	want := []LegendEntry{
		{Claimant: "Coalition estimates", Colour: Palette[0], Shape: Circle, Count: 2},
		{Claimant: "Iraqi army", Colour: "#aa0000", Shape: Square, Count: 1},
		{Claimant: "Iraqi security forces", Colour: Palette[1], Shape: Diamond, Count: 1},
		{Claimant: "U.S. military officials", Colour: Palette[2], Shape: Triangle, Count: 1},
	}
	if len(c.Legend) != len(want) {
		t.Fatalf("legend = %+v, want %d entries", c.Legend, len(want))
	}
	for i, l := range c.Legend {
		w := want[i]
		if l.Claimant != w.Claimant || l.Colour != w.Colour || l.Shape != w.Shape || l.Count != w.Count || l.Swatch == "" {
			t.Errorf("legend[%d] = %+v, want %+v", i, l, w)
		}
	}
	// Marks take their claimant's colour and shape.
	for _, m := range c.Marks {
		if m.ID == 4 && (m.Colour != "#aa0000" || m.Shape != Square) {
			t.Errorf("mark 4 = %s %v, want #aa0000 square", m.Colour, m.Shape)
		}
	}
	// The same estimates in another order get the same legend.
	rev := slices.Clone(xs)
	slices.Reverse(rev)
	if again := New(rev, Options{}); !slices.Equal(again.Legend, c.Legend) {
		t.Errorf("legend changed with the estimates' order:\n%+v\n%+v", again.Legend, c.Legend)
	}
}

func TestLegendDistinctFor32Claimants(t *testing.T) {
	var xs []conflict.Estimate
	for i := range 32 {
		xs = append(xs, est(i+1, "2016", conflict.Exact, fmt.Sprintf("Claimant %02d", i), 1))
	}
	seen := map[string]bool{}
	for _, l := range New(xs, Options{}).Legend {
		key := l.Colour + " " + l.Shape.String()
		if seen[key] {
			t.Errorf("%s shares %s with another claimant", l.Claimant, key)
		}
		seen[key] = true
	}
}

func TestPaletteContrast(t *testing.T) {
	if len(Palette) != 8 {
		t.Errorf("palette has %d colours, want 8", len(Palette))
	}
	for _, c := range Palette {
		if w := contrast(c, "#ffffff"); w < 3 {
			t.Errorf("%s has contrast %.2f on white, want ≥ 3", c, w)
		}
		if d := contrast(c, "#111111"); d < 3 {
			t.Errorf("%s has contrast %.2f on #111, want ≥ 3", c, d)
		}
	}
}

// contrast is the WCAG contrast ratio of two colours.
func contrast(a, b string) float64 {
	la, lb := luminance(a), luminance(b)
	return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)
}

func luminance(hex string) float64 {
	v, _ := strconv.ParseUint(hex[1:], 16, 32)
	ch := func(c uint64) float64 {
		x := float64(c) / 255
		if x <= 0.03928 {
			return x / 12.92
		}
		return math.Pow((x+0.055)/1.055, 2.4)
	}
	return 0.2126*ch(v>>16&255) + 0.7152*ch(v>>8&255) + 0.0722*ch(v&255)
}

func TestManyMarksAreSmall(t *testing.T) {
	var xs []conflict.Estimate
	for i := range 500 {
		xs = append(xs, est(i+1, fmt.Sprintf("2016-%02d-%02d", 1+i%12, 1+i%28), conflict.Range, "A", int64(i), int64(i+100)))
	}
	few, many := New(xs[:2], Options{}), New(xs, Options{})
	if len(many.Marks) != 500 {
		t.Fatalf("%d marks, want 500", len(many.Marks))
	}
	if many.StrokeWidth >= few.StrokeWidth || many.StrokeWidth > 1 {
		t.Errorf("stroke width %v for 500 marks and %v for 2, want thinner, at most 1, for many", many.StrokeWidth, few.StrokeWidth)
	}
	// Marks run from earliest to latest, the order a keyboard reaches them.
	for i := 1; i < len(many.Marks); i++ {
		if many.Marks[i].X1 < many.Marks[i-1].X1 {
			t.Fatalf("mark %d starts at %v, before mark %d at %v", i, many.Marks[i].X1, i-1, many.Marks[i-1].X1)
		}
	}
}

func TestOpenIntervalDrawsItsKnownEnd(t *testing.T) {
	c := New([]conflict.Estimate{
		est(1, "2016-07/..", conflict.Exact, "A", 1),
		est(2, "2016-09-01", conflict.Exact, "A", 2),
	}, Options{})
	if len(c.XTicks) == 0 || !monthLabel.MatchString(c.XTicks[0].Label) && !dayLabel.MatchString(c.XTicks[0].Label) {
		t.Errorf("an open end stretched the axis: ticks %v", c.XTicks)
	}
}

func TestKey(t *testing.T) {
	c := New(workedExample(), Options{})
	var labels []string
	for _, k := range c.Key {
		labels = append(labels, k.Label)
	}
	want := []string{"range, low to high", "as many as", "period (month, year or interval)"}
	if !slices.Equal(labels, want) {
		t.Errorf("key = %q, want %q", labels, want)
	}
}

// TestManyEstimatesAreGrouped charts ten thousand claims: past MaxMarks,
// each claimant's nearby claims become one bar whose title counts them, so
// the chart stays legible and small, and every claim is still covered.
func TestManyEstimatesAreGrouped(t *testing.T) {
	var xs []conflict.Estimate
	claimants := []string{"Officials", "Monitor", "Council"}
	day := time.Date(2014, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := 0; i < 10000; i++ {
		d := day.AddDate(0, 0, i%2000).Format("2006-01-02")
		xs = append(xs, est(i+1, d, conflict.Exact, claimants[i%3], int64(1000+i%700)))
	}
	var grouped []string
	c := New(xs, Options{EstimateURL: func(id conflict.EstimateID) string { return "/e" },
		GroupURL: func(claimant string, from, to edtf.Date) string {
			grouped = append(grouped, claimant+" "+from.String()+"/"+to.String())
			return "/g"
		}})
	if len(c.Marks) > MaxMarks+len(claimants) {
		t.Errorf("New(10,000 estimates) drew %d marks, want at most %d", len(c.Marks), MaxMarks+len(claimants))
	}
	if len(grouped) == 0 {
		t.Fatal("no mark groups claims; want grouped bars past MaxMarks")
	}
	total := 0
	for _, m := range c.Marks {
		var n int
		if _, err := fmt.Sscanf(m.Title, "%d claims by", &n); err == nil {
			total += n
			if m.URL != "/g" {
				t.Errorf("grouped mark links to %q, want the group's list", m.URL)
			}
		} else {
			total++
		}
	}
	if total != len(xs) {
		t.Errorf("marks cover %d claims, want all %d", total, len(xs))
	}
	if !strings.Contains(c.Summary, "drawn together") {
		t.Errorf("Summary = %q, want it to say that nearby claims are grouped", c.Summary)
	}
}
