package sqlite

import "github.com/sitrep/sitrep/internal/edtf"

// lowerKey and upperKey give a date's sortable bounds, "" for no date.
func lowerKey(d edtf.Date) string {
	if d.IsZero() {
		return ""
	}
	return d.LowerKey()
}

func upperKey(d edtf.Date) string {
	if d.IsZero() {
		return ""
	}
	return d.UpperKey()
}
