// Package cite formats references to sitrep's records, so a researcher can
// cite an event or an estimate exactly as it stood at one revision: plain
// text, BibTeX and CSL-JSON. They name the deployment as its admin named it
// (its site name and publisher), not the software.
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
	Key   string
	Title string
	Kind  string // "Event record", "Force estimate"
	// Site is the name of the deployment that keeps the record, "sitrep"
	// unless its admin named it.
	Site string
	// Publisher is who publishes the site, the citation's author; "" means
	// the site itself.
	Publisher string
	URL       string // the permalink to the revision
	Revision  int
	Revised   time.Time
	Accessed  time.Time
}

// author is who the citation names as its author: the publisher, or else
// the site.
func (r Record) author() string {
	if r.Publisher != "" {
		return r.Publisher
	}
	return r.Site
}

// where names the kind of record and, when the author is someone else,
// the site that keeps it: "Event record" or "Event record, Mosul Monitor".
func (r Record) where() string {
	if r.Site == "" || r.Site == r.author() {
		return r.Kind
	}
	return r.Kind + ", " + r.Site
}

// Text is a human-readable reference in a neutral style:
// Publisher. “Title.” Kind, Site, revision N, date. URL (accessed date).
// The title's own final full stop, question or exclamation mark stands
// inside the quotes, with no second one after it.
func (r Record) Text() string {
	return fmt.Sprintf("%s. \u201c%s\u201d %s, revision %d, %s. %s (accessed %s).",
		strings.TrimSuffix(r.author(), "."), endSentence(strings.TrimSpace(r.Title)), r.where(), r.Revision,
		r.Revised.UTC().Format("2 January 2006"), r.URL, r.Accessed.UTC().Format("2 January 2006"))
}

// endSentence ends s with a full stop unless it already ends a sentence.
func endSentence(s string) string {
	if strings.HasSuffix(s, ".") || strings.HasSuffix(s, "?") || strings.HasSuffix(s, "!") {
		return s
	}
	return s + "."
}

// BibTeX is a @misc entry.
func (r Record) BibTeX() string {
	var b strings.Builder
	fmt.Fprintf(&b, "@misc{%s,\n", r.Key)
	field := func(k, v string) { fmt.Fprintf(&b, "  %s = {%s},\n", k, v) }
	field("title", bibEscape(r.Title))
	field("author", "{"+bibEscape(r.author())+"}")
	field("year", r.Revised.UTC().Format("2006"))
	field("month", strings.ToLower(r.Revised.UTC().Format("Jan")))
	field("howpublished", `\url{`+r.URL+`}`)
	if r.Site != "" {
		field("organization", bibEscape(r.Site))
	}
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
	Publisher string    `json:"publisher"`
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
		ID: r.Key, Type: "webpage", Title: r.Title, Author: []cslName{{Literal: r.author()}},
		Container: r.Site, Publisher: r.author(), Genre: r.Kind, Version: fmt.Sprintf("revision %d", r.Revision), URL: r.URL,
		Issued: dateParts(r.Revised), Accessed: dateParts(r.Accessed),
	}
	out, _ := json.MarshalIndent([]cslItem{item}, "", "  ")
	return append(out, '\n')
}
