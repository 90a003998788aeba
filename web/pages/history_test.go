package pages

import (
	"strings"
	"testing"
	"time"

	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/web/layout"
)

// TestHistoryLeavesNoSummaryEmpty: a revision saved without a summary
// leaves its cell empty, which a phone's stacked row leaves out (site.css,
// td:empty) rather than show "Summary:" over nothing; a summary is shown.
func TestHistoryLeavesNoSummaryEmpty(t *testing.T) {
	at := time.Date(2016, 9, 29, 12, 0, 0, 0, time.UTC)
	var b strings.Builder
	err := History(HistoryView{Base: layout.Base{Asset: func(name string) string { return "/static/" + name }}, Kind: "event", Heading: "Badr fighters train in Diyala", Revisions: []HistoryRow{
		{Number: 2, Action: conflict.Action("update"), Author: "Rita Reviewer", Summary: "Clarified who trained", At: at, Current: true},
		{Number: 1, Action: conflict.Action("create"), Author: "Ed Editor", At: at},
	}}).Render(t.Context(), &b)
	if err != nil {
		t.Fatal(err)
	}
	page := b.String()
	if n := strings.Count(page, `<td data-label="Summary"></td>`); n != 1 {
		t.Errorf("%d empty summary cells, want 1 (revision 1 has no summary)", n)
	}
	if !strings.Contains(page, `<td data-label="Summary"><span dir="auto">Clarified who trained</span></td>`) {
		t.Error("revision 2's summary is not shown in its cell")
	}
}
