package components

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/sitrep/sitrep/internal/export"
)

// On a narrow screen each cell of the events table is stacked under the
// name of its column, which the style sheet gives by the cell's place in
// its row. The names must be the table's headings, in their order.
func TestTableLabelsAreItsHeadings(t *testing.T) {
	css, err := os.ReadFile("../../static/css/lists.css")
	if err != nil {
		t.Fatal(err)
	}
	for i, label := range export.TableHeader {
		rule := fmt.Sprintf(".etable td:nth-child(%d)::before { content: %q; }", i+1, label)
		if !strings.Contains(string(css), rule) {
			t.Errorf("lists.css lacks %s", rule)
		}
	}
	if rule := fmt.Sprintf(".etable td:nth-child(%d)::before", len(export.TableHeader)+1); strings.Contains(string(css), rule) {
		t.Errorf("lists.css names a column the table does not have: %s", rule)
	}
}

// A table sorted among its first events says how many as every other
// count on the page does, with its thousands grouped.
func TestCappedTableGroupsItsLimit(t *testing.T) {
	var b strings.Builder
	if err := EventTable(TableView{Capped: true, SortLimit: 1000}).Render(t.Context(), &b); err != nil {
		t.Fatal(err)
	}
	if want := "Sorted among the first 1,000 events"; !strings.Contains(b.String(), want) {
		t.Errorf("the capped table's notice lacks %q:\n%s", want, b.String())
	}
}
