package edtf

import (
	"fmt"
	"strconv"
	"time"
)

var monthNames = [...]string{"", "January", "February", "March", "April", "May", "June",
	"July", "August", "September", "October", "November", "December"}

// Display returns d in English words, saying no more than is known:
// "27 Sep 2016", "July 2016 (approx.)", "Jul – Sep 2016", "27–29 Sep 2016",
// "from 12 Apr 1985", "? – Sep 2016", "summer 2016", "Q3 2016". The
// intervals ParseLoose makes of phrases read back as those phrases: "late
// September 2016", "mid-2016", "the week of 26 Sep 2016". Years keep four
// digits, so that ParseLoose can read every result back as d. It returns ""
// for the zero Date.
func (d Date) Display() string { return d.display(true) }

// display is Display, reading intervals back as phrases only when phrases
// is true.
func (d Date) display(phrases bool) string {
	if d.IsZero() {
		return ""
	}
	s, e := d.start, d.end
	switch {
	case !d.interval:
		return s.words(false)
	case d.startBound == Open:
		return "until " + e.words(true)
	case d.endBound == Open:
		return "from " + s.words(true)
	case d.startBound == Unknown:
		return "? – " + e.words(true)
	case d.endBound == Unknown:
		return s.words(true) + " – ?"
	}
	if w, ok := thirdsWords(s, e); ok && phrases {
		return w
	}
	if w, ok := weekWords(s, e); ok && phrases {
		return w
	}
	// Share what both ends have in common, unless a qualifier sits between
	// them and would seem to apply to the shared part.
	if s.Precision == e.Precision && s.Year == e.Year && !s.qualified() && !e.qualified() {
		switch {
		case s.Precision == Month:
			return fmt.Sprintf("%.3s – %s", monthNames[s.Month], e.words(true))
		case s.Precision == Day && s.Month == e.Month:
			return fmt.Sprintf("%d–%s", s.Day, e.words(true))
		case s.Precision == Day:
			return fmt.Sprintf("%d %.3s – %s", s.Day, monthNames[s.Month], e.words(true))
		}
	}
	return s.words(true) + " – " + e.words(true)
}

// words returns p in English, with the month abbreviated when short is true
// or when a day precedes it.
func (p Point) words(short bool) string {
	var s string
	switch p.Precision {
	case Quarter, Season:
		s = groupWords(p)
	case Year:
		s = string(appendPadded(nil, p.Year, 4))
	case Month:
		name := monthNames[p.Month]
		if short {
			name = name[:3]
		}
		s = string(appendPadded(append([]byte(name), ' '), p.Year, 4))
	default:
		b := strconv.AppendInt(make([]byte, 0, 16), int64(p.Day), 10)
		b = append(append(b, ' '), monthNames[p.Month][:min(3, len(monthNames[p.Month]))]...)
		s = string(appendPadded(append(b, ' '), p.Year, 4))
	}
	switch {
	case p.Approximate && p.Uncertain:
		s += " (approx., uncertain)"
	case p.Approximate:
		s += " (approx.)"
	case p.Uncertain:
		s += " (uncertain)"
	}
	return s
}

// thirdWords name the thirds of a month (days 1–10, 11–20, 21 to the end)
// and of a year (January–April, May–August, September–December).
var thirdWords = [...]string{"", "early", "mid", "late"}

// third tells which third of its month (for a day) or year (for a month) p
// starts, when start is true, or ends; it is 0 when p is neither.
func third(p Point, start bool) int {
	var n, size, last int
	switch p.Precision {
	case Day:
		n, size, last = p.Day, 10, daysIn(p.Year, p.Month)
	case Month:
		n, size, last = p.Month, 4, 12
	default:
		return 0
	}
	switch {
	case start && n%size == 1 && n <= 2*size+1:
		return n/size + 1
	case !start && n == last:
		return 3
	case !start && n%size == 0 && n <= 2*size:
		return n / size
	}
	return 0
}

// thirdsWords writes an interval between approximate thirds as ParseLoose
// reads them: "late September 2016", "mid-2016", "late Sep – early Oct
// 2016", "late 2015 – early 2016".
func thirdsWords(s, e Point) (string, bool) {
	if s.Precision != e.Precision || !s.Approximate || !e.Approximate || s.Uncertain != e.Uncertain {
		return "", false
	}
	ts, te := third(s, true), third(e, false)
	if ts == 0 || te == 0 {
		return "", false
	}
	name := func(t int, rest string) string {
		if t == 2 {
			return "mid-" + rest
		}
		return thirdWords[t] + " " + rest
	}
	// "late September 2016?" is a third whose both ends are uncertain.
	single := s.Year == e.Year && ts == te && (s.Precision == Month || s.Month == e.Month)
	if s.Uncertain {
		if !single {
			return "", false
		}
		w, _ := thirdsWords(Point{Year: s.Year, Month: s.Month, Day: s.Day, Precision: s.Precision, Approximate: true},
			Point{Year: e.Year, Month: e.Month, Day: e.Day, Precision: e.Precision, Approximate: true})
		return w + " (uncertain)", true
	}
	if s.Precision == Month {
		if single {
			return name(ts, fmt.Sprintf("%04d", s.Year)), true
		}
		return name(ts, fmt.Sprintf("%04d", s.Year)) + " – " + name(te, fmt.Sprintf("%04d", e.Year)), true
	}
	switch {
	case single:
		return name(ts, fmt.Sprintf("%s %04d", monthNames[s.Month], s.Year)), true
	case s.Year == e.Year:
		return fmt.Sprintf("%s – %s", name(ts, monthNames[s.Month][:3]),
			name(te, fmt.Sprintf("%.3s %04d", monthNames[e.Month], e.Year))), true
	}
	return fmt.Sprintf("%s – %s", name(ts, fmt.Sprintf("%.3s %04d", monthNames[s.Month], s.Year)),
		name(te, fmt.Sprintf("%.3s %04d", monthNames[e.Month], e.Year))), true
}

// weekWords writes seven days from a Monday as "the week of 26 Sep 2016".
// Only a week that starts on a Monday is written so: that is what people
// mean by "the week of" a day, and "1–7 Sep 2016" (a Thursday to a
// Wednesday) says more as it is.
func weekWords(s, e Point) (string, bool) {
	if s.Precision != Day || e.Precision != Day || s.qualified() || e.qualified() ||
		s.Lower().Weekday() != time.Monday || e.Lower().Sub(s.Lower()) != 6*24*time.Hour {
		return "", false
	}
	return "the week of " + s.words(true), true
}

// Days returns the days d covers, in words ("21–30 Sep 2016", "1 Jun –
// 23 Sep 2016"), when Display names them by a phrase whose days a reader
// may not know or agree on: a third of a month or year, a season, a
// quarter, a week. It returns "" when Display already says which days, or
// when an end is open or unknown.
func (d Date) Days() string {
	if d.IsZero() || d.startBound != Known || (d.interval && d.endBound != Known) {
		return ""
	}
	s, e := d.start, d.end
	if !d.interval {
		e = s
	}
	_, thirds := thirdsWords(s, e)
	_, week := weekWords(s, e)
	if !thirds && !week && s.Group == 0 && e.Group == 0 {
		return ""
	}
	lo, hi := d.Lower(), d.Upper()
	from := Point{Year: lo.Year(), Month: int(lo.Month()), Day: lo.Day(), Precision: Day}
	to := Point{Year: hi.Year(), Month: int(hi.Month()), Day: hi.Day(), Precision: Day}
	return Date{start: from, end: to, interval: true}.display(false)
}
