package chart

import (
	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/edtf"
)

var islamicState = conflict.ActorRef{ID: 1, Slug: "islamic-state", Name: "Islamic State"}

// est is an estimate of Islamic State in Mosul; values are low then high,
// or one value.
func est(id int, asOf string, q conflict.Qualifier, claimant string, values ...int64) conflict.Estimate {
	e := conflict.Estimate{
		ID: conflict.EstimateID(id), Force: islamicState,
		Place: &conflict.PlaceRef{ID: 1, Slug: "mosul", Name: "Mosul"},
		AsOf:  edtf.MustParse(asOf), Unit: "fighters", Qualifier: q, Claimant: claimant,
	}
	switch q {
	case conflict.AtMost, conflict.FewerThan:
		e.High = conflict.Count(values[0])
	case conflict.AtLeast, conflict.MoreThan:
		e.Low = conflict.Count(values[0])
	case conflict.Range:
		e.Low, e.High = conflict.Count(values[0]), conflict.Count(values[1])
	default:
		e.Low, e.High = conflict.Count(values[0]), conflict.Count(values[0])
	}
	return e
}

// workedExample is the two estimates of the VOA report of 29 Sep 2016.
func workedExample() []conflict.Estimate {
	return []conflict.Estimate{
		est(1, "2016-09-29", conflict.Range, "U.S. military officials", 3000, 4500),
		est(2, "2016-07", conflict.AtMost, "Coalition estimates", 10000),
	}
}

// only is the chart's one panel in its wide figure.
func only(c Chart) Panel {
	if len(c.Wide.Panels) != 1 {
		panic("chart has more than one panel")
	}
	return c.Wide.Panels[0]
}
