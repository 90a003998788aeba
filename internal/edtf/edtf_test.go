package edtf

import (
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"
)

// validTests lists every valid form with everything derived from it.
var validTests = []struct {
	in, canon    string
	lower, upper string
	prec         Precision
	approx, unc  bool
	interval     bool
	display      string
}{
	// Single dates.
	{"2016-09-27", "2016-09-27", "2016-09-27", "2016-09-27", Day, false, false, false, "27 Sep 2016"},
	{"2016-07", "2016-07", "2016-07-01", "2016-07-31", Month, false, false, false, "July 2016"},
	{"2016", "2016", "2016-01-01", "2016-12-31", Year, false, false, false, "2016"},
	{"  2016-09-27\n", "2016-09-27", "2016-09-27", "2016-09-27", Day, false, false, false, "27 Sep 2016"},
	{"2016-02-29", "2016-02-29", "2016-02-29", "2016-02-29", Day, false, false, false, "29 Feb 2016"},
	{"2016-02", "2016-02", "2016-02-01", "2016-02-29", Month, false, false, false, "February 2016"},
	{"2015-02", "2015-02", "2015-02-01", "2015-02-28", Month, false, false, false, "February 2015"},
	{"1900-02", "1900-02", "1900-02-01", "1900-02-28", Month, false, false, false, "February 1900"},
	{"2000-02", "2000-02", "2000-02-01", "2000-02-29", Month, false, false, false, "February 2000"},
	{"2016-04", "2016-04", "2016-04-01", "2016-04-30", Month, false, false, false, "April 2016"},
	{"2016-12-01", "2016-12-01", "2016-12-01", "2016-12-01", Day, false, false, false, "1 Dec 2016"},
	{"0001", "0001", "0001-01-01", "0001-12-31", Year, false, false, false, "0001"},
	{"0985-05", "0985-05", "0985-05-01", "0985-05-31", Month, false, false, false, "May 0985"},
	{"9999-12-31", "9999-12-31", "9999-12-31", "9999-12-31", Day, false, false, false, "31 Dec 9999"},

	// Seasons and quarters.
	{"2016-22", "2016-22", "2016-06-01", "2016-09-23", Season, false, false, false, "summer 2016"},
	{"2016-24?", "2016-24?", "2016-12-01", "2017-03-21", Season, false, true, false, "winter 2016–17 (uncertain)"},
	{"2016-35~", "2016-35~", "2016-07-01", "2016-09-30", Quarter, true, false, false, "Q3 2016 (approx.)"},
	{"2016-33", "2016-33", "2016-01-01", "2016-03-31", Quarter, false, false, false, "Q1 2016"},
	{"2016-35/2016-22", "2016-35/2016-22", "2016-07-01", "2016-09-23", Season, false, false, true, "Q3 2016 – summer 2016"},
	{"2016-07-10/2016-22", "2016-07-10/2016-22", "2016-07-10", "2016-09-23", Season, false, false, true, "10 Jul 2016 – summer 2016"},

	// Qualified single dates.
	{"2016-07~", "2016-07~", "2016-07-01", "2016-07-31", Month, true, false, false, "July 2016 (approx.)"},
	{"2016?", "2016?", "2016-01-01", "2016-12-31", Year, false, true, false, "2016 (uncertain)"},
	{"2016-09-27%", "2016-09-27%", "2016-09-27", "2016-09-27", Day, true, true, false, "27 Sep 2016 (approx., uncertain)"},
	{"2016-09-27~", "2016-09-27~", "2016-09-27", "2016-09-27", Day, true, false, false, "27 Sep 2016 (approx.)"},
	{"2016-07?", "2016-07?", "2016-07-01", "2016-07-31", Month, false, true, false, "July 2016 (uncertain)"},
	{"2016%", "2016%", "2016-01-01", "2016-12-31", Year, true, true, false, "2016 (approx., uncertain)"},

	// Intervals between known dates.
	{"2016-07/2016-09", "2016-07/2016-09", "2016-07-01", "2016-09-30", Month, false, false, true, "Jul – Sep 2016"},
	{"2015-12/2016-01", "2015-12/2016-01", "2015-12-01", "2016-01-31", Month, false, false, true, "Dec 2015 – Jan 2016"},
	{"2016-09-27/2016-10-03", "2016-09-27/2016-10-03", "2016-09-27", "2016-10-03", Day, false, false, true, "27 Sep – 3 Oct 2016"},
	{"2016-09-27/2016-09-29", "2016-09-27/2016-09-29", "2016-09-27", "2016-09-29", Day, false, false, true, "27–29 Sep 2016"},
	{"2015-12-27/2016-01-03", "2015-12-27/2016-01-03", "2015-12-27", "2016-01-03", Day, false, false, true, "27 Dec 2015 – 3 Jan 2016"},
	{"2015/2016", "2015/2016", "2015-01-01", "2016-12-31", Year, false, false, true, "2015 – 2016"},
	{"2016-07/2016-09-29", "2016-07/2016-09-29", "2016-07-01", "2016-09-29", Month, false, false, true, "Jul 2016 – 29 Sep 2016"},
	{"2016/2016-03", "2016/2016-03", "2016-01-01", "2016-03-31", Year, false, false, true, "2016 – Mar 2016"},
	{"2016-09-27/2016-09", "2016-09-27/2016-09", "2016-09-27", "2016-09-30", Month, false, false, true, "27 Sep 2016 – Sep 2016"},
	{"2016-07/2016-07", "2016-07/2016-07", "2016-07-01", "2016-07-31", Month, false, false, true, "Jul – Jul 2016"},
	{"2016-09-27/2016-09-27", "2016-09-27/2016-09-27", "2016-09-27", "2016-09-27", Day, false, false, true, "27–27 Sep 2016"},
	{"2016/2016", "2016/2016", "2016-01-01", "2016-12-31", Year, false, false, true, "2016 – 2016"},

	// Qualified intervals keep each marker with its end and do not share the year.
	{"2016-07~/2016-09-29", "2016-07~/2016-09-29", "2016-07-01", "2016-09-29", Month, true, false, true, "Jul 2016 (approx.) – 29 Sep 2016"},
	{"2016-07?/2016-09~", "2016-07?/2016-09~", "2016-07-01", "2016-09-30", Month, true, true, true, "Jul 2016 (uncertain) – Sep 2016 (approx.)"},
	{"2016-07/2016-09%", "2016-07/2016-09%", "2016-07-01", "2016-09-30", Month, true, true, true, "Jul 2016 – Sep 2016 (approx., uncertain)"},
	{"2016-09-27~/2016-09-29", "2016-09-27~/2016-09-29", "2016-09-27", "2016-09-29", Day, true, false, true, "27 Sep 2016 (approx.) – 29 Sep 2016"},

	// Open and unknown ends.
	{"1985-04-12/..", "1985-04-12/..", "1985-04-12", "9999-12-31", Day, false, false, true, "from 12 Apr 1985"},
	{"../2016-09", "../2016-09", "0001-01-01", "2016-09-30", Month, false, false, true, "until Sep 2016"},
	{"1985-04-12/", "1985-04-12/", "1985-04-12", "9999-12-31", Day, false, false, true, "12 Apr 1985 – ?"},
	{"/2016-09", "/2016-09", "0001-01-01", "2016-09-30", Month, false, false, true, "? – Sep 2016"},
	{"2016-07~/..", "2016-07~/..", "2016-07-01", "9999-12-31", Month, true, false, true, "from Jul 2016 (approx.)"},
	{"../2016?", "../2016?", "0001-01-01", "2016-12-31", Year, false, true, true, "until 2016 (uncertain)"},
	{"/2016-09-29%", "/2016-09-29%", "0001-01-01", "2016-09-29", Day, true, true, true, "? – 29 Sep 2016 (approx., uncertain)"},
}

func TestParseValid(t *testing.T) {
	for _, tt := range validTests {
		d, err := Parse(tt.in)
		if err != nil {
			t.Errorf("Parse(%q) error: %v", tt.in, err)
			continue
		}
		if got := d.String(); got != tt.canon {
			t.Errorf("Parse(%q).String() = %q, want %q", tt.in, got, tt.canon)
		}
		if got := d.LowerKey(); got != tt.lower {
			t.Errorf("Parse(%q).LowerKey() = %q, want %q", tt.in, got, tt.lower)
		}
		if got := d.UpperKey(); got != tt.upper {
			t.Errorf("Parse(%q).UpperKey() = %q, want %q", tt.in, got, tt.upper)
		}
		if got := d.Lower().Format(time.DateOnly); got != tt.lower {
			t.Errorf("Parse(%q).Lower() = %v, want %v", tt.in, got, tt.lower)
		}
		if got := d.Upper(); got.Format(time.DateOnly) != tt.upper || got.Location() != time.UTC || got.Hour() != 0 {
			t.Errorf("Parse(%q).Upper() = %v, want %v at UTC midnight", tt.in, got, tt.upper)
		}
		if got := d.Precision(); got != tt.prec {
			t.Errorf("Parse(%q).Precision() = %v, want %v", tt.in, got, tt.prec)
		}
		if got := d.Approximate(); got != tt.approx {
			t.Errorf("Parse(%q).Approximate() = %v, want %v", tt.in, got, tt.approx)
		}
		if got := d.Uncertain(); got != tt.unc {
			t.Errorf("Parse(%q).Uncertain() = %v, want %v", tt.in, got, tt.unc)
		}
		if got := d.IsInterval(); got != tt.interval {
			t.Errorf("Parse(%q).IsInterval() = %v, want %v", tt.in, got, tt.interval)
		}
		if d.IsZero() {
			t.Errorf("Parse(%q).IsZero() = true, want false", tt.in)
		}
		if got := d.Display(); got != tt.display {
			t.Errorf("Parse(%q).Display() = %q, want %q", tt.in, got, tt.display)
		}
		if again, err := Parse(d.String()); err != nil || again != d {
			t.Errorf("Parse(%q) = %v, %v; want %v, the date it came from", d.String(), again, err, d)
		}
		if back, err := ParseLoose(d.Display()); err != nil || back != d {
			t.Errorf("ParseLoose(%q) = %v, %v; want %v, the date it was displayed from", d.Display(), back, err, d)
		}
	}
}

func TestParseInvalid(t *testing.T) {
	tests := []struct {
		in, want string // want is a substring of the error
	}{
		{"", "date is empty"},
		{"  \t", "date is empty"},
		{"next week", "not a date: use YYYY, YYYY-MM or YYYY-MM-DD, e.g. 2016-09-27"},
		{"September 2016", "not a date"},
		{"2016-13-01", "month 13 does not exist"},
		{"2016-13", "month 13 does not exist"},
		{"2016-00", "month 00 does not exist"},
		{"2016-02-30", "30 February 2016 does not exist"},
		{"2015-02-29", "29 February 2015 does not exist"},
		{"1900-02-29", "29 February 1900 does not exist"},
		{"2016-04-31", "31 April 2016 does not exist"},
		{"2016-01-32", "32 January 2016 does not exist"},
		{"2016-09-00", "day 00 does not exist"},
		{"0000", "year 0000 does not exist"},
		{"16-09-27", "year must have four digits"},
		{"16", "year must have four digits"},
		{"20160", "year must have four digits"},
		{"20160927", "write 20160927 with hyphens: 2016-09-27"},
		{"2016-9-27", "month must have two digits"},
		{"2016-7", "month must have two digits"},
		{"2016-09-7", "day must have two digits"},
		{"2016-25", "only seasons (21 to 24) and quarters (33 to 36) are supported"},
		{"2016-32", "use an interval of months, e.g. 2016-07/2016-09"},
		{"2016-37", "only seasons"},
		{"2016-41", "only seasons"},
		{"2016-42", "month 42 does not exist"},
		{"9999-24", "winter 9999 runs into 10000"},
		{"2016-22-01", "month 22 does not exist"},
		{"2016-21-01", "month 21 does not exist"},
		{"201X", "unspecified digits (X) are not supported"},
		{"2016-XX", "unspecified digits"},
		{"2016-09-XX", "unspecified digits"},
		{"-0100", "years before 0001 are not supported"},
		{"Y20000", "years after 9999 are not supported"},
		{"../..", "an interval needs at least one known end"},
		{"/", "an interval needs at least one known end"},
		{"../", "an interval needs at least one known end"},
		{"/..", "an interval needs at least one known end"},
		{"2016-09/2016-07", "the interval starts (2016-09) after it ends (2016-07)"},
		{"2016-07-15/2016-07-10", "after it ends"},
		{"2017/2016-12-31", "after it ends"},
		{"2016/2017/2018", `only one "/"`},
		{"2016-07/2016-13", "month 13 does not exist"},
		{"2016-02-30/2016-03", "30 February 2016 does not exist"},
		{"2016-07/next", "not a date"},
		{"2016-07~~", "use a single qualifier"},
		{"2016?~", "use a single qualifier"},
		{"~2016", "not a date"},
		{"2016-09-27abc", `unexpected "abc" after 2016-09-27`},
		{"2016-07-", `unexpected "-" after 2016-07`},
		{"2016-07-15-03", `unexpected "-03" after 2016-07-15`},
		{"2016-07 / 2016-09", `unexpected " " after 2016-07`},
		{"2016-09-27T10:00", "times are not supported"},
		{"2016-09-27 10:00", "times are not supported"},
		// EDTF has no numeric dates in other orders; ParseLoose reads those
		// that have only one reading.
		{"27/09/2016", "write 27/09/2016 as 2016-09-27 (year-month-day)"},
		{"09/27/2016", "write 09/27/2016 as 2016-09-27"},
		{"03/09/2016", "write 2016-09-03 or 2016-03-09"},
		{"3.9.2016", "write 2016-09-03 or 2016-03-09"},
		{"27-09-2016", "as 2016-09-27"},
		{"01/01/2016", "as 2016-01-01 (year-month-day)"},
		{"31/31/2016", "not a date"},
		{"27/09/16", "four-digit year"},
		{"2016/09/27", "write 2016/09/27 as 2016-09-27"},
		{"2016.13.01", "month 13 does not exist"},
	}
	for _, tt := range tests {
		d, err := Parse(tt.in)
		if err == nil {
			t.Errorf("Parse(%q) = %v, want error containing %q", tt.in, d, tt.want)
			continue
		}
		if !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Parse(%q) error = %q, want it to contain %q", tt.in, err, tt.want)
		}
		if !d.IsZero() {
			t.Errorf("Parse(%q) = %v with an error, want the zero Date", tt.in, d)
		}
	}
}

func TestStartEnd(t *testing.T) {
	jul := Point{Year: 2016, Month: 7, Precision: Month, Approximate: true}
	sep29 := Point{Year: 2016, Month: 9, Day: 29, Precision: Day}
	tests := []struct {
		in                   string
		start                Point
		startOK              bool
		end                  Point
		endOK                bool
		startBound, endBound Bound
	}{
		{"2016-07~", jul, true, jul, true, Known, Known},
		{"2016-07~/2016-09-29", jul, true, sep29, true, Known, Known},
		{"2016-07~/..", jul, true, Point{}, false, Known, Open},
		{"2016-07~/", jul, true, Point{}, false, Known, Unknown},
		{"../2016-09-29", Point{}, false, sep29, true, Open, Known},
		{"/2016-09-29", Point{}, false, sep29, true, Unknown, Known},
	}
	for _, tt := range tests {
		d := MustParse(tt.in)
		if p, ok := d.Start(); p != tt.start || ok != tt.startOK {
			t.Errorf("Parse(%q).Start() = %+v, %v; want %+v, %v", tt.in, p, ok, tt.start, tt.startOK)
		}
		if p, ok := d.End(); p != tt.end || ok != tt.endOK {
			t.Errorf("Parse(%q).End() = %+v, %v; want %+v, %v", tt.in, p, ok, tt.end, tt.endOK)
		}
		if b := d.StartBound(); b != tt.startBound {
			t.Errorf("Parse(%q).StartBound() = %v, want %v", tt.in, b, tt.startBound)
		}
		if b := d.EndBound(); b != tt.endBound {
			t.Errorf("Parse(%q).EndBound() = %v, want %v", tt.in, b, tt.endBound)
		}
	}
}

func TestPoint(t *testing.T) {
	tests := []struct {
		p            Point
		text         string
		lower, upper string
	}{
		{Point{Year: 2016, Month: 2, Precision: Month}, "2016-02", "2016-02-01", "2016-02-29"},
		{Point{Year: 2016, Month: 9, Day: 27, Precision: Day, Uncertain: true}, "2016-09-27?", "2016-09-27", "2016-09-27"},
		{Point{Year: 33, Precision: Year, Approximate: true}, "0033~", "0033-01-01", "0033-12-31"},
	}
	for _, tt := range tests {
		if got := tt.p.String(); got != tt.text {
			t.Errorf("%+v.String() = %q, want %q", tt.p, got, tt.text)
		}
		if got := tt.p.Lower().Format(time.DateOnly); got != tt.lower {
			t.Errorf("%+v.Lower() = %q, want %q", tt.p, got, tt.lower)
		}
		if got := tt.p.Upper().Format(time.DateOnly); got != tt.upper {
			t.Errorf("%+v.Upper() = %q, want %q", tt.p, got, tt.upper)
		}
	}
}

func TestZero(t *testing.T) {
	var d Date
	if !d.IsZero() || d.IsInterval() {
		t.Errorf("Date{}.IsZero(), IsInterval() = %v, %v; want true, false", d.IsZero(), d.IsInterval())
	}
	for name, got := range map[string]string{
		"String": d.String(), "Display": d.Display(), "LowerKey": d.LowerKey(), "UpperKey": d.UpperKey(),
	} {
		if got != "" {
			t.Errorf("Date{}.%s() = %q, want empty", name, got)
		}
	}
	if !d.Lower().IsZero() || !d.Upper().IsZero() {
		t.Errorf("Date{}.Lower(), Upper() = %v, %v; want zero times", d.Lower(), d.Upper())
	}
	if _, ok := d.Start(); ok {
		t.Errorf("Date{}.Start() reports a point")
	}
	if _, ok := d.End(); ok {
		t.Errorf("Date{}.End() reports a point")
	}
	if d.Precision() != 0 || d.Approximate() || d.Uncertain() {
		t.Errorf("Date{} has precision %v, approximate %v, uncertain %v; want none", d.Precision(), d.Approximate(), d.Uncertain())
	}
}

func TestPrecisionString(t *testing.T) {
	for p, want := range map[Precision]string{Day: "day", Month: "month", Year: "year", 0: "none", 7: "Precision(7)"} {
		if got := p.String(); got != want {
			t.Errorf("Precision(%d).String() = %q, want %q", int(p), got, want)
		}
	}
	if !(Year > Month && Month > Day) {
		t.Errorf("precisions are not ordered coarsest largest")
	}
}

func TestMustParsePanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Errorf("MustParse(%q) did not panic", "2016-13")
		}
	}()
	MustParse("2016-13")
}

func TestJSON(t *testing.T) {
	type event struct {
		When Date `json:"when"`
	}
	tests := []struct {
		d    Date
		json string
	}{
		{MustParse("2016-07~/2016-09-29"), `{"when":"2016-07~/2016-09-29"}`},
		{MustParse("2016"), `{"when":"2016"}`},
		{Date{}, `{"when":""}`},
	}
	for _, tt := range tests {
		b, err := json.Marshal(event{tt.d})
		if err != nil || string(b) != tt.json {
			t.Errorf("json.Marshal(%v) = %s, %v; want %s", tt.d, b, err, tt.json)
		}
		var e event
		if err := json.Unmarshal([]byte(tt.json), &e); err != nil || e.When != tt.d {
			t.Errorf("json.Unmarshal(%s) = %v, %v; want %v", tt.json, e.When, err, tt.d)
		}
	}
	var e event
	if err := json.Unmarshal([]byte(`{"when":"2016-13"}`), &e); err == nil || !strings.Contains(err.Error(), "month 13") {
		t.Errorf("json.Unmarshal of 2016-13: error = %v, want month 13", err)
	}
}

func TestUnmarshalTextBlank(t *testing.T) {
	d := MustParse("2016")
	if err := d.UnmarshalText([]byte("  ")); err != nil || !d.IsZero() {
		t.Errorf("UnmarshalText(%q) = %v, %v; want the zero Date", "  ", d, err)
	}
}

func TestSQL(t *testing.T) {
	tests := []struct {
		d     Date
		value driver.Value
	}{
		{MustParse("2016-07~/2016-09-29"), "2016-07~/2016-09-29"},
		{MustParse("2016-09-27"), "2016-09-27"},
		{Date{}, nil},
	}
	for _, tt := range tests {
		v, err := tt.d.Value()
		if err != nil || v != tt.value {
			t.Errorf("%v.Value() = %v, %v; want %v", tt.d, v, err, tt.value)
		}
		for _, src := range []any{v, []byte(tt.d.String())} {
			d := MustParse("1999") // Scan must overwrite it
			if err := d.Scan(src); err != nil || d != tt.d {
				t.Errorf("Scan(%#v) = %v, %v; want %v", src, d, err, tt.d)
			}
		}
	}
	var d Date
	if err := d.Scan(42); err == nil {
		t.Errorf("Scan(42) succeeded, want an error")
	}
	if err := d.Scan("2016-02-30"); err == nil || !strings.Contains(err.Error(), "30 February") {
		t.Errorf("Scan(%q) error = %v, want 30 February", "2016-02-30", err)
	}
}

// Dates are written with appendPadded: every number must read as %0*d
// writes it, or a date would not read back.
func TestAppendPaddedIsZeroPadded(t *testing.T) {
	for _, n := range []int{0, 1, 9, 10, 99, 100, 999, 1000, 2016, 9999, 12345, -1, -45} {
		for _, width := range []int{2, 4} {
			if got, want := string(appendPadded([]byte("x"), n, width)), fmt.Sprintf("x%0*d", width, n); got != want {
				t.Errorf("appendPadded(%d, %d) = %q, want %q", n, width, got, want)
			}
		}
	}
}
