package edtf_test

import (
	"fmt"

	"github.com/sitrep/sitrep/internal/edtf"
)

func ExampleDate_Display() {
	for _, s := range []string{
		"2016-09-27",
		"2016-07~",
		"2016?",
		"2016-07/2016-09",
		"2016-09-27/2016-09-29",
		"2016-07~/2016-09-29",
		"1985-04-12/..",
		"/2016-09",
	} {
		fmt.Printf("%-22s %s\n", s, edtf.MustParse(s).Display())
	}
	// Output:
	// 2016-09-27             27 Sep 2016
	// 2016-07~               July 2016 (approx.)
	// 2016?                  2016 (uncertain)
	// 2016-07/2016-09        Jul – Sep 2016
	// 2016-09-27/2016-09-29  27–29 Sep 2016
	// 2016-07~/2016-09-29    Jul 2016 (approx.) – 29 Sep 2016
	// 1985-04-12/..          from 12 Apr 1985
	// /2016-09               ? – Sep 2016
}

func ExampleParseLoose() {
	d, err := edtf.ParseLoose("between July and September 2016")
	fmt.Println(d, d.LowerKey(), d.UpperKey(), err)
	d, _ = edtf.ParseLoose("late September 2016")
	fmt.Println(d, d.Display())
	_, err = edtf.ParseLoose("09/10/2016")
	fmt.Println(err)
	// Output:
	// 2016-07/2016-09 2016-07-01 2016-09-30 <nil>
	// 2016-09-21~/2016-09-30~ late September 2016
	// 09/10/2016 is ambiguous: it could be 9 Oct 2016 or 10 Sep 2016; write 2016-10-09 or 2016-09-10 (year-month-day)
}
