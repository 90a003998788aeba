// Package edtf parses, formats and compares the dates sitrep records.
//
// It implements the subset of the Extended Date/Time Format (EDTF, ISO
// 8601-2 levels 0 and 1) that suits events whose date is often only partly
// known: a day (2016-09-27), a month (2016-07) or a year (2016), optionally
// approximate (~), uncertain (?) or both (%), or an interval between two such
// dates (2016-07~/2016-09-29) whose ends may be open (..) or unknown (empty).
// A date may also be a season (2016-22, summer 2016, level 1) or a quarter
// (2016-35, the third quarter of 2016, one of level 2's sub-year groupings).
// Years run from 0001 to 9999. Unspecified digits (201X), times and the other
// level 2 features are rejected with an explanation.
package edtf

import (
	"database/sql/driver"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Precision is how much of a date is known. Coarser precisions have larger
// values, so Year > Season > Quarter > Month > Day.
type Precision int

// The precisions a Point can have. A quarter and a season both span about
// three months; a season's edges are vaguer, so it counts as coarser.
const (
	Day Precision = iota + 1
	Month
	Quarter
	Season
	Year
)

// String returns "day", "month", "quarter", "season" or "year".
func (p Precision) String() string {
	switch p {
	case Day:
		return "day"
	case Month:
		return "month"
	case Quarter:
		return "quarter"
	case Season:
		return "season"
	case Year:
		return "year"
	case 0:
		return "none"
	}
	return fmt.Sprintf("Precision(%d)", int(p))
}

// Point is one calendar date known to day, month, quarter, season or year
// precision. Month and Day are zero when the precision does not include them.
//
// A season or quarter keeps its EDTF code in Group (21 to 24 for spring to
// winter, 33 to 36 for the first to fourth quarter) and the month it starts
// in in Month, so that code which files dates by month (timelines, charts)
// puts "summer 2016" under June 2016 without knowing about seasons.
type Point struct {
	Year, Month, Day int
	Precision        Precision
	Approximate      bool
	Uncertain        bool
	Group            int
}

// String returns p in EDTF form, such as "2016-07~".
func (p Point) String() string {
	b := make([]byte, 0, 12)
	b = appendPadded(b, p.Year, 4)
	if p.Group != 0 {
		b = appendPadded(append(b, '-'), p.Group, 2)
	} else if p.Precision <= Month {
		b = appendPadded(append(b, '-'), p.Month, 2)
	}
	if p.Precision == Day {
		b = appendPadded(append(b, '-'), p.Day, 2)
	}
	switch {
	case p.Approximate && p.Uncertain:
		b = append(b, '%')
	case p.Approximate:
		b = append(b, '~')
	case p.Uncertain:
		b = append(b, '?')
	}
	return string(b)
}

// appendPadded appends n with leading zeros to width digits, as the verb
// %0*d writes it: dates are written for every estimate a page lists.
func appendPadded(b []byte, n, width int) []byte {
	if n < 0 {
		return fmt.Appendf(b, "%0*d", width, n)
	}
	for d, m := 1, n; d < width; d++ {
		if m /= 10; m == 0 {
			b = append(b, '0')
		}
	}
	return strconv.AppendInt(b, int64(n), 10)
}

// Lower returns the first day p can mean, at midnight UTC.
func (p Point) Lower() time.Time {
	return day(p.Year, max(p.Month, 1), max(p.Day, 1))
}

// Upper returns the last day p can mean, at midnight UTC.
func (p Point) Upper() time.Time {
	if p.Group != 0 {
		return groupUpper(p.Year, p.Group)
	}
	switch p.Precision {
	case Year:
		return day(p.Year, 12, 31)
	case Month:
		return day(p.Year, p.Month, daysIn(p.Year, p.Month))
	}
	return day(p.Year, p.Month, p.Day)
}

func (p Point) qualified() bool { return p.Approximate || p.Uncertain }

// check reports, in words a person can act on, why p is not a real date.
func (p Point) check() error {
	if p.Year < 1 || p.Year > 9999 {
		return fmt.Errorf("year %04d does not exist; years run from 0001 to 9999", p.Year)
	}
	if p.Group != 0 {
		if p.Year == 9999 && p.Group == winter {
			return fmt.Errorf("winter 9999 runs into 10000; years run from 0001 to 9999")
		}
		return nil
	}
	if p.Precision == Year {
		return nil
	}
	if p.Month < 1 || p.Month > 12 {
		return fmt.Errorf("month %02d does not exist", p.Month)
	}
	if p.Precision == Month {
		return nil
	}
	if p.Day < 1 {
		return fmt.Errorf("day %02d does not exist", p.Day)
	}
	if p.Day > daysIn(p.Year, p.Month) {
		return fmt.Errorf("%d %s %04d does not exist", p.Day, monthNames[p.Month], p.Year)
	}
	return nil
}

// step returns the point n days, months or years (by p's precision) after p,
// or for a season or quarter the n-th one after it.
func (p Point) step(n int) (Point, error) {
	if p.Group != 0 {
		return p.stepGroup(n)
	}
	t := p.Lower()
	switch p.Precision {
	case Year:
		t = t.AddDate(n, 0, 0)
	case Month:
		t = t.AddDate(0, n, 0)
	default:
		t = t.AddDate(0, 0, n)
	}
	if t.Year() < 1 || t.Year() > 9999 {
		return Point{}, fmt.Errorf("dates outside 0001 to 9999 are not supported")
	}
	q := p
	q.Year = t.Year()
	if p.Precision <= Month {
		q.Month = int(t.Month())
	}
	if p.Precision == Day {
		q.Day = t.Day()
	}
	return q, nil
}

func day(year, month, d int) time.Time {
	return time.Date(year, time.Month(month), d, 0, 0, 0, 0, time.UTC)
}

func daysIn(year, month int) int {
	// Day 0 of the next month is the last day of this one.
	return day(year, month+1, 0).Day()
}

// Bound tells what is known about one end of a Date.
type Bound int

// The kinds of Bound. A single date has two Known bounds.
const (
	Known   Bound = iota // the end is a Point
	Open                 // the interval runs on without end (EDTF "..")
	Unknown              // the interval ends, but it is not known when (EDTF "")
)

// Date is a single Point or an interval between two. The zero Date means
// "no date"; every other Date is valid, because only this package builds
// them. Dates are comparable with ==.
type Date struct {
	start, end           Point
	startBound, endBound Bound
	interval             bool
}

// MustParse is like Parse but panics if s is not a valid date. It is meant
// for tests and demo data.
func MustParse(s string) Date {
	d, err := Parse(s)
	if err != nil {
		panic(fmt.Sprintf("edtf: MustParse(%q): %v", s, err))
	}
	return d
}

// newInterval returns the interval between start and end, or an error saying
// why they do not make one. Points whose bound is not Known are ignored.
func newInterval(start Point, sb Bound, end Point, eb Bound) (Date, error) {
	if sb != Known && eb != Known {
		return Date{}, fmt.Errorf("an interval needs at least one known end")
	}
	if sb != Known {
		start = Point{}
	}
	if eb != Known {
		end = Point{}
	}
	// With mixed precisions only a start that cannot overlap the end is wrong:
	// 2016-07-15/2016-07 is fine, 2016-08/2016-07 is not.
	if sb == Known && eb == Known && start.Lower().After(end.Upper()) {
		return Date{}, fmt.Errorf("the interval starts (%s) after it ends (%s)", start, end)
	}
	return Date{start: start, end: end, startBound: sb, endBound: eb, interval: true}, nil
}

// IsZero reports whether d is the zero Date, meaning no date.
func (d Date) IsZero() bool { return d == Date{} }

// IsInterval reports whether d is an interval rather than a single date.
func (d Date) IsInterval() bool { return d.interval }

// String returns d in canonical EDTF form, or "" for the zero Date.
func (d Date) String() string {
	if !d.interval {
		if d.IsZero() {
			return ""
		}
		return d.start.String()
	}
	return boundText(d.start, d.startBound) + "/" + boundText(d.end, d.endBound)
}

func boundText(p Point, b Bound) string {
	switch b {
	case Open:
		return ".."
	case Unknown:
		return ""
	}
	return p.String()
}

// Start returns the first point of an interval, or the date itself if d is a
// single date. It reports false for an open or unknown start and for the
// zero Date.
func (d Date) Start() (Point, bool) {
	return d.start, !d.IsZero() && d.startBound == Known
}

// End returns the last point of an interval, or the date itself if d is a
// single date. It reports false for an open or unknown end and for the zero
// Date.
func (d Date) End() (Point, bool) {
	if !d.interval {
		return d.Start()
	}
	return d.end, d.endBound == Known
}

// StartBound tells whether the start of d is Known, Open or Unknown.
func (d Date) StartBound() Bound { return d.startBound }

// EndBound tells whether the end of d is Known, Open or Unknown.
func (d Date) EndBound() Bound { return d.endBound }

// points returns the points of d that are known, the first n of ps: an
// array, not a slice grown each time, as lists ask every date they show
// for its precision and qualifiers.
func (d Date) points() (ps [2]Point, n int) {
	if p, ok := d.Start(); ok {
		ps[n], n = p, n+1
	}
	if p, ok := d.End(); ok && d.interval {
		ps[n], n = p, n+1
	}
	return ps, n
}

var (
	minDay = day(1, 1, 1)
	maxDay = day(9999, 12, 31)
)

// Lower returns the earliest day d can mean, at midnight UTC: 0001-01-01
// when the start is open or unknown. It returns the zero time for the zero
// Date.
func (d Date) Lower() time.Time {
	if p, ok := d.Start(); ok {
		return p.Lower()
	}
	return minDay
}

// Upper returns the latest day d can mean, inclusive, at midnight UTC:
// 2016-07-31 for 2016-07, and 9999-12-31 when the end is open or unknown.
// It returns the zero time for the zero Date.
func (d Date) Upper() time.Time {
	if d.IsZero() {
		return time.Time{}
	}
	if p, ok := d.End(); ok {
		return p.Upper()
	}
	return maxDay
}

// LowerKey returns Lower as "2006-01-02", which sorts correctly as text and
// so suits SQL columns. It returns "" for the zero Date.
func (d Date) LowerKey() string {
	if d.IsZero() {
		return ""
	}
	return d.Lower().Format(time.DateOnly)
}

// UpperKey returns Upper as "2006-01-02"; see LowerKey.
func (d Date) UpperKey() string {
	if d.IsZero() {
		return ""
	}
	return d.Upper().Format(time.DateOnly)
}

// Later returns whichever of a and b begins later, as a filter's start:
// the zero Date starts nowhere, so the other one is returned.
func Later(a, b Date) Date {
	if a.IsZero() || (!b.IsZero() && b.LowerKey() > a.LowerKey()) {
		return b
	}
	return a
}

// Earlier returns whichever of a and b ends earlier, as a filter's end:
// the zero Date ends nowhere, so the other one is returned.
func Earlier(a, b Date) Date {
	if a.IsZero() || (!b.IsZero() && b.UpperKey() < a.UpperKey()) {
		return b
	}
	return a
}

// Precision returns the coarsest precision of the known points of d, or 0
// for the zero Date.
func (d Date) Precision() Precision {
	var p Precision
	ps, n := d.points()
	for _, pt := range ps[:n] {
		p = max(p, pt.Precision)
	}
	return p
}

// Approximate reports whether any known point of d is approximate.
func (d Date) Approximate() bool {
	ps, n := d.points()
	for _, p := range ps[:n] {
		if p.Approximate {
			return true
		}
	}
	return false
}

// Uncertain reports whether any known point of d is uncertain.
func (d Date) Uncertain() bool {
	ps, n := d.points()
	for _, p := range ps[:n] {
		if p.Uncertain {
			return true
		}
	}
	return false
}

// MarshalText returns the canonical EDTF text of d, empty for the zero Date.
func (d Date) MarshalText() ([]byte, error) {
	return []byte(d.String()), nil
}

// UnmarshalText parses text with Parse; blank text gives the zero Date.
func (d *Date) UnmarshalText(text []byte) error {
	if strings.TrimSpace(string(text)) == "" {
		*d = Date{}
		return nil
	}
	v, err := Parse(string(text))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// Value stores d in a database as its canonical EDTF text, or NULL for the
// zero Date.
func (d Date) Value() (driver.Value, error) {
	if d.IsZero() {
		return nil, nil
	}
	return d.String(), nil
}

// Scan reads a Date stored by Value. It accepts a string, []byte or nil;
// NULL and empty text give the zero Date.
func (d *Date) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*d = Date{}
		return nil
	case string:
		return d.UnmarshalText([]byte(v))
	case []byte:
		return d.UnmarshalText(v)
	}
	return fmt.Errorf("edtf: cannot scan %T into a Date", src)
}
