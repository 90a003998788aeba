package sqlite

import "github.com/sitrep/sitrep/internal/edtf"

// lowerKey gives a date's sortable lower bound, "" for no date.
func lowerKey(d edtf.Date) string {
	if d.IsZero() {
		return ""
	}
	return d.LowerKey()
}
