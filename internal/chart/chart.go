// Package chart lays out the estimate chart: how estimates of a force's size
// changed over time and who claimed each. It computes every position, tick,
// colour and text the SVG needs, so the template only writes them out and
// the layout can be tested without a browser.
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
	"github.com/sitrep/sitrep/internal/edtf"
)

// Options size the chart and link its marks.
type Options struct {
	// Width and Height are the SVG's view box, 760×360 when zero.
	Width, Height int
	// ID prefixes the ids of the SVG's title and description, so that two
	// charts can share a page; "estimate-chart" when empty.
	ID string
	// EstimateURL returns the address each mark links to; without it marks
	// are not links.
	EstimateURL func(conflict.EstimateID) string
	// LinkTarget is the target of the marks' links, such as "_top" in an
	// embed; empty for none.
	LinkTarget string
	// GroupURL links a mark that stands for several estimates of one
	// claimant (see MaxMarks) to a list of them; without it such marks link
	// to their first estimate.
	GroupURL func(claimant string, from, to edtf.Date) string
}

// MaxMarks is the most estimates a chart draws one by one. Past it, each
// claimant's estimates that fall within a few units of each other are drawn
// as one low–high bar covering all of them: nothing is averaged, and the
// bar's title says how many claims it holds.
const MaxMarks = 500

// Default view box size.
const (
	DefaultWidth  = 760
	DefaultHeight = 360
)

// FontSize is the size, in view box units, of the chart's text.
const FontSize = 12

// Chart is everything the estimate chart's SVG shows.
type Chart struct {
	ID string
	// Width and Height are the view box size.
	Width, Height int
	// Plot is the area inside the axes.
	Plot Rect
	// Title names what the chart shows: "Estimates of Islamic State in Mosul".
	Title string
	// Summary says in plain words what the chart shows, for its
	// description and caption.
	Summary string
	// Empty is true when there is nothing to draw; only Title and Summary
	// are then set.
	Empty bool
	// Unit labels the Y axis: "fighters".
	Unit string
	// UnitX and UnitY place the unit label (text-anchor start) above the
	// Y axis.
	UnitX, UnitY float64
	// XTicks are dates along the bottom, YTicks counts up the left, from 0.
	XTicks, YTicks []Tick
	// Legend has one entry per claimant, ordered by name.
	Legend []LegendEntry
	// Key explains the kinds of mark the chart uses.
	Key []KeyEntry
	// Marks has one mark per estimate, earliest first, which is also the
	// order in which a keyboard reaches them.
	Marks []Mark
	// StrokeWidth is the width of the marks' lines: thinner when there are
	// many marks.
	StrokeWidth float64
	// LinkTarget is the marks' link target, or "".
	LinkTarget string
}

// TitleID is the id of the SVG's title element.
func (c Chart) TitleID() string { return c.ID + "-title" }

// DescID is the id of the SVG's description element.
func (c Chart) DescID() string { return c.ID + "-desc" }

// Rect is an axis-aligned rectangle in view box units.
type Rect struct{ X, Y, W, H float64 }

// Right is the rectangle's right edge.
func (r Rect) Right() float64 { return r.X + r.W }

// Bottom is the rectangle's bottom edge.
func (r Rect) Bottom() float64 { return r.Y + r.H }

// Tick is one labelled position on an axis.
type Tick struct {
	// Pos is the x (for a date) or y (for a count) of the tick.
	Pos   float64
	Label string
	// Sub is a second line under an X label, the year of a day's tick where
	// the year first appears; usually empty.
	Sub string
	// Anchor is the label's text-anchor: "middle", or "start"/"end" where a
	// centred label would leave the view box. Y labels are always "end".
	Anchor string
}

// Shape is a claimant's marker shape: colour is never the only cue.
type Shape int

// The shapes, in the order claimants receive them.
const (
	Circle Shape = iota
	Square
	Diamond
	Triangle
)

var shapeNames = [...]string{"circle", "square", "diamond", "triangle"}

// String returns "circle", "square", "diamond" or "triangle".
func (s Shape) String() string { return shapeNames[s] }

// LegendEntry is one claimant, its colour and its shape.
type LegendEntry struct {
	Claimant string
	Colour   string
	Shape    Shape
	// Count is how many estimates the claimant made.
	Count int
	// Swatch is SVG path data for the claimant's shape in a 14×14 box.
	Swatch string
}

// SwatchSize is the width and height of a legend swatch's view box.
const SwatchSize = 14

// Kind is how a mark shows an estimate's qualifier.
type Kind int

// The kinds of mark.
const (
	// Point is one value: exact, or about (drawn hollow).
	Point Kind = iota
	// Bar is a range: a vertical bar from low to high, with caps.
	Bar
	// Up is an "at least" value, with an arrow pointing up.
	Up
	// Down is an "as many as" value, with an arrow pointing down.
	Down
)

var kindNames = [...]string{"point", "bar", "up", "down"}

// String returns "point", "bar", "up" or "down".
func (k Kind) String() string { return kindNames[k] }

// KeyEntry explains one way of drawing a mark, with a swatch drawn in the
// text colour.
type KeyEntry struct {
	Label string
	// Swatch is SVG path data in a KeyWidth×SwatchSize box.
	Swatch string
	// Hollow swatches are stroked only.
	Hollow bool
}

// KeyWidth is the width of a key swatch's view box.
const KeyWidth = 28

// Mark is one estimate as drawn.
type Mark struct {
	ID        conflict.EstimateID
	Kind      Kind
	Qualifier conflict.Qualifier
	// Hollow marks are "about" values: drawn in outline only.
	Hollow bool
	// Retracted estimates stay on the chart, faded.
	Retracted bool
	// X1 and X2 are the ends of the time the as-of date covers: equal for a
	// day, which is a point at its middle; a month, year or interval
	// spans from its first day to the end of its last.
	X1, X2 float64
	// X is the middle of the span, where the value is drawn.
	X float64
	// Y is where the claimed value sits: the value, the "at least" low or
	// the "as many as" high. For a range YLow and YHigh are its ends and Y
	// is YHigh.
	Y, YLow, YHigh float64
	Colour         string
	Shape          Shape
	// Title describes the estimate in words, for the mark's tooltip and
	// screen readers.
	Title string
	// URL is the link to the estimate, or "".
	URL string
	// Path is SVG path data for the whole mark (lines, caps, arrowheads and
	// shapes), filled (unless Hollow) and stroked in Colour.
	Path string
	// Area is path data for a range over a period, a box to fill faintly;
	// "" otherwise.
	Area string
	// Focus is path data for a rectangle around the mark, drawn only when
	// the mark has keyboard focus.
	Focus string
}

// Palette is the colours claimants receive when their actor has none: each
// has a contrast of at least 3:1 against white and against #111.
var Palette = []string{
	"#0072b2", // blue
	"#d55e00", // vermilion
	"#009e73", // green
	"#c2679a", // pink
	"#8a63d2", // purple
	"#a87d00", // ochre
	"#2f8fa8", // teal
	"#9c6644", // brown
}

// Layout constants, in view box units.
const (
	tickLen     = 5
	labelGap    = 3
	topMargin   = 28
	bottomPad   = 22 // from the plot's bottom to the X labels' baseline
	subLineGap  = 14 // from an X label's baseline to its Sub line's
	rightPad    = 16
	leftPad     = 6
	minLabelGap = 16 // between neighbouring X labels
)

// New lays out the chart of estimates. Estimates without any value are
// left out; an empty result has Empty set.
func New(estimates []conflict.Estimate, opts Options) Chart {
	c := Chart{
		ID:         cmp.Or(opts.ID, "estimate-chart"),
		Width:      cmp.Or(opts.Width, DefaultWidth),
		Height:     cmp.Or(opts.Height, DefaultHeight),
		LinkTarget: opts.LinkTarget,
	}
	// Estimates are large structs: sized once, so ten thousand of them are
	// not copied again and again as the slice grows.
	xs := make([]conflict.Estimate, 0, len(estimates))
	for i := range estimates {
		if _, _, ok := values(estimates[i]); ok && !estimates[i].AsOf.IsZero() {
			xs = append(xs, estimates[i])
		}
	}
	c.Title = title(xs)
	if len(xs) == 0 {
		c.Empty = true
		c.Summary = "No estimates to chart."
		return c
	}
	xs = chronological(xs)
	c.Unit = unit(xs)
	c.Legend = legend(xs)
	c.Summary = summary(xs, c.Unit, len(c.Legend))
	sz := sizesFor(len(xs))
	c.StrokeWidth = sz.stroke

	// The Y axis first: its labels' width decides the left margin.
	top := 0.0
	hasUp := false
	maxUp := 0.0
	for _, e := range xs {
		lo, hi, _ := values(e)
		top = max(top, float64(hi))
		if kindOf(e) == Up {
			hasUp = true
			maxUp = max(maxUp, float64(lo))
		}
	}
	plotTop := float64(topMargin)
	plotBottom := float64(c.Height) - bottomPad - subLineGap - 4
	plotH := plotBottom - plotTop
	step, yMax := niceScale(top, max(2, int(plotH/45)))
	// An "at least" arrow needs room above its value.
	if hasUp && maxUp > 0 && (yMax-maxUp)/yMax*plotH < sz.arrow+sz.r {
		yMax += step
	}
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

	// The X axis: the time the estimates cover, padded.
	from, to := span(xs[0].AsOf)
	for _, e := range xs[1:] {
		s, t := span(e.AsOf)
		from, to = minTime(from, s), maxTime(to, t)
	}
	// Seconds, not time.Duration, which cannot span more than 292 years.
	const day = 24 * 60 * 60
	lo, hi := from.Unix(), to.Unix()
	if hi <= lo {
		// All on one day: centre it in a week.
		lo, hi = lo-3*day-day/2, hi+3*day+day/2
	} else {
		pad := max((hi-lo)/25, day/2)
		lo, hi = lo-pad, hi+pad
	}
	from, to = time.Unix(lo, 0).UTC(), time.Unix(hi, 0).UTC()
	x := func(t time.Time) float64 {
		return round1(c.Plot.X + float64(t.Unix()-lo)/float64(hi-lo)*c.Plot.W)
	}
	c.XTicks = timeTicks(from, to, c.Plot.W, x, float64(c.Width))

	// The marks.
	colour := map[string]LegendEntry{}
	for _, l := range c.Legend {
		colour[l.Claimant] = l
	}
	kinds := map[string]bool{}
	// Each group holds indexes into xs: one estimate, or past MaxMarks the
	// nearby claims of one claimant.
	var groups [][]int
	if len(xs) > MaxMarks {
		groups = group(xs, x, c.Plot, len(c.Legend))
		c.Summary += " Claims close in time are drawn together as one bar per claimant; the table lists each."
	} else {
		groups = make([][]int, len(xs))
		for i := range xs {
			groups[i] = []int{i}
		}
	}
	c.Marks = make([]Mark, 0, len(groups))
	for _, g := range groups {
		first, last := &xs[g[0]], &xs[g[len(g)-1]]
		var m Mark
		if len(g) == 1 {
			m = mark(*first, x, y, sz, colour[claimant(*first)], c.Plot)
			if opts.EstimateURL != nil {
				m.URL = opts.EstimateURL(first.ID)
			}
		} else {
			m = groupMark(xs, g, x, y, sz, colour[claimant(*first)])
			switch {
			case opts.GroupURL != nil:
				m.URL = opts.GroupURL(claimant(*first), first.AsOf, last.AsOf)
			case opts.EstimateURL != nil:
				m.URL = opts.EstimateURL(first.ID)
			}
		}
		c.Marks = append(c.Marks, m)
		kinds[keyName(m)] = true
		if m.X2-m.X1 >= 2 {
			kinds["span"] = true
		}
	}
	c.Key = key(kinds)
	return c
}

// group gathers, per claimant, the estimates whose middles fall in the same
// slice of the plot, the slices as narrow as keeps the marks under
// MaxMarks. Groups come out in date order.
func group(xs []conflict.Estimate, x func(time.Time) float64, plot Rect, claimants int) [][]int {
	width := max(2, plot.W*float64(max(claimants, 1))/MaxMarks)
	type key struct {
		claimant string
		slice    int
	}
	index := map[key]int{}
	var out [][]int
	for i := range xs {
		from, to := span(xs[i].AsOf)
		k := key{claimant(xs[i]), int(((x(from)+x(to))/2 - plot.X) / width)}
		j, ok := index[k]
		if !ok {
			j = len(out)
			index[k] = j
			out = append(out, nil)
		}
		out[j] = append(out[j], i)
	}
	return out
}

// groupMark draws several claims of one claimant as a bar from the lowest
// to the highest number any of them gives, across the time they cover.
func groupMark(xs []conflict.Estimate, g []int, x func(time.Time) float64, y func(float64) float64, sz sizes, l LegendEntry) Mark {
	first, last := &xs[g[0]], &xs[g[len(g)-1]]
	lo, hi, _ := values(*first)
	from, to := span(first.AsOf)
	for _, i := range g[1:] {
		e := &xs[i]
		l2, h2, _ := values(*e)
		lo, hi = min(lo, l2), max(hi, h2)
		f, t := span(e.AsOf)
		from, to = minTime(from, f), maxTime(to, t)
	}
	m := Mark{
		ID:     first.ID,
		Kind:   Bar,
		X1:     math.Round(x(from)),
		X2:     math.Round(x(to)),
		YLow:   math.Round(y(float64(lo))),
		YHigh:  math.Round(y(float64(hi))),
		Colour: l.Colour,
		Shape:  l.Shape,
	}
	m.X = math.Round((m.X1 + m.X2) / 2)
	m.Y = m.YHigh
	unit := cmp.Or(strings.TrimSpace(first.Unit), conflict.DefaultUnit)
	m.Title = fmt.Sprintf("%d claims by %s from %s to %s, ranging from %s to %s %s",
		len(g), claimant(*first), first.AsOf.Display(), last.AsOf.Display(),
		conflict.FormatCount(lo), conflict.FormatCount(hi), unit)
	r := sz.r
	m.Path = compact("M" + num(m.X) + " " + num(m.YLow) + "V" + num(m.YHigh) +
		"M" + num(m.X-r) + " " + num(m.YLow) + "h" + num(2*r) +
		"M" + num(m.X-r) + " " + num(m.YHigh) + "h" + num(2*r))
	const pad = 3
	m.Focus = compact("M" + num(m.X-r-pad) + " " + num(m.YHigh-pad) + "h" + num(2*(r+pad)) +
		"v" + num(m.YLow-m.YHigh+2*pad) + "h" + num(-2*(r+pad)) + "Z")
	return m
}

// chronological sorts estimates by the start, then the end, of the time
// they cover. It sorts indexes, as estimates are large to move.
func chronological(xs []conflict.Estimate) []conflict.Estimate {
	type key struct {
		from, to int64
		id       conflict.EstimateID
		i        int
	}
	keys := make([]key, len(xs))
	for i, e := range xs {
		from, to := span(e.AsOf)
		keys[i] = key{from.Unix(), to.Unix(), e.ID, i}
	}
	slices.SortFunc(keys, func(a, b key) int {
		return cmp.Or(cmp.Compare(a.from, b.from), cmp.Compare(a.to, b.to), cmp.Compare(a.id, b.id), cmp.Compare(a.i, b.i))
	})
	out := make([]conflict.Estimate, len(xs))
	for i, k := range keys {
		out[i] = xs[k.i]
	}
	return out
}

// sizes are a mark's dimensions, smaller when there are many marks so that
// overlapping ones stay visible.
type sizes struct {
	r, stroke, arrow, head float64
	// whole rounds the marks' coordinates to whole units, which keeps
	// the markup of many marks small.
	whole bool
}

func sizesFor(n int) sizes {
	switch {
	case n <= 30:
		return sizes{r: 4.5, stroke: 1.5, arrow: 16, head: 4}
	case n <= 150:
		return sizes{r: 3.5, stroke: 1.2, arrow: 12, head: 3.5}
	}
	return sizes{r: 2.5, stroke: 1, arrow: 9, head: 3, whole: true}
}

// values returns the low and high an estimate draws and whether it has any.
func values(e conflict.Estimate) (lo, hi int64, ok bool) {
	switch {
	case e.Low.Set && e.High.Set:
		return e.Low.Value, e.High.Value, true
	case e.Low.Set:
		return e.Low.Value, e.Low.Value, true
	case e.High.Set:
		return e.High.Value, e.High.Value, true
	}
	return 0, 0, false
}

func kindOf(e conflict.Estimate) Kind {
	switch e.Qualifier {
	case conflict.AtLeast:
		return Up
	case conflict.AtMost:
		return Down
	case conflict.Exact, conflict.About:
		return Point
	}
	if lo, hi, _ := values(e); lo != hi {
		return Bar
	}
	return Point
}

// span returns the first and the end of the time an as-of date covers: a
// day's middle for a day, [first day, day after the last) otherwise. An
// open or unknown end is left out: the known end alone is drawn.
func span(d edtf.Date) (from, to time.Time) {
	s, sok := d.Start()
	t, tok := d.End()
	switch {
	case sok && tok:
		from, to = s.Lower(), t.Upper()
	case sok:
		from, to = s.Lower(), s.Upper()
	case tok:
		from, to = t.Lower(), t.Upper()
	default:
		from, to = d.Lower(), d.Upper()
	}
	if !d.IsInterval() && d.Precision() == edtf.Day {
		mid := from.Add(12 * time.Hour)
		return mid, mid
	}
	return from, to.AddDate(0, 0, 1)
}

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

func claimant(e conflict.Estimate) string {
	return cmp.Or(strings.TrimSpace(e.Claimant), "Unknown claimant")
}

// legend gives each claimant a colour and a shape. It depends only on the
// set of claimants, not on the estimates' order, so a claimant keeps its
// colour when the same estimates are charted again.
func legend(xs []conflict.Estimate) []LegendEntry {
	claims := make([]claims, len(xs))
	for i, e := range xs {
		claims[i] = claimsOf(e.Claimant, e.ClaimantActor, 1)
	}
	return legendOf(claims)
}

// claims are n claims of one claimant, whose actor has colour (or "").
type claims struct {
	claimant, colour string
	n                int
}

func claimsOf(who string, actor *conflict.ActorRef, n int) claims {
	c := claims{claimant: cmp.Or(strings.TrimSpace(who), "Unknown claimant"), n: n}
	if actor != nil {
		c.colour = strings.ToLower(actor.Colour)
	}
	return c
}

// legendOf is legend for claims counted in any way.
func legendOf(cs []claims) []LegendEntry {
	byName := map[string]*LegendEntry{}
	actorColour := map[string]string{}
	var entries []*LegendEntry
	for _, c := range cs {
		name := c.claimant
		l, ok := byName[name]
		if !ok {
			l = &LegendEntry{Claimant: name}
			byName[name] = l
			entries = append(entries, l)
		}
		l.Count += c.n
		if c.colour != "" && actorColour[name] == "" {
			actorColour[name] = c.colour
		}
	}
	slices.SortFunc(entries, func(a, b *LegendEntry) int {
		return cmp.Or(cmp.Compare(strings.ToLower(a.Claimant), strings.ToLower(b.Claimant)),
			cmp.Compare(a.Claimant, b.Claimant))
	})
	used := map[string]bool{}
	// Actors' own colours first, each to the first claimant that has it.
	for _, l := range entries {
		if c := actorColour[l.Claimant]; validColour(c) && !used[c] {
			l.Colour = c
			used[c] = true
		}
	}
	next := 0
	for _, l := range entries {
		if l.Colour != "" {
			continue
		}
		// Skip palette colours an actor took, until the palette runs out.
		for tries := 0; tries < len(Palette) && used[Palette[next%len(Palette)]]; tries++ {
			next++
		}
		l.Colour = Palette[next%len(Palette)]
		used[l.Colour] = true
		next++
	}
	out := make([]LegendEntry, len(entries))
	for i, l := range entries {
		// Shapes cycle fastest, shifted after each round of colours, so
		// that the first 32 claimants differ in colour or shape.
		l.Shape = Shape((i + i/len(Palette)) % len(shapeNames))
		l.Swatch = shapePath(l.Shape, SwatchSize/2, SwatchSize/2, 5)
		out[i] = *l
	}
	return out
}

func validColour(s string) bool {
	if len(s) != 7 || s[0] != '#' {
		return false
	}
	for _, c := range s[1:] {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// unit is the unit the Y axis counts: the estimates' own when they agree.
func unit(xs []conflict.Estimate) string {
	var units []string
	for _, e := range xs {
		u := cmp.Or(strings.TrimSpace(e.Unit), conflict.DefaultUnit)
		if !slices.Contains(units, u) {
			units = append(units, u)
		}
	}
	return strings.Join(units, " / ")
}

// forces names the forces counted, and the place when all share one.
func forces(xs []conflict.Estimate) string {
	var names []string
	for _, e := range xs {
		if !slices.Contains(names, e.Force.Name) && e.Force.Name != "" {
			names = append(names, e.Force.Name)
		}
	}
	switch len(names) {
	case 0:
		return "a force"
	case 1:
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}

func title(xs []conflict.Estimate) string {
	if len(xs) == 0 {
		return "Estimates"
	}
	t := "Estimates of " + forces(xs)
	place := ""
	for i, e := range xs {
		p := ""
		if e.Place != nil {
			p = e.Place.Name
		}
		if i > 0 && p != place {
			return t
		}
		place = p
	}
	if place != "" {
		t += " in " + place
	}
	return t
}

// summary says what the chart shows in a sentence: "2 estimates of Islamic
// State from July 2016 to 29 Sep 2016, ranging from 3,000 to 10,000
// fighters, by 2 claimants."
func summary(xs []conflict.Estimate, unit string, claimants int) string {
	if len(xs) == 1 {
		e := xs[0]
		return "1 estimate of " + forces(xs) + ", as of " + e.AsOf.Display() + ": " +
			e.ValueText() + " " + unit + ", by " + claimant(e) + "."
	}
	var b strings.Builder
	b.WriteString(strconv.Itoa(len(xs)) + " estimates of " + forces(xs))
	first, last := xs[0], xs[0]
	same := true
	lo, hi := int64(math.MaxInt64), int64(math.MinInt64)
	for _, e := range xs {
		if e.AsOf != xs[0].AsOf {
			same = false
		}
		if e.AsOf.Lower().Before(first.AsOf.Lower()) {
			first = e
		}
		if e.AsOf.Upper().After(last.AsOf.Upper()) {
			last = e
		}
		for _, v := range []conflict.Bound{e.Low, e.High} {
			if v.Set {
				lo, hi = min(lo, v.Value), max(hi, v.Value)
			}
		}
	}
	from, to := startWords(first.AsOf), endWords(last.AsOf)
	switch {
	case same:
		b.WriteString(" as of " + xs[0].AsOf.Display())
	case from == to:
		b.WriteString(" within " + from)
	default:
		b.WriteString(" from " + from + " to " + to)
	}
	writeSpread(&b, lo, hi, unit, claimants)
	return b.String()
}

// writeSpread ends a chart's summary: the numbers claimed and by how many.
func writeSpread(b *strings.Builder, lo, hi int64, unit string, claimants int) {
	if lo == hi {
		b.WriteString(", all of " + conflict.FormatCount(lo) + " " + unit)
	} else {
		b.WriteString(", ranging from " + conflict.FormatCount(lo) + " to " + conflict.FormatCount(hi) + " " + unit)
	}
	b.WriteString(", by " + strconv.Itoa(claimants))
	if claimants == 1 {
		b.WriteString(" claimant.")
	} else {
		b.WriteString(" claimants.")
	}
}

// startWords shows the first known point of d, endWords the last.
func startWords(d edtf.Date) string {
	if p, ok := d.Start(); ok {
		return pointWords(p)
	}
	return d.Display()
}

func endWords(d edtf.Date) string {
	if p, ok := d.End(); ok {
		return pointWords(p)
	}
	return d.Display()
}

func pointWords(p edtf.Point) string {
	d, err := edtf.Parse(p.String())
	if err != nil {
		return p.String()
	}
	return d.Display()
}

// markTitle describes an estimate: "as many as 10,000 fighters, Islamic
// State in Mosul, as of July 2016, claimed by Coalition estimates".
func markTitle(e conflict.Estimate) string {
	v := e.ValueText()
	if v == "" {
		lo, hi, _ := values(e)
		v = conflict.FormatCount(lo)
		if hi != lo {
			v += "–" + conflict.FormatCount(hi)
		}
	}
	t := v + " " + cmp.Or(strings.TrimSpace(e.Unit), conflict.DefaultUnit)
	if e.Force.Name != "" {
		t += ", " + e.Force.Name
	}
	if e.Place != nil && e.Place.Name != "" {
		t += " in " + e.Place.Name
	}
	t += ", as of " + e.AsOf.Display() + ", claimed by " + claimant(e)
	if e.Status == conflict.Retracted {
		t += " (retracted)"
	}
	return t
}

func keyName(m Mark) string {
	if m.Hollow {
		return "about"
	}
	return m.Kind.String()
}

// key explains the kinds of mark in use, in a fixed order.
func key(used map[string]bool) []KeyEntry {
	const cy = SwatchSize / 2
	all := []struct {
		name string
		KeyEntry
	}{
		{"point", KeyEntry{Label: "exact number", Swatch: shapePath(Circle, KeyWidth/2, cy, 4)}},
		{"about", KeyEntry{Label: "about (hollow)", Swatch: shapePath(Circle, KeyWidth/2, cy, 4), Hollow: true}},
		{"bar", KeyEntry{Label: "range, low to high", Swatch: "M11 1.5h6M14 1.5V12.5M11 12.5h6"}},
		{"up", KeyEntry{Label: "at least", Swatch: shapePath(Circle, KeyWidth/2, 11, 2.5) + "M14 8.5V4" + upHead(14, 0.5, 3)}},
		{"down", KeyEntry{Label: "as many as", Swatch: shapePath(Circle, KeyWidth/2, 3, 2.5) + "M14 5.5V10" + downHead(14, 13.5, 3)}},
		{"span", KeyEntry{Label: "period (month, year or interval)", Swatch: "M2 4v6M2 7H26M26 4v6" + shapePath(Circle, KeyWidth/2, cy, 2.5)}},
	}
	var out []KeyEntry
	for _, k := range all {
		if used[k.name] {
			out = append(out, k.KeyEntry)
		}
	}
	return out
}

// mark draws one estimate.
func mark(e conflict.Estimate, x func(time.Time) float64, y func(float64) float64, sz sizes, l LegendEntry, plot Rect) Mark {
	lo, hi, _ := values(e)
	from, to := span(e.AsOf)
	m := Mark{
		ID:        e.ID,
		Kind:      kindOf(e),
		Qualifier: e.Qualifier,
		Hollow:    e.Qualifier == conflict.About,
		Retracted: e.Status == conflict.Retracted,
		X1:        x(from),
		X2:        x(to),
		YLow:      y(float64(lo)),
		YHigh:     y(float64(hi)),
		Colour:    l.Colour,
		Shape:     l.Shape,
		Title:     markTitle(e),
	}
	m.X = round1((m.X1 + m.X2) / 2)
	if sz.whole {
		m.X1, m.X2, m.X = math.Round(m.X1), math.Round(m.X2), math.Round(m.X)
		m.YLow, m.YHigh = math.Round(m.YLow), math.Round(m.YHigh)
	}
	m.Y = m.YHigh
	if m.Kind == Up {
		m.Y = m.YLow
	}
	r := sz.r
	spanned := m.X2-m.X1 >= 2
	var p strings.Builder
	box := bbox{x1: m.X - r, x2: m.X + r, y1: m.Y - r, y2: m.Y + r}
	if spanned {
		box.x1, box.x2 = min(box.x1, m.X1), max(box.x2, m.X2)
	}
	switch m.Kind {
	case Bar:
		capHalf := r * 1.8
		if spanned {
			// The caps run across the whole period.
			p.WriteString("M" + num(m.X1) + " " + num(m.YLow) + "H" + num(m.X2) +
				"M" + num(m.X1) + " " + num(m.YHigh) + "H" + num(m.X2))
			m.Area = "M" + num(m.X1) + " " + num(m.YHigh) + "H" + num(m.X2) + "V" + num(m.YLow) + "H" + num(m.X1) + "Z"
		} else {
			p.WriteString("M" + num(m.X-capHalf) + " " + num(m.YLow) + "h" + num(2*capHalf) +
				"M" + num(m.X-capHalf) + " " + num(m.YHigh) + "h" + num(2*capHalf))
			box.x1, box.x2 = m.X-capHalf, m.X+capHalf
		}
		p.WriteString("M" + num(m.X) + " " + num(m.YLow) + "V" + num(m.YHigh))
		p.WriteString(shapePath(m.Shape, m.X, m.YHigh, r))
		p.WriteString(shapePath(m.Shape, m.X, m.YLow, r))
		box.y1, box.y2 = m.YHigh-r, m.YLow+r
	default:
		if spanned {
			p.WriteString(spanPath(m.X1, m.X2, m.Y, r, !sz.whole))
		}
		switch m.Kind {
		case Up:
			tip := max(m.Y-r-sz.arrow, plot.Y)
			if m.Y-r-tip > sz.head {
				p.WriteString("M" + num(m.X) + " " + num(m.Y-r) + "V" + num(tip+sz.head) + upHead(m.X, tip, sz.head))
				box.y1 = tip
			}
		case Down:
			tip := min(m.Y+r+sz.arrow, plot.Bottom())
			if tip-(m.Y+r) > sz.head {
				p.WriteString("M" + num(m.X) + " " + num(m.Y+r) + "V" + num(tip-sz.head) + downHead(m.X, tip, sz.head))
				box.y2 = tip
			}
		}
		p.WriteString(shapePath(m.Shape, m.X, m.Y, r))
	}
	const pad = 3
	m.Path = compact(p.String())
	m.Area = compact(m.Area)
	m.Focus = compact("M" + num(box.x1-pad) + " " + num(box.y1-pad) + "h" + num(box.x2-box.x1+2*pad) +
		"v" + num(box.y2-box.y1+2*pad) + "h" + num(-(box.x2 - box.x1 + 2*pad)) + "Z")
	return m
}

// compact drops the spaces path data does not need: a minus sign
// separates numbers by itself.
func compact(d string) string { return strings.ReplaceAll(d, " -", "-") }

type bbox struct{ x1, y1, x2, y2 float64 }

// spanPath is a horizontal line across a period at y, with short ticks at
// its ends unless there are too many marks for them to help.
func spanPath(x1, x2, y, r float64, ends bool) string {
	line := "M" + num(x1) + " " + num(y) + "H" + num(x2)
	if !ends {
		return line
	}
	t := max(r*0.8, 2.5)
	return "M" + num(x1) + " " + num(y-t) + "v" + num(2*t) + line +
		"M" + num(x2) + " " + num(y-t) + "v" + num(2*t)
}

// upHead is a filled arrowhead whose tip is at (x, tip), pointing up.
func upHead(x, tip, h float64) string {
	w := h * 0.8
	return "M" + num(x) + " " + num(tip) + "l" + num(w) + " " + num(h) + "h" + num(-2*w) + "Z"
}

// downHead is a filled arrowhead whose tip is at (x, tip), pointing down.
func downHead(x, tip, h float64) string {
	w := h * 0.8
	return "M" + num(x) + " " + num(tip) + "l" + num(w) + " " + num(-h) + "h" + num(-2*w) + "Z"
}

// shapePath is path data for a shape of radius r centred on (x, y). The
// shapes are sized to look about equally heavy.
func shapePath(s Shape, x, y, r float64) string {
	switch s {
	case Square:
		h := r * 0.88
		return "M" + num(x-h) + " " + num(y-h) + "h" + num(2*h) + "v" + num(2*h) + "h" + num(-2*h) + "Z"
	case Diamond:
		h := r * 1.2
		return "M" + num(x) + " " + num(y-h) + "l" + num(h) + " " + num(h) + "l" + num(-h) + " " + num(h) + "l" + num(-h) + " " + num(-h) + "Z"
	case Triangle:
		h := r * 1.15
		return "M" + num(x) + " " + num(y-h) + "l" + num(h) + " " + num(1.75*h) + "h" + num(-2*h) + "Z"
	}
	return "M" + num(x-r) + " " + num(y) + "a" + num(r) + " " + num(r) + " 0 1 0 " + num(2*r) + " 0a" +
		num(r) + " " + num(r) + " 0 1 0 " + num(-2*r) + " 0Z"
}

// niceScale returns a step of 1, 2 or 5 × 10ⁿ (at least 1, as counts are
// whole) that divides [0, top] into about n parts, and the first multiple
// of it at or above top, where the axis ends.
func niceScale(top float64, n int) (step, end float64) {
	if top <= 0 {
		return 1, 1
	}
	raw := top / float64(n)
	pow := math.Pow(10, math.Floor(math.Log10(raw)))
	// Round to the nearest nice step, as a ratio: 1.5 × 10ⁿ becomes 2 × 10ⁿ.
	switch e := raw / pow; {
	case e >= math.Sqrt(50):
		step = 10 * pow
	case e >= math.Sqrt(10):
		step = 5 * pow
	case e >= math.Sqrt(2):
		step = 2 * pow
	default:
		step = pow
	}
	step = max(step, 1)
	end = math.Ceil(top/step) * step
	return step, end
}

// A tickRule is one candidate spacing of time ticks.
type tickRule struct {
	unit byte // 'd', 'm' or 'y'
	n    int
	days float64 // about how long the spacing is
}

var tickRules = []tickRule{
	{'d', 1, 1},
	{'d', 2, 2},
	{'d', 7, 7},
	{'d', 14, 15},
	{'m', 1, 30},
	{'m', 2, 61},
	{'m', 3, 91},
	{'m', 6, 182},
	{'y', 1, 365.25},
	{'y', 2, 2 * 365.25},
	{'y', 5, 5 * 365.25},
	{'y', 10, 10 * 365.25},
	{'y', 20, 20 * 365.25},
	{'y', 50, 50 * 365.25},
	{'y', 100, 100 * 365.25},
	{'y', 200, 200 * 365.25},
	{'y', 500, 500 * 365.25},
	{'y', 1000, 1000 * 365.25},
}

// timeTicks chooses the finest readable ticks between from and to: days,
// weeks, months, quarters or years, labelled "27 Sep", "Jul 2016" or
// "2016".
func timeTicks(from, to time.Time, plotW float64, x func(time.Time) float64, viewW float64) []Tick {
	days := float64(to.Unix()-from.Unix()) / (24 * 60 * 60)
	var chosen []time.Time
	var rule tickRule
	for _, r := range tickRules {
		ts := ticksFor(r, from, to)
		if len(ts) == 0 {
			continue
		}
		w := 0.0
		for _, t := range ts {
			w = max(w, textWidth(tickLabel(r, t), FontSize))
		}
		spacing := plotW * r.days / days
		chosen, rule = ts, r
		if spacing >= w+minLabelGap {
			break
		}
	}
	var out []Tick
	lastYear := 0
	for i, t := range chosen {
		tk := Tick{Pos: x(t), Label: tickLabel(rule, t), Anchor: "middle"}
		if rule.unit == 'd' && (i == 0 || t.Year() != lastYear) {
			tk.Sub = strconv.Itoa(t.Year())
		}
		lastYear = t.Year()
		w := max(textWidth(tk.Label, FontSize), textWidth(tk.Sub, FontSize))
		switch {
		case tk.Pos+w/2 > viewW-2:
			tk.Anchor = "end"
		case tk.Pos-w/2 < 2:
			tk.Anchor = "start"
		}
		out = append(out, tk)
	}
	return out
}

// ticksFor lists the times of rule r's ticks within [from, to].
func ticksFor(r tickRule, from, to time.Time) []time.Time {
	var ts []time.Time
	t := time.Date(from.Year(), from.Month(), from.Day(), 0, 0, 0, 0, time.UTC)
	switch r.unit {
	case 'm':
		t = time.Date(from.Year(), from.Month(), 1, 0, 0, 0, 0, time.UTC)
	case 'y':
		t = time.Date(from.Year(), 1, 1, 0, 0, 0, 0, time.UTC)
	}
	for ; !t.After(to); t = next(r, t) {
		if t.Before(from) || !onRule(r, t) {
			continue
		}
		ts = append(ts, t)
		if len(ts) > 400 {
			return nil // far too many: a coarser rule will do
		}
	}
	return ts
}

func next(r tickRule, t time.Time) time.Time {
	switch r.unit {
	case 'm':
		return t.AddDate(0, 1, 0)
	case 'y':
		return t.AddDate(1, 0, 0)
	}
	return t.AddDate(0, 0, 1)
}

// onRule reports whether t is one of rule r's ticks. Day ticks restart on
// the 1st of each month, so that no two fall too close together at a
// month's end.
func onRule(r tickRule, t time.Time) bool {
	switch r.unit {
	case 'm':
		return (int(t.Month())-1)%r.n == 0
	case 'y':
		return t.Year()%r.n == 0
	}
	d := t.Day()
	switch r.n {
	case 2:
		return d%2 == 1 && d < 30
	case 7:
		return d == 1 || d == 8 || d == 15 || d == 22
	case 14:
		return d == 1 || d == 15
	}
	return true
}

func tickLabel(r tickRule, t time.Time) string {
	switch r.unit {
	case 'm':
		return t.Format("Jan 2006")
	case 'y':
		return strconv.Itoa(t.Year())
	}
	return t.Format("2 Jan")
}

// textWidth estimates the width of s set in a sans-serif font of the given
// size: close enough to leave room for labels without measuring them.
func textWidth(s string, size float64) float64 {
	w := 0.0
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			w += 0.56
		case r == ',' || r == '.' || r == ' ' || r == 'i' || r == 'l' || r == 'j':
			w += 0.28
		case r >= 'A' && r <= 'Z':
			w += 0.68
		case r == 'm' || r == 'w':
			w += 0.82
		default:
			w += 0.54
		}
	}
	return w * size
}

func round1(v float64) float64 { return math.Round(v*10) / 10 }

// Num formats a position for SVG: at most one decimal, no trailing zeros.
func Num(v float64) string { return num(v) }

func num(v float64) string {
	v = round1(v)
	if v == 0 {
		return "0" // not "-0"
	}
	return strconv.FormatFloat(v, 'f', -1, 64)
}
