package pages

import "testing"

// The edit forms read a typed date back before it is saved: a phrase in the
// words the editor used, with the days it covers when those may be unclear.
func TestDateReading(t *testing.T) {
	for in, want := range map[string]string{
		"late September 2016":     "Reads as: late September 2016 (21–30 Sep 2016)",
		"end of Sep 2016":         "Reads as: late September 2016 (21–30 Sep 2016)",
		"summer 2016":             "Reads as: summer 2016 (1 Jun – 23 Sep 2016)",
		"Q3 2016":                 "Reads as: Q3 2016 (1 Jul – 30 Sep 2016)",
		"the week of 26 Sep 2016": "Reads as: the week of 26 Sep 2016 (26 Sep – 2 Oct 2016)",
		"29/09/2016":              "Reads as: 29 Sep 2016",
		"2016-09-27":              "Reads as: 27 Sep 2016",
		"09/10/2016":              "09/10/2016 is ambiguous: it could be 9 Oct 2016 or 10 Sep 2016; write 2016-10-09 or 2016-09-10 (year-month-day).",
	} {
		if got := DateReading(in); got != want {
			t.Errorf("DateReading(%q) = %q, want %q", in, got, want)
		}
	}
}
