// Package embed holds the pages other sites show in an iframe: a timeline,
// an estimate chart and a single event. They share a minimal shell of their
// own, with a small stylesheet, no site navigation, no editor controls and
// no script except the one that tells the parent page the document's
// height. Every link opens sitrep in a new tab.
package embed

import (
	"slices"
	"strconv"
	"strings"

	"github.com/a-h/templ"

	"github.com/sitrep/sitrep/internal/chart"
	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/web/components"
)

// Themes an embed can be asked for; "auto" follows the reader's setting.
const (
	ThemeAuto  = "auto"
	ThemeLight = "light"
	ThemeDark  = "dark"
)

// Base is what every embed carries for its shell.
type Base struct {
	// Title names the embed, in the document title and the heading.
	Title string
	// Theme is ThemeLight, ThemeDark or ThemeAuto.
	Theme string
	// Compact leaves out excerpts and details, for a small frame.
	Compact bool
	// Asset returns the content-hashed URL of a static file.
	Asset func(name string) string
	// FullURL is the full page the embed shows part of.
	FullURL string
	// SiteURL is the site's home page, which the attribution links, and
	// SiteName what the attribution calls it: the deployment's own name.
	SiteURL  string
	SiteName string
	// Pin, when set, says the embed shows the record as published at a
	// past moment, and what has changed since.
	Pin *Pin
}

// Pin is the notice of an embed pinned to a moment: when, a link to
// today's version, and the records that changed since among those it
// shows.
type Pin struct {
	// When is the moment in words ("29 Sep 2016 14:02 UTC"), and
	// Datetime the same for the time element.
	When, Datetime string
	// TodayURL is the same embed as published today.
	TodayURL string
	// Changed were edited since; Added are in today's version and not
	// here; Removed are here and not in today's version (retracted, or
	// no longer chosen). Each links to its record's history.
	Changed, Added, Removed []PinChange
	// ChangesURL, when set, is where the changes are listed instead: a
	// settled pin is cached for good, so it cannot carry what changes
	// every time the record does.
	ChangesURL string
	// Open shows the changes unfolded: the reader asked for them.
	Open bool
	// Unlisted leaves the changes out: a map counts too many events to
	// name those changed since.
	Unlisted bool
}

// PinChange is one record a pinned embed names as changed since.
type PinChange struct {
	Title      string
	HistoryURL string
	// Note qualifies the change: "retracted".
	Note string
}

// Unchanged reports whether nothing shown has changed since the moment.
func (p *Pin) Unchanged() bool {
	return len(p.Changed)+len(p.Added)+len(p.Removed) == 0
}

// changeGroups are the pin's changes with their headings, in the order
// the notice lists them, leaving out empty groups.
func (p *Pin) changeGroups() []changeGroup {
	var out []changeGroup
	for _, g := range []changeGroup{{"changed", p.Changed}, {"added", p.Added}, {"removed", p.Removed}} {
		if len(g.Items) > 0 {
			out = append(out, g)
		}
	}
	return out
}

type changeGroup struct {
	Name  string
	Items []PinChange
}

// changeSummary counts the changes in words: "2 changed, 1 added".
func (p *Pin) changeSummary() string {
	var parts []string
	for _, g := range p.changeGroups() {
		parts = append(parts, strconv.Itoa(len(g.Items))+" "+g.Name)
	}
	return strings.Join(parts, ", ")
}

// ProblemView is an embed that cannot show what was asked (a moment it
// cannot read, or one before the record existed), in the embed's own
// style so that it reads as part of the frame, not as a broken page.
type ProblemView struct {
	Base
	Status  int
	Message string
}

// colorScheme is the content of the color-scheme meta tag, so that form
// controls and scroll bars match the theme.
func (b Base) colorScheme() string {
	switch b.Theme {
	case ThemeLight, ThemeDark:
		return b.Theme
	}
	return "light dark"
}

func (b Base) theme() string {
	switch b.Theme {
	case ThemeLight, ThemeDark:
		return b.Theme
	}
	return ThemeAuto
}

// TimelineView is a timeline's embed: its events, and the estimates the
// timeline interleaves.
type TimelineView struct {
	Base
	Entries []components.Entry
	// MoreURL opens the full timeline after the last entry shown, when it
	// has more.
	MoreURL string
}

// EstimatesView is the estimate chart's embed.
type EstimatesView struct {
	Base
	Chart chart.Chart
	// Estimates are listed in the table under the chart, in the order
	// asked for; a compact embed has none.
	Estimates   []conflict.Estimate
	NewestFirst bool
	// Empty explains why there is nothing to show (an unknown force or
	// place); "" otherwise.
	Empty string
}

// EventView is one event's embed: a card.
type EventView struct {
	Base
	Event     conflict.Event
	Citations int
	Excerpt   string
}

// newTab makes a link open sitrep in a new tab, without giving the new page
// a handle on the embedding one.
var newTab = templ.Attributes{"target": "_blank", "rel": "noopener"}

// eventMeta is the event's place and actors on one line.
func eventMeta(e conflict.Event) string {
	var parts []string
	if e.Place != nil {
		parts = append(parts, e.Place.Name)
	}
	if len(e.Actors) > 0 {
		names := make([]string, 0, len(e.Actors))
		for _, a := range e.Actors {
			if !slices.Contains(names, a.Actor.Name) {
				names = append(names, a.Actor.Name)
			}
		}
		parts = append(parts, strings.Join(names, ", "))
	}
	return strings.Join(parts, " · ")
}

// estimateMeta says where, who claimed an estimate and who reported it.
func estimateMeta(x conflict.Estimate) string {
	var parts []string
	if x.Place != nil {
		parts = append(parts, "in "+x.Place.Name)
	}
	if x.Claimant != "" {
		parts = append(parts, "claimed by "+x.Claimant)
	}
	if len(x.Citations) > 0 && x.Citations[0].Source.Publisher != "" {
		parts = append(parts, "reported by "+x.Citations[0].Source.Publisher)
	}
	return strings.Join(parts, " · ")
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}
