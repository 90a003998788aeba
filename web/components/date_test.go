package components

import (
	"strings"
	"testing"

	"github.com/sitrep/sitrep/internal/edtf"
)

// A season or quarter shows in words, says the days it covers on hover,
// and claims no HTML datetime, which has no form for it.
func TestDateSeason(t *testing.T) {
	for in, want := range map[string]string{
		"2016-22": `title="Known to the season: 1 Jun – 23 Sep 2016 (EDTF 2016-22)">summer 2016</time>`,
		"2016-35": `title="Known to the quarter: 1 Jul – 30 Sep 2016 (EDTF 2016-35)">Q3 2016</time>`,
	} {
		var b strings.Builder
		if err := Date(edtf.MustParse(in)).Render(t.Context(), &b); err != nil {
			t.Fatal(err)
		}
		if got := b.String(); !strings.Contains(got, want) || strings.Contains(got, "datetime=") {
			t.Errorf("Date(%s) = %s, want it to contain %s and no datetime", in, got, want)
		}
	}
}
