package edtf

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// ParseLoose parses s as Parse does or, failing that, as a date written in
// English the way people type it: "27 Sep 2016", "Sep 27, 2016",
// "September 2016", "about July 2016", "c. 2016", "July 2016?",
// "Jul–Sep 2016", "27–29 Sep 2016", "between July and September 2016",
// "from 2016-07", "since July 2016", "until Sep 2016". It reads back
// everything Display writes.
//
// It also reads the vaguer phrases people use: "early", "mid" and "late" a
// month or a year, and "the beginning", "middle" or "end of" one, are the
// approximate thirds of it ("late September 2016" is 2016-09-21~/2016-09-30~,
// "mid-2016" is 2016-05~/2016-08~); "summer 2016" and "Q3 2016" are EDTF's
// season and quarter; "the week of 26 Sep 2016" is the seven days from then.
//
// "before X" and "after X" exclude X, so "before September 2016" means
// ../2016-08. A numeric date such as 29/09/2016 is read when only one order
// of day and month makes a real date; 09/10/2016 is rejected as ambiguous,
// because readers disagree on whether the day or the month comes first.
func ParseLoose(s string) (Date, error) {
	d, strictErr := Parse(s)
	if strictErr == nil {
		return d, nil
	}
	// People write the qualifier first, as in "~2016-09"; EDTF puts it last.
	if moved, ok := qualifierLast(s); ok {
		if d, err := Parse(moved); err == nil {
			return d, nil
		}
	}
	toks, err := tokenize(s)
	if err == nil {
		d, err = parseWords(joinTokens(toks))
		if err == nil {
			return d, nil
		}
	}
	// Text without a single English word that ParseLoose knows is more likely
	// a mistyped EDTF date, which Parse's error explains better.
	if !hasKnownWord(s) {
		return Date{}, strictErr
	}
	return Date{}, err
}

var (
	months = map[string]int{"sept": 9}
	// approxWords mark a date as approximate, before it or in parentheses
	// after it as Display writes them.
	approxWords = map[string]bool{"about": true, "around": true, "approx": true,
		"approximately": true, "approximate": true, "c": true, "ca": true, "circa": true}
	rangeWords = map[string]bool{"-": true, "/": true, "to": true, "until": true,
		"till": true, "til": true, "through": true, "thru": true}
	otherWords = map[string]bool{"from": true, "since": true, "after": true, "up": true,
		"before": true, "between": true, "and": true, "uncertain": true,
		"quarter": true, "q": true}
	// thirdPhrases name the thirds of a month or year: the first word, and
	// the words that may follow it before the month or year.
	thirdPhrases = map[string]struct {
		third  int
		follow string
	}{
		"early": {1, ""}, "beginning": {1, "of"}, "start": {1, "of"},
		"mid": {2, ""}, "middle": {2, "of"},
		"late": {3, ""}, "end": {3, "of"},
	}
	seasonWords = map[string]int{"spring": spring, "summer": summer, "autumn": autumn,
		"fall": autumn, "winter": winter}
)

func init() {
	for i, name := range monthNames[1:] {
		name = strings.ToLower(name)
		months[name] = i + 1
		months[name[:3]] = i + 1
	}
}

func hasKnownWord(s string) bool {
	notLetter := func(r rune) bool { return !unicode.IsLetter(r) }
	for _, w := range strings.FieldsFunc(strings.ToLower(s), notLetter) {
		_, third := thirdPhrases[w]
		if months[w] != 0 || approxWords[w] || rangeWords[w] || otherWords[w] || third || seasonWords[w] != 0 {
			return true
		}
	}
	return false
}

type tokenKind int

const (
	tWord   tokenKind = iota // letters, lower-cased
	tNumber                  // digits
	tISO                     // an EDTF date with a month, such as 2016-07
	tPunct                   // one of - / , ( ) ? ~ % or ..
)

type token struct {
	kind tokenKind
	text string
}

// tokenize splits s into words, numbers, EDTF dates and punctuation. All
// dashes become "-", and the dots that end abbreviations are dropped.
func tokenize(s string) ([]token, error) {
	s = strings.ToLower(s)
	var toks []token
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		j := i + n
		switch {
		case unicode.IsSpace(r):
		case unicode.IsLetter(r):
			j = i + span(s[i:], unicode.IsLetter)
			// A quarter, as in "Q3".
			if s[i:j] == "q" && j < len(s) && '1' <= s[j] && s[j] <= '4' && (j+1 == len(s) || !isDigit(rune(s[j+1]))) {
				j++
			}
			toks = append(toks, token{tWord, s[i:j]})
		case '0' <= r && r <= '9':
			// A number such as 29/09/2016 is a date if only one order of day
			// and month makes one; others need the explanation Parse gives.
			num := s[i : i+span(s[i:], isNumeric)]
			p, ok, err := numericDate(num)
			if err != nil {
				return nil, err
			}
			if ok {
				toks = append(toks, token{tISO, p.String()})
				j = i + len(num)
				break
			}
			j = i + span(s[i:], isDigit)
			kind := tNumber
			for k := 0; k < 2 && j-i >= 4 && dashTwoDigits(s[j:]); k++ {
				j += 3
				kind = tISO
			}
			toks = append(toks, token{kind, s[i:j]})
			if j-i <= 2 {
				j += ordinalSuffix(s[j:])
			}
		case strings.HasPrefix(s[i:], ".."):
			toks = append(toks, token{tPunct, ".."})
			j = i + 2
		case r == '.':
		case strings.ContainsRune("-‐‒–—−", r):
			toks = append(toks, token{tPunct, "-"})
		case strings.ContainsRune(",/()?~%", r):
			toks = append(toks, token{tPunct, string(r)})
		default:
			return nil, fmt.Errorf("unexpected %q", r)
		}
		i = j
	}
	return toks, nil
}

// span returns the length of the prefix of s whose runes satisfy f.
func span(s string, f func(rune) bool) int {
	if i := strings.IndexFunc(s, func(r rune) bool { return !f(r) }); i >= 0 {
		return i
	}
	return len(s)
}

func isDigit(r rune) bool   { return '0' <= r && r <= '9' }
func isNumeric(r rune) bool { return isDigit(r) || r == '/' || r == '.' || r == '-' }

// dashTwoDigits reports whether s starts with a month or day of an EDTF date.
func dashTwoDigits(s string) bool {
	isDigit := func(i int) bool { return i < len(s) && '0' <= s[i] && s[i] <= '9' }
	return len(s) >= 3 && s[0] == '-' && isDigit(1) && isDigit(2) && !isDigit(3)
}

// ordinalSuffix returns the length of an English ordinal suffix ("th" in
// "27th") at the start of s.
func ordinalSuffix(s string) int {
	for _, suf := range []string{"st", "nd", "rd", "th"} {
		if rest, ok := strings.CutPrefix(s, suf); ok {
			if r, _ := utf8.DecodeRuneInString(rest); !unicode.IsLetter(r) {
				return len(suf)
			}
		}
	}
	return 0
}

// joinTokens joins the tokens of words written with a dash, which would
// otherwise be taken for the dash between the ends of an interval: "mid-" as
// in "mid-2016", and the years of a winter, as in "winter 2016–17".
func joinTokens(toks []token) []token {
	out := make([]token, 0, len(toks))
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		out = append(out, t)
		switch {
		case t.text == "mid" && i+1 < len(toks) && toks[i+1].text == "-":
			i++
		case t.text == "winter" && i+3 < len(toks) && toks[i+1].kind == tNumber && len(toks[i+1].text) == 4 &&
			(toks[i+2].text == "-" || toks[i+2].text == "/") && toks[i+3].kind == tNumber &&
			len(toks[i+3].text) == 2 && atoi(toks[i+3].text) == (atoi(toks[i+1].text)+1)%100:
			out = append(out, toks[i+1])
			i += 3
		case t.text == "winter" && i+1 < len(toks) && toks[i+1].kind == tISO && len(toks[i+1].text) == 7 &&
			atoi(toks[i+1].text[5:]) == (atoi(toks[i+1].text[:4])+1)%100:
			// "winter 2016-17" with a hyphen looks like the month 2016-17.
			out = append(out, token{tNumber, toks[i+1].text[:4]})
			i++
		}
	}
	return out
}

// parseWords parses the tokens of a whole date.
func parseWords(toks []token) (Date, error) {
	if len(toks) == 0 {
		return Date{}, errNotDate
	}
	if week, ok := cutWords(toks, "the", "week", "of"); ok {
		return parseWeek(week)
	}
	if week, ok := cutWords(toks, "week", "of"); ok {
		return parseWeek(week)
	}
	first, rest := toks[0].text, toks[1:]
	if first == "up" && len(rest) > 0 && rest[0].text == "to" {
		first, rest = "until", rest[1:]
	}
	switch first {
	case "between":
		i, err := separator(rest, func(t token) bool { return t.text == "and" })
		if err != nil {
			return Date{}, err
		}
		if i < 0 {
			return Date{}, errors.New(`write "between" dates as "between July and September 2016"`)
		}
		return parseRange(rest[:i], rest[i+1:])
	case "from", "since", "after":
		i, err := separator(rest, isRangeWord)
		if err != nil {
			return Date{}, err
		}
		if i >= 0 && first == "from" {
			return parseRange(rest[:i], rest[i+1:])
		}
		p, err := parsePhrase(rest)
		if err == nil && first == "after" {
			p, err = p.step(1)
		}
		if err != nil {
			return Date{}, err
		}
		return newInterval(p, Known, Point{}, Open)
	case "until", "till", "til", "before":
		p, err := parsePhrase(rest)
		if err == nil && first == "before" {
			p, err = p.step(-1)
		}
		if err != nil {
			return Date{}, err
		}
		return newInterval(Point{}, Open, p, Known)
	}
	i, err := separator(toks, isRangeWord)
	if err != nil {
		return Date{}, err
	}
	if i >= 0 {
		return parseRange(toks[:i], toks[i+1:])
	}
	p, err := parsePartial(toks)
	if err != nil {
		return Date{}, err
	}
	if p.third != 0 {
		lo, hi, err := p.bounds()
		if err != nil {
			return Date{}, err
		}
		return newInterval(lo, Known, hi, Known)
	}
	pt, err := p.point()
	if err != nil {
		return Date{}, err
	}
	return Date{start: pt}, nil
}

// cutWords returns the tokens after words, if toks starts with them.
func cutWords(toks []token, words ...string) ([]token, bool) {
	if len(toks) < len(words) {
		return nil, false
	}
	for i, w := range words {
		if toks[i].text != w {
			return nil, false
		}
	}
	return toks[len(words):], true
}

// parseWeek parses the day after "the week of": the week is that day and
// the six after it.
func parseWeek(toks []token) (Date, error) {
	p, err := parsePhrase(toks)
	if err != nil {
		return Date{}, err
	}
	if p.Precision != Day {
		return Date{}, errors.New(`"the week of" needs a day, e.g. the week of 26 Sep 2016`)
	}
	end, err := p.step(6)
	if err != nil {
		return Date{}, err
	}
	return newInterval(p, Known, end, Known)
}

func isRangeWord(t token) bool { return rangeWords[t.text] }

// separator returns the index of the one token that is, or -1 if none is.
func separator(toks []token, is func(token) bool) (int, error) {
	found := -1
	for i, t := range toks {
		if !is(t) {
			continue
		}
		if found >= 0 {
			return 0, fmt.Errorf("%q appears twice; give one start and one end, e.g. July – September 2016", t.text)
		}
		found = i
	}
	return found, nil
}

// parseRange parses the two sides of an interval. A start without a year,
// as in "Jul – Sep 2016" or "27–29 Sep 2016", takes it, and the month if it
// has none, from the end.
func parseRange(left, right []token) (Date, error) {
	l, lb, err := parseSide(left, "start")
	if err != nil {
		return Date{}, err
	}
	r, rb, err := parseSide(right, "end")
	if err != nil {
		return Date{}, err
	}
	if lb == Known && rb == Known && l.year == 0 {
		l.year = r.year
		if l.month == 0 && (r.day != 0 || l.third != 0 && l.day == 0 && l.group == 0) {
			l.month = r.month
		}
	}
	var start, end Point
	if lb == Known {
		if start, _, err = l.bounds(); err != nil {
			return Date{}, err
		}
	}
	if rb == Known {
		if _, end, err = r.bounds(); err != nil {
			return Date{}, err
		}
	}
	return newInterval(start, lb, end, rb)
}

func parseSide(toks []token, which string) (partial, Bound, error) {
	switch {
	case len(toks) == 0:
		return partial{}, 0, fmt.Errorf("the %s of the interval is missing; write ? if it is unknown", which)
	case len(toks) == 1 && toks[0].text == "?":
		return partial{}, Unknown, nil
	case len(toks) == 1 && toks[0].text == "..":
		return partial{}, Open, nil
	}
	p, err := parsePartial(toks)
	return p, Known, err
}

// parsePhrase parses the tokens of a single, complete date.
func parsePhrase(toks []token) (Point, error) {
	p, err := parsePartial(toks)
	if err != nil {
		return Point{}, err
	}
	if p.third != 0 {
		return Point{}, fmt.Errorf("%q makes a period, not a single date; write it alone, e.g. late September 2016", thirdWords[p.third])
	}
	return p.point()
}

// partial is a date as written, perhaps without the year or month it shares
// with the other end of an interval. Its fields are zero when not written.
// group is a season's or quarter's EDTF code; third is 1, 2 or 3 for the
// early, mid or late third of the month or year.
type partial struct {
	year, month, day  int
	group, third      int
	approx, uncertain bool
}

// bounds returns the first and last points of p: p itself twice, or the
// approximate ends of the third of a month or year that p names.
func (p partial) bounds() (lo, hi Point, err error) {
	pt, err := p.point()
	if err != nil || p.third == 0 {
		return pt, pt, err
	}
	lo, hi = pt, pt
	switch pt.Precision {
	case Month:
		lo.Precision, hi.Precision = Day, Day
		lo.Day, hi.Day = 10*(p.third-1)+1, 10*p.third
		if p.third == 3 {
			hi.Day = daysIn(pt.Year, pt.Month)
		}
	case Year:
		lo.Precision, hi.Precision = Month, Month
		lo.Month, hi.Month = 4*(p.third-1)+1, 4*p.third
	default:
		return Point{}, Point{}, fmt.Errorf("%q goes with a month or a year, e.g. %s September 2016", thirdWords[p.third], thirdWords[p.third])
	}
	// A third is a guess at the date, so both its ends are approximate.
	lo.Approximate, hi.Approximate = true, true
	return lo, hi, nil
}

// point returns p as a Point, if it is a complete and real date.
func (p partial) point() (Point, error) {
	switch {
	case p.year == 0:
		return Point{}, errors.New("the year is missing, e.g. July 2016")
	case p.day != 0 && p.month == 0:
		return Point{}, errors.New("a day needs a month, e.g. 27 Sep 2016")
	case p.group != 0 && (p.month != 0 || p.day != 0):
		return Point{}, errors.New("a season or quarter takes only a year, e.g. summer 2016 or Q3 2016")
	case p.group != 0:
		pt, err := groupPoint(p.year, p.group)
		if err != nil {
			return Point{}, err
		}
		pt.Approximate, pt.Uncertain = p.approx, p.uncertain
		return pt, pt.check()
	}
	pt := Point{Year: p.year, Month: p.month, Day: p.day, Precision: Year,
		Approximate: p.approx, Uncertain: p.uncertain}
	if p.month != 0 {
		pt.Precision = Month
	}
	if p.day != 0 {
		pt.Precision = Day
	}
	return pt, pt.check()
}

// parsePartial parses one date: words for approximation before it,
// qualifiers after it, and in between day, month and year in any order or
// an EDTF date.
func parsePartial(toks []token) (partial, error) {
	var p partial
	for len(toks) > 0 {
		w := toks[0].text
		if w == "the" && len(toks) > 1 {
			if _, ok := thirdPhrases[toks[1].text]; ok {
				toks = toks[1:]
				continue
			}
		}
		if third, ok := thirdPhrases[w]; ok && p.third == 0 {
			p.third = third.third
			toks = toks[1:]
			if third.follow != "" {
				if len(toks) == 0 || toks[0].text != third.follow {
					return p, fmt.Errorf(`write %q as in "%s %s September 2016"`, w, w, third.follow)
				}
				toks = toks[1:]
			}
			continue
		}
		if !approxWords[w] {
			break
		}
		p.approx = true
		toks = toks[1:]
	}
suffixes:
	for len(toks) > 0 {
		n := len(toks) - 1
		switch toks[n].text {
		case "?":
			p.uncertain = true
		case "~":
			p.approx = true
		case "%":
			p.approx, p.uncertain = true, true
		case ")":
			open := n - 1
			for open >= 0 && toks[open].text != "(" {
				open--
			}
			if open < 0 {
				return p, errors.New(`")" without "("`)
			}
			for _, t := range toks[open+1 : n] {
				switch {
				case approxWords[t.text]:
					p.approx = true
				case t.text == "uncertain":
					p.uncertain = true
				case t.text != ",":
					return p, fmt.Errorf(`did not understand %q; in parentheses write "approx." or "uncertain"`, t.text)
				}
			}
			n = open
		default:
			break suffixes
		}
		toks = toks[:n]
	}
	if len(toks) == 1 && toks[0].kind == tISO {
		pt, err := parsePoint(toks[0].text)
		p.year, p.month, p.day = pt.Year, pt.Month, pt.Day
		if pt.Group != 0 {
			p.month, p.group = 0, pt.Group
		}
		return p, err
	}
	for _, t := range toks {
		switch {
		case t.text == ",":
		case t.kind == tWord && months[t.text] != 0:
			if p.month != 0 {
				return p, errors.New("give only one month for each date")
			}
			p.month = months[t.text]
		case t.kind == tWord && (seasonWords[t.text] != 0 || len(t.text) == 2 && t.text[0] == 'q'):
			if p.group != 0 {
				return p, errors.New("give only one season or quarter for each date")
			}
			p.group = seasonWords[t.text]
			if p.group == 0 {
				p.group = quarter1 + int(t.text[1]-'1')
			}
		case t.kind == tNumber && len(t.text) == 4:
			if p.year != 0 {
				return p, errors.New("give only one year for each date")
			}
			if p.year = atoi(t.text); p.year == 0 {
				return p, errors.New("year 0000 does not exist; years run from 0001 to 9999")
			}
		case t.kind == tNumber && len(t.text) <= 2:
			if p.day != 0 && p.year == 0 {
				return p, fmt.Errorf("write the year with four digits, e.g. 2016, not %s", t.text)
			}
			if p.day != 0 {
				return p, errors.New("give only one day for each date")
			}
			if p.day = atoi(t.text); p.day == 0 {
				return p, errors.New("day 00 does not exist")
			}
		case t.kind == tNumber:
			return p, errors.New("year must have four digits, e.g. 2016")
		case t.kind == tWord:
			return p, fmt.Errorf("did not understand %q; write a date such as 27 Sep 2016 or 2016-09-27", t.text)
		default:
			return p, fmt.Errorf("unexpected %q", t.text)
		}
	}
	// A third alone ("early" in "early – late 2016") takes the rest from
	// the end of its interval.
	if p == (partial{approx: p.approx, uncertain: p.uncertain}) {
		return p, errNotDate
	}
	return p, nil
}

// qualifierLast moves a qualifier written before a date (or before either
// side of an interval) to after it, and reports whether it moved any.
func qualifierLast(s string) (string, bool) {
	sides := strings.Split(strings.TrimSpace(s), "/")
	moved := false
	for i, side := range sides {
		side = strings.TrimSpace(side)
		if len(side) > 1 && strings.ContainsRune("~?%", rune(side[0])) {
			side, moved = side[1:]+side[:1], true
		}
		sides[i] = side
	}
	return strings.Join(sides, "/"), moved
}
