package chart

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/edtf"
)

// claimGroup is n claims of claimant in the month of first, from lo to hi.
func claimGroup(claimant string, month time.Time, n int, lo, hi int64) conflict.ClaimGroup {
	return conflict.ClaimGroup{Force: islamicState, Claimant: claimant, Unit: "fighters", Count: n,
		Low: conflict.Count(lo), High: conflict.Count(hi), Min: lo, Max: hi,
		From: edtf.MustParse(month.Format("2006-01-02")), To: edtf.MustParse(month.AddDate(0, 1, -1).Format("2006-01-02"))}
}

func TestGroupedDrawsEachGroupAsABar(t *testing.T) {
	jan := time.Date(2017, 1, 1, 0, 0, 0, 0, time.UTC)
	gs := []conflict.ClaimGroup{
		claimGroup("Monitor", jan.AddDate(0, 1, 0), 3, 900, 1200),
		claimGroup("Monitor", jan, 1, 1000, 1000),
		claimGroup("Ministry", jan, 40, 200, 5000),
	}
	var links []string
	c := Grouped(gs, Options{GroupURL: func(claimant string, from, to edtf.Date) string {
		links = append(links, claimant+" "+from.String()+"/"+to.String())
		return "/g"
	}})
	if c.Empty || len(c.Marks) != 3 {
		t.Fatalf("Grouped(3 groups) drew %d marks (empty %v), want 3", len(c.Marks), c.Empty)
	}
	if c.Title != "Estimates of Islamic State" {
		t.Errorf("Title = %q", c.Title)
	}
	if want := "44 estimates of Islamic State from 1 Jan 2017 to 28 Feb 2017, ranging from 200 to 5,000 fighters, by 2 claimants."; !strings.HasPrefix(c.Summary, want) {
		t.Errorf("Summary = %q, want it to begin %q", c.Summary, want)
	}
	// Earliest first; the February group last.
	if m := c.Marks[2]; m.Title != "3 claims by Monitor from 1 Feb 2017 to 28 Feb 2017, ranging from 900 to 1,200 fighters" || m.Kind != Bar || m.URL != "/g" {
		t.Errorf("last mark = %q (%v, %q), want February's bar of Monitor's 3 claims", m.Title, m.Kind, m.URL)
	}
	if m := c.Marks[0]; !strings.HasPrefix(m.Title, "1 claim by Monitor") && !strings.HasPrefix(m.Title, "40 claims by Ministry") {
		t.Errorf("first mark = %q, want a January group", m.Title)
	}
	for _, m := range c.Marks {
		if m.YHigh >= m.YLow && !strings.Contains(m.Title, "all of") {
			t.Errorf("mark %q runs from y %v to %v, want its high above its low", m.Title, m.YLow, m.YHigh)
		}
	}
	counts := map[string]int{}
	for _, l := range c.Legend {
		counts[l.Claimant] = l.Count
	}
	if counts["Monitor"] != 4 || counts["Ministry"] != 40 {
		t.Errorf("legend counts = %v, want Monitor 4 and Ministry 40", counts)
	}
	if len(links) != 3 || links[2] != "Monitor 2017-02-01/2017-02-28" {
		t.Errorf("group links = %q", links)
	}
}

func TestGroupedMergesPastMaxMarks(t *testing.T) {
	var gs []conflict.ClaimGroup
	day := time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	total := 0
	for i := range 2000 {
		g := claimGroup(fmt.Sprintf("Claimant %d", i%4), day.AddDate(0, i/4, 0), 1+i%5, int64(100+i), int64(200+i))
		total += g.Count
		gs = append(gs, g)
	}
	before := gs[0]
	c := Grouped(gs, Options{})
	if len(c.Marks) > MaxMarks+4 || len(c.Marks) < 50 {
		t.Errorf("Grouped(2,000 groups) drew %d marks, want fewer than %d", len(c.Marks), MaxMarks+4)
	}
	drawn := 0
	for _, m := range c.Marks {
		var n int
		if _, err := fmt.Sscanf(m.Title, "%d claim", &n); err != nil {
			t.Fatalf("mark title %q does not say how many claims it holds", m.Title)
		}
		drawn += n
	}
	if drawn != total {
		t.Errorf("marks hold %d claims, want all %d", drawn, total)
	}
	if gs[0] != before {
		t.Errorf("Grouped changed the caller's groups: %+v, was %+v", gs[0], before)
	}
	if empty := Grouped(nil, Options{}); !empty.Empty || empty.Summary != "No estimates to chart." {
		t.Errorf("Grouped(nil) = %+v, want an empty chart", empty)
	}
}
