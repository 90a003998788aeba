package conflict_test

import (
	"maps"
	"testing"

	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/edtf"
)

// validEstimate is an estimate that passes every rule but its bounds, which
// each test sets.
func validEstimate(q conflict.Qualifier, low, high conflict.Bound) conflict.Estimate {
	return conflict.Estimate{
		Force:     conflict.ActorRef{ID: 1, Name: "Islamic State"},
		AsOf:      edtf.MustParse("2016-09-29"),
		Unit:      conflict.DefaultUnit,
		Qualifier: q,
		Low:       low,
		High:      high,
		Claimant:  "U.S. military officials",
	}
}

var none conflict.Bound

func TestEstimateValidateAccepts(t *testing.T) {
	tests := []struct {
		name      string
		q         conflict.Qualifier
		low, high conflict.Bound
		// wantLow and wantHigh are the bounds after Validate.
		wantLow, wantHigh conflict.Bound
	}{
		{"exact with low", conflict.Exact, conflict.Count(120), none, conflict.Count(120), conflict.Count(120)},
		{"exact with both equal", conflict.Exact, conflict.Count(120), conflict.Count(120), conflict.Count(120), conflict.Count(120)},
		{"exact given as high", conflict.Exact, none, conflict.Count(120), conflict.Count(120), conflict.Count(120)},
		{"about", conflict.About, conflict.Count(5000), none, conflict.Count(5000), conflict.Count(5000)},
		{"about zero", conflict.About, conflict.Count(0), none, conflict.Count(0), conflict.Count(0)},
		{"range", conflict.Range, conflict.Count(3000), conflict.Count(4500), conflict.Count(3000), conflict.Count(4500)},
		{"at least", conflict.AtLeast, conflict.Count(2000), none, conflict.Count(2000), none},
		{"at most", conflict.AtMost, none, conflict.Count(10000), none, conflict.Count(10000)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			x := validEstimate(tt.q, tt.low, tt.high)
			if err := x.Validate(); err != nil {
				t.Fatalf("Validate(%s %v–%v) = %v, want nil", tt.q, tt.low, tt.high, err)
			}
			if x.Low != tt.low || x.High != tt.high || x.Status != "" {
				t.Errorf("Validate(%s %v–%v) changed the estimate to %v–%v %q", tt.q, tt.low, tt.high, x.Low, x.High, x.Status)
			}
			x.Normalize()
			if x.Low != tt.wantLow || x.High != tt.wantHigh {
				t.Errorf("Normalize(%s %v–%v) left bounds %v–%v, want %v–%v", tt.q, tt.low, tt.high, x.Low, x.High, tt.wantLow, tt.wantHigh)
			}
			if x.Status != conflict.Draft {
				t.Errorf("Normalize left status %q, want %q", x.Status, conflict.Draft)
			}
			if err := x.Validate(); err != nil {
				t.Errorf("Validate() after Normalize = %v, want nil", err)
			}
		})
	}
}

func TestEstimateValidateRejects(t *testing.T) {
	tests := []struct {
		name   string
		modify func(x *conflict.Estimate)
		want   conflict.FieldErrors
	}{
		{"range low above high", func(x *conflict.Estimate) {
			x.Qualifier, x.Low, x.High = conflict.Range, conflict.Count(4500), conflict.Count(3000)
		}, conflict.FieldErrors{"high": "The highest number must not be below the lowest."}},
		{"range of one number", func(x *conflict.Estimate) {
			x.Qualifier, x.Low, x.High = conflict.Range, conflict.Count(3000), conflict.Count(3000)
		}, conflict.FieldErrors{"high": "A range needs two different numbers; use exact or about for one."}},
		{"range without low", func(x *conflict.Estimate) {
			x.Qualifier, x.Low, x.High = conflict.Range, none, conflict.Count(4500)
		}, conflict.FieldErrors{"low": "A range needs its lowest number."}},
		{"range without high", func(x *conflict.Estimate) {
			x.Qualifier, x.Low, x.High = conflict.Range, conflict.Count(3000), none
		}, conflict.FieldErrors{"high": "A range needs its highest number."}},
		{"range without bounds", func(x *conflict.Estimate) {
			x.Qualifier, x.Low, x.High = conflict.Range, none, none
		}, conflict.FieldErrors{"low": "A range needs its lowest number."}},
		{"range with negative low", func(x *conflict.Estimate) {
			x.Qualifier, x.Low, x.High = conflict.Range, conflict.Count(-10), conflict.Count(4500)
		}, conflict.FieldErrors{"low": "A count cannot be negative."}},
		{"exact without a number", func(x *conflict.Estimate) {
			x.Qualifier, x.Low, x.High = conflict.Exact, none, none
		}, conflict.FieldErrors{"low": "Give the number."}},
		{"about without a number", func(x *conflict.Estimate) {
			x.Qualifier, x.Low, x.High = conflict.About, none, none
		}, conflict.FieldErrors{"low": "Give the number."}},
		{"exact with two numbers", func(x *conflict.Estimate) {
			x.Qualifier, x.Low, x.High = conflict.Exact, conflict.Count(100), conflict.Count(200)
		}, conflict.FieldErrors{"high": "An exact or approximate estimate has one number; use a range for two."}},
		{"about with two numbers", func(x *conflict.Estimate) {
			x.Qualifier, x.Low, x.High = conflict.About, conflict.Count(100), conflict.Count(200)
		}, conflict.FieldErrors{"high": "An exact or approximate estimate has one number; use a range for two."}},
		{"exact negative", func(x *conflict.Estimate) {
			x.Qualifier, x.Low, x.High = conflict.Exact, conflict.Count(-1), none
		}, conflict.FieldErrors{"low": "A count cannot be negative."}},
		{"at least without low", func(x *conflict.Estimate) {
			x.Qualifier, x.Low, x.High = conflict.AtLeast, none, none
		}, conflict.FieldErrors{"low": "Give the lowest number the claimant put on the force."}},
		{"at least with a high", func(x *conflict.Estimate) {
			x.Qualifier, x.Low, x.High = conflict.AtLeast, conflict.Count(2000), conflict.Count(3000)
		}, conflict.FieldErrors{"high": `An "at least" estimate has no highest number.`}},
		{"at least negative", func(x *conflict.Estimate) {
			x.Qualifier, x.Low, x.High = conflict.AtLeast, conflict.Count(-2000), none
		}, conflict.FieldErrors{"low": "A count cannot be negative."}},
		{"at most without high", func(x *conflict.Estimate) {
			x.Qualifier, x.Low, x.High = conflict.AtMost, none, none
		}, conflict.FieldErrors{"high": "Give the highest number the claimant put on the force."}},
		{"at most with a low", func(x *conflict.Estimate) {
			x.Qualifier, x.Low, x.High = conflict.AtMost, conflict.Count(5000), conflict.Count(10000)
		}, conflict.FieldErrors{"low": `An "as many as" estimate has no lowest number.`}},
		{"at most negative", func(x *conflict.Estimate) {
			x.Qualifier, x.Low, x.High = conflict.AtMost, none, conflict.Count(-10000)
		}, conflict.FieldErrors{"high": "A count cannot be negative."}},
		{"no qualifier", func(x *conflict.Estimate) {
			x.Qualifier = ""
		}, conflict.FieldErrors{"qualifier": "Choose how the number was put: exactly, about, a range, at least, more than, at most or fewer than."}},
		{"unknown qualifier", func(x *conflict.Estimate) {
			x.Qualifier = "roughly"
		}, conflict.FieldErrors{"qualifier": "Choose how the number was put: exactly, about, a range, at least, more than, at most or fewer than."}},
		{"missing unit", func(x *conflict.Estimate) {
			x.Unit = ""
		}, conflict.FieldErrors{"unit": "Unit is required."}},
		{"blank unit", func(x *conflict.Estimate) {
			x.Unit = "   "
		}, conflict.FieldErrors{"unit": "Unit is required."}},
		{"missing claimant", func(x *conflict.Estimate) {
			x.Claimant = ""
		}, conflict.FieldErrors{"claimant": "Claimant is required."}},
		{"missing force", func(x *conflict.Estimate) {
			x.Force = conflict.ActorRef{}
		}, conflict.FieldErrors{"force": "Choose the force this estimate counts."}},
		{"missing as-of date", func(x *conflict.Estimate) {
			x.AsOf = edtf.Date{}
		}, conflict.FieldErrors{"as_of": "Say when the estimate holds (as of which date)."}},
		{"unknown status", func(x *conflict.Estimate) {
			x.Status = "approved"
		}, conflict.FieldErrors{"status": "Unknown status."}},
		{"citation without a source", func(x *conflict.Estimate) {
			x.Citations = []conflict.Citation{{Quote: "as many as 10,000"}}
		}, conflict.FieldErrors{"citations.0.source": "Choose the source this citation comes from."}},
		{"citation graded 7", func(x *conflict.Estimate) {
			x.Citations = []conflict.Citation{{Source: conflict.Source{ID: 1}, Credibility: 7}}
		}, conflict.FieldErrors{"citations.0.credibility": "Credibility is a grade from 1 to 6, or empty."}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			x := validEstimate(conflict.Range, conflict.Count(3000), conflict.Count(4500))
			tt.modify(&x)
			err := x.Validate()
			if code := conflict.ErrorCode(err); code != conflict.Invalid {
				t.Fatalf("Validate() = %v (code %q), want code %q", err, code, conflict.Invalid)
			}
			if got := conflict.ErrorFields(err); !maps.Equal(got, tt.want) {
				t.Errorf("Validate() fields = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestEstimateValueText(t *testing.T) {
	tests := []struct {
		q         conflict.Qualifier
		low, high conflict.Bound
		want      string
	}{
		{conflict.Range, conflict.Count(3000), conflict.Count(4500), "3,000–4,500"},
		{conflict.AtMost, none, conflict.Count(10000), "as many as 10,000"},
		{conflict.AtLeast, conflict.Count(2000), none, "at least 2,000"},
		{conflict.About, conflict.Count(5000), conflict.Count(5000), "about 5,000"},
		{conflict.Exact, conflict.Count(10000), conflict.Count(10000), "10,000"},
		{conflict.Exact, conflict.Count(12), conflict.Count(12), "12"},
		{"unknown", conflict.Count(1), conflict.Count(2), ""},
	}
	for _, tt := range tests {
		x := conflict.Estimate{Qualifier: tt.q, Low: tt.low, High: tt.high}
		if got := x.ValueText(); got != tt.want {
			t.Errorf("Estimate{%s %v–%v}.ValueText() = %q, want %q", tt.q, tt.low, tt.high, got, tt.want)
		}
	}
}

func TestQualifierLabel(t *testing.T) {
	tests := map[conflict.Qualifier]string{
		conflict.Exact:   "exactly",
		conflict.About:   "about",
		conflict.Range:   "range",
		conflict.AtLeast: "at least",
		conflict.AtMost:  "at most (as many as)",
		// Strict bounds are their own qualifiers, never worded as the
		// inclusive ones.
		conflict.MoreThan:  "more than",
		conflict.FewerThan: "fewer than",
	}
	for _, q := range conflict.Qualifiers {
		if got := q.Label(); got != tests[q] {
			t.Errorf("Qualifier(%q).Label() = %q, want %q", q, got, tests[q])
		}
		if !q.Valid() {
			t.Errorf("Qualifier(%q).Valid() = false, want true", q)
		}
	}
	if len(conflict.Qualifiers) != len(tests) {
		t.Errorf("Qualifiers has %d entries, want %d", len(conflict.Qualifiers), len(tests))
	}
}

func TestCanPublishNeedsACitation(t *testing.T) {
	cited := []conflict.Citation{{Source: conflict.Source{ID: 1}}}
	tests := []struct {
		name string
		err  error
		want bool // publishable
	}{
		{"event without citations", conflict.Event{}.CanPublish(), false},
		{"event with a citation", conflict.Event{Citations: cited}.CanPublish(), true},
		{"estimate without citations", conflict.Estimate{}.CanPublish(), false},
		{"estimate with a citation", conflict.Estimate{Citations: cited}.CanPublish(), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.want {
				if tt.err != nil {
					t.Errorf("CanPublish() = %v, want nil", tt.err)
				}
				return
			}
			if code := conflict.ErrorCode(tt.err); code != conflict.Invalid {
				t.Fatalf("CanPublish() = %v, want an %q error", tt.err, conflict.Invalid)
			}
			if got, want := conflict.ErrorMessage(tt.err), "Nothing is published without a source."; got != want {
				t.Errorf("CanPublish() message = %q, want %q", got, want)
			}
			if got, want := conflict.ErrorFields(tt.err)["citations"], "Cite at least one source before publishing."; got != want {
				t.Errorf("CanPublish() citations field = %q, want %q", got, want)
			}
		})
	}
}
