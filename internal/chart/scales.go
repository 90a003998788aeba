package chart

import (
	"math"
	"strconv"
	"time"

	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/edtf"
)

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

// strict reports a strict bound, "fewer than" or "more than": drawn as
// "as many as" and "at least" are, with a dashed cap.
func strict(q conflict.Qualifier) bool { return q.Strict() }

func kindOf(e conflict.Estimate) Kind {
	switch {
	case e.Qualifier.LowOnly():
		return Up
	case e.Qualifier.HighOnly():
		return Down
	case e.Qualifier == conflict.Exact || e.Qualifier == conflict.About:
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

// timeDomain is the time the X axis spans, in Unix seconds: the filter's
// dates when given, else the claims' own, padded a little; a single day
// is centred in a week.
func timeDomain(items []item, from, to edtf.Date) (lo, hi int64) {
	// Seconds, not time.Duration, which cannot span more than 292 years.
	const day = 24 * 60 * 60
	f, t := items[0].from, items[0].to
	for i := range items[1:] {
		f, t = minTime(f, items[i+1].from), maxTime(t, items[i+1].to)
	}
	lo, hi = f.Unix(), t.Unix()
	if hi <= lo {
		lo, hi = lo-3*day-day/2, hi+3*day+day/2
	} else {
		pad := max((hi-lo)/25, day/2)
		lo, hi = lo-pad, hi+pad
	}
	if !from.IsZero() {
		lo = from.Lower().Unix()
	}
	if !to.IsZero() {
		// The end of the last day, short of the next day's tick.
		hi = to.Upper().AddDate(0, 0, 1).Unix() - 1
	}
	if hi <= lo {
		hi = lo + day
	}
	return lo, hi
}

// xScale maps times within [lo, hi] across a plot; times outside are held
// at its edges.
type xScale struct {
	lo, hi int64
	plot   Rect
}

func (s xScale) at(t time.Time) float64 {
	v := s.plot.X + float64(t.Unix()-s.lo)/float64(s.hi-s.lo)*s.plot.W
	return round1(min(max(v, s.plot.X), s.plot.Right()))
}

// yScale maps counts from 0 to top up a plot.
type yScale struct {
	top  float64
	plot Rect
}

func (s yScale) at(v float64) float64 { return round1(s.plot.Bottom() - v/s.top*s.plot.H) }

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
func timeTicks(from, to time.Time, plotW float64, x func(time.Time) float64, viewW, font float64) []Tick {
	days := float64(to.Unix()-from.Unix()) / (24 * 60 * 60)
	var chosen []time.Time
	var rule tickRule
	// passed are the rules after the last one listed that no label of
	// theirs could fit: one of them is chosen only if no later rule has
	// ticks. Listing a rule of days over years walks every day.
	var passed []tickRule
	fitted := false
	for _, r := range tickRules {
		if days/r.days > 400 {
			continue // far too many: a coarser rule will do
		}
		spacing := plotW * r.days / days
		// (A little under the bound, so rounding never passes a rule
		// that fits.)
		if spacing < 0.999*narrowestLabel(r)*font+minLabelGap {
			passed = append(passed, r)
			continue
		}
		ts := ticksFor(r, from, to)
		if len(ts) == 0 {
			continue
		}
		w := 0.0
		for _, t := range ts {
			w = max(w, textWidth(tickLabel(r, t), font))
		}
		chosen, rule, passed = ts, r, passed[:0]
		if spacing >= w+minLabelGap {
			fitted = true
			break
		}
	}
	// None fits: the coarsest rule with ticks, as if each were listed.
	for i := len(passed) - 1; i >= 0 && !fitted; i-- {
		if ts := ticksFor(passed[i], from, to); len(ts) > 0 {
			chosen, rule = ts, passed[i]
			break
		}
	}
	var out []Tick
	lastYear := 0
	prevRight := math.Inf(-1)
	for i, t := range chosen {
		tk := Tick{Pos: x(t), Label: tickLabel(rule, t), Anchor: "middle"}
		if rule.unit == 'd' && (i == 0 || t.Year() != lastYear) {
			tk.Sub = strconv.Itoa(t.Year())
		}
		lastYear = t.Year()
		w := max(textWidth(tk.Label, font), textWidth(tk.Sub, font))
		left := tk.Pos - w/2
		switch {
		case tk.Pos+w/2 > viewW-2:
			tk.Anchor, left = "end", tk.Pos-w
		case tk.Pos-w/2 < 2:
			tk.Anchor, left = "start", tk.Pos
		}
		// A label pushed aside at the edge must not run into its
		// neighbour: the edge's tick goes unlabelled instead.
		if left < prevRight+4 {
			continue
		}
		prevRight = left + w
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

// narrowestLabel is a lower bound of the width, at a font size of 1, of
// rule r's labels (see textWidth): a day's "1 Jul", a month's "Jul 2016";
// a year may have a single digit.
func narrowestLabel(r tickRule) float64 {
	const digit, space, month = 0.56, 0.28, 0.68 + 0.54 + 0.28
	switch r.unit {
	case 'd':
		return digit + space + month
	case 'm':
		return month + space + 4*digit
	}
	return digit
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
