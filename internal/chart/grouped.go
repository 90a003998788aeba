package chart

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/sitrep/sitrep/internal/conflict"
)

// Grouped lays out the chart of a force's claims summed up in groups (see
// conflict.ClaimGroup), for forces with too many claims to read one by
// one. Each group is drawn as a low–high bar from the lowest to the highest
// number any of its claims gave, across the time they cover, exactly as
// New draws nearby claims past MaxMarks: nothing is averaged, and each
// bar's title says how many claims it holds. Groups of one claimant that
// fall within a few units of each other are merged, so that there are
// never many more than MaxMarks marks.
func Grouped(groups []conflict.ClaimGroup, opts Options) Chart {
	c := Chart{
		ID:         cmp.Or(opts.ID, "estimate-chart"),
		Width:      cmp.Or(opts.Width, DefaultWidth),
		Height:     cmp.Or(opts.Height, DefaultHeight),
		LinkTarget: opts.LinkTarget,
	}
	gs := make([]conflict.ClaimGroup, 0, len(groups))
	total := 0
	var names []string
	for _, g := range groups {
		if g.Count > 0 && !g.From.IsZero() && !g.To.IsZero() {
			gs = append(gs, g)
			total += g.Count
			if g.Force.Name != "" && !slices.Contains(names, g.Force.Name) {
				names = append(names, g.Force.Name)
			}
		}
	}
	force := "a force"
	switch {
	case len(names) == 1:
		force = names[0]
	case len(names) > 1:
		force = strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
	}
	c.Title = "Estimates"
	if len(gs) == 0 {
		c.Empty = true
		c.Summary = "No estimates to chart."
		return c
	}
	c.Title = "Estimates of " + force
	// Earliest first, which is also the order a keyboard reaches the marks.
	// Each group's times are worked out once.
	spans := make([]groupSpan, len(gs))
	for i := range gs {
		spans[i] = groupSpan{g: &gs[i], from: gs[i].From.Lower(), to: gs[i].To.Upper().AddDate(0, 0, 1)}
	}
	slices.SortStableFunc(spans, func(a, b groupSpan) int {
		return cmp.Or(a.from.Compare(b.from), a.to.Compare(b.to))
	})
	var units []string
	cs := make([]claims, len(gs))
	top, lo, hi := 0.0, int64(math.MaxInt64), int64(math.MinInt64)
	from, to := spans[0].from, spans[0].to
	for i, sp := range spans {
		g := sp.g
		cs[i] = claimsOf(g.Claimant, g.ClaimantActor, g.Count)
		if u := cmp.Or(strings.TrimSpace(g.Unit), conflict.DefaultUnit); !slices.Contains(units, u) {
			units = append(units, u)
		}
		top = max(top, float64(g.Max))
		lo, hi = min(lo, g.Min), max(hi, g.Max)
		from, to = minTime(from, sp.from), maxTime(to, sp.to)
	}
	c.Unit = strings.Join(units, " / ")
	c.Legend = legendOf(cs)
	c.Summary = groupedSummary(total, force, from, to.AddDate(0, 0, -1), lo, hi, c.Unit, len(c.Legend))
	sz := sizesFor(total)
	c.StrokeWidth = sz.stroke

	plotTop := float64(topMargin)
	plotBottom := float64(c.Height) - bottomPad - subLineGap - 4
	plotH := plotBottom - plotTop
	step, yMax := niceScale(top, max(2, int(plotH/45)))
	labelW := 0.0
	for v := 0.0; v <= yMax+step/2; v += step {
		labelW = max(labelW, textWidth(conflict.FormatCount(int64(v)), FontSize))
	}
	plotLeft := math.Ceil(leftPad + labelW + labelGap + tickLen)
	c.Plot = Rect{X: plotLeft, Y: plotTop, W: float64(c.Width) - plotLeft - rightPad, H: plotH}
	y := func(v float64) float64 { return round1(plotBottom - v/yMax*plotH) }
	for v := 0.0; v <= yMax+step/2; v += step {
		c.YTicks = append(c.YTicks, Tick{Pos: y(v), Label: conflict.FormatCount(int64(v)), Anchor: "end"})
	}
	c.UnitX = leftPad
	c.UnitY = plotTop - 12

	const day = 24 * 60 * 60
	l, h := from.Unix(), to.Unix()
	pad := max((h-l)/25, day/2)
	l, h = l-pad, h+pad
	x := func(t time.Time) float64 {
		return round1(c.Plot.X + float64(t.Unix()-l)/float64(h-l)*c.Plot.W)
	}
	c.XTicks = timeTicks(time.Unix(l, 0).UTC(), time.Unix(h, 0).UTC(), c.Plot.W, x, float64(c.Width))

	// Merge each claimant's groups whose middles share a slice of the plot,
	// the slices as narrow as keeps the marks under MaxMarks.
	merged := make([]groupSpan, 0, min(len(spans), MaxMarks))
	if len(spans) > MaxMarks {
		width := max(2, c.Plot.W*float64(len(c.Legend))/MaxMarks)
		type key struct {
			claimant string
			slice    int
		}
		index := map[key]int{}
		for _, sp := range spans {
			mid := (x(sp.from) + x(sp.to)) / 2
			k := key{claimsOf(sp.g.Claimant, nil, 0).claimant, int((mid - c.Plot.X) / width)}
			if j, ok := index[k]; ok {
				m := &merged[j]
				if m.g == sp.g || m.own {
					m.g.Merge(*sp.g)
				} else {
					// Merging must not change the caller's groups.
					g := *m.g
					g.Merge(*sp.g)
					m.g, m.own = &g, true
				}
				m.from, m.to = minTime(m.from, sp.from), maxTime(m.to, sp.to)
				continue
			}
			index[k] = len(merged)
			merged = append(merged, sp)
		}
	} else {
		merged = spans
	}
	c.Summary += " Claims close in time are drawn together as one bar per claimant; the table lists each."
	colour := map[string]LegendEntry{}
	for _, e := range c.Legend {
		colour[e.Claimant] = e
	}
	kinds := map[string]bool{}
	c.Marks = make([]Mark, 0, len(merged))
	for _, sp := range merged {
		g := *sp.g
		m := claimGroupMark(g, sp.from, sp.to, x, y, sz, colour[claimsOf(g.Claimant, nil, 0).claimant])
		switch {
		case opts.GroupURL != nil:
			m.URL = opts.GroupURL(g.Claimant, g.From, g.To)
		case opts.EstimateURL != nil && g.FirstID != 0:
			m.URL = opts.EstimateURL(g.FirstID)
		}
		c.Marks = append(c.Marks, m)
		kinds["bar"] = true
		if m.X2-m.X1 >= 2 {
			kinds["span"] = true
		}
	}
	c.Key = key(kinds)
	return c
}

// groupSpan is a group and the time it covers, from its first day to the
// end of its last. own is set when the group is a merged copy.
type groupSpan struct {
	g        *conflict.ClaimGroup
	from, to time.Time
	own      bool
}

// claimGroupMark draws a group as groupMark draws nearby claims.
func claimGroupMark(g conflict.ClaimGroup, from, to time.Time, x func(time.Time) float64, y func(float64) float64, sz sizes, l LegendEntry) Mark {
	m := Mark{
		ID:     g.FirstID,
		Kind:   Bar,
		X1:     math.Round(x(from)),
		X2:     math.Round(x(to)),
		YLow:   math.Round(y(float64(g.Min))),
		YHigh:  math.Round(y(float64(g.Max))),
		Colour: l.Colour,
		Shape:  l.Shape,
	}
	m.X = math.Round((m.X1 + m.X2) / 2)
	m.Y = m.YHigh
	unit := cmp.Or(strings.TrimSpace(g.Unit), conflict.DefaultUnit)
	who := l.Claimant
	claimsWord := strconv.Itoa(g.Count) + " claims"
	if g.Count == 1 {
		claimsWord = "1 claim"
	}
	if g.Min == g.Max {
		m.Title = fmt.Sprintf("%s by %s from %s to %s, all of %s %s", claimsWord, who, g.From.Display(), g.To.Display(),
			conflict.FormatCount(g.Min), unit)
	} else {
		m.Title = fmt.Sprintf("%s by %s from %s to %s, ranging from %s to %s %s", claimsWord, who, g.From.Display(), g.To.Display(),
			conflict.FormatCount(g.Min), conflict.FormatCount(g.Max), unit)
	}
	r := sz.r
	m.Path = compact("M" + num(m.X) + " " + num(m.YLow) + "V" + num(m.YHigh) +
		"M" + num(m.X-r) + " " + num(m.YLow) + "h" + num(2*r) +
		"M" + num(m.X-r) + " " + num(m.YHigh) + "h" + num(2*r))
	const pad = 3
	m.Focus = compact("M" + num(m.X-r-pad) + " " + num(m.YHigh-pad) + "h" + num(2*(r+pad)) +
		"v" + num(m.YLow-m.YHigh+2*pad) + "h" + num(-2*(r+pad)) + "Z")
	return m
}

// groupedSummary is summary for claims known by their groups.
func groupedSummary(n int, force string, from, to time.Time, lo, hi int64, unit string, claimants int) string {
	var b strings.Builder
	b.WriteString(conflict.FormatCount(int64(n)) + " estimates of " + force)
	f, t := from.Format("2 Jan 2006"), to.Format("2 Jan 2006")
	if f == t {
		b.WriteString(" within " + f)
	} else {
		b.WriteString(" from " + f + " to " + t)
	}
	writeSpread(&b, lo, hi, unit, claimants)
	return b.String()
}
