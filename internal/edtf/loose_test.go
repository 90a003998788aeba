package edtf

import (
	"strings"
	"testing"
)

var looseTests = []struct {
	in, want string // want is the canonical EDTF result
}{
	// Strict EDTF comes first.
	{"2016-09-27", "2016-09-27"},
	{"2016-07~/2016-09-29", "2016-07~/2016-09-29"},
	{" 2016 ", "2016"},

	// Days.
	{"27 Sep 2016", "2016-09-27"},
	{"27 September 2016", "2016-09-27"},
	{"27 sept. 2016", "2016-09-27"},
	{"Sep 27, 2016", "2016-09-27"},
	{"September 27 2016", "2016-09-27"},
	{"27th September 2016", "2016-09-27"},
	{"1st Jan 2016", "2016-01-01"},
	{"2 feb 2016", "2016-02-02"},
	{"3rd MARCH 2016", "2016-03-03"},
	{"29 Feb 2016", "2016-02-29"},

	// Months and years.
	{"September 2016", "2016-09"},
	{"Sept 2016", "2016-09"},
	{"Sep. 2016", "2016-09"},
	{"SEPTEMBER 2016", "2016-09"},
	{"september, 2016", "2016-09"},
	{"may 2016", "2016-05"},

	// Qualifiers.
	{"~2016-09", "2016-09~"},
	{"?2016-07-12/~2016-09", "2016-07-12?/2016-09~"},
	{"about July 2016", "2016-07~"},
	{"around 27 Sep 2016", "2016-09-27~"},
	{"approx. 2016", "2016~"},
	{"approximately July 2016", "2016-07~"},
	{"c. 2016", "2016~"},
	{"c 2016", "2016~"},
	{"ca. 2016", "2016~"},
	{"circa 2016", "2016~"},
	{"July 2016?", "2016-07?"},
	{"July 2016 ?", "2016-07?"},
	{"July 2016~", "2016-07~"},
	{"about July 2016?", "2016-07%"},
	{"July 2016 (approx.)", "2016-07~"},
	{"July 2016 (uncertain)", "2016-07?"},
	{"July 2016 (approx., uncertain)", "2016-07%"},
	{"2016-07 (approx.)", "2016-07~"},

	// Intervals.
	{"July – September 2016", "2016-07/2016-09"},
	{"July—September 2016", "2016-07/2016-09"},
	{"Jul-Sep 2016", "2016-07/2016-09"},
	{"Jul - Sep 2016", "2016-07/2016-09"},
	{"July to September 2016", "2016-07/2016-09"},
	{"July through September 2016", "2016-07/2016-09"},
	{"July until September 2016", "2016-07/2016-09"},
	{"July/September 2016", "2016-07/2016-09"},
	{"between July and September 2016", "2016-07/2016-09"},
	{"between 2015 and 2016", "2015/2016"},
	{"from July to September 2016", "2016-07/2016-09"},
	{"2016-07 to 2016-09", "2016-07/2016-09"},
	{"2016-07 / 2016-09", "2016-07/2016-09"},
	{"2016-07 – 2016-09-29", "2016-07/2016-09-29"},
	{"2015 – 2016", "2015/2016"},
	{"2015-2016", "2015/2016"},
	{"Dec 2015 – Jan 2016", "2015-12/2016-01"},
	{"27 Sep – 3 Oct 2016", "2016-09-27/2016-10-03"},
	{"Sep 27 – Oct 3, 2016", "2016-09-27/2016-10-03"},
	{"27–29 Sep 2016", "2016-09-27/2016-09-29"},
	{"27-29 September 2016", "2016-09-27/2016-09-29"},
	{"27 Dec 2015 – 3 Jan 2016", "2015-12-27/2016-01-03"},
	{"about Jul – Sep 2016", "2016-07~/2016-09"},
	{"c. 1985–1990", "1985~/1990"},
	{"Jul 2016 (approx.) – 29 Sep 2016", "2016-07~/2016-09-29"},

	// Open and unknown ends.
	{"from 2016-07", "2016-07/.."},
	{"from 12 April 1985", "1985-04-12/.."},
	{"since July 2016", "2016-07/.."},
	{"until September 2016", "../2016-09"},
	{"till Sep 2016", "../2016-09"},
	{"up to September 2016", "../2016-09"},
	{"until about 2016", "../2016~"},
	{"before September 2016", "../2016-08"},
	{"before January 2016", "../2015-12"},
	{"before 1 Mar 2016", "../2016-02-29"},
	{"before 2016", "../2015"},
	{"after 2016", "2017/.."},
	{"after 31 Dec 2015", "2016-01-01/.."},
	{"12 Apr 1985 – ?", "1985-04-12/"},
	{"? – Sep 2016", "/2016-09"},
	{"2016-07 – ..", "2016-07/.."},
}

func TestParseLoose(t *testing.T) {
	for _, tt := range looseTests {
		d, err := ParseLoose(tt.in)
		if err != nil {
			t.Errorf("ParseLoose(%q) error: %v", tt.in, err)
			continue
		}
		if got := d.String(); got != tt.want {
			t.Errorf("ParseLoose(%q) = %v, want %v", tt.in, got, tt.want)
		}
		if again, err := Parse(d.String()); err != nil || again != d {
			t.Errorf("Parse(%q) = %v, %v; want %v, what ParseLoose(%q) gave", d.String(), again, err, d, tt.in)
		}
	}
}

func TestParseLooseInvalid(t *testing.T) {
	tests := []struct {
		in, want string // want is a substring of the error
	}{
		{"", "date is empty"},
		{"next week", "not a date: use YYYY, YYYY-MM or YYYY-MM-DD"},
		{"Smarch 2016", "not a date"},
		{"27/09/2016", "27/09/2016 is ambiguous: write 2016-09-27"},
		{"03/09/2016", "write 2016-09-03 or 2016-03-09"},
		{"27.09.2016", "ambiguous"},
		{"about 27/09/2016", "27/09/2016 is ambiguous: write 2016-09-27"},
		{"from 2016/09/27", "write 2016/09/27 as 2016-09-27"},
		{"2016-13-01", "month 13 does not exist"},
		{"2016-21", "seasons are not supported"},
		{"201X", "unspecified digits"},
		{"2016-9-27", "month must have two digits"},
		{"July", "the year is missing"},
		{"27 Sep", "the year is missing"},
		{"Jul 2016 – Sep", "the year is missing"},
		{"c. 27 2016", "a day needs a month"},
		{"27 – Sep 2016", "a day needs a month"},
		{"30 Feb 2016", "30 February 2016 does not exist"},
		{"31 Sep – 3 Oct 2016", "31 September 2016 does not exist"},
		{"0 Sep 2016", "day 00 does not exist"},
		{"Sep 0000", "year 0000 does not exist"},
		{"Sep 27, 16", "write the year with four digits, e.g. 2016, not 16"},
		{"Sep 216", "year must have four digits"},
		{"July August 2016", "only one month"},
		{"July 2016 2017", "only one year"},
		{"1 Sep 2016 2", "only one day"},
		{"Sep – Jul 2016", "the interval starts (2016-09) after it ends (2016-07)"},
		{"from Sep to Jul 2016", "after it ends"},
		{"July 2016 to", "the end of the interval is missing"},
		{"to July 2016", "the start of the interval is missing"},
		{"between ? and ?", "an interval needs at least one known end"},
		{"? – ?", "not a date"},
		{"Jul – Sep – Oct 2016", "appears twice"},
		{"between July 2016", `"between July and September 2016"`},
		{"from next week", `did not understand "next"`},
		{"July 2016 (maybe)", `did not understand "maybe"`},
		{"July 2016)", `")" without "("`},
		{"about", "not a date"},
		{"2016-13 to 2016-09", "month 13 does not exist"},
		{"before 0001", "dates outside 0001 to 9999 are not supported"},
		{"after 9999", "dates outside 0001 to 9999 are not supported"},
		{"until ?", "not a date"},
		{"July 2016 @ noon", `unexpected '@'`},
		{"2016-07 July", `unexpected "2016-07"`},
	}
	for _, tt := range tests {
		d, err := ParseLoose(tt.in)
		if err == nil {
			t.Errorf("ParseLoose(%q) = %v, want error containing %q", tt.in, d, tt.want)
			continue
		}
		if !strings.Contains(err.Error(), tt.want) {
			t.Errorf("ParseLoose(%q) error = %q, want it to contain %q", tt.in, err, tt.want)
		}
	}
}
