package chart

import (
	"slices"
	"testing"

	"github.com/sitrep/sitrep/internal/conflict"
)

func TestMarkTitle(t *testing.T) {
	c := New(workedExample(), Options{})
	want := []string{
		"as many as 10,000 fighters, Islamic State in Mosul, as of July 2016, claimed by Coalition estimates",
		"3,000–4,500 fighters, Islamic State in Mosul, as of 29 Sep 2016, claimed by U.S. military officials",
	}
	for i, m := range only(c).Marks {
		if m.Title != want[i] {
			t.Errorf("mark %d title = %q, want %q", i, m.Title, want[i])
		}
	}
	strict := only(New([]conflict.Estimate{est(1, "2016-01-02", conflict.FewerThan, "A", 500), est(2, "2016-01-03", conflict.MoreThan, "A", 200)}, Options{}))
	if got := strict.Marks[0].Title; got != "fewer than 500 fighters, Islamic State in Mosul, as of 2 Jan 2016, claimed by A" {
		t.Errorf("strict title = %q", got)
	}
	if got := strict.Marks[1].Title[:len("more than 200")]; got != "more than 200" {
		t.Errorf("strict title begins %q", got)
	}
}

func TestSummary(t *testing.T) {
	tests := []struct {
		name string
		xs   []conflict.Estimate
		want string
	}{
		{"worked example", workedExample(),
			"2 estimates of Islamic State from July 2016 to 29 Sep 2016, ranging from 3,000 to 10,000 fighters, by 2 claimants."},
		{"one", workedExample()[:1],
			"1 estimate of Islamic State, as of 29 Sep 2016: 3,000–4,500 fighters, by U.S. military officials."},
		{"same day", []conflict.Estimate{est(1, "2016-09-29", conflict.Exact, "A", 4000), est(2, "2016-09-29", conflict.About, "A", 4000)},
			"2 estimates of Islamic State as of 29 Sep 2016, all of 4,000 fighters, by 1 claimant."},
		{"interval", []conflict.Estimate{est(1, "2016-07/2016-09", conflict.Exact, "A", 10), est(2, "2016-08-02", conflict.Exact, "B", 20)},
			"2 estimates of Islamic State from July 2016 to September 2016, ranging from 10 to 20 fighters, by 2 claimants."},
		{"within a month", []conflict.Estimate{est(1, "2016-07", conflict.Exact, "A", 10), est(2, "2016-07-02", conflict.Exact, "A", 20)},
			"2 estimates of Islamic State within July 2016, ranging from 10 to 20 fighters, by 1 claimant."},
		{"two units", twoUnits(),
			"4 estimates of Islamic State from 1 Jan 2016 to 1 Apr 2016, in 2 units charted apart: ranging from 2,000 to 3,000 fighters; ranging from 20 to 40 vehicles, by 2 claimants."},
		{"none", nil, "No estimates to chart."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := New(tt.xs, Options{}).Summary; got != tt.want {
				t.Errorf("Summary = %q\nwant      %q", got, tt.want)
			}
		})
	}
}

func twoUnits() []conflict.Estimate {
	xs := []conflict.Estimate{
		est(1, "2016-01-01", conflict.Exact, "A", 2000),
		est(2, "2016-02-01", conflict.Exact, "B", 3000),
		est(3, "2016-03-01", conflict.Exact, "A", 20),
		est(4, "2016-04-01", conflict.AtMost, "B", 40),
	}
	xs[2].Unit, xs[3].Unit = "vehicles", "vehicles"
	return xs
}

// TestHeadlines: the spread is told per force, place and unit, with
// thousands separated and the unit named, never one pooled spread.
func TestHeadlines(t *testing.T) {
	xs := append(workedExample(), twoUnits()...)
	for i := range xs {
		xs[i].ID = conflict.EstimateID(i + 1)
	}
	xs[2].Place = &conflict.PlaceRef{ID: 2, Name: "Raqqa"}
	xs[3].Place = nil
	got := New(xs, Options{}).Headlines
	want := []string{
		"2 estimates by 2 claimants put the force in Mosul at 3,000 to 10,000 fighters.",
		"2 estimates by 2 claimants put the force in Mosul at 20 to 40 vehicles.",
		"1 estimate by 1 claimant puts the force at 3,000 fighters.",
		"1 estimate by 1 claimant puts the force in Raqqa at 2,000 fighters.",
	}
	if !slices.Equal(got, want) {
		t.Errorf("Headlines =\n%q\nwant\n%q", got, want)
	}
	// Sub-forces are named, not pooled.
	ys := workedExample()
	ys[1].Force = conflict.ActorRef{ID: 2, Name: "Wilayat Ninawa"}
	got = New(ys, Options{Force: 1}).Headlines
	if len(got) != 2 || got[0] != "1 estimate by 1 claimant puts Wilayat Ninawa in Mosul at up to 10,000 fighters." && got[1] != "1 estimate by 1 claimant puts Wilayat Ninawa in Mosul at up to 10,000 fighters." {
		t.Errorf("Headlines with a sub-force = %q", got)
	}
}

func TestFitText(t *testing.T) {
	long := "Islamic State in Iraq and the Levant, Wilayat Ninawa · fighters"
	if got := fitText(long, 200, 13); textWidth(got, 13) > 200 || got[len(got)-len("…"):] != "…" {
		t.Errorf("fitText = %q (%v wide)", got, textWidth(got, 13))
	}
	if got := fitText("fighters", 200, 13); got != "fighters" {
		t.Errorf("fitText shortened %q", got)
	}
}

func TestNum(t *testing.T) {
	for v, want := range map[float64]string{0: "0", -0.01: "0", 1: "1", 1.25: "1.3", -1.25: "-1.3", 12.04: "12", -0.5: "-0.5",
		0.05: "0.1", 760: "760", 3.14159: "3.1", -12.96: "-13", 1e16: "10000000000000000"} {
		if got := num(v); got != want {
			t.Errorf("num(%v) = %q, want %q", v, got, want)
		}
	}
}

// Path data is written with appendNum, labels with num: a position must
// read the same in both.
func TestAppendNumMatchesNum(t *testing.T) {
	for _, v := range []float64{0, -0.04, 0.05, -0.05, 0.949, 1, -1, 12.25, -12.35, 759.96, 1e14, -3.5e15, 1e300} {
		if got, want := string(appendNum([]byte("x"), v)), "x"+num(v); got != want {
			t.Errorf("appendNum(%v) = %q, want %q", v, got, want)
		}
	}
}
