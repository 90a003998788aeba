// Package cite formats references to sitrep's records, so a researcher can
// cite an event or an estimate exactly as it stood at one revision: plain
// text, BibTeX and CSL-JSON.
package cite

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// Record is what a citation of one record at one revision needs.
type Record struct {
	// Key is a stable citation key, e.g. "sitrep-event-12-r3".
	Key      string
	Title    string
	Kind     string // "Event record", "Force estimate"
	Site     string // "sitrep"
	URL      string // the permalink to the revision
	Revision int
	Revised  time.Time
	Accessed time.Time
}

// Text is a human-readable reference in a neutral style.
func (r Record) Text() string {
	return fmt.Sprintf("%s. \u201c%s.\u201d %s, revision %d, %s. %s (accessed %s).",
		r.Site, strings.TrimSuffix(r.Title, "."), r.Kind, r.Revision, r.Revised.UTC().Format("2 January 2006"),
		r.URL, r.Accessed.UTC().Format("2 January 2006"))
}

// BibTeX is a @misc entry.
func (r Record) BibTeX() string {
	var b strings.Builder
	fmt.Fprintf(&b, "@misc{%s,\n", r.Key)
	field := func(k, v string) { fmt.Fprintf(&b, "  %s = {%s},\n", k, v) }
	field("title", bibEscape(r.Title))
	field("author", "{"+bibEscape(r.Site)+"}")
	field("year", r.Revised.UTC().Format("2006"))
	field("month", strings.ToLower(r.Revised.UTC().Format("Jan")))
	field("howpublished", `\url{`+r.URL+`}`)
	field("note", fmt.Sprintf("%s, revision %d, accessed %s", bibEscape(r.Kind), r.Revision, r.Accessed.UTC().Format("2006-01-02")))
	field("urldate", r.Accessed.UTC().Format("2006-01-02"))
	b.WriteString("}\n")
	return b.String()
}

// bibEscape protects the characters BibTeX treats specially.
func bibEscape(s string) string {
	return strings.NewReplacer(`\`, `\textbackslash{}`, "{", `\{`, "}", `\}`, "&", `\&`, "%", `\%`,
		"$", `\$`, "#", `\#`, "_", `\_`, "~", `\textasciitilde{}`, "^", `\textasciicircum{}`).Replace(s)
}

type cslDate struct {
	DateParts [][]int `json:"date-parts"`
}

type cslItem struct {
	ID        string    `json:"id"`
	Type      string    `json:"type"`
	Title     string    `json:"title"`
	Author    []cslName `json:"author"`
	Container string    `json:"container-title"`
	Genre     string    `json:"genre"`
	Version   string    `json:"version"`
	URL       string    `json:"URL"`
	Issued    cslDate   `json:"issued"`
	Accessed  cslDate   `json:"accessed"`
}

type cslName struct {
	Literal string `json:"literal"`
}

func dateParts(t time.Time) cslDate {
	t = t.UTC()
	return cslDate{DateParts: [][]int{{t.Year(), int(t.Month()), t.Day()}}}
}

// CSLJSON is a one-item CSL-JSON array, as reference managers import it.
func (r Record) CSLJSON() []byte {
	item := cslItem{
		ID: r.Key, Type: "webpage", Title: r.Title, Author: []cslName{{Literal: r.Site}},
		Container: r.Site, Genre: r.Kind, Version: fmt.Sprintf("revision %d", r.Revision), URL: r.URL,
		Issued: dateParts(r.Revised), Accessed: dateParts(r.Accessed),
	}
	out, _ := json.MarshalIndent([]cslItem{item}, "", "  ")
	return append(out, '\n')
}
