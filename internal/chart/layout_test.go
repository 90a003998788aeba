package chart

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/edtf"
)

// ManyClaims is 40 claims about Islamic State from 37 claimants, in four
// places and two units, four a day a week apart; claimant 1's first claim
// is superseded by its second.
func manyClaims() []Claim {
	places := []string{"Mosul", "Raqqa", "Tal Afar", "Hawija"}
	types := []string{"government", "military", "armed_group", "media", "ngo", ""}
	quals := []conflict.Qualifier{conflict.Exact, conflict.Range, conflict.AtLeast, conflict.AtMost, conflict.About, conflict.FewerThan}
	var cs []Claim
	day := time.Date(2016, 1, 4, 0, 0, 0, 0, time.UTC)
	for i := range 40 {
		who := i % 37
		v := int64(1000 + 250*i)
		e := est(i+1, day.AddDate(0, 0, 7*(i/4)).Format("2006-01-02"), quals[i%len(quals)], fmt.Sprintf("Claimant %02d", who), v, v+1500)
		e.Place = &conflict.PlaceRef{ID: conflict.PlaceID(i%4 + 1), Name: places[i%4]}
		if i%5 == 0 {
			e.Unit = "vehicles"
		}
		cs = append(cs, Claim{Estimate: &e, ClaimantType: types[who%len(types)]})
	}
	cs[1].Superseded, cs[1].SupersededBy = true, cs[38].ID
	return cs
}

// TestManyClaimantsAcceptance: one chart per unit, every mark's title
// names its place, no two claimants in view share a symbol, same-date
// marks do not overlap, and a superseded claim is drawn faded and joined
// to the claim that revised it.
func TestManyClaimantsAcceptance(t *testing.T) {
	cs := manyClaims()
	c := NewClaims(cs, Options{EstimateURL: func(id conflict.EstimateID) string { return fmt.Sprintf("/estimates/%d", id) }})
	unitOfID := map[conflict.EstimateID]string{}
	placeOfID := map[conflict.EstimateID]string{}
	for _, x := range cs {
		unitOfID[x.ID], placeOfID[x.ID] = x.Unit, x.Place.Name
	}
	for _, fig := range []Figure{c.Wide, c.Narrow} {
		if len(fig.Panels) != 2 || fig.Panels[0].Unit != "fighters" || fig.Panels[1].Unit != "vehicles" {
			t.Fatalf("%s panels %d, want fighters then vehicles", fig.Name, len(fig.Panels))
		}
		marks := 0
		for _, p := range fig.Panels {
			if !strings.Contains(p.Label, p.Unit) {
				t.Errorf("panel label %q does not name its unit %q", p.Label, p.Unit)
			}
			for i, m := range p.Marks {
				marks++
				if unitOfID[m.ID] != p.Unit {
					t.Errorf("%s: mark %d (%s) drawn in the %s panel", fig.Name, m.ID, unitOfID[m.ID], p.Unit)
				}
				if place := placeOfID[m.ID]; !strings.Contains(m.Title, " in "+place+",") {
					t.Errorf("mark %d title %q does not name its place %s", m.ID, m.Title, place)
				}
				for _, n := range p.Marks[i+1:] {
					if m.X1 == n.X1 && m.Box.X < n.Box.Right() && n.Box.X < m.Box.Right() {
						t.Errorf("%s: same-date marks %d (%v–%v) and %d (%v–%v) overlap", fig.Name, m.ID, m.Box.X, m.Box.Right(), n.ID, n.Box.X, n.Box.Right())
					}
				}
			}
		}
		if marks != 40 {
			t.Errorf("%s draws %d marks, want 40", fig.Name, marks)
		}
	}
	if len(c.Legend) != 37 {
		t.Errorf("legend has %d claimants, want 37", len(c.Legend))
	}
	seen := map[string]string{}
	for _, l := range c.Legend {
		key := l.Colour + " " + l.Shape.String()
		if other, ok := seen[key]; ok {
			t.Errorf("%s and %s are both %s", l.Claimant, other, key)
		}
		seen[key] = l.Claimant
	}
	// Marks take their claimant's symbol.
	for _, p := range c.Wide.Panels {
		for _, m := range p.Marks {
			for _, l := range c.Legend {
				if l.Claimant == m.Claimant && (l.Colour != m.Colour || l.Shape != m.Shape) {
					t.Errorf("mark %d is %s %v, its claimant %s %v", m.ID, m.Colour, m.Shape, l.Colour, l.Shape)
				}
			}
		}
	}
	// The superseded claim.
	p := c.Wide.Panels[0]
	var old, revised *Mark
	for i := range p.Marks {
		switch p.Marks[i].ID {
		case cs[1].ID:
			old = &p.Marks[i]
		case cs[38].ID:
			revised = &p.Marks[i]
		}
	}
	if old == nil || revised == nil {
		t.Fatal("the superseded claim or its revision is not drawn")
	}
	if !old.Superseded || old.SupersededBy != revised.ID || old.URL != "/estimates/2" {
		t.Errorf("superseded mark = %+v, want faded, linked to its own record", old)
	}
	if !strings.Contains(old.Title, "superseded by Claimant 01's claim of") {
		t.Errorf("superseded title %q does not name its revision", old.Title)
	}
	// Path data drops the space before a minus sign.
	want := Link{D: strings.ReplaceAll("M"+num(old.X)+" "+num(old.Y)+"L"+num(revised.X)+" "+num(revised.Y), " -", "-"), Colour: old.Colour}
	if len(p.Links) != 1 || p.Links[0] != want {
		t.Errorf("links = %+v, want %+v", p.Links, want)
	}
	if len(c.Groups) == 0 {
		t.Error("37 claimants are listed one by one; want them grouped by type")
	}
}

// TestSubForcesAreToldApart: a parent force's chart has a panel per
// force, the parent's first.
func TestSubForcesAreToldApart(t *testing.T) {
	xs := workedExample()
	xs = append(xs, est(3, "2016-08-01", conflict.Exact, "Officials", 500))
	xs[0].Force = conflict.ActorRef{ID: 2, Name: "Wilayat Ninawa"}
	c := New(xs, Options{Force: 1})
	if len(c.Wide.Panels) != 2 {
		t.Fatalf("%d panels, want one per force", len(c.Wide.Panels))
	}
	if p := c.Wide.Panels[0]; p.Force != "Islamic State" || p.Label != "Islamic State · fighters" || len(p.Marks) != 2 {
		t.Errorf("first panel %q (%d marks), want Islamic State's 2", p.Label, len(p.Marks))
	}
	if p := c.Wide.Panels[1]; p.Force != "Wilayat Ninawa" || len(p.Marks) != 1 {
		t.Errorf("second panel %q (%d marks), want Wilayat Ninawa's 1", p.Label, len(p.Marks))
	}
	if c.Wide.Height <= DefaultHeight {
		t.Errorf("two panels fit in %d, want a taller figure", c.Wide.Height)
	}
}

// TestMaxPanelsKeepsTheForcesOwn: a capped chart draws the force's own
// panels before a sub-force's, however many claims the sub-force has, and
// names what it leaves out; its legend lists only the claimants it draws.
func TestMaxPanelsKeepsTheForcesOwn(t *testing.T) {
	xs := workedExample()
	vehicles := est(3, "2016-08-01", conflict.Exact, "Officials", 40)
	vehicles.Unit = "vehicles"
	xs = append(xs, vehicles)
	for i := range 5 {
		x := est(10+i, fmt.Sprintf("2016-0%d-15", i+3), conflict.Exact, "Ninawa watcher", int64(100+i))
		x.Force = conflict.ActorRef{ID: 2, Name: "Wilayat Ninawa"}
		xs = append(xs, x)
	}
	whole := New(xs, Options{Force: 1})
	if len(whole.Wide.Panels) != 3 || whole.Omitted != nil {
		t.Fatalf("uncapped: %d panels, %d omitted; want 3 and none", len(whole.Wide.Panels), len(whole.Omitted))
	}
	c := New(xs, Options{Force: 1, MaxPanels: 2})
	var labels []string
	for _, p := range c.Wide.Panels {
		labels = append(labels, p.Unit)
		if p.Force != "" && p.Force != "Islamic State" {
			t.Errorf("capped chart draws %q, a sub-force, before the force's own vehicles", p.Label)
		}
	}
	if !slices.Equal(labels, []string{"fighters", "vehicles"}) {
		t.Errorf("capped panels %v, want the force's fighters then vehicles", labels)
	}
	if len(c.Narrow.Panels) != 2 {
		t.Errorf("phone figure has %d panels, want the same 2", len(c.Narrow.Panels))
	}
	want := []OmittedPanel{{Label: "Wilayat Ninawa · fighters", Claims: 5, Force: conflict.ActorRef{ID: 2, Name: "Wilayat Ninawa"}, Unit: "fighters"}}
	if !slices.Equal(c.Omitted, want) {
		t.Errorf("omitted %v, want %v", c.Omitted, want)
	}
	if c.AllPanels != 3 {
		t.Errorf("AllPanels = %d, want 3 (2 drawn, 1 left out)", c.AllPanels)
	}
	for _, l := range c.Legend {
		if l.Claimant == "Ninawa watcher" {
			t.Error("legend lists a claimant whose claims are all in a panel not drawn")
		}
	}
}

// TestMaxPanelsOfManySubForces: a force with many sub-forces draws its
// own panel, then the sub-forces' with the most claims, in both figures;
// it names every other panel with its force and claims; its summary and
// headlines still count every claim, drawn or not.
func TestMaxPanelsOfManySubForces(t *testing.T) {
	xs := workedExample()
	id := 100
	for f := range 10 {
		for i := range 1 + f {
			x := est(id, fmt.Sprintf("2016-%02d-15", 1+i%12), conflict.Exact, "Watcher", int64(100+i))
			x.Force = conflict.ActorRef{ID: conflict.ActorID(10 + f), Name: fmt.Sprintf("Wilayat %02d", f)}
			xs = append(xs, x)
			id++
		}
	}
	total := len(xs)
	c := New(xs, Options{Force: 1, MaxPanels: 4})
	if c.AllPanels != 11 || len(c.Omitted) != 7 {
		t.Fatalf("AllPanels %d, %d omitted; want 11 and 7", c.AllPanels, len(c.Omitted))
	}
	for _, fig := range []Figure{c.Wide, c.Narrow} {
		var forces []string
		for _, p := range fig.Panels {
			forces = append(forces, p.Force)
		}
		if want := []string{"Islamic State", "Wilayat 09", "Wilayat 08", "Wilayat 07"}; !slices.Equal(forces, want) {
			t.Errorf("%s figure draws %v, want the force's own then the 3 sub-forces with most claims %v", fig.Name, forces, want)
		}
	}
	for i, o := range c.Omitted {
		f := 6 - i
		if o.Force.ID != conflict.ActorID(10+f) || o.Claims != 1+f || o.Unit != "fighters" {
			t.Errorf("omitted[%d] = %+v, want Wilayat %02d's fighters, %d claims", i, o, f, 1+f)
		}
	}
	if !strings.HasPrefix(c.Summary, strconv.Itoa(total)+" estimates of ") {
		t.Errorf("summary %q, want it to count all %d claims", c.Summary, total)
	}
	if len(c.Headlines) != 11 {
		t.Errorf("%d headlines, want one per force: 11", len(c.Headlines))
	}
	// DrawnPanels, which a caller grouping claims asks first, agrees.
	var counts []PanelCount
	for f := range 10 {
		counts = append(counts, PanelCount{Force: conflict.ActorID(10 + f), Unit: "fighters", Claims: 1 + f})
	}
	counts = append(counts, PanelCount{Force: 1, Unit: "fighters", Claims: 2})
	drawn := DrawnPanels(counts, 1, 4)
	want := []bool{false, false, false, false, false, false, false, true, true, true, true}
	if !slices.Equal(drawn, want) {
		t.Errorf("DrawnPanels = %v, want %v", drawn, want)
	}
}

// TestNarrowFigure: the phone figure is drawn for its width, its text
// never smaller than 12 px when shown 320 px wide or more.
func TestNarrowFigure(t *testing.T) {
	c := NewClaims(manyClaims(), Options{})
	n := c.Narrow
	if n.Width != DefaultNarrowWidth || n.Name != "narrow" {
		t.Fatalf("narrow figure %dx%d %q", n.Width, n.Height, n.Name)
	}
	if px := n.FontSize * 320 / float64(n.Width); px < 12 {
		t.Errorf("text %v units in %v shown at 320 px is %.1f px, want ≥ 12", n.FontSize, n.Width, px)
	}
	for _, p := range n.Panels {
		if p.Plot.Right() > float64(n.Width) || p.Plot.X < 0 {
			t.Errorf("plot %+v leaves the %d-wide view box", p.Plot, n.Width)
		}
		for _, tk := range p.XTicks {
			w := textWidth(tk.Label, n.FontSize)
			left := tk.Pos - w/2
			switch tk.Anchor {
			case "start":
				left = tk.Pos
			case "end":
				left = tk.Pos - w
			}
			if left < 0 || left+w > float64(n.Width) {
				t.Errorf("X label %q runs %v–%v, outside the view box", tk.Label, left, left+w)
			}
		}
	}
	if none := New(workedExample(), Options{NarrowWidth: -1}); none.Narrow.Width != 0 {
		t.Error("NarrowWidth -1 still drew a phone figure")
	}
}

func TestEmpty(t *testing.T) {
	noValue := est(1, "2016", conflict.Exact, "A", 1)
	noValue.Low, noValue.High = conflict.Bound{}, conflict.Bound{}
	for _, xs := range [][]conflict.Estimate{nil, {}, {noValue}} {
		c := New(xs, Options{})
		if !c.Empty || len(c.Wide.Panels) != 0 || c.Summary == "" || c.Title == "" {
			t.Errorf("New(%d estimates without values) = %+v, want an empty chart with a summary", len(xs), c)
		}
	}
	if c := Grouped(nil, Options{}); !c.Empty {
		t.Error("Grouped(nil) is not empty")
	}
}

// claimGroup is n claims of claimant in the month of first, from lo to hi.
func claimGroup(claimant string, month time.Time, n int, lo, hi int64) conflict.ClaimGroup {
	return conflict.ClaimGroup{Force: islamicState, Claimant: claimant, Unit: "fighters", Count: n,
		Low: conflict.Count(lo), High: conflict.Count(hi), Min: lo, Max: hi, FirstID: 1,
		From: edtf.MustParse(month.Format("2006-01-02")), To: edtf.MustParse(month.AddDate(0, 1, -1).Format("2006-01-02"))}
}

// TestGroupedDrawsBarsThenBands: claims summed up from the tallies are
// bars of their claims' lowest to highest number while few, and bands past
// MaxMarks claims in a panel.
func TestGroupedDrawsBarsThenBands(t *testing.T) {
	jan := time.Date(2017, 1, 1, 0, 0, 0, 0, time.UTC)
	gs := []conflict.ClaimGroup{
		claimGroup("Monitor", jan.AddDate(0, 1, 0), 3, 900, 1200),
		claimGroup("Monitor", jan, 1, 1000, 1000),
		claimGroup("Ministry", jan, 40, 200, 5000),
	}
	gs[2].Unit = "vehicles"
	var links []string
	link := func(claimant string, from, to edtf.Date) string {
		links = append(links, claimant+" "+from.String()+"/"+to.String())
		return "/g"
	}
	c := Grouped(gs, Options{GroupURL: link})
	if c.Empty || len(c.Wide.Panels) != 2 || c.Banded {
		t.Fatalf("Grouped drew %d panels (banded %v), want one per unit, of bars", len(c.Wide.Panels), c.Banded)
	}
	p := c.Wide.Panels[0]
	if p.Unit != "vehicles" || len(p.Marks) != 1 || p.Marks[0].Count != 40 || p.Marks[0].Kind != Bar {
		t.Errorf("first panel %s with %d marks, want vehicles with Ministry's bar of 40", p.Unit, len(p.Marks))
	}
	m := c.Wide.Panels[1].Marks[1]
	if m.Title != "3 claims by Monitor from 1 Feb 2017 to 28 Feb 2017, ranging from 900 to 1,200 fighters" || m.URL != "/g" {
		t.Errorf("Monitor's February bar = %q → %q", m.Title, m.URL)
	}
	if want := "Monitor 2017-02-01/2017-02-28"; !slices.Contains(links, want) {
		t.Errorf("group links %q, want %q", links, want)
	}
	if want := "44 estimates of Islamic State from 1 Jan 2017 to 28 Feb 2017, in 2 units charted apart: ranging from 200 to 5,000 vehicles; ranging from 900 to 1,200 fighters, by 2 claimants."; c.Summary != want {
		t.Errorf("Summary = %q\nwant %q", c.Summary, want)
	}

	// A year of months from three claimants, 600 claims in all: bands.
	gs = nil
	for i := range 36 {
		gs = append(gs, claimGroup([]string{"Monitor", "Ministry", "Council"}[i%3], jan.AddDate(0, i/3, 0), 50, int64(100+i), int64(900+i)))
	}
	c = Grouped(gs, Options{GroupURL: link})
	p = only(c)
	if !c.Banded || len(p.Marks) != 3 {
		t.Fatalf("600 claims drew %d marks (banded %v), want a band per claimant", len(p.Marks), c.Banded)
	}
	total := 0
	for _, m := range p.Marks {
		total += m.Count
		if m.Kind != Band || m.URL != "/g" {
			t.Errorf("mark %q is %v → %q, want a band linking its claims", m.Title, m.Kind, m.URL)
		}
	}
	if total != 1800 {
		t.Errorf("bands hold %d claims, want 1,800", total)
	}
}

// TestBandsOfOneTypeNameTheLargest: past ten claimants all of one type,
// the largest claimants have bands of their own and the rest share one.
func TestBandsOfOneTypeNameTheLargest(t *testing.T) {
	var xs []conflict.Estimate
	names := map[string]bool{}
	for i := range 1200 {
		who := i % 30
		if i%2 == 0 {
			who = i % 4 // four claimants make half the claims
		}
		names[fmt.Sprintf("Claimant %02d", who)] = true
		xs = append(xs, est(i+1, time.Date(2015, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, i).Format("2006-01-02"), conflict.Exact,
			fmt.Sprintf("Claimant %02d", who), int64(100+i)))
	}
	p := only(New(xs, Options{}))
	if len(p.Marks) != BandNamed+1 {
		t.Fatalf("%d bands, want %d claimants' and the rest's", len(p.Marks), BandNamed+1)
	}
	rest := 0
	for _, m := range p.Marks {
		if strings.Contains(m.Title, "other claimants:") {
			rest++
			if want := fmt.Sprintf("%d other claimants: ", len(names)-BandNamed); !strings.HasPrefix(m.Title, want) {
				t.Errorf("rest band %q, want it to begin %q", m.Title, want)
			}
		}
	}
	if rest != 1 {
		t.Errorf("%d bands for the rest, want 1", rest)
	}
}

// TestChronologicalSortsInPlace: items in any order come out by the start,
// then the end, of their time, each once.
func TestChronologicalSortsInPlace(t *testing.T) {
	for _, n := range []int{0, 1, 2, 7, 100} {
		var items []item
		for i := range n {
			d := time.Date(2015, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, (i*37)%n)
			items = append(items, item{id: conflict.EstimateID(i + 1), from: d, to: d.AddDate(0, 0, 1+i%3)})
		}
		chronological(items)
		seen := map[conflict.EstimateID]bool{}
		for i := range items {
			seen[items[i].id] = true
			if i > 0 && (items[i].from.Before(items[i-1].from) || items[i].from.Equal(items[i-1].from) && items[i].to.Before(items[i-1].to)) {
				t.Fatalf("%d items: item %d (%v) comes after %v", n, i, items[i].from, items[i-1].from)
			}
		}
		if len(seen) != n {
			t.Errorf("%d items came out as %d distinct ones", n, len(seen))
		}
	}
}
