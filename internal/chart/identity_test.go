package chart

import (
	"fmt"
	"math"
	"strconv"
	"testing"

	"github.com/sitrep/sitrep/internal/conflict"
)

func symbolsOf(c Chart) map[string]string {
	out := map[string]string{}
	for _, l := range c.Legend {
		out[l.Claimant] = l.Colour + " " + l.Shape.String()
	}
	return out
}

// TestAddingAClaimantChangesNoOtherSymbol: each claimant keeps its colour
// and shape for good; a new one takes a free symbol.
func TestAddingAClaimantChangesNoOtherSymbol(t *testing.T) {
	names := []string{"Coalition estimates", "U.S. military officials", "Iraqi army", "Kurdish intelligence",
		"Syrian Observatory", "Ministry of Defence", "Local council", "Reuters", "Al-Naba", "Researcher"}
	var xs []conflict.Estimate
	for i, n := range names {
		xs = append(xs, est(i+1, fmt.Sprintf("2016-%02d", i+1), conflict.Exact, n, int64(1000+i)))
	}
	for n := 1; n < len(names); n++ {
		before := symbolsOf(New(xs[:n], Options{}))
		after := symbolsOf(New(xs[:n+1], Options{}))
		for who, sym := range before {
			if after[who] != sym {
				t.Errorf("adding %q turned %q from %s into %s", names[n], who, sym, after[who])
			}
		}
	}
	// A claimant whose hash meets an older claimant's slot probes on; the
	// older one keeps its symbol.
	first := hashSlot(identityKey("Coalition estimates", ""))
	clash := ""
	for i := 0; clash == ""; i++ {
		if n := "Claimant " + strconv.Itoa(i); hashSlot(identityKey(n, "")) == first {
			clash = n
		}
	}
	old := symbolsOf(New(xs[:1], Options{}))["Coalition estimates"]
	both := symbolsOf(New(append(xs[:1:1], est(99, "2016-12", conflict.Exact, clash, 5)), Options{}))
	if both["Coalition estimates"] != old || both[clash] == old {
		t.Errorf("with %q, which hashes to the same slot, Coalition estimates is %s (was %s) and %q is %s",
			clash, both["Coalition estimates"], old, clash, both[clash])
	}
	// The symbol does not depend on the claimant's place in the list.
	alone := symbolsOf(New([]conflict.Estimate{est(5, "2016-01", conflict.Exact, "Reuters", 1)}, Options{}))
	if alone["Reuters"] != symbolsOf(New(xs, Options{}))["Reuters"] {
		t.Errorf("Reuters is %s alone and %s among ten", alone["Reuters"], symbolsOf(New(xs, Options{}))["Reuters"])
	}
}

// TestClaimantRecordsKeepTheirSymbolThroughARename: with a claimant id the
// symbol follows the record, not its name.
func TestClaimantRecordsKeepTheirSymbolThroughARename(t *testing.T) {
	ea := est(1, "2016-01", conflict.Exact, "Ministry of Defence", 1)
	eb := ea
	eb.Claimant = "Defence Ministry"
	a, b := Claim{Estimate: &ea, ClaimantID: 7}, Claim{Estimate: &eb, ClaimantID: 7}
	ca, cb := NewClaims([]Claim{a}, Options{}), NewClaims([]Claim{b}, Options{})
	if ca.Legend[0].Colour != cb.Legend[0].Colour || ca.Legend[0].Shape != cb.Legend[0].Shape {
		t.Errorf("renamed claimant changed from %+v to %+v", ca.Legend[0], cb.Legend[0])
	}
}

func TestSymbolsDistinctFor64Claimants(t *testing.T) {
	var xs []conflict.Estimate
	for i := range 64 {
		xs = append(xs, est(i+1, "2016", conflict.Exact, fmt.Sprintf("Claimant %02d", i), 1))
	}
	seen := map[string]string{}
	for who, sym := range symbolsOf(New(xs, Options{})) {
		if other, ok := seen[sym]; ok {
			t.Errorf("%s shares %s with %s", who, sym, other)
		}
		seen[sym] = who
	}
}

func TestActorColourIsKept(t *testing.T) {
	xs := []conflict.Estimate{est(1, "2016-01", conflict.Exact, "Iraqi army", 1), est(2, "2016-02", conflict.Exact, "Iraqi police", 2)}
	xs[0].ClaimantActor = &conflict.ActorRef{ID: 9, Name: "Iraq", Colour: "#AA0000"}
	xs[1].ClaimantActor = &conflict.ActorRef{ID: 9, Name: "Iraq", Colour: "#aa0000"}
	c := New(xs, Options{})
	if c.Legend[0].Colour != "#aa0000" || c.Legend[1].Colour != "#aa0000" || c.Legend[0].Shape == c.Legend[1].Shape {
		t.Errorf("legend = %+v, want the actor's colour in two shapes", c.Legend)
	}
}

func TestPaletteContrast(t *testing.T) {
	for _, c := range append(Palette, typeColour("other")) {
		if w := contrast(c, "#ffffff"); w < 3 {
			t.Errorf("%s has contrast %.2f on white, want ≥ 3", c, w)
		}
		if d := contrast(c, "#111111"); d < 3 {
			t.Errorf("%s has contrast %.2f on #111, want ≥ 3", c, d)
		}
	}
}

func contrast(a, b string) float64 {
	la, lb := luminance(a), luminance(b)
	return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)
}

func luminance(hex string) float64 {
	v, _ := strconv.ParseUint(hex[1:], 16, 32)
	ch := func(c uint64) float64 {
		x := float64(c) / 255
		if x <= 0.03928 {
			return x / 12.92
		}
		return math.Pow((x+0.055)/1.055, 2.4)
	}
	return 0.2126*ch(v>>16&255) + 0.7152*ch(v>>8&255) + 0.0722*ch(v&255)
}

// TestLegendGroupsPastTenClaimants: the legend names the largest
// claimants of each type and folds the rest.
func TestLegendGroupsPastTenClaimants(t *testing.T) {
	var cs []Claim
	for i := range 14 {
		for range 1 + i%4 {
			typ := "government"
			if i >= 6 {
				typ = ""
			}
			e := est(len(cs)+1, "2016-01", conflict.Exact, fmt.Sprintf("Claimant %02d", i), 1)
			cs = append(cs, Claim{Estimate: &e, ClaimantType: typ})
		}
	}
	c := NewClaims(cs, Options{})
	if len(c.Groups) != 2 {
		t.Fatalf("groups = %+v, want government and other", c.Groups)
	}
	if c.Groups[0].Type != "Other" || c.Groups[1].Type != "Government" {
		t.Errorf("groups %q, %q; want the type with most claims first", c.Groups[0].Type, c.Groups[1].Type)
	}
	for _, g := range c.Groups {
		if len(g.Named) != LegendNamed || g.Claimants() != len(g.Named)+len(g.Folded) {
			t.Errorf("%s names %d, folds %d", g.Type, len(g.Named), len(g.Folded))
		}
		for _, f := range g.Folded {
			if f.Count > g.Named[len(g.Named)-1].Count {
				t.Errorf("%s folds %s (%d claims) but names one with fewer", g.Type, f.Claimant, f.Count)
			}
		}
	}
	if few := New(workedExample(), Options{}); few.Groups != nil {
		t.Error("two claimants are grouped; want them listed")
	}
}
