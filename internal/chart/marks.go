package chart

import (
	"cmp"
	"math"
	"slices"
	"strings"

	"github.com/sitrep/sitrep/internal/conflict"
)

// Kind is how a mark shows an estimate's qualifier.
type Kind int

// The kinds of mark.
const (
	// Point is one value: exact, or about (drawn hollow).
	Point Kind = iota
	// Bar is a range: a vertical bar from low to high, with caps.
	Bar
	// Up is an "at least" or "more than" value: a cap at the value and a
	// fading extent up to the top of the plot, ending in an arrow.
	Up
	// Down is an "as many as" or "fewer than" value: a cap at the value
	// and a fading extent down to zero.
	Down
	// Band is the claims of one claimant or one type of claimant, drawn
	// past MaxMarks as the lowest to the highest number claimed in each
	// slice of time.
	Band
)

var kindNames = [...]string{"point", "bar", "up", "down", "band"}

// String returns "point", "bar", "up", "down" or "band".
func (k Kind) String() string { return kindNames[k] }

// Mark is one claim, or one band of claims, as drawn.
type Mark struct {
	ID        conflict.EstimateID
	Kind      Kind
	Qualifier conflict.Qualifier
	// Hollow marks are "about" values: drawn in outline only. Strict
	// bounds ("fewer than", "more than") have a dashed cap.
	Hollow, Strict bool
	// Retracted estimates stay on the chart, faded.
	Retracted bool
	// Superseded claims were revised by a later claim: drawn faded, still
	// linked, joined to SupersededBy by a dashed line when both are drawn.
	Superseded   bool
	SupersededBy conflict.EstimateID
	// X1 and X2 are the ends of the time the as-of date covers: equal for a
	// day, which is a point at its middle; a month, year or interval
	// spans from its first day to the end of its last.
	X1, X2 float64
	// X is where the value is drawn: the middle of the span, moved aside
	// when claims of the same date stand side by side.
	X float64
	// Y is where the claimed value sits: the value, the "at least" low or
	// the "as many as" high. For a range YLow and YHigh are its ends and Y
	// is YHigh.
	Y, YLow, YHigh float64
	Colour         string
	Shape          Shape
	// Claimant, Force and Place name whose claim about what it is.
	Claimant, Force, Place string
	// Count is how many claims the mark stands for: 1 but for bands.
	Count int
	// Title describes the estimate in words, for the mark's tooltip and
	// screen readers.
	Title string
	// URL is the link to the estimate (or to the list of a band's
	// claims), or "".
	URL string
	// Parts are the mark's shapes, back to front.
	Parts []Part
	// Box is the area the mark covers, Focus path data for a rectangle
	// around it, drawn only when the mark has keyboard focus.
	Box   Rect
	Focus string
}

// Part is one path of a mark.
type Part struct {
	D string
	// Fill and Stroke are colours, a gradient's url(#id), or "" for none.
	Fill, Stroke string
	// FillOpacity is the fill's opacity when not 1 (0 for 1).
	FillOpacity float64
	// Dash is the stroke's dash array, or "".
	Dash string
}

// Link joins a superseded claim to the claim that revised it.
type Link struct {
	D, Colour string
}

// Gradient is a fade from a colour at a value to nothing at the plot's
// edge, for open-ended bounds.
type Gradient struct {
	ID, Colour string
	// Up fades upwards (for "at least"), otherwise downwards.
	Up bool
}

// sizes are a mark's dimensions, smaller when there are many marks so that
// overlapping ones stay visible.
type sizes struct {
	r, stroke, head float64
	// whole rounds the marks' coordinates to whole units, which keeps
	// the markup of many marks small.
	whole bool
}

func sizesFor(n int) sizes {
	switch {
	case n <= 30:
		return sizes{r: 4.5, stroke: 1.5, head: 5}
	case n <= 150:
		return sizes{r: 3.5, stroke: 1.2, head: 4.5}
	}
	return sizes{r: 2.5, stroke: 1, head: 4, whole: true}
}

// halfWidth is how far a claim's mark reaches either side of its X.
func (sz sizes) halfWidth(k Kind) float64 {
	if k == Point {
		return sz.r * 1.2
	}
	return sz.r * 1.8
}

// placed is a claim with its position worked out, before it is drawn.
type placed struct {
	it     *item
	x1, x2 float64
	x      float64
	yLow   float64
	yHigh  float64
	half   float64
	entry  LegendEntry
}

// dodge moves claims of the same date (the same span) side by side,
// centred on their date, in the legend's order, so that none hides
// another. A crowd wider than a quarter of the plot is squeezed to fit
// it. Crowds at the plot's edge are kept inside it.
func dodge(ps []placed, plot Rect) {
	type key struct{ x1, x2 float64 }
	crowds := map[key][]int{}
	var keys []key
	for i := range ps {
		k := key{ps[i].x1, ps[i].x2}
		if _, ok := crowds[k]; !ok {
			keys = append(keys, k)
		}
		crowds[k] = append(crowds[k], i)
	}
	const gap = 1.5
	for _, k := range keys {
		idx := crowds[k]
		if len(idx) < 2 {
			continue
		}
		slices.SortStableFunc(idx, func(a, b int) int {
			pa, pb := ps[a], ps[b]
			return cmp.Or(strings.Compare(pa.it.whoKey, pb.it.whoKey), cmp.Compare(pa.it.id, pb.it.id))
		})
		total := gap * float64(len(idx)-1)
		for _, i := range idx {
			total += 2 * ps[i].half
		}
		scale := min(1, plot.W/4/total)
		centre := ps[idx[0]].x
		left := centre - total*scale/2
		left = max(left, plot.X)
		left = min(left, plot.Right()-total*scale)
		for _, i := range idx {
			ps[i].x = round1(left + ps[i].half*scale)
			left += (2*ps[i].half + gap) * scale
		}
	}
}

// drawClaim draws one claim at its place. Its paths are written in
// scratch's buffers, which each mark of a panel reuses: only the finished
// path data is kept.
func drawClaim(p placed, plot Rect, sz sizes, gradient func(colour string, up bool) string, scratch *pathScratch) Mark {
	it := p.it
	m := Mark{
		ID: it.id, Kind: it.kind, Hollow: it.hollow, Strict: it.strict, Retracted: it.retracted,
		Superseded: it.faded, SupersededBy: it.fadedBy,
		X1: p.x1, X2: p.x2, X: p.x, YLow: p.yLow, YHigh: p.yHigh,
		Colour: p.entry.Colour, Shape: p.entry.Shape,
		Claimant: it.who, Force: it.force.Name, Place: it.place, Count: 1,
	}
	if it.e != nil {
		m.Qualifier = it.e.Qualifier
	}
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
	box := bbox{x1: m.X - r, x2: m.X + r, y1: m.Y - r, y2: m.Y + r}
	if spanned {
		box.x1, box.x2 = min(box.x1, m.X1), max(box.x2, m.X2)
	}
	// The lines and shapes are one path, filled (unless hollow: filling
	// a line paints nothing) and stroked in the claimant's colour; only
	// what is painted otherwise is a part of its own.
	main, part := scratch.reset()
	var extra []Part
	capHalf := r * 1.8
	switch m.Kind {
	case Bar:
		if spanned {
			// The caps run across the whole period, over a faint box.
			part.moveTo(m.X1, m.YHigh).cmd('H', m.X2).cmd('V', m.YLow).cmd('H', m.X1).close()
			extra = append(extra, Part{D: part.take(), Fill: m.Colour, FillOpacity: 0.15})
			main.moveTo(m.X1, m.YLow).cmd('H', m.X2).moveTo(m.X1, m.YHigh).cmd('H', m.X2)
		} else {
			main.moveTo(m.X-capHalf, m.YLow).cmd('h', 2*capHalf).moveTo(m.X-capHalf, m.YHigh).cmd('h', 2*capHalf)
			box.x1, box.x2 = m.X-capHalf, m.X+capHalf
		}
		main.moveTo(m.X, m.YLow).cmd('V', m.YHigh)
		main.shape(m.Shape, m.X, m.YHigh, r)
		main.shape(m.Shape, m.X, m.YLow, r)
		box.y1, box.y2 = m.YHigh-r, m.YLow+r
	case Up, Down:
		// An open-ended bound: a cap at the value and a fading extent to
		// the plot's edge, ending in an arrow, so that a floor or a ceiling
		// never reads as a claim of that number.
		up := m.Kind == Up
		tip, start := plot.Bottom(), m.Y+r
		if up {
			tip, start = plot.Y, m.Y-r
		}
		if math.Abs(tip-start) > sz.head {
			w := max(r*0.7, 1.5)
			inner := tip - sz.head
			if up {
				inner = tip + sz.head
			}
			// One path, so the arrowhead takes the fade's faint end.
			part.moveTo(m.X-w, start).cmd('V', inner).cmd('H', m.X+w).cmd('V', start).close()
			if up {
				part.upHead(m.X, tip, sz.head)
			} else {
				part.downHead(m.X, tip, sz.head)
			}
			extra = append(extra, Part{D: part.take(), Fill: gradient(m.Colour, up)})
			if up {
				box.y1 = tip
			} else {
				box.y2 = tip
			}
		}
		if spanned {
			main.span(m.X1, m.X2, m.Y, r, !sz.whole)
		}
		if m.Strict {
			part.moveTo(m.X-capHalf, m.Y).cmd('h', 2*capHalf)
			extra = append(extra, Part{D: part.take(), Stroke: m.Colour, Dash: "3 2"})
		} else {
			main.moveTo(m.X-capHalf, m.Y).cmd('h', 2*capHalf)
		}
		main.shape(m.Shape, m.X, m.Y, r)
		box.x1, box.x2 = min(box.x1, m.X-capHalf), max(box.x2, m.X+capHalf)
	default:
		if spanned {
			main.span(m.X1, m.X2, m.Y, r, !sz.whole)
		}
		main.shape(m.Shape, m.X, m.Y, r)
	}
	fill := m.Colour
	if m.Hollow {
		fill = ""
	}
	m.Parts = append(extra, Part{D: main.take(), Fill: fill, Stroke: m.Colour})
	m.Box = Rect{X: box.x1, Y: box.y1, W: box.x2 - box.x1, H: box.y2 - box.y1}
	m.Focus = focusPath(part, box)
	return m
}

// pathScratch are the buffers a panel's marks write their paths in.
type pathScratch struct{ main, part pathData }

// reset empties the buffers for the next mark.
func (s *pathScratch) reset() (main, part *pathData) {
	s.main.b, s.part.b = s.main.b[:0], s.part.b[:0]
	return &s.main, &s.part
}

// take returns the path data written and empties the buffer.
func (p *pathData) take() string {
	s := string(p.b)
	p.b = p.b[:0]
	return s
}

// focusPath is a rectangle a little outside box, written in p.
func focusPath(p *pathData, box bbox) string {
	const pad = 3
	p.moveTo(box.x1-pad, box.y1-pad).cmd('h', box.x2-box.x1+2*pad).cmd('v', box.y2-box.y1+2*pad).
		cmd('h', -(box.x2 - box.x1 + 2*pad)).close()
	return p.take()
}

// seriesKey names the band a claim joins: a claimant's, or a type's (or
// the rest's) when byType is set.
type seriesKey struct {
	key, label, colour string
	claimant, ctype    string
	byType             bool
}

// series is the claims one band draws.
type series struct {
	seriesKey
	lo, hi []int64
	has    []bool
	count  int
	// claimants are the claimants of a series of a type of claimant; a
	// claimant's own series has one.
	claimants   map[string]bool
	first, last *item
	min, max    int64
	firstID     conflict.EstimateID
}

// bands draws a panel's claims as one band per series: in each slice of
// the plot, from the lowest to the highest number any claim covering that
// slice gave. Nothing is averaged; the band's title counts its claims.
func bands(items []*item, xs xScale, ys yScale, seriesOf func(*item) seriesKey, opts Options) []Mark {
	plot := xs.plot
	nb := min(max(int(plot.W/8), 20), 90)
	bw := plot.W / float64(nb)
	index := map[string]*series{}
	var all []*series
	bucket := func(x float64) int { return min(max(int((x-plot.X)/bw), 0), nb-1) }
	// The series' slices are cut from a few larger ones: a chart bands
	// several panels of several series, twice.
	var values []int64
	var flags []bool
	for _, it := range items {
		k := seriesOf(it)
		s, ok := index[k.key]
		if !ok {
			if len(values) < 2*nb {
				values, flags = make([]int64, 2*nb*8), make([]bool, nb*8)
			}
			s = &series{seriesKey: k, lo: values[:nb:nb], hi: values[nb : 2*nb : 2*nb], has: flags[:nb:nb],
				first: it, last: it, min: it.lo, max: it.hi, firstID: it.id}
			values, flags = values[2*nb:], flags[nb:]
			if k.byType {
				s.claimants = map[string]bool{}
			}
			index[k.key] = s
			all = append(all, s)
		}
		s.count += it.count
		if s.claimants != nil {
			s.claimants[it.whoKey] = true
		}
		if it.from.Before(s.first.from) {
			s.first = it
		}
		if it.to.After(s.last.to) {
			s.last = it
		}
		s.min, s.max = min(s.min, it.lo), max(s.max, it.hi)
		for b := bucket(xs.at(it.from)); b <= bucket(xs.at(it.to)); b++ {
			if !s.has[b] {
				s.has[b], s.lo[b], s.hi[b] = true, it.lo, it.hi
				continue
			}
			s.lo[b], s.hi[b] = min(s.lo[b], it.lo), max(s.hi[b], it.hi)
		}
	}
	// The band of the most claims first, so the smaller ones lie on top.
	slices.SortStableFunc(all, func(a, b *series) int { return cmp.Compare(b.count, a.count) })
	out := make([]Mark, 0, len(all))
	// Each slice's edges, and each series' top and bottom in it, are
	// worked out once: a band's path visits each several times.
	bx := make([]float64, nb+1)
	for b := range bx {
		bx[b] = math.Round((plot.X+float64(b)*bw)*10) / 10
	}
	tops, bots := make([]float64, nb), make([]float64, nb)
	for _, s := range all {
		for b := range nb {
			if s.has[b] {
				tops[b], bots[b] = ys.at(float64(s.hi[b]))-0.75, ys.at(float64(s.lo[b]))+0.75
			}
		}
		d := pathData{b: make([]byte, 0, 512)}
		box := bbox{x1: math.Inf(1), y1: math.Inf(1), x2: math.Inf(-1), y2: math.Inf(-1)}
		for a := 0; a < nb; a++ {
			if !s.has[a] {
				continue
			}
			b := a
			for b+1 < nb && s.has[b+1] {
				b++
			}
			// Neighbouring slices at the same height are one line: the
			// path of a band is most of a banded chart's markup.
			d.moveTo(bx[a], tops[a])
			for k := a; k <= b; k++ {
				box.y1, box.y2 = min(box.y1, tops[k]), max(box.y2, bots[k])
				if k < b && tops[k+1] == tops[k] {
					continue
				}
				d.cmd('H', bx[k+1])
				if k < b {
					d.cmd('V', tops[k+1])
				}
			}
			d.cmd('V', bots[b])
			for k := b; k >= a; k-- {
				if k > a && bots[k-1] == bots[k] {
					continue
				}
				d.cmd('H', bx[k])
				if k > a {
					d.cmd('V', bots[k-1])
				}
			}
			d.close()
			box.x1, box.x2 = min(box.x1, bx[a]), max(box.x2, bx[b+1])
			a = b
		}
		m := Mark{ID: s.firstID, Kind: Band, Colour: s.colour, Count: s.count, Claimant: s.claimant,
			X1: box.x1, X2: box.x2, X: round1((box.x1 + box.x2) / 2), Y: box.y1, YHigh: box.y1, YLow: box.y2,
			Force: s.first.force.Name}
		m.Parts = []Part{{D: d.String(), Fill: s.colour, FillOpacity: 0.3, Stroke: s.colour}}
		m.Title = bandTitle(s, max(len(s.claimants), 1))
		switch {
		case !s.byType && opts.GroupURL != nil:
			m.URL = opts.GroupURL(s.claimant, *s.first.fromD, *s.last.toD)
		case s.byType && opts.TypeURL != nil:
			m.URL = opts.TypeURL(s.ctype)
		}
		m.Box = Rect{X: box.x1, Y: box.y1, W: box.x2 - box.x1, H: box.y2 - box.y1}
		var focus pathData
		m.Focus = focusPath(&focus, box)
		out = append(out, m)
	}
	return out
}

// supersededLinks joins each superseded claim drawn to the claim drawn
// that revised it, with a dashed line in the superseded claim's colour.
func supersededLinks(ms []Mark) []Link {
	var out []Link
	at := map[conflict.EstimateID]int{}
	for i, m := range ms {
		if m.Kind != Band {
			at[m.ID] = i
		}
	}
	for _, m := range ms {
		if !m.Superseded || m.SupersededBy == 0 {
			continue
		}
		n, ok := at[m.SupersededBy]
		if !ok {
			continue
		}
		to := ms[n]
		var d pathData
		d.moveTo(m.X, m.Y).cmd('L', to.X, to.Y)
		out = append(out, Link{D: d.String(), Colour: m.Colour})
	}
	return out
}

type bbox struct{ x1, y1, x2, y2 float64 }

// pathData writes SVG path data. Unless loose, it writes it compact: a
// minus sign separates numbers by itself, without a space. Path data of
// thousands of marks is written straight into one buffer each, not
// joined from many strings.
type pathData struct {
	b     []byte
	loose bool
	// first is set after a command letter, before its first number.
	first bool
}

// cmd writes the command c and its numbers.
func (p *pathData) cmd(c byte, vs ...float64) *pathData {
	p.b = append(p.b, c)
	p.first = true
	for _, v := range vs {
		p.num(v)
	}
	return p
}

// moveTo writes an absolute move to (x, y).
func (p *pathData) moveTo(x, y float64) *pathData { return p.cmd('M', x, y) }

// close closes the subpath.
func (p *pathData) close() *pathData { return p.cmd('Z') }

// num writes one number of the current command, as num formats it.
func (p *pathData) num(v float64) {
	start := len(p.b)
	if !p.first {
		p.b = append(p.b, ' ')
	}
	p.first = false
	p.b = appendNum(p.b, v)
	if !p.loose && p.b[start] == ' ' && p.b[start+1] == '-' {
		p.b = append(p.b[:start], p.b[start+1:]...)
	}
}

func (p *pathData) String() string { return string(p.b) }

// span is a horizontal line across a period at y, with short ticks at its
// ends unless there are too many marks for them to help.
func (p *pathData) span(x1, x2, y, r float64, ends bool) {
	if !ends {
		p.moveTo(x1, y).cmd('H', x2)
		return
	}
	t := max(r*0.8, 2.5)
	p.moveTo(x1, y-t).cmd('v', 2*t)
	p.moveTo(x1, y).cmd('H', x2)
	p.moveTo(x2, y-t).cmd('v', 2*t)
}

// upHead is a filled arrowhead whose tip is at (x, tip), pointing up.
func (p *pathData) upHead(x, tip, h float64) {
	w := h * 0.8
	p.moveTo(x, tip).cmd('l', w, h).cmd('h', -2*w).close()
}

// downHead is a filled arrowhead whose tip is at (x, tip), pointing down.
func (p *pathData) downHead(x, tip, h float64) {
	w := h * 0.8
	p.moveTo(x, tip).cmd('l', w, -h).cmd('h', -2*w).close()
}

// upHead is path data for an arrowhead pointing up, loose.
func upHead(x, tip, h float64) string {
	p := pathData{loose: true}
	p.upHead(x, tip, h)
	return p.String()
}

// downHead is path data for an arrowhead pointing down, loose.
func downHead(x, tip, h float64) string {
	p := pathData{loose: true}
	p.downHead(x, tip, h)
	return p.String()
}

// shapePath is loose path data for a shape of radius r centred on (x, y),
// for legends and keys.
func shapePath(s Shape, x, y, r float64) string {
	p := pathData{loose: true}
	p.shape(s, x, y, r)
	return p.String()
}

// shape is a shape of radius r centred on (x, y). The shapes are sized to
// look about equally heavy.
func (p *pathData) shape(s Shape, x, y, r float64) {
	switch s {
	case Square:
		h := r * 0.88
		p.moveTo(x-h, y-h).cmd('h', 2*h).cmd('v', 2*h).cmd('h', -2*h).close()
	case Diamond:
		h := r * 1.2
		p.moveTo(x, y-h).cmd('l', h, h).cmd('l', -h, h).cmd('l', -h, -h).close()
	case Triangle:
		h := r * 1.15
		p.moveTo(x, y-h).cmd('l', h, 1.75*h).cmd('h', -2*h).close()
	case TriangleDown:
		h := r * 1.15
		p.moveTo(x, y+h).cmd('l', h, -1.75*h).cmd('h', -2*h).close()
	case Hexagon:
		h := r * 1.05
		q := h * 0.866
		p.moveTo(x, y-h).cmd('l', q, h/2).cmd('v', h).cmd('l', -q, h/2).cmd('l', -q, -h/2).cmd('v', -h).close()
	case Plus:
		a, b := r*1.1, r*0.4
		p.moveTo(x-b, y-a).cmd('h', 2*b).cmd('v', a-b).cmd('h', a-b).cmd('v', 2*b).
			cmd('h', b-a).cmd('v', a-b).cmd('h', -2*b).cmd('v', b-a).cmd('h', b-a).cmd('v', -2*b).cmd('h', a-b).close()
	case Star:
		for i := range 10 {
			rad := r * 1.3
			if i%2 == 1 {
				rad = r * 0.55
			}
			a := -math.Pi/2 + float64(i)*math.Pi/5
			c := byte('L')
			if i == 0 {
				c = 'M'
			}
			p.cmd(c, x+rad*math.Cos(a), y+rad*math.Sin(a))
		}
		p.close()
	default:
		p.moveTo(x-r, y).cmd('a', r, r, 0, 1, 0, 2*r, 0).cmd('a', r, r, 0, 1, 0, -2*r, 0).close()
	}
}

// keyName is the kind of mark m is, as the key explains it.
func keyName(m Mark) string {
	switch {
	case m.Kind == Band:
		return "band"
	case m.Hollow:
		return "about"
	case m.Strict && m.Kind == Up:
		return "gt"
	case m.Strict && m.Kind == Down:
		return "lt"
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
		{"up", KeyEntry{Label: "at least (open upwards)", Swatch: "M10 11.5h8M14 10V3" + upHead(14, 0.5, 3) + shapePath(Circle, KeyWidth/2, 11.5, 2)}},
		{"gt", KeyEntry{Label: "more than (dashed cap)", Swatch: "M10 11.5h8M14 10V3" + upHead(14, 0.5, 3), Dash: "2 1.5"}},
		{"down", KeyEntry{Label: "as many as (open down to zero)", Swatch: "M10 2.5h8M14 4V11" + downHead(14, 13.5, 3) + shapePath(Circle, KeyWidth/2, 2.5, 2)}},
		{"lt", KeyEntry{Label: "fewer than (dashed cap)", Swatch: "M10 2.5h8M14 4V11" + downHead(14, 13.5, 3), Dash: "2 1.5"}},
		{"span", KeyEntry{Label: "period (month, year or interval)", Swatch: "M2 4v6M2 7H26M26 4v6" + shapePath(Circle, KeyWidth/2, cy, 2.5)}},
		{"superseded", KeyEntry{Label: "superseded (faded, dashed to its revision)", Swatch: "M4 10L24 4", Dash: "2 2", Hollow: true}},
		{"band", KeyEntry{Label: "band: lowest to highest claim at each time", Swatch: "M2 9H8V5H16V3H26V11H16V12H8V11H2Z", Faint: true}},
	}
	var out []KeyEntry
	for _, k := range all {
		if used[k.name] {
			out = append(out, k.KeyEntry)
		}
	}
	return out
}
