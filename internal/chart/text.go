package chart

import (
	"cmp"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/edtf"
)

// forceNames names the forces counted, in order of first appearance.
func forceNames(items []item) []string {
	var names []string
	for i := range items {
		if n := items[i].force.Name; n != "" && !slices.Contains(names, n) {
			names = append(names, n)
		}
	}
	return names
}

// andList joins names: "A", "A and B", "A, B and C".
func andList(names []string) string {
	switch len(names) {
	case 0:
		return ""
	case 1:
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}

func forces(items []item) string { return cmp.Or(andList(forceNames(items)), "a force") }

// title names the forces charted, and the place when all share one.
func title(items []item) string {
	if len(items) == 0 {
		return "Estimates"
	}
	t := "Estimates of " + forces(items)
	place := items[0].place
	for i := range items {
		if items[i].place != place {
			return t
		}
	}
	if place != "" {
		t += " in " + place
	}
	return t
}

// summary says what the chart shows: "2 estimates of Islamic State from
// July 2016 to 29 Sep 2016, ranging from 3,000 to 10,000 fighters, by 2
// claimants." Claims in several units name each unit's range.
func summary(items []item, units []string, claimants int, banded bool, bandAfter int) string {
	total := 0
	for i := range items {
		total += items[i].count
	}
	if total == 1 {
		it := items[0]
		return "1 estimate of " + forces(items) + ", as of " + it.fromD.Display() + ": " +
			valueText(it) + " " + it.unit + ", by " + it.who + "."
	}
	var b strings.Builder
	b.WriteString(conflict.FormatCount(int64(total)) + " estimates of " + forces(items))
	first, last := &items[0], &items[0]
	same := true
	for i := range items {
		it := &items[i]
		if *it.fromD != *items[0].fromD || *it.toD != *items[0].toD {
			same = false
		}
		if it.fromD.Lower().Before(first.fromD.Lower()) {
			first = it
		}
		if it.toD.Upper().After(last.toD.Upper()) {
			last = it
		}
	}
	from, to := startWords(*first.fromD), endWords(*last.toD)
	switch {
	case same && first.count == 1:
		b.WriteString(" as of " + items[0].fromD.Display())
	case from == to:
		b.WriteString(" within " + from)
	default:
		b.WriteString(" from " + from + " to " + to)
	}
	ranges := make([]string, 0, len(units))
	for _, u := range units {
		lo, hi := int64(math.MaxInt64), int64(math.MinInt64)
		for i := range items {
			it := &items[i]
			if it.unit != u {
				continue
			}
			lo, hi = min(lo, it.lo), max(hi, it.hi)
		}
		if lo == hi {
			ranges = append(ranges, "all of "+conflict.FormatCount(lo)+" "+u)
		} else {
			ranges = append(ranges, "ranging from "+conflict.FormatCount(lo)+" to "+conflict.FormatCount(hi)+" "+u)
		}
	}
	if len(units) > 1 {
		b.WriteString(", in " + strconv.Itoa(len(units)) + " units charted apart: " + strings.Join(ranges, "; "))
	} else {
		b.WriteString(", " + ranges[0])
	}
	b.WriteString(", by " + strconv.Itoa(claimants))
	if claimants == 1 {
		b.WriteString(" claimant.")
	} else {
		b.WriteString(" claimants.")
	}
	if banded {
		b.WriteString(" Past " + strconv.Itoa(bandAfter) + " claims each band spans the lowest to the highest claim at each time; the table lists each claim.")
	}
	return b.String()
}

// unitsAndClaimants are the units items count, the most claimed first,
// and how many claimants made them, as a legend would count them.
func unitsAndClaimants(items []item) ([]string, int) {
	units := map[string]int{}
	who := map[string]bool{}
	for i := range items {
		units[items[i].unit] += items[i].count
		who[items[i].whoKey] = true
	}
	names := slices.Collect(maps.Keys(units))
	slices.SortFunc(names, func(a, b string) int { return cmp.Or(cmp.Compare(units[b], units[a]), strings.Compare(a, b)) })
	return names, len(who)
}

// headline is the spread of one force's claims about one place in one unit.
type headline struct {
	force, place, unit string
	spread             conflict.Spread
	// claimants are the claimants' keys: a place's claimants are few, and
	// a chart has a headline for each of hundreds of places.
	claimants []string
}

// headlines give the spread of claims per force, place and unit, the most
// claimed first: "12 estimates by 9 claimants put the force in Mosul at
// 3,000 to 5,000 fighters." With one force in view it is "the force".
func headlines(items []item) []string {
	index := map[[3]string]*headline{}
	var hs []*headline
	for i := range items {
		it := &items[i]
		k := [3]string{it.force.Name, it.place, it.unit}
		h, ok := index[k]
		if !ok {
			h = &headline{force: it.force.Name, place: it.place, unit: it.unit}
			index[k] = h
			hs = append(hs, h)
		}
		h.spread.Count += it.count
		if !slices.Contains(h.claimants, it.whoKey) {
			h.claimants = append(h.claimants, it.whoKey)
		}
		if it.low.Set && (!h.spread.Low.Set || it.low.Value < h.spread.Low.Value) {
			h.spread.Low = it.low
		}
		if it.high.Set && (!h.spread.High.Set || it.high.Value > h.spread.High.Value) {
			h.spread.High = it.high
		}
	}
	// Force, place and unit tell headlines apart: no two compare equal,
	// so an unstable sort orders them as a stable one would.
	slices.SortFunc(hs, func(a, b *headline) int {
		return cmp.Or(cmp.Compare(b.spread.Count, a.spread.Count), strings.Compare(a.force, b.force), strings.Compare(a.place, b.place), strings.Compare(a.unit, b.unit))
	})
	oneForce := len(forceNames(items)) <= 1
	out := make([]string, 0, len(hs))
	for _, h := range hs {
		h.spread.Claimants = len(h.claimants)
		who := "the force"
		if !oneForce && h.force != "" {
			who = h.force
		}
		if h.place != "" {
			who += " in " + h.place
		}
		verb := "put"
		if h.spread.Count == 1 {
			verb = "puts"
		}
		out = append(out, conflict.FormatCount(int64(h.spread.Count))+" "+plural(h.spread.Count, "estimate", "estimates")+
			" by "+conflict.FormatCount(int64(h.spread.Claimants))+" "+plural(h.spread.Claimants, "claimant", "claimants")+
			" "+verb+" "+who+" at "+h.spread.Text()+" "+h.unit+".")
	}
	return out
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
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

// valueText is the number as claimed: "as many as 10,000", "fewer than
// 500".
func valueText(it item) string {
	if it.e != nil {
		if v := it.e.ValueText(); v != "" {
			return v
		}
	}
	v := conflict.FormatCount(it.lo)
	if it.hi != it.lo {
		v += "–" + conflict.FormatCount(it.hi)
	}
	return v
}

// markTitle describes a claim: "as many as 10,000 fighters, Islamic State
// in Mosul, as of July 2016, claimed by Coalition estimates". A superseded
// claim says which claim revised it.
func markTitle(it item, by *item) string {
	t := valueText(it) + " " + it.unit
	if it.force.Name != "" {
		t += ", " + it.force.Name
	}
	if it.place != "" {
		t += " in " + it.place
	}
	t += ", as of " + it.fromD.Display() + ", claimed by " + it.who
	if it.retracted {
		t += " (retracted)"
	}
	if it.faded {
		if by != nil {
			t += " (superseded by " + by.who + "'s claim of " + by.fromD.Display() + ": " + valueText(*by) + ")"
		} else {
			t += " (superseded by a later claim)"
		}
	}
	return t
}

// groupTitle describes claims summed up in a group: "3 claims by Monitor
// from 1 Feb 2017 to 28 Feb 2017, ranging from 900 to 1,200 fighters".
func groupTitle(it item) string {
	if it.count == 1 {
		return valueText(it) + " " + it.unit + ", " + it.force.Name + ", as of " + it.fromD.Display() + ", claimed by " + it.who
	}
	t := strconv.Itoa(it.count) + " claims by " + it.who + " from " + it.fromD.Display() + " to " + it.toD.Display()
	if it.lo == it.hi {
		return t + ", all of " + conflict.FormatCount(it.lo) + " " + it.unit
	}
	return t + ", ranging from " + conflict.FormatCount(it.lo) + " to " + conflict.FormatCount(it.hi) + " " + it.unit
}

// bandTitle describes a band: "Government: 1,204 claims by 12 claimants
// from 1 Jan 2016 to 30 Jun 2019, from 500 to 25,558 fighters; the table
// lists each."
func bandTitle(s *series, claimants int) string {
	t := s.label + ": " + conflict.FormatCount(int64(s.count)) + " " + plural(s.count, "claim", "claims")
	if s.byType {
		t += " by " + strconv.Itoa(claimants) + " " + plural(claimants, "claimant", "claimants")
	}
	t += " from " + startWords(*s.first.fromD) + " to " + endWords(*s.last.toD)
	if s.min == s.max {
		t += ", all of " + conflict.FormatCount(s.min)
	} else {
		t += ", from " + conflict.FormatCount(s.min) + " to " + conflict.FormatCount(s.max)
	}
	return t + " " + s.first.unit + "; the table lists each"
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

// fitText shortens s with an ellipsis to fit width at size.
func fitText(s string, width, size float64) string {
	if textWidth(s, size) <= width {
		return s
	}
	r := []rune(s)
	for len(r) > 1 && textWidth(string(r)+"…", size) > width {
		r = r[:len(r)-1]
	}
	return strings.TrimSpace(string(r)) + "…"
}

func round1(v float64) float64 { return math.Round(v*10) / 10 }

// Num formats a position for SVG: at most one decimal, no trailing zeros.
func Num(v float64) string { return num(v) }

// appendNum appends v to b as num formats it.
func appendNum(b []byte, v float64) []byte {
	t := math.Round(v * 10)
	if t == 0 {
		return append(b, '0')
	}
	if math.Abs(t) >= 1e15 || math.IsNaN(t) {
		return strconv.AppendFloat(b, round1(v), 'f', -1, 64)
	}
	n := int64(t)
	if n%10 == 0 {
		return strconv.AppendInt(b, n/10, 10)
	}
	if n < 0 {
		b, n = append(b, '-'), -n
	}
	b = strconv.AppendInt(b, n/10, 10)
	return append(b, '.', byte('0'+n%10))
}

func num(v float64) string {
	// Tenths as an integer: formatting it is several times cheaper than
	// the shortest float formatting, and a chart writes thousands.
	t := math.Round(v * 10)
	if t == 0 {
		return "0" // not "-0"
	}
	if math.Abs(t) >= 1e15 || math.IsNaN(t) {
		return strconv.FormatFloat(round1(v), 'f', -1, 64)
	}
	n := int64(t)
	if n%10 == 0 {
		return strconv.FormatInt(n/10, 10)
	}
	var buf [24]byte
	b := buf[:0]
	if n < 0 {
		b, n = append(b, '-'), -n
	}
	b = strconv.AppendInt(b, n/10, 10)
	return string(append(b, '.', byte('0'+n%10)))
}
