package edtf

import "fmt"

var monthNames = [...]string{"", "January", "February", "March", "April", "May", "June",
	"July", "August", "September", "October", "November", "December"}

// Display returns d in English words, saying no more than is known:
// "27 Sep 2016", "July 2016 (approx.)", "Jul – Sep 2016", "27–29 Sep 2016",
// "from 12 Apr 1985", "? – Sep 2016". Years keep four digits, so that
// ParseLoose can read every result back as d. It returns "" for the zero
// Date.
func (d Date) Display() string {
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
	case Year:
		s = fmt.Sprintf("%04d", p.Year)
	case Month:
		name := monthNames[p.Month]
		if short {
			name = name[:3]
		}
		s = fmt.Sprintf("%s %04d", name, p.Year)
	default:
		s = fmt.Sprintf("%d %.3s %04d", p.Day, monthNames[p.Month], p.Year)
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
