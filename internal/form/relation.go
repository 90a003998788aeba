package form

import (
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"github.com/sitrep/sitrep/internal/conflict"
)

// RelationRow is one link of a record to another as typed: its kind, the
// other record (its number or its address), and which of the record's
// citations reports the link ("" for the first).
type RelationRow struct {
	Kind, Target, Citation string
}

func (r RelationRow) blank() bool { return r.Kind == "" && r.Target == "" }

// relationRows reads the relations.N.* rows of a form and applies a row
// action.
func relationRows(vals url.Values, a Action) []RelationRow {
	var out []RelationRow
	for _, m := range rows(vals, "relations") {
		out = append(out, RelationRow{Kind: strings.TrimSpace(m["kind"]), Target: strings.TrimSpace(m["target"]),
			Citation: strings.TrimSpace(m["citation"])})
	}
	switch a.Name {
	case "add_relation":
		out = append(out, RelationRow{})
	case "remove_relation":
		out = removeRow(out, a.Row)
	}
	return out
}

// RelationRowsOf fills relation rows from stored relations: the target by
// its number, the citation by which of cites names its source.
func RelationRowsOf(rs []conflict.Relation, cites []conflict.Citation) []RelationRow {
	out := make([]RelationRow, len(rs))
	for i, r := range rs {
		row := RelationRow{Kind: string(r.Kind), Target: strconv.FormatInt(r.Target, 10)}
		for j, c := range cites {
			if c.Source.ID == r.Source {
				row.Citation = strconv.Itoa(j + 1)
				break
			}
		}
		out[i] = row
	}
	return out
}

// recordNumber reads a record's number typed alone ("12"), as its page's
// address ("/estimates/12", "https://…/events/12-some-title") or as its
// permalink.
var recordNumber = regexp.MustCompile(`^(?:.*/(?:estimates|events)/)?(\d{1,18})(?:[-/?#].*)?$`)

// relations reads the relation rows of a record of type rt with cited
// citations. Blank rows are dropped first, as citation rows are; the
// domain checks the rest.
func (r *reader) relations(rt conflict.RecordType, rs []RelationRow, cited int) ([]RelationRow, []conflict.Relation) {
	kept := rs[:0:0]
	for _, row := range rs {
		if !row.blank() {
			kept = append(kept, row)
		}
	}
	var out []conflict.Relation
	for i, row := range kept {
		field := "relations." + strconv.Itoa(i)
		rel := conflict.Relation{Kind: conflict.RelationKind(row.Kind)}
		if row.Target != "" {
			m := recordNumber.FindStringSubmatch(row.Target)
			if m == nil {
				r.errs.Add(field, "Give the number of the "+string(rt)+" this one is linked to, or its address: 12, or /"+string(rt)+"s/12.")
				continue
			}
			rel.Target, _ = strconv.ParseInt(m[1], 10, 64)
		}
		if row.Citation != "" {
			n, err := strconv.Atoi(row.Citation)
			if err != nil || n < 1 || n > cited {
				r.errs.Add(field, "Choose which of this record's citations reports the link.")
				continue
			}
			rel.SourceCitation = n
		}
		out = append(out, rel)
	}
	return kept, out
}
