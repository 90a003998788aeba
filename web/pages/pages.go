// Package pages holds one templ page per screen, each with its own view
// model.
package pages

import (
	"strconv"
	"strings"

	"github.com/a-h/templ"

	"github.com/sitrep/sitrep/internal/chart"
	"github.com/sitrep/sitrep/internal/edtf"
	"github.com/sitrep/sitrep/internal/form"
)

func statusText(code int) string { return strconv.Itoa(code) }

func itoa(n int) string { return strconv.Itoa(n) }

func pluralWord(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

func unknownText(f form.EstimateFilter) string {
	var parts []string
	if msg := f.Errors["force"]; msg != "" {
		parts = append(parts, msg)
	}
	if msg := f.Errors["place"]; msg != "" {
		parts = append(parts, msg)
	}
	return strings.Join(parts, " ")
}

// periodText names a period that may be open at either end.
func periodText(from, to edtf.Date) string {
	switch {
	case !from.IsZero() && !to.IsZero():
		return "Estimates as of dates from " + from.Display() + " to " + to.Display() + "."
	case !from.IsZero():
		return "Estimates as of " + from.Display() + " or later."
	}
	return "Estimates as of " + to.Display() + " or earlier."
}

// estimateInvalid marks an explorer box whose value the form refused.
func estimateInvalid(f form.EstimateFilter, field string) templ.Attributes {
	if f.Errors[field] == "" {
		return nil
	}
	return templ.Attributes{"aria-invalid": "true", "aria-describedby": "est-" + field + "-error"}
}

// omittedText names the panels a summary chart leaves out: "Not drawn
// here: Wilayat Ninawa · fighters (120 claims) and 2 more panels."
func omittedText(ps []chart.OmittedPanel) string {
	const named = 3
	var parts []string
	for _, p := range ps[:min(named, len(ps))] {
		parts = append(parts, p.Label+" ("+count(p.Claims)+" "+pluralWord(p.Claims, "claim", "claims")+")")
	}
	text := "Not drawn here: " + strings.Join(parts, ", ")
	if rest := len(ps) - named; rest > 0 {
		text += " and " + count(rest) + " more " + pluralWord(rest, "panel", "panels")
	}
	return text + "."
}
