package edtf

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

var (
	errNotDate     = errors.New("not a date: use YYYY, YYYY-MM or YYYY-MM-DD, e.g. 2016-09-27")
	errUnspecified = errors.New("unspecified digits (X) are not supported; use a coarser date or an interval, e.g. 2010/2019")
)

// Parse parses the EDTF subset described in the package documentation,
// ignoring surrounding space. Its errors are sentences fit to show to the
// person who typed s.
func Parse(s string) (Date, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return Date{}, errors.New("date is empty")
	}
	if err := checkNumeric(s); err != nil {
		return Date{}, err
	}
	a, b, ok := strings.Cut(s, "/")
	if !ok {
		p, err := parsePoint(s)
		if err != nil {
			return Date{}, err
		}
		return Date{start: p}, nil
	}
	if strings.Contains(b, "/") {
		return Date{}, errors.New(`an interval has only one "/", between its start and its end`)
	}
	start, sb, err := parseBound(a)
	if err != nil {
		return Date{}, err
	}
	end, eb, err := parseBound(b)
	if err != nil {
		return Date{}, err
	}
	return newInterval(start, sb, end, eb)
}

func parseBound(s string) (Point, Bound, error) {
	switch s {
	case "":
		return Point{}, Unknown, nil
	case "..":
		return Point{}, Open, nil
	}
	p, err := parsePoint(s)
	return p, Known, err
}

// parsePoint parses one EDTF date such as 2016-07~.
func parsePoint(s string) (Point, error) {
	switch {
	case strings.HasPrefix(s, "-"):
		return Point{}, errors.New("years before 0001 are not supported")
	case strings.HasPrefix(s, "Y"):
		return Point{}, errors.New("years after 9999 are not supported")
	case s == "" || !isDigitOrX(s[0]):
		return Point{}, errNotDate
	}
	year, rest := digits(s)
	if strings.Contains(year, "X") {
		return Point{}, errUnspecified
	}
	if len(year) != 4 {
		if rest == "" && len(year) == 8 {
			return Point{}, fmt.Errorf("write %s with hyphens: %s-%s-%s", year, year[:4], year[4:6], year[6:])
		}
		return Point{}, errors.New("year must have four digits, e.g. 2016")
	}
	p := Point{Year: atoi(year), Precision: Year}
	if month, r, ok := component(rest); ok {
		if strings.Contains(month, "X") {
			return Point{}, errUnspecified
		}
		if len(month) != 2 {
			return Point{}, fmt.Errorf("month must have two digits, e.g. %s-09", year)
		}
		p.Month, p.Precision, rest = atoi(month), Month, r
		if day, r, ok := component(rest); ok {
			if strings.Contains(day, "X") {
				return Point{}, errUnspecified
			}
			if len(day) != 2 {
				return Point{}, fmt.Errorf("day must have two digits, e.g. %s-%s-07", year, month)
			}
			p.Day, p.Precision, rest = atoi(day), Day, r
		}
	}
	if rest != "" {
		switch rest[0] {
		case '~':
			p.Approximate = true
		case '?':
			p.Uncertain = true
		case '%':
			p.Approximate, p.Uncertain = true, true
		}
		if p.qualified() {
			rest = rest[1:]
		}
	}
	if rest != "" {
		switch {
		case strings.ContainsAny(rest[:1], "~?%"):
			return Point{}, errors.New("use a single qualifier: ~ for approximate, ? for uncertain, % for both")
		case rest[0] == 'T' || strings.Contains(rest, ":"):
			return Point{}, errors.New("times are not supported; give only the date, e.g. 2016-09-27")
		}
		return Point{}, fmt.Errorf("unexpected %q after %s", rest, s[:len(s)-len(rest)])
	}
	if p.Precision == Month && p.Month >= 21 && p.Month <= 41 {
		g, err := groupPoint(p.Year, p.Month)
		if err != nil {
			return Point{}, err
		}
		g.Approximate, g.Uncertain = p.Approximate, p.Uncertain
		p = g
	}
	return p, p.check()
}

// checkNumeric explains dates written as three numbers in another order,
// such as 27/09/2016, which would otherwise get a confusing error. EDTF
// itself has no such form, so every one is an error here; see numericDate
// for the ones ParseLoose accepts.
func checkNumeric(s string) error {
	p, ok, err := numericDate(s)
	if ok {
		return fmt.Errorf("write %s as %s (year-month-day)", s, p)
	}
	return err
}

// numericDate reads a date written as three numbers, such as 29/09/2016 or
// 9.29.2016. Day-first and month-first dates are both common, so it reads
// one only when the other order is not a real date (29 cannot be a month)
// or gives the same day (03/03/2016); ok is false otherwise, and err says
// why when s has that form at all. Year-first dates such as 2016/09/27
// are explained rather than read, because "/" in EDTF makes an interval.
func numericDate(s string) (p Point, ok bool, err error) {
	i := strings.IndexAny(s, "/.-")
	if i < 0 {
		return Point{}, false, nil
	}
	parts := strings.Split(s, s[i:i+1])
	if len(parts) != 3 || !allDigits(parts) {
		return Point{}, false, nil
	}
	a, b, c := parts[0], parts[1], parts[2]
	switch {
	case len(a) == 4 && len(b) <= 2 && len(c) <= 2 && s[i] != '-':
		p := Point{Year: atoi(a), Month: atoi(b), Day: atoi(c), Precision: Day}
		if err := p.check(); err != nil {
			return Point{}, false, err
		}
		return Point{}, false, fmt.Errorf("write %s as %s (year-month-day)", s, p)
	case len(a) <= 2 && len(b) <= 2 && len(c) == 4:
		var valid []Point
		for _, p := range []Point{
			{Year: atoi(c), Month: atoi(b), Day: atoi(a), Precision: Day},
			{Year: atoi(c), Month: atoi(a), Day: atoi(b), Precision: Day},
		} {
			if p.check() == nil && (len(valid) == 0 || valid[0] != p) {
				valid = append(valid, p)
			}
		}
		switch len(valid) {
		case 0:
			return Point{}, false, errNotDate
		case 1:
			return valid[0], true, nil
		}
		return Point{}, false, fmt.Errorf("%s is ambiguous: it could be %s or %s; write %s or %s (year-month-day)",
			s, valid[0].words(false), valid[1].words(false), valid[0], valid[1])
	case len(a) <= 2 && len(b) <= 2 && len(c) == 2 && s[i] != '-':
		return Point{}, false, fmt.Errorf("write %s as YYYY-MM-DD, with a four-digit year, e.g. 2016-09-27", s)
	}
	return Point{}, false, nil
}

// component splits a "-NN" date component off the front of s.
func component(s string) (field, rest string, ok bool) {
	if len(s) < 2 || s[0] != '-' || !isDigitOrX(s[1]) {
		return "", s, false
	}
	field, rest = digits(s[1:])
	return field, rest, true
}

// digits splits the leading digits of s from the rest. It includes X, so that
// unspecified digits can be recognized and explained.
func digits(s string) (run, rest string) {
	i := 0
	for i < len(s) && isDigitOrX(s[i]) {
		i++
	}
	return s[:i], s[i:]
}

func isDigitOrX(c byte) bool { return '0' <= c && c <= '9' || c == 'X' }

func allDigits(ss []string) bool {
	for _, s := range ss {
		if s == "" || strings.Trim(s, "0123456789") != "" {
			return false
		}
	}
	return true
}

// atoi converts a string already known to hold only a few digits.
func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}
