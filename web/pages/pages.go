// Package pages holds one templ page per screen, each with its own view
// model.
package pages

import (
	"strconv"
	"strings"

	"github.com/a-h/templ"

	"github.com/sitrep/sitrep/internal/chart"
	"github.com/sitrep/sitrep/internal/conflict"
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

// omittedForce is a force some of whose panels the explorer's chart leaves
// out: its panels, and the address of its own chart with the same place,
// claimant and dates, which draws them. URL is empty for the force charted
// itself.
type omittedForce struct {
	Name   string
	URL    string
	Panels []chart.OmittedPanel
	Claims int
}

// omittedForces gathers the panels a chart leaves out by force, in the
// order the chart would have drawn them.
func omittedForces(f form.EstimateFilter, ps []chart.OmittedPanel) []omittedForce {
	var out []omittedForce
	index := map[conflict.ActorID]int{}
	for _, p := range ps {
		i, ok := index[p.Force.ID]
		if !ok {
			i = len(out)
			index[p.Force.ID] = i
			o := omittedForce{Name: p.Force.Name}
			if p.Force.ID != f.Filter.Force && p.Force.Name != "" {
				o.URL = "/estimates?" + f.Values("force", p.Force.Name).Encode()
			}
			out = append(out, o)
		}
		out[i].Panels = append(out[i].Panels, p)
		out[i].Claims += p.Claims
	}
	return out
}

// omittedUnits names a force's panels left out and their claims:
// "fighters (230 estimates), vehicles (90)".
func omittedUnits(o omittedForce) string {
	parts := make([]string, len(o.Panels))
	for i, p := range o.Panels {
		parts[i] = p.Unit + " (" + count(p.Claims)
		if i == 0 {
			parts[i] += " " + pluralWord(p.Claims, "estimate", "estimates")
		}
		parts[i] += ")"
	}
	return strings.Join(parts, ", ")
}

// drawnPanelsText says how many of a capped chart's panels it draws.
func drawnPanelsText(c chart.Chart) string {
	drawn, rest := c.AllPanels-len(c.Omitted), len(c.Omitted)
	return "This chart draws " + count(drawn) + " of its " + count(c.AllPanels) + " panels: the force's own first, then its sub-forces' with the most estimates. The other " +
		count(rest) + " " + pluralWord(rest, "is", "are") + " listed after the chart, each linked to its force's own chart; the counts over time and the table cover every estimate."
}
