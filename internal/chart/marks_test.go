package chart

import (
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/edtf"
)

func TestMarkKinds(t *testing.T) {
	tests := []struct {
		e      conflict.Estimate
		kind   Kind
		hollow bool
		strict bool
	}{
		{est(1, "2016-09-01", conflict.Exact, "A", 5000), Point, false, false},
		{est(2, "2016-09-02", conflict.About, "A", 5000), Point, true, false},
		{est(3, "2016-09-03", conflict.Range, "A", 3000, 4500), Bar, false, false},
		{est(4, "2016-09-04", conflict.AtLeast, "A", 2000), Up, false, false},
		{est(5, "2016-09-05", conflict.AtMost, "A", 10000), Down, false, false},
		{est(6, "2016-09-06", conflict.MoreThan, "A", 2000), Up, false, true},
		{est(7, "2016-09-07", conflict.FewerThan, "A", 8000), Down, false, true},
	}
	var xs []conflict.Estimate
	for _, tt := range tests {
		xs = append(xs, tt.e)
	}
	p := only(New(xs, Options{EstimateURL: func(id conflict.EstimateID) string { return fmt.Sprintf("/estimates/%d", id) }}))
	if len(p.Marks) != len(tests) {
		t.Fatalf("%d marks, want %d", len(p.Marks), len(tests))
	}
	y := func(v float64) float64 { return p.Plot.Bottom() - v/10000*p.Plot.H }
	for i, tt := range tests {
		m := p.Marks[i]
		t.Run(string(tt.e.Qualifier), func(t *testing.T) {
			if m.Kind != tt.kind || m.Hollow != tt.hollow || m.Strict != tt.strict {
				t.Errorf("mark = %v hollow %v strict %v, want %v hollow %v strict %v", m.Kind, m.Hollow, m.Strict, tt.kind, tt.hollow, tt.strict)
			}
			if m.URL != fmt.Sprintf("/estimates/%d", tt.e.ID) {
				t.Errorf("URL = %q", m.URL)
			}
			if m.X1 != m.X2 || m.X != m.X1 {
				t.Errorf("a day is a point, got X1 %v X %v X2 %v", m.X1, m.X, m.X2)
			}
			if len(m.Parts) == 0 || m.Focus == "" || m.Colour == "" {
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
				if v := tt.e.High.Value; !near(m.Y, y(float64(v))) {
					t.Errorf("as many as %d drawn at %v, want %v", v, m.Y, y(float64(v)))
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

// TestOpenBoundsReachTheEdge: "as many as" and "at least" are drawn as
// extents fading to the plot's edge with an arrow there, not as points:
// a ceiling of 10,000 must not read as a claim of 10,000.
func TestOpenBoundsReachTheEdge(t *testing.T) {
	c := New([]conflict.Estimate{
		est(1, "2016-07-01", conflict.AtMost, "A", 10000),
		est(2, "2016-08-01", conflict.AtLeast, "A", 2000),
		est(3, "2016-09-01", conflict.Exact, "A", 5000),
		est(4, "2016-09-15", conflict.FewerThan, "A", 6000),
	}, Options{})
	p := only(c)
	down, up, point, fewer := p.Marks[0], p.Marks[1], p.Marks[2], p.Marks[3]
	if down.Box.Bottom() < p.Plot.Bottom()-0.5 {
		t.Errorf("as many as reaches down to %v, want the plot's bottom %v", down.Box.Bottom(), p.Plot.Bottom())
	}
	if up.Box.Y > p.Plot.Y+0.5 {
		t.Errorf("at least reaches up to %v, want the plot's top %v", up.Box.Y, p.Plot.Y)
	}
	if point.Box.H > 12 {
		t.Errorf("a point is %v tall, want a small shape", point.Box.H)
	}
	for _, m := range []Mark{down, up} {
		faded := false
		for _, part := range m.Parts {
			if strings.HasPrefix(part.Fill, "url(#") {
				faded = true
			}
		}
		if !faded {
			t.Errorf("%v mark has no fading extent: %+v", m.Kind, m.Parts)
		}
	}
	dashed := false
	for _, part := range fewer.Parts {
		dashed = dashed || part.Dash != ""
	}
	if !dashed {
		t.Error("fewer than is drawn like as many as; want a dashed cap")
	}
	if len(c.Wide.Gradients) == 0 {
		t.Error("no gradients defined for the fades")
	}
}

func TestMarkSpans(t *testing.T) {
	p := only(New([]conflict.Estimate{
		est(1, "2016-07", conflict.Exact, "A", 1),
		est(2, "2016-09", conflict.Exact, "A", 1),
		est(3, "2016-08-01", conflict.Exact, "A", 1),
		est(4, "2016-07-15/2016-07-16", conflict.Exact, "A", 1),
	}, Options{}))
	byID := map[conflict.EstimateID]Mark{}
	for _, m := range p.Marks {
		byID[m.ID] = m
	}
	jul, sep, aug1, interval := byID[1], byID[2], byID[3], byID[4]
	if got, want := (jul.X2-jul.X1)/(sep.X2-sep.X1), 31.0/30; math.Abs(got-want) > 0.01 {
		t.Errorf("July is %v as wide as September, want %v", got, want)
	}
	dayW := (sep.X2 - sep.X1) / 30
	if aug1.X1 != aug1.X2 || math.Abs(aug1.X-jul.X2-dayW/2) > 0.2 {
		t.Errorf("1 Aug at %v, July ends at %v; want half a day (%v) after", aug1.X, jul.X2, dayW/2)
	}
	if got := interval.X2 - interval.X1; math.Abs(got-2*dayW) > 0.2 {
		t.Errorf("a two-day interval is %v wide, want %v", got, 2*dayW)
	}
}

// TestSameDateClaimsStandSideBySide: claims of one day are dodged around
// the day, none hiding another.
func TestSameDateClaimsStandSideBySide(t *testing.T) {
	var xs []conflict.Estimate
	for i := range 6 {
		xs = append(xs, est(i+1, "2016-09-29", conflict.Exact, fmt.Sprintf("Claimant %d", i), 4000))
	}
	xs = append(xs, est(7, "2016-09-29", conflict.Range, "Claimant 6", 3000, 4500))
	p := only(New(xs, Options{}))
	mid := p.Plot.X + p.Plot.W/2
	sum := 0.0
	for i, a := range p.Marks {
		sum += a.X
		for _, b := range p.Marks[i+1:] {
			if a.Box.X < b.Box.Right() && b.Box.X < a.Box.Right() {
				t.Errorf("marks %d (%v–%v) and %d (%v–%v) overlap", a.ID, a.Box.X, a.Box.Right(), b.ID, b.Box.X, b.Box.Right())
			}
		}
	}
	if avg := sum / float64(len(p.Marks)); math.Abs(avg-mid) > 3 {
		t.Errorf("the crowd centres on %v, want the day at %v", avg, mid)
	}
}

func TestManyMarksAreSmall(t *testing.T) {
	var xs []conflict.Estimate
	for i := range 500 {
		xs = append(xs, est(i+1, fmt.Sprintf("2016-%02d-%02d", 1+i%12, 1+i%28), conflict.Range, "A", int64(i), int64(i+100)))
	}
	few, many := New(xs[:2], Options{}), New(xs, Options{})
	if n := len(only(many).Marks); n != 500 {
		t.Fatalf("%d marks, want 500", n)
	}
	if many.Wide.StrokeWidth >= few.Wide.StrokeWidth || many.Wide.StrokeWidth > 1 {
		t.Errorf("stroke width %v for 500 marks and %v for 2, want thinner, at most 1, for many", many.Wide.StrokeWidth, few.Wide.StrokeWidth)
	}
	ms := only(many).Marks
	for i := 1; i < len(ms); i++ {
		if ms[i].X1 < ms[i-1].X1 {
			t.Fatalf("mark %d starts at %v, before mark %d at %v", i, ms[i].X1, i-1, ms[i-1].X1)
		}
	}
}

// TestManyClaimsBecomeBands charts ten thousand claims: past MaxMarks each
// claimant's claims are one band from the lowest to the highest claim at
// each time, whose title counts them, linking to the list of them.
func TestManyClaimsBecomeBands(t *testing.T) {
	var xs []conflict.Estimate
	claimants := []string{"Officials", "Monitor", "Council"}
	day := time.Date(2014, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := 0; i < 10000; i++ {
		d := day.AddDate(0, 0, i%2000).Format("2006-01-02")
		xs = append(xs, est(i+1, d, conflict.Exact, claimants[i%3], int64(1000+i%700)))
	}
	c := New(xs, Options{EstimateURL: func(id conflict.EstimateID) string { return "/e" },
		GroupURL: func(claimant string, from, to edtf.Date) string { return "/g?" + claimant }})
	p := only(c)
	if len(p.Marks) != len(claimants) || !c.Banded {
		t.Fatalf("New(10,000 estimates) drew %d marks (banded %v), want one band per claimant", len(p.Marks), c.Banded)
	}
	total := 0
	for _, m := range p.Marks {
		if m.Kind != Band || !strings.HasPrefix(m.URL, "/g?") {
			t.Errorf("mark %q is %v linking %q, want a band linking its claims", m.Title, m.Kind, m.URL)
		}
		if !strings.Contains(m.Title, "from 1,000 to 1,699 fighters") {
			t.Errorf("band title %q, want the lowest and highest claims", m.Title)
		}
		total += m.Count
	}
	if total != len(xs) {
		t.Errorf("bands cover %d claims, want all %d", total, len(xs))
	}
	if !strings.Contains(c.Summary, "the table lists each claim") {
		t.Errorf("Summary = %q, want it to say where the claims are listed", c.Summary)
	}
}

// TestBandAfterBandsSooner: a page that lists every claim in a table may
// band past fewer claims than MaxMarks; the narrow figure bands sooner
// still, and the summary names the count the bands start at.
func TestBandAfterBandsSooner(t *testing.T) {
	var xs []conflict.Estimate
	for i := range 120 {
		d := time.Date(2015, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, i*3).Format("2006-01-02")
		xs = append(xs, est(i+1, d, conflict.Exact, []string{"Officials", "Monitor"}[i%2], int64(1000+i)))
	}
	opts := Options{GroupURL: func(claimant string, from, to edtf.Date) string { return "/g?" + claimant }}
	if c := New(xs, opts); c.Banded || len(only(c).Marks) != 120 {
		t.Fatalf("120 claims drew %d marks (banded %v), want each claim", len(only(c).Marks), c.Banded)
	}
	opts.BandAfter = 100
	c := New(xs, opts)
	if !c.Banded || len(only(c).Marks) != 2 || len(c.Narrow.Panels[0].Marks) != 2 {
		t.Fatalf("past BandAfter drew %d wide and %d narrow marks, want a band per claimant in each", len(only(c).Marks), len(c.Narrow.Panels[0].Marks))
	}
	for _, m := range only(c).Marks {
		if m.Kind != Band || m.Count != 60 || !strings.HasPrefix(m.URL, "/g?") {
			t.Errorf("mark %q counts %d, links %q; want a band of 60 claims linking them", m.Title, m.Count, m.URL)
		}
	}
	if !strings.Contains(c.Summary, "Past 100 claims each band") {
		t.Errorf("Summary = %q, want it to say bands start past 100 claims", c.Summary)
	}
	// 45 claims are drawn one by one on a wide screen, banded on a phone.
	opts.BandAfter = 50
	c = New(xs[:45], opts)
	if len(only(c).Marks) != 45 || len(c.Narrow.Panels[0].Marks) != 2 {
		t.Errorf("45 claims drew %d wide and %d narrow marks, want 45 and a band per claimant", len(only(c).Marks), len(c.Narrow.Panels[0].Marks))
	}
}

// TestBandPathsAreCompact: a band whose height holds across slices draws
// one line across them, not a step per slice.
func TestBandPathsAreCompact(t *testing.T) {
	var xs []conflict.Estimate
	for i := range 600 {
		d := time.Date(2015, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, i).Format("2006-01-02")
		xs = append(xs, est(i+1, d, conflict.Range, "Officials", 1000, 2000))
	}
	p := only(New(xs, Options{}))
	if len(p.Marks) != 1 {
		t.Fatalf("%d marks, want one band", len(p.Marks))
	}
	d := p.Marks[0].Parts[0].D
	if n := strings.Count(d, "H") + strings.Count(d, "V"); n > 4 {
		t.Errorf("band of one height has %d commands (%s), want a rectangle", n, d)
	}
}

// TestBandsByTypePastTenClaimants: with more claimants than the legend
// names one by one, a band stands for each type of claimant.
func TestBandsByTypePastTenClaimants(t *testing.T) {
	var cs []Claim
	types := []string{"government", "media", ""}
	for i := range 900 {
		e := est(i+1, time.Date(2015, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, i).Format("2006-01-02"), conflict.Exact,
			fmt.Sprintf("Claimant %d", i%15), int64(100+i))
		cs = append(cs, Claim{Estimate: &e, ClaimantType: types[i%15%3]})
	}
	var asked []string
	c := NewClaims(cs, Options{TypeURL: func(ct string) string { asked = append(asked, ct); return "/t?" + ct }})
	p := only(c)
	if len(p.Marks) != 3 {
		t.Fatalf("%d bands, want one per type (3)", len(p.Marks))
	}
	if len(c.Groups) != 3 {
		t.Errorf("legend has %d groups, want 3", len(c.Groups))
	}
	for _, m := range p.Marks {
		if !strings.Contains(m.Title, "by 5 claimants") || !strings.HasPrefix(m.URL, "/t?") {
			t.Errorf("band %q links %q; want 5 claimants and the type's list", m.Title, m.URL)
		}
	}
}

func TestShapesDiffer(t *testing.T) {
	seen := map[string]Shape{}
	for s := Circle; s <= Star; s++ {
		d := shapePath(s, 7, 7, 5)
		if prev, ok := seen[d]; ok {
			t.Errorf("%v draws as %v does", s, prev)
		}
		seen[d] = s
		if !strings.HasPrefix(d, "M") || !strings.HasSuffix(d, "Z") {
			t.Errorf("%v path %q is not closed", s, d)
		}
	}
}

func TestKey(t *testing.T) {
	c := New(workedExample(), Options{})
	var labels []string
	for _, k := range c.Key {
		labels = append(labels, k.Label)
	}
	want := "range, low to high|as many as (open down to zero)|period (month, year or interval)"
	if got := strings.Join(labels, "|"); got != want {
		t.Errorf("key = %q, want %q", got, want)
	}
}
