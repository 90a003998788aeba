package chart

import (
	"cmp"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/sitrep/sitrep/internal/conflict"
)

// Layout constants, in view box units at FontSize; they grow with a
// figure's font.
const (
	tickLen     = 5
	labelGap    = 3
	bottomPad   = 22 // from the plot's bottom to the X labels' baseline
	subLineGap  = 14 // from an X label's baseline to its Sub line's
	rightPad    = 16
	leftPad     = 6
	minLabelGap = 16 // between neighbouring X labels
	// minOpen is the least room an "at least" extent has above its value.
	minOpen = 28
)

// panelItems is the claims of one panel.
type panelItems struct {
	unit  string
	force conflict.ActorRef
	// split is set when the chart tells forces apart.
	split bool
	items []*item
	count int
}

// splitPanels makes one panel per unit and, when the claims count more
// than one force (a parent and the forces inside it), per force too: units
// never share an axis, and sub-forces are never pooled into one spread.
// Units with the most claims come first; within a unit, the force asked
// for, then the others by their claims.
func splitPanels(items []item, force conflict.ActorID) []panelItems {
	split := len(forceIDs(items)) > 1
	type key struct {
		unit  string
		force conflict.ActorID
	}
	index := map[key]int{}
	unitCount := map[string]int{}
	var ps []panelItems
	for i := range items {
		it := &items[i]
		k := key{unit: it.unit}
		if split {
			k.force = it.force.ID
		}
		j, ok := index[k]
		if !ok {
			j = len(ps)
			index[k] = j
			ps = append(ps, panelItems{unit: it.unit, force: *it.force, split: split})
		}
		ps[j].items = append(ps[j].items, it)
		ps[j].count += it.count
		unitCount[it.unit] += it.count
	}
	slices.SortStableFunc(ps, func(a, b panelItems) int {
		if a.unit != b.unit {
			return cmp.Or(cmp.Compare(unitCount[b.unit], unitCount[a.unit]), strings.Compare(a.unit, b.unit))
		}
		if (a.force.ID == force) != (b.force.ID == force) {
			if a.force.ID == force {
				return -1
			}
			return 1
		}
		return cmp.Or(cmp.Compare(b.count, a.count), strings.Compare(a.force.Name, b.force.Name))
	})
	return ps
}

// PanelCount is how many claims of one force, in one unit, a chart would
// draw in one panel.
type PanelCount struct {
	Force  conflict.ActorID
	Unit   string
	Claims int
}

// DrawnPanels reports which of panels a chart capped at n panels draws
// (Options.MaxPanels): the panels of force itself first, then those with
// the most claims. A caller that sums claims up before charting them
// (FindClaimGroups) asks it which panels need their claims in detail; the
// chart asks it too, and both agree, ties broken by unit and force id.
// Zero n draws every panel.
func DrawnPanels(panels []PanelCount, force conflict.ActorID, n int) []bool {
	drawn := make([]bool, len(panels))
	if n <= 0 || len(panels) <= n {
		for i := range drawn {
			drawn[i] = true
		}
		return drawn
	}
	unitCount := map[string]int{}
	for _, p := range panels {
		unitCount[p.Unit] += p.Claims
	}
	order := make([]int, len(panels))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(i, j int) int {
		a, b := panels[i], panels[j]
		if (a.Force == force) != (b.Force == force) {
			if a.Force == force {
				return -1
			}
			return 1
		}
		return cmp.Or(cmp.Compare(b.Claims, a.Claims), cmp.Compare(unitCount[b.Unit], unitCount[a.Unit]),
			strings.Compare(a.Unit, b.Unit), cmp.Compare(a.Force, b.Force), cmp.Compare(i, j))
	})
	for _, i := range order[:n] {
		drawn[i] = true
	}
	return drawn
}

// capPanels keeps the claims of the panels DrawnPanels draws under
// opts.MaxPanels, and names the panels it leaves out, in the order the
// whole chart would draw them. When it leaves none out it returns the
// panels of items too, which the chart draws.
func capPanels(items []item, opts Options) ([]item, []OmittedPanel, int, []panelItems) {
	panels := splitPanels(items, opts.Force)
	if len(panels) <= opts.MaxPanels {
		return items, nil, len(panels), panels
	}
	counts := make([]PanelCount, len(panels))
	for i, p := range panels {
		counts[i] = PanelCount{Force: p.force.ID, Unit: p.unit, Claims: p.count}
	}
	drawn := DrawnPanels(counts, opts.Force, opts.MaxPanels)
	type key struct {
		unit  string
		force conflict.ActorID
	}
	kept := map[key]bool{}
	var omitted []OmittedPanel
	for i, p := range panels {
		if drawn[i] {
			kept[key{p.unit, p.force.ID}] = true
			continue
		}
		omitted = append(omitted, OmittedPanel{Label: cmp.Or(p.force.Name, "Unnamed force") + " · " + p.unit, Claims: p.count,
			Force: p.force, Unit: p.unit})
	}
	out := items[:0:0]
	for i := range items {
		if kept[key{items[i].unit, items[i].force.ID}] {
			out = append(out, items[i])
		}
	}
	return out, omitted, len(panels), nil
}

func forceIDs(items []item) map[conflict.ActorID]bool {
	ids := map[conflict.ActorID]bool{}
	for i := range items {
		ids[items[i].force.ID] = true
	}
	return ids
}

// chronological sorts items by the start, then the end, of the time they
// cover. It sorts small keys, then moves each item once: items are large.
func chronological(items []item) {
	type key struct {
		from, to int64
		id       conflict.EstimateID
		i        int
	}
	keys := make([]key, len(items))
	sorted := true
	for i := range items {
		keys[i] = key{items[i].from.UnixNano(), items[i].to.UnixNano(), items[i].id, i}
		if i > 0 && cmp.Or(cmp.Compare(keys[i-1].from, keys[i].from), cmp.Compare(keys[i-1].to, keys[i].to), cmp.Compare(keys[i-1].id, keys[i].id)) > 0 {
			sorted = false
		}
	}
	if sorted {
		return
	}
	slices.SortFunc(keys, func(a, b key) int {
		return cmp.Or(cmp.Compare(a.from, b.from), cmp.Compare(a.to, b.to), cmp.Compare(a.id, b.id), cmp.Compare(a.i, b.i))
	})
	// Position j takes the item at keys[j].i: each cycle of moves is
	// followed in place, so no second slice of items is made.
	for j := range keys {
		if keys[j].i < 0 || keys[j].i == j {
			continue
		}
		held, k := items[j], j
		for {
			from := keys[k].i
			keys[k].i = -1
			if from == j {
				items[k] = held
				break
			}
			items[k] = items[from]
			k = from
		}
	}
}

// build lays out the chart of items.
func build(items []item, opts Options) Chart {
	c := Chart{ID: cmp.Or(opts.ID, "estimate-chart"), LinkTarget: opts.LinkTarget}
	c.Title = title(items)
	if len(items) == 0 {
		c.Empty = true
		c.Summary = "No estimates to chart."
		return c
	}
	chronological(items)
	// The summary and headlines speak of every claim, drawn or not.
	all := items
	var panels []panelItems
	if opts.MaxPanels > 0 {
		items, c.Omitted, c.AllPanels, panels = capPanels(items, opts)
	}
	claimants, legend := claimantsOf(items)
	c.Legend = legend
	if panels == nil {
		panels = splitPanels(items, opts.Force)
	}
	if c.AllPanels == 0 {
		c.AllPanels = len(panels)
	}
	for _, p := range panels {
		if !slices.Contains(c.Units, p.unit) {
			c.Units = append(c.Units, p.unit)
		}
		if p.count > opts.bandAfter(DefaultWidth) {
			c.Banded = true
		}
	}
	if len(c.Units) == 1 {
		c.Unit = c.Units[0]
	}
	byType := len(legend) > LegendGroupAfter
	if byType {
		c.Groups = groupLegend(legend, c.Banded)
	}
	// A superseded claim names the claim that revised it.
	var byID map[conflict.EstimateID]*item
	for i := range items {
		if items[i].faded && items[i].fadedBy != 0 {
			byID = make(map[conflict.EstimateID]*item, len(items))
			for j := range items {
				byID[items[j].id] = &items[j]
			}
			break
		}
	}
	lo, hi := timeDomain(items, opts.From, opts.To)
	// Words are kept for the claims drawn one by one, not the banded.
	drawn := 0
	for _, p := range panels {
		if p.count <= opts.bandAfter(DefaultWidth) {
			drawn += len(p.items)
		}
	}
	fig := figureSpec{chart: &c, opts: opts, panels: panels, claimants: claimants, byID: byID,
		byType: byType, lo: lo, hi: hi, marks: make(map[*item]markWords, drawn)}
	w := cmp.Or(opts.Width, DefaultWidth)
	h := cmp.Or(opts.Height, DefaultHeight)
	c.Wide = fig.layout("wide", w, h, FontSize)
	if opts.NarrowWidth >= 0 {
		nw := cmp.Or(opts.NarrowWidth, DefaultNarrowWidth)
		c.Narrow = fig.layout("narrow", nw, max(250, h*3/4), NarrowFontSize)
	}
	if len(c.Omitted) == 0 {
		c.Summary = summary(items, c.Units, len(legend), c.Banded, opts.bandAfter(DefaultWidth))
	} else {
		units, claimants := unitsAndClaimants(all)
		c.Summary = summary(all, units, claimants, c.Banded, opts.bandAfter(DefaultWidth))
	}
	c.Headlines = headlines(all)
	kinds := map[string]bool{}
	for _, p := range slices.Concat(c.Wide.Panels, c.Narrow.Panels) {
		for _, m := range p.Marks {
			kinds[keyName(m)] = true
			if m.Kind != Band && m.X2-m.X1 >= 2 {
				kinds["span"] = true
			}
			if m.Superseded {
				kinds["superseded"] = true
			}
		}
	}
	c.Key = key(kinds)
	return c
}

// figureSpec is what every figure of a chart is laid out from.
type figureSpec struct {
	chart     *Chart
	opts      Options
	panels    []panelItems
	claimants map[string]*who
	// byID finds the claims that superseded others, when any did.
	byID   map[conflict.EstimateID]*item
	byType bool
	lo, hi int64
	// ticks gives a figure's panels their time ticks.
	ticks func(xScale) []Tick
	// marks keeps the claims' titles and links for the next figure.
	marks map[*item]markWords
}

// layout draws the figure name at width, each panel height tall (shorter
// when there are several), its text font units high.
func (f figureSpec) layout(name string, width, height int, font float64) Figure {
	fig := Figure{Name: name, Width: width, FontSize: font}
	k := font / FontSize
	panelH := float64(height)
	if len(f.panels) > 1 {
		panelH = max(panelH*0.72, 210*k)
	}
	// Past a few hundred marks a panel draws bands; a narrower figure
	// reaches that density sooner.
	bandAfter := f.opts.bandAfter(width)
	most := 0
	for _, p := range f.panels {
		if p.count <= bandAfter {
			most = max(most, len(p.items))
		}
	}
	sz := sizesFor(most)
	fig.StrokeWidth = sz.stroke
	if most == 0 {
		fig.StrokeWidth = 1
	}
	gradients := map[string]bool{}
	gradient := func(colour string, up bool) string {
		dir := "down"
		if up {
			dir = "up"
		}
		id := f.chart.ID + "-" + name + "-fade-" + dir + "-" + strings.TrimPrefix(colour, "#")
		if !gradients[id] {
			gradients[id] = true
			fig.Gradients = append(fig.Gradients, Gradient{ID: id, Colour: colour, Up: up})
		}
		return "url(#" + id + ")"
	}
	// Panels share the time axis, and plots that start at the same x are
	// as wide: their ticks are worked out once.
	ticks := map[float64][]Tick{}
	f.ticks = func(xs xScale) []Tick {
		t, ok := ticks[xs.plot.X]
		if !ok {
			t = timeTicks(time.Unix(f.lo, 0).UTC(), time.Unix(f.hi, 0).UTC(), xs.plot.W, xs.at, float64(width), font)
			ticks[xs.plot.X] = t
		}
		return t
	}
	top := 0.0
	for _, p := range f.panels {
		fig.Panels = append(fig.Panels, f.panel(p, top, panelH, float64(width), font, sz, gradient, p.count > bandAfter))
		top += panelH
	}
	fig.Height = int(math.Ceil(top))
	return fig
}

// panel lays out one panel whose top is at y0.
func (f figureSpec) panel(p panelItems, y0, height, width, font float64, sz sizes, gradient func(string, bool) string, banded bool) Panel {
	k := font / FontSize
	out := Panel{Unit: p.unit, Label: p.unit}
	if p.split {
		out.Force = p.force.Name
		out.Label = cmp.Or(p.force.Name, "Unnamed force") + " · " + p.unit
	}
	out.Label = fitText(out.Label, width-2*leftPad, font)
	plotTop := y0 + 20 + 12*k
	plotBottom := y0 + height - (bottomPad+subLineGap+4)*k
	plotH := plotBottom - plotTop

	// The Y axis first: its labels' width decides the left margin.
	topV, maxUp, hasUp := 0.0, 0.0, false
	for _, it := range p.items {
		topV = max(topV, float64(it.hi))
		if it.kind == Up {
			hasUp, maxUp = true, max(maxUp, float64(it.lo))
		}
	}
	step, yMax := niceScale(topV, max(2, int(plotH/(45*k))))
	// An "at least" extent needs room above its value.
	for hasUp && maxUp > 0 && (yMax-maxUp)/yMax*plotH < minOpen {
		yMax += step
	}
	labelW := 0.0
	for v := 0.0; v <= yMax+step/2; v += step {
		labelW = max(labelW, textWidth(conflict.FormatCount(int64(v)), font))
	}
	plotLeft := math.Ceil(leftPad + labelW + labelGap + tickLen)
	out.Plot = Rect{X: plotLeft, Y: plotTop, W: round1(width - plotLeft - rightPad*k), H: plotH}
	ys := yScale{top: yMax, plot: out.Plot}
	for v := 0.0; v <= yMax+step/2; v += step {
		out.YTicks = append(out.YTicks, Tick{Pos: ys.at(v), Label: conflict.FormatCount(int64(v)), Anchor: "end"})
	}
	out.LabelX, out.LabelY = leftPad, plotTop-10*k
	out.XLabelY, out.XSubY = plotBottom+20*k, plotBottom+34*k
	out.YLabelX, out.YLabelDY = plotLeft-8, 4*k
	xs := xScale{lo: f.lo, hi: f.hi, plot: out.Plot}
	out.XTicks = f.ticks(xs)

	if banded {
		out.Marks = bands(p.items, xs, ys, f.seriesOf(p.items), f.opts)
		return out
	}
	ps := make([]placed, len(p.items))
	for i, it := range p.items {
		x1, x2 := xs.at(it.from), xs.at(it.to)
		if it.e == nil {
			// A group of claims is a bar at the middle of its time: boxes
			// across the months of many groups would hide each other.
			x1 = round1((x1 + x2) / 2)
			x2 = x1
		}
		ps[i] = placed{it: it, x1: x1, x2: x2, x: round1((x1 + x2) / 2), yLow: ys.at(float64(it.lo)), yHigh: ys.at(float64(it.hi)),
			half: sz.halfWidth(it.kind), entry: f.claimants[it.whoKey].entry}
	}
	dodge(ps, out.Plot)
	out.Marks = make([]Mark, len(ps))
	var scratch pathScratch
	for i, pl := range ps {
		m := drawClaim(pl, out.Plot, sz, gradient, &scratch)
		it := pl.it
		if it.e == nil {
			m.Count = it.count
		}
		m.Title, m.URL = f.words(it)
		out.Marks[i] = m
	}
	out.Links = supersededLinks(out.Marks)
	return out
}

// markWords are a claim's title and link, the same in every figure.
type markWords struct{ title, url string }

// words returns the title and link of the mark of it, worked out for the
// first figure that draws it and kept for the others.
func (f figureSpec) words(it *item) (string, string) {
	if w, ok := f.marks[it]; ok {
		return w.title, w.url
	}
	var w markWords
	switch {
	case it.e == nil:
		// A group of claims from the tallies, drawn as a bar.
		w.title = groupTitle(*it)
		if it.count > 1 && f.opts.GroupURL != nil {
			w.url = f.opts.GroupURL(it.who, *it.fromD, *it.toD)
			break
		}
		if f.opts.EstimateURL != nil && it.id != 0 {
			w.url = f.opts.EstimateURL(it.id)
		}
	default:
		w.title = markTitle(*it, f.byID[it.fadedBy])
		if f.opts.EstimateURL != nil {
			w.url = f.opts.EstimateURL(it.id)
		}
	}
	f.marks[it] = w
	return w.title, w.url
}

// BandNamed is how many claimants of one type a chart draws as bands of
// their own when it cannot tell types apart; the others share one band.
const BandNamed = 5

// seriesOf decides which band each of a panel's claims joins: its
// claimant's, when there are few claimants; past LegendGroupAfter
// claimants, its type's, when the claimants are of several types;
// otherwise the largest claimants' own and one band for the rest.
func (f figureSpec) seriesOf(items []*item) func(*item) seriesKey {
	counts := map[string]int{}
	types := map[string]bool{}
	some := map[string]*item{}
	for _, it := range items {
		counts[it.whoKey] += it.count
		types[typeKey(it.ctype)] = true
		if some[it.whoKey] == nil {
			some[it.whoKey] = it
		}
	}
	// Each claimant's series is worked out once.
	keys := make(map[string]seriesKey, len(counts))
	switch {
	case !f.byType && len(counts) <= LegendGroupAfter:
		for k, it := range some {
			keys[k] = claimantSeries(it, f.claimants)
		}
	case len(types) > 1:
		for k, it := range some {
			t := typeKey(it.ctype)
			keys[k] = seriesKey{key: "type:" + t, label: capital(TypeLabel(t)), colour: typeColour(t), ctype: t, byType: true}
		}
	default:
		names := make([]string, 0, len(counts))
		for n := range counts {
			names = append(names, n)
		}
		slices.SortFunc(names, func(a, b string) int { return cmp.Or(cmp.Compare(counts[b], counts[a]), strings.Compare(a, b)) })
		rest := len(names) - min(BandNamed, len(names))
		for i, n := range names {
			it := some[n]
			if i < BandNamed {
				keys[n] = claimantSeries(it, f.claimants)
				continue
			}
			t := typeKey(it.ctype)
			keys[n] = seriesKey{key: "rest", label: strconv.Itoa(rest) + " other claimants", colour: typeColour(t), ctype: t, byType: true}
		}
	}
	return func(it *item) seriesKey { return keys[it.whoKey] }
}

func claimantSeries(it *item, claimants map[string]*who) seriesKey {
	k := seriesKey{key: "claimant:" + it.whoKey, label: it.who, claimant: it.who}
	if w := claimants[it.whoKey]; w != nil {
		k.colour = w.entry.Colour
	}
	return k
}
