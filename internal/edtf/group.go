package edtf

import (
	"fmt"
	"time"
)

// Seasons and quarters are EDTF's sub-year groupings: 2016-22 is summer
// 2016 (level 1) and 2016-35 the third quarter of 2016 (level 2).
//
// A quarter could instead be written as the interval 2016-07/2016-09, which
// sorts the same. It is kept as its own code because then it reads back as
// "Q3 2016", as the editor wrote it, where the interval would read back as
// "Jul – Sep 2016", and because a quarter is then one point that can be an
// end of an interval ("Q3 – Q4 2016"). Its bounds are exact, so the store's
// sort keys (LowerKey and UpperKey) need nothing special.
const (
	spring   = 21
	summer   = 22
	autumn   = 23
	winter   = 24
	quarter1 = 33
	quarter4 = 36
)

var seasonNames = map[int]string{spring: "spring", summer: "summer", autumn: "autumn", winter: "winter"}

// groupPoint returns the season or quarter code of year as a Point, or an
// error for the other level 2 groupings, which sitrep does not support.
func groupPoint(year, code int) (Point, error) {
	p := Point{Year: year, Group: code}
	switch {
	case code >= spring && code <= winter:
		// Spring starts in March, summer in June, autumn in September and
		// winter in December.
		p.Precision, p.Month = Season, 3*(code-spring+1)
	case code >= quarter1 && code <= quarter4:
		p.Precision, p.Month = Quarter, 3*(code-quarter1)+1
	default:
		return Point{}, fmt.Errorf("only seasons (21 to 24) and quarters (33 to 36) are supported; use an interval of months, e.g. %04d-07/%04d-09", year, year)
	}
	return p, nil
}

// groupUpper returns the last day a season or quarter can mean.
//
// A quarter ends with its third month. A season's edges are vague: in the
// northern hemisphere summer starts on 1 June by the weather services'
// reckoning and on the solstice (20 to 22 June) by the astronomers', and ends
// on 31 August or on the equinox (22 or 23 September). So a season runs from
// the first day of its first month, the earlier start, to the latest day its
// astronomical end can fall on, the later end: summer 2016 is 2016-06-01 to
// 2016-09-23. Neighbouring seasons overlap by three weeks, honestly: an event
// on 10 September may be told of as in summer or in autumn. Winter 2016 is
// the winter that starts in December 2016 and ends in March 2017.
func groupUpper(year, code int) time.Time {
	switch code {
	case spring:
		return day(year, 6, 21)
	case summer:
		return day(year, 9, 23)
	case autumn:
		return day(year, 12, 22)
	case winter:
		return day(year+1, 3, 21)
	}
	first := 3*(code-quarter1) + 1
	return day(year, first+2, daysIn(year, first+2))
}

// stepGroup returns the season or quarter n after p: after winter 2016
// comes spring 2017, after Q4 2016 comes Q1 2017.
func (p Point) stepGroup(n int) (Point, error) {
	base := spring
	if p.Precision == Quarter {
		base = quarter1
	}
	i := p.Year*4 + (p.Group - base) + n
	year, code := i/4, base+i%4
	if year < 1 || year > 9999 || (year == 9999 && code == winter) {
		return Point{}, fmt.Errorf("dates outside 0001 to 9999 are not supported")
	}
	q, _ := groupPoint(year, code)
	q.Approximate, q.Uncertain = p.Approximate, p.Uncertain
	return q, nil
}

// groupWords returns a season or quarter in words: "summer 2016",
// "winter 2016–17" (the winter that starts in December 2016), "Q3 2016".
func groupWords(p Point) string {
	if p.Precision == Quarter {
		return fmt.Sprintf("Q%d %04d", p.Group-quarter1+1, p.Year)
	}
	if p.Group == winter {
		return fmt.Sprintf("winter %04d–%02d", p.Year, (p.Year+1)%100)
	}
	return fmt.Sprintf("%s %04d", seasonNames[p.Group], p.Year)
}
