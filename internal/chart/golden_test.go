package chart_test

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/sitrep/sitrep/internal/chart"
	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/edtf"
	"github.com/sitrep/sitrep/web/components"
)

var update = flag.Bool("update", false, "rewrite the golden SVGs in testdata")

var (
	islamicState = conflict.ActorRef{ID: 1, Slug: "islamic-state", Name: "Islamic State"}
	mosul        = &conflict.PlaceRef{ID: 1, Slug: "mosul", Name: "Mosul"}
	coalition    = &conflict.ActorRef{ID: 5, Slug: "us-led-coalition", Name: "U.S.-led coalition"}
)

// demoEstimates are the demo data's estimates: the worked example of the
// VOA report of 29 Sep 2016, as `sitrep serve --demo` loads them.
func demoEstimates() []conflict.Estimate {
	return []conflict.Estimate{
		{ID: 1, Force: islamicState, Place: mosul, AsOf: edtf.MustParse("2016-09-29"), Unit: "fighters",
			Qualifier: conflict.Range, Low: conflict.Count(3000), High: conflict.Count(4500),
			Claimant: "U.S. military officials (Col. John Dorrian, Operation Inherent Resolve)", ClaimantActor: coalition, Status: conflict.Published},
		{ID: 2, Force: islamicState, Place: mosul, AsOf: edtf.MustParse("2016-07"), Unit: "fighters",
			Qualifier: conflict.AtMost, High: conflict.Count(10000),
			Claimant: "Coalition estimates", ClaimantActor: coalition, Status: conflict.Published},
	}
}

// manyClaimants is 40 claims from 37 claimants in four places and two
// units, with one claim superseded.
func manyClaimants() []chart.Claim {
	places := []string{"Mosul", "Raqqa", "Tal Afar", "Hawija"}
	types := []string{"government", "military", "armed_group", "media", "ngo", ""}
	quals := []conflict.Qualifier{conflict.Exact, conflict.Range, conflict.AtLeast, conflict.AtMost, conflict.About, conflict.MoreThan, conflict.FewerThan}
	var cs []chart.Claim
	day := time.Date(2016, 1, 4, 0, 0, 0, 0, time.UTC)
	for i := range 40 {
		who := i % 37
		v := int64(1000 + 250*i)
		e := conflict.Estimate{ID: conflict.EstimateID(i + 1), Force: islamicState,
			Place: &conflict.PlaceRef{ID: conflict.PlaceID(i%4 + 1), Name: places[i%4]},
			AsOf:  edtf.MustParse(day.AddDate(0, 0, 7*(i/4)).Format("2006-01-02")), Unit: "fighters",
			Qualifier: quals[i%len(quals)], Claimant: fmt.Sprintf("Claimant %02d", who), Status: conflict.Published}
		switch e.Qualifier {
		case conflict.AtMost, conflict.FewerThan:
			e.High = conflict.Count(v)
		case conflict.AtLeast, conflict.MoreThan:
			e.Low = conflict.Count(v)
		case conflict.Range:
			e.Low, e.High = conflict.Count(v), conflict.Count(v+1500)
		default:
			e.Low, e.High = conflict.Count(v), conflict.Count(v)
		}
		if i%5 == 0 {
			e.Unit = "vehicles"
			e.Low.Value, e.High.Value = e.Low.Value/50, e.High.Value/50
		}
		cs = append(cs, chart.Claim{Estimate: &e, ClaimantType: types[who%len(types)]})
	}
	cs[1].Superseded, cs[1].SupersededBy = true, cs[38].ID
	return cs
}

func twoUnits() []conflict.Estimate {
	xs := demoEstimates()
	xs = append(xs,
		conflict.Estimate{ID: 3, Force: islamicState, Place: mosul, AsOf: edtf.MustParse("2016-08-15"), Unit: "vehicles",
			Qualifier: conflict.About, Low: conflict.Count(120), High: conflict.Count(120), Claimant: "Iraqi army"},
		conflict.Estimate{ID: 4, Force: islamicState, Place: mosul, AsOf: edtf.MustParse("2016-09-29"), Unit: "vehicles",
			Qualifier: conflict.AtLeast, Low: conflict.Count(60), Claimant: "Coalition estimates"},
	)
	return xs
}

// TestGoldenSVG renders the chart's figures and compares them with
// testdata/*.svg; go test -run TestGoldenSVG -update rewrites them.
func TestGoldenSVG(t *testing.T) {
	link := func(id conflict.EstimateID) string { return fmt.Sprintf("/estimates/%d", id) }
	worked := chart.New(demoEstimates(), chart.Options{EstimateURL: link})
	many := chart.NewClaims(manyClaimants(), chart.Options{EstimateURL: link})
	two := chart.New(twoUnits(), chart.Options{EstimateURL: link})
	for _, tt := range []struct {
		name string
		c    chart.Chart
		fig  chart.Figure
	}{
		{"worked-example", worked, worked.Wide},
		{"many-claimants", many, many.Wide},
		{"two-units", two, two.Wide},
		{"phone", many, many.Narrow},
		{"phone-worked-example", worked, worked.Narrow},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
			if err := components.ChartSVG(tt.c, tt.fig).Render(context.Background(), &b); err != nil {
				t.Fatal(err)
			}
			b.WriteString("\n")
			path := filepath.Join("testdata", tt.name+".svg")
			if *update {
				if err := os.MkdirAll("testdata", 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run with -update to write it)", err)
			}
			if !bytes.Equal(b.Bytes(), want) {
				t.Errorf("%s differs from the golden file (%d bytes, want %d); look at both, then run with -update if the change is meant",
					tt.name, b.Len(), len(want))
			}
		})
	}
}
