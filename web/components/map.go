package components

import (
	"fmt"
	"html"
	"strconv"
	"strings"

	"github.com/a-h/templ"
)

// MapView is a map of a filtered list's events, drawn on the server: the
// country outlines that reach into the view, one mark per cluster of
// places, links that zoom and pan, and a table of the places shown, which
// says in words what the map draws.
type MapView struct {
	// ID prefixes the ids of the map's elements.
	ID            string
	Title         string
	Width, Height int
	// Land is the SVG path of the countries in view.
	Land string
	// Countries name the countries in view; Names the places of the
	// marks, when there are few enough to write them.
	Countries, Names []MapLabel
	Marks            []MapMark
	// Controls zoom and pan the map: each a link to the same list's map
	// moved by a step.
	Controls []MapControl
	// Summary says what the map shows: "412 events at 12 places".
	Summary string
	// Notes say what it cannot show: events without a place, places
	// without a position, a list counted only in part.
	Notes []string
	// ListURL lists every event the map shows.
	ListURL string
	Places  []MapPlaceRow
	// MorePlaces counts places in view the table leaves out.
	MorePlaces int
	// NewTab opens the events in a new tab: in an embed, the site's
	// pages cannot open inside the frame.
	NewTab bool
	// GL, when the deployment has its own tiles, lets a script draw the
	// map with them in place of the SVG (map.templ).
	GL *MapGL
}

// listAttrs are the attributes of a link to events.
func (v MapView) listAttrs() templ.Attributes {
	if v.NewTab {
		return templ.Attributes{"target": "_blank", "rel": "noopener"}
	}
	return templ.Attributes{}
}

// MapMark is one cluster: a circle sized by its events, the count on it,
// and a link to its events (or, for a cluster of many places, a closer
// view of them).
type MapMark struct {
	X, Y, R float64
	N       int
	Label   string
	// Name is its accessible name: "Mosul: 412 events".
	Name string
	Href string
	// Approx is set when a place in it stands at an ancestor's position.
	Approx bool
	// Closer is set when the link is a closer view, not a list.
	Closer bool
}

// MapLabel is a name written on the map.
type MapLabel struct {
	X, Y float64
	Text string
}

// MapControl is one step of zoom or pan.
type MapControl struct {
	Label, Href, Class string
}

// MapPlaceRow is one place in the table under the map.
type MapPlaceRow struct {
	Name, Href string
	N          int
	// At names the ancestor whose position an unlocated place takes.
	At string
}

// MapPanelView is the small map on a timeline, actor or place page: an
// image of the map linking to the full one.
type MapPanelView struct {
	Heading  string
	MapURL   string
	ImageURL string
	// DarkImageURL is the same image in dark colours.
	DarkImageURL string
	Alt          string
	Width        int
	Height       int
}

func mapNum(v float64) string { return strconv.FormatFloat(v, 'f', 1, 64) }

func mapViewBox(w, h int) string { return fmt.Sprintf("0 0 %d %d", w, h) }

func (m MapMark) class() string {
	if m.Approx {
		return "map__dot map__dot--approx"
	}
	return "map__dot"
}

// mapColours are the map's colours where no stylesheet reaches it: in an
// image, light and dark.
var mapColours = map[bool]struct{ sea, land, border, dot, approx, ring, text, label, name string }{
	false: {"#dce8f0", "#f4f1ea", "#b9b2a5", "#b8432f", "#f4f1ea", "#ffffff", "#ffffff", "#8a8479", "#1d2026"},
	true:  {"#0e1a24", "#2a2d33", "#4a4f58", "#e0735c", "#2a2d33", "#15171b", "#15171b", "#8b919b", "#e7e5e0"},
}

// MapImage is the map as a standalone SVG image, for a page's map panel:
// the same outlines and marks, in colours of its own since no stylesheet
// reaches into an image, and no links, which an image cannot follow.
func MapImage(v MapView, dark bool) []byte {
	c := mapColours[dark]
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" width="%d" height="%d" role="img">`, v.Width, v.Height, v.Width, v.Height)
	fmt.Fprintf(&b, `<title>%s</title>`, html.EscapeString(v.Title))
	fmt.Fprintf(&b, `<rect width="%d" height="%d" fill="%s"/>`, v.Width, v.Height, c.sea)
	fmt.Fprintf(&b, `<path d="%s" fill="%s" stroke="%s" stroke-width="0.6" stroke-linejoin="round"/>`, v.Land, c.land, c.border)
	for _, l := range v.Countries {
		fmt.Fprintf(&b, `<text x="%s" y="%s" text-anchor="middle" font-family="system-ui, sans-serif" font-size="11" letter-spacing="1" fill="%s">%s</text>`,
			mapNum(l.X), mapNum(l.Y), c.label, html.EscapeString(strings.ToUpper(l.Text)))
	}
	for _, m := range v.Marks {
		fill, dash := c.dot, ""
		if m.Approx {
			fill, dash = c.approx, ` stroke-dasharray="3 2"`
		}
		fmt.Fprintf(&b, `<circle cx="%s" cy="%s" r="%s" fill="%s" fill-opacity="0.85" stroke="%s" stroke-width="1.5"%s/>`,
			mapNum(m.X), mapNum(m.Y), mapNum(m.R), fill, pick(m.Approx, c.dot, c.ring), dash)
		if m.Label != "" {
			fmt.Fprintf(&b, `<text x="%s" y="%s" dy="0.35em" text-anchor="middle" font-family="system-ui, sans-serif" font-size="11" font-weight="600" fill="%s">%s</text>`,
				mapNum(m.X), mapNum(m.Y), pick(m.Approx, c.dot, c.text), html.EscapeString(m.Label))
		}
	}
	for _, l := range v.Names {
		fmt.Fprintf(&b, `<text x="%s" y="%s" dy="0.35em" font-family="system-ui, sans-serif" font-size="12" font-weight="600" fill="%s" stroke="%s" stroke-width="3" paint-order="stroke">%s</text>`,
			mapNum(l.X), mapNum(l.Y), c.name, c.land, html.EscapeString(l.Text))
	}
	b.WriteString(`</svg>`)
	return []byte(b.String())
}

func pick(cond bool, a, b string) string {
	if cond {
		return a
	}
	return b
}
