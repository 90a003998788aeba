package form_test

import (
	"testing"

	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/form"
)

// A number typed as the claimant put it chooses its qualifier, strict
// bounds included, and goes to the bound that qualifier keeps.
func TestParseEstimateValueWords(t *testing.T) {
	tests := []struct {
		field, typed string
		q            conflict.Qualifier
		low, high    conflict.Bound
	}{
		{"high", "fewer than 10,000", conflict.FewerThan, conflict.Bound{}, conflict.Count(10000)},
		{"low", "fewer than 10,000", conflict.FewerThan, conflict.Bound{}, conflict.Count(10000)},
		{"low", "More than 2,000", conflict.MoreThan, conflict.Count(2000), conflict.Bound{}},
		{"high", "as many as 10,000", conflict.AtMost, conflict.Bound{}, conflict.Count(10000)},
		{"low", "at least 500", conflict.AtLeast, conflict.Count(500), conflict.Bound{}},
	}
	for _, tt := range tests {
		vals := with(validEstimate(), "low", "", "high", "", tt.field, tt.typed)
		f, err := form.ParseEstimate(t.Context(), vals, records{})
		if err != nil || len(f.Errors) > 0 {
			t.Errorf("ParseEstimate(%s=%q) = %v, %v", tt.field, tt.typed, f.Errors, err)
			continue
		}
		x := f.Estimate
		x.Normalize()
		if x.Qualifier != tt.q || x.Low != tt.low || x.High != tt.high {
			t.Errorf("ParseEstimate(%s=%q) = %s %v–%v, want %s %v–%v", tt.field, tt.typed, x.Qualifier, x.Low, x.High, tt.q, tt.low, tt.high)
		}
	}
}

// Link rows: blank rows are dropped, a target is a number or a page's
// address, and a bad row is named by its place among the kept rows.
func TestParseEstimateRelations(t *testing.T) {
	vals := with(validEstimate(),
		"relations.0.kind", "", "relations.0.target", "",
		"relations.1.kind", "supersedes", "relations.1.target", "https://sitrep.example.org/estimates/12",
		"relations.2.kind", "disputes", "relations.2.target", "14", "relations.2.citation", "1",
		"relations.3.kind", "disputes", "relations.3.target", "the earlier one")
	f, err := form.ParseEstimate(t.Context(), vals, records{})
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Relations) != 3 {
		t.Fatalf("kept %d rows, want the 3 not blank: %+v", len(f.Relations), f.Relations)
	}
	if msg := f.Errors["relations.2"]; msg == "" || f.Relations[2].Target != "the earlier one" {
		t.Errorf("a target that is no number: message %q, row %+v; want a message and the input kept", msg, f.Relations[2])
	}
	got := f.Estimate.Relations
	if len(got) != 2 || got[0].Target != 12 || got[0].Kind != conflict.Supersedes || got[1].Target != 14 || got[1].SourceCitation != 1 {
		t.Errorf("relations = %+v", got)
	}
	bad := with(validEstimate(), "relations.0.kind", "disputes", "relations.0.target", "14", "relations.0.citation", "3")
	if f, _ := form.ParseEstimate(t.Context(), bad, records{}); f.Errors["relations.0"] == "" {
		t.Error("a link reported by a citation the record does not have was accepted")
	}
	added := form.ReadEstimate(with(validEstimate(), "relations.0.kind", "disputes", "relations.0.target", "3"), form.Action{Name: "add_relation"})
	if len(added.Relations) != 2 {
		t.Errorf("add_relation: %d rows, want 2", len(added.Relations))
	}
}
