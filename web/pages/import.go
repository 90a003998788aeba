package pages

import (
	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/form"
	"github.com/sitrep/sitrep/web/components"
	"github.com/sitrep/sitrep/web/layout"
)

// ImportView is /admin/import: the upload form, and after a check, what
// importing the file would do and every problem in it.
type ImportView struct {
	layout.Base
	// Status is the status CSV events get: published or draft.
	Status conflict.Status
	// Error is a problem with the form itself (no file chosen).
	Error string
	// Checked is set once a file has been checked.
	Checked bool
	Name    string
	Result  conflict.ImportResult
	// Problems are the first problems; More counts the rest.
	Problems []conflict.ImportProblem
	More     int
	// Token names the checked file kept for the commit.
	Token string
}

// ProblemCount is every problem the check found, listed or not.
func (v ImportView) ProblemCount() int { return len(v.Result.Problems) + v.Result.Unlisted }

// ImportRow is one kind of record in the check's table.
type ImportRow struct {
	Kind   string
	Counts conflict.ImportCounts
}

// Rows lists the counts of the check, by kind of record.
func (v ImportView) Rows() []ImportRow {
	r := v.Result
	return []ImportRow{{"Events", r.Events}, {"Estimates", r.Estimates}, {"Actors", r.Actors}, {"Places", r.Places}, {"Sources", r.Sources}}
}

func problemRow(p conflict.ImportProblem) string {
	if p.Row == 0 {
		return "—"
	}
	return itoa(p.Row)
}

// estimateDownloads links exports of the explorer's view, unless part of
// its filter could not be read.
func estimateDownloads(f form.EstimateFilter) []components.Download {
	if len(f.Errors) > 0 {
		return nil
	}
	return components.EstimateDownloads(f.Values())
}
