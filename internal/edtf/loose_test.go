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

// phraseTests are the dates people say rather than write: each reads as an
// EDTF date, covers the days lower to upper, and reads back in the words
// given, which ParseLoose reads as the same date again.
var phraseTests = []struct {
	in, edtf, words, lower, upper string
}{
	// Thirds of a month: days 1–10, 11–20 and 21 to the end, approximate.
	{"early September 2016", "2016-09-01~/2016-09-10~", "early September 2016", "2016-09-01", "2016-09-10"},
	{"mid September 2016", "2016-09-11~/2016-09-20~", "mid-September 2016", "2016-09-11", "2016-09-20"},
	{"mid-Sep 2016", "2016-09-11~/2016-09-20~", "mid-September 2016", "2016-09-11", "2016-09-20"},
	{"late September 2016", "2016-09-21~/2016-09-30~", "late September 2016", "2016-09-21", "2016-09-30"},
	{"Late Sept. 2016", "2016-09-21~/2016-09-30~", "late September 2016", "2016-09-21", "2016-09-30"},
	{"late Feb 2016", "2016-02-21~/2016-02-29~", "late February 2016", "2016-02-21", "2016-02-29"},
	{"late Oct 2016", "2016-10-21~/2016-10-31~", "late October 2016", "2016-10-21", "2016-10-31"},
	{"end of Sep 2016", "2016-09-21~/2016-09-30~", "late September 2016", "2016-09-21", "2016-09-30"},
	{"the end of September 2016", "2016-09-21~/2016-09-30~", "late September 2016", "2016-09-21", "2016-09-30"},
	{"beginning of Oct 2016", "2016-10-01~/2016-10-10~", "early October 2016", "2016-10-01", "2016-10-10"},
	{"middle of October 2016", "2016-10-11~/2016-10-20~", "mid-October 2016", "2016-10-11", "2016-10-20"},
	{"early Oct 2016", "2016-10-01~/2016-10-10~", "early October 2016", "2016-10-01", "2016-10-10"},
	{"late Sep – early Oct 2016", "2016-09-21~/2016-10-10~", "late Sep – early Oct 2016", "2016-09-21", "2016-10-10"},
	{"mid-Sep – late Oct 2016", "2016-09-11~/2016-10-31~", "mid-Sep – late Oct 2016", "2016-09-11", "2016-10-31"},
	{"early Sep – late Sep 2016", "2016-09-01~/2016-09-30~", "early Sep – late Sep 2016", "2016-09-01", "2016-09-30"},
	{"early – mid Sep 2016", "2016-09-01~/2016-09-20~", "early Sep – mid-Sep 2016", "2016-09-01", "2016-09-20"},
	{"late September 2016?", "2016-09-21%/2016-09-30%", "late September 2016 (uncertain)", "2016-09-21", "2016-09-30"},
	{"mid-2016 (uncertain)", "2016-05%/2016-08%", "mid-2016 (uncertain)", "2016-05-01", "2016-08-31"},
	{"late Dec 2015 – early Jan 2016", "2015-12-21~/2016-01-10~", "late Dec 2015 – early Jan 2016", "2015-12-21", "2016-01-10"},

	// Thirds of a year: January–April, May–August, September–December.
	{"early 2016", "2016-01~/2016-04~", "early 2016", "2016-01-01", "2016-04-30"},
	{"mid 2016", "2016-05~/2016-08~", "mid-2016", "2016-05-01", "2016-08-31"},
	{"mid-2016", "2016-05~/2016-08~", "mid-2016", "2016-05-01", "2016-08-31"},
	{"late 2016", "2016-09~/2016-12~", "late 2016", "2016-09-01", "2016-12-31"},
	{"end of 2016", "2016-09~/2016-12~", "late 2016", "2016-09-01", "2016-12-31"},
	{"late 2015 – early 2016", "2015-09~/2016-04~", "late 2015 – early 2016", "2015-09-01", "2016-04-30"},
	{"early – late 2016", "2016-01~/2016-12~", "early 2016 – late 2016", "2016-01-01", "2016-12-31"},

	// Seasons (EDTF 21–24), from the first of the month that starts them to
	// the latest day the equinox or solstice that ends them falls on.
	{"spring 2016", "2016-21", "spring 2016", "2016-03-01", "2016-06-21"},
	{"summer 2016", "2016-22", "summer 2016", "2016-06-01", "2016-09-23"},
	{"Summer, 2016", "2016-22", "summer 2016", "2016-06-01", "2016-09-23"},
	{"autumn 2016", "2016-23", "autumn 2016", "2016-09-01", "2016-12-22"},
	{"fall 2016", "2016-23", "autumn 2016", "2016-09-01", "2016-12-22"},
	{"winter 2016", "2016-24", "winter 2016–17", "2016-12-01", "2017-03-21"},
	{"winter 2016/17", "2016-24", "winter 2016–17", "2016-12-01", "2017-03-21"},
	{"winter 1999-00", "1999-24", "winter 1999–00", "1999-12-01", "2000-03-21"},
	{"about summer 2016", "2016-22~", "summer 2016 (approx.)", "2016-06-01", "2016-09-23"},
	{"summer – autumn 2016", "2016-22/2016-23", "summer 2016 – autumn 2016", "2016-06-01", "2016-12-22"},
	{"autumn 2016 – winter 2016–17", "2016-23/2016-24", "autumn 2016 – winter 2016–17", "2016-09-01", "2017-03-21"},
	{"since summer 2016", "2016-22/..", "from summer 2016", "2016-06-01", "9999-12-31"},
	{"after winter 2016", "2017-21/..", "from spring 2017", "2017-03-01", "9999-12-31"},

	// Quarters (EDTF 33–36), exact.
	{"Q3 2016", "2016-35", "Q3 2016", "2016-07-01", "2016-09-30"},
	{"q1 2016", "2016-33", "Q1 2016", "2016-01-01", "2016-03-31"},
	{"2016 Q4", "2016-36", "Q4 2016", "2016-10-01", "2016-12-31"},
	{"Q3 – Q4 2016", "2016-35/2016-36", "Q3 2016 – Q4 2016", "2016-07-01", "2016-12-31"},
	{"before Q1 2016", "../2015-36", "until Q4 2015", "0001-01-01", "2015-12-31"},

	// Weeks: the day given and the six after it.
	{"the week of 26 Sep 2016", "2016-09-26/2016-10-02", "the week of 26 Sep 2016", "2016-09-26", "2016-10-02"},
	{"week of September 26, 2016", "2016-09-26/2016-10-02", "the week of 26 Sep 2016", "2016-09-26", "2016-10-02"},
	{"the week of 2016-09-26", "2016-09-26/2016-10-02", "the week of 26 Sep 2016", "2016-09-26", "2016-10-02"},
	{"the week of 28 Dec 2015", "2015-12-28/2016-01-03", "the week of 28 Dec 2015", "2015-12-28", "2016-01-03"},
	// 28 Sep 2016 was a Wednesday, so the days say more than "the week of".
	{"the week of 28 Sep 2016", "2016-09-28/2016-10-04", "28 Sep – 4 Oct 2016", "2016-09-28", "2016-10-04"},

	// Numeric dates with only one reading.
	{"29/09/2016", "2016-09-29", "29 Sep 2016", "2016-09-29", "2016-09-29"},
	{"09/29/2016", "2016-09-29", "29 Sep 2016", "2016-09-29", "2016-09-29"},
	{"29.9.2016", "2016-09-29", "29 Sep 2016", "2016-09-29", "2016-09-29"},
	{"29-09-2016", "2016-09-29", "29 Sep 2016", "2016-09-29", "2016-09-29"},
	{"03/03/2016", "2016-03-03", "3 Mar 2016", "2016-03-03", "2016-03-03"},
	{"about 27/09/2016", "2016-09-27~", "27 Sep 2016 (approx.)", "2016-09-27", "2016-09-27"},
	{"27/09/2016 – 13/10/2016", "2016-09-27/2016-10-13", "27 Sep – 13 Oct 2016", "2016-09-27", "2016-10-13"},
}

func TestParseLoosePhrases(t *testing.T) {
	for _, tt := range phraseTests {
		d, err := ParseLoose(tt.in)
		if err != nil {
			t.Errorf("ParseLoose(%q) error: %v", tt.in, err)
			continue
		}
		if got := d.String(); got != tt.edtf {
			t.Errorf("ParseLoose(%q) = %v, want %v", tt.in, got, tt.edtf)
		}
		if got := d.Display(); got != tt.words {
			t.Errorf("ParseLoose(%q).Display() = %q, want %q", tt.in, got, tt.words)
		}
		if d.LowerKey() != tt.lower || d.UpperKey() != tt.upper {
			t.Errorf("ParseLoose(%q) covers %s to %s, want %s to %s", tt.in, d.LowerKey(), d.UpperKey(), tt.lower, tt.upper)
		}
		if again, err := Parse(d.String()); err != nil || again != d {
			t.Errorf("Parse(%q) = %v, %v; want %v", d.String(), again, err, d)
		}
		if back, err := ParseLoose(d.Display()); err != nil || back != d {
			t.Errorf("ParseLoose(%q) = %v, %v; want %v, what it was displayed from", d.Display(), back, err, d)
		}
	}
}

// Days spells out the days a phrase covers, for the read-back before
// saving, and stays quiet when the words already say them.
func TestDays(t *testing.T) {
	for in, want := range map[string]string{
		"late September 2016":     "21–30 Sep 2016",
		"mid-2016":                "1 May – 31 Aug 2016",
		"summer 2016":             "1 Jun – 23 Sep 2016",
		"winter 2016":             "1 Dec 2016 – 21 Mar 2017",
		"Q3 2016":                 "1 Jul – 30 Sep 2016",
		"the week of 26 Sep 2016": "26 Sep – 2 Oct 2016",
		"Q3 – Q4 2016":            "1 Jul – 31 Dec 2016",
		"29/09/2016":              "",
		"September 2016":          "",
		"Jul – Sep 2016":          "",
		"28 Sep – 4 Oct 2016":     "",
		"from summer 2016":        "",
	} {
		d, err := ParseLoose(in)
		if err != nil {
			t.Errorf("ParseLoose(%q) error: %v", in, err)
			continue
		}
		if got := d.Days(); got != want {
			t.Errorf("ParseLoose(%q).Days() = %q, want %q", in, got, want)
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
		{"09/10/2016", "09/10/2016 is ambiguous: it could be 9 Oct 2016 or 10 Sep 2016; write 2016-10-09 or 2016-09-10 (year-month-day)"},
		{"03/09/2016", "write 2016-09-03 or 2016-03-09"},
		{"03.09.2016", "ambiguous"},
		{"about 09/10/2016", "09/10/2016 is ambiguous"},
		{"30/02/2016", "not a date"},
		{"from 2016/09/27", "write 2016/09/27 as 2016-09-27"},
		{"2016-13-01", "month 13 does not exist"},
		{"2016-25", "only seasons (21 to 24) and quarters (33 to 36)"},
		{"early 27 Sep 2016", `"early" goes with a month or a year`},
		{"late summer 2016", `"late" goes with a month or a year`},
		{"end Sep 2016", `write "end" as in "end of September 2016"`},
		{"the week of Sep 2016", `"the week of" needs a day`},
		{"the week of late Sep 2016", `"late" makes a period, not a single date`},
		{"summer July 2016", "a season or quarter takes only a year"},
		{"summer Q3 2016", "only one season or quarter"},
		{"Q5 2016", `did not understand "q"`},
		{"winter 9999", "winter 9999 runs into 10000"},
		{"after Q4 9999", "dates outside 0001 to 9999"},
		{"mid", "the year is missing"},
		{"early – late", "the year is missing"},
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
