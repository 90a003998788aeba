package server

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/form"
	"github.com/sitrep/sitrep/internal/geo"
	"github.com/sitrep/sitrep/web/components"
	"github.com/sitrep/sitrep/web/embed"
	"github.com/sitrep/sitrep/web/pages"
)

// The map's sizes in pixels: the map page's and an embed's, and a page's
// map panel.
const (
	mapWidth, mapHeight     = 960, 540
	panelWidth, panelHeight = 640, 300
	// mapFitPad keeps the outermost marks clear of the edges, with
	// room around them to see where they are: a fifth of the view on
	// every side.
	mapFitPad = 0.2
)

// mapListLimit is how many events a map counts one by one, for a filter
// the tallies cannot answer (dates, words, two actors): past it the map
// says it shows the first of them.
const mapListLimit = 20000

// mapNamedMarks is how many marks a map may draw and still write their
// places' names beside them.
const mapNamedMarks = 12

// mapTableRows is how many places the table under the map lists.
const mapTableRows = 50

// mapClusterLinkPlaces is how many places a cluster may hold and still
// link to their events: the list's filter takes up to ten places.
const mapClusterLinkPlaces = 10

// mapPlaces caches every place's position until the next write: a place
// without one takes its nearest ancestor's.
type mapPlaces struct {
	sync.Mutex
	version int64
	ok      bool
	byID    map[conflict.PlaceID]*mapPlace
	// pins are recent filters' places (mapPinsOf), weighed by their
	// number, within mapPinsBudget: those asked for most stay (the map of
	// every event, the tags' maps) while maps of one actor each come and
	// go.
	pins *mapPinsCache
}

type mapPlace struct {
	conflict.MapPlace
	point   geo.Point
	located bool
	// at names the ancestor whose position the place takes; "" when it
	// has its own.
	at string
	// pin is the place's pin, its position projected, for every filter
	// to copy with its own key and count.
	pin geo.Pin
}

func (s *Server) mapPlaceIndex(ctx context.Context) (map[conflict.PlaceID]*mapPlace, error) {
	version, err := s.db.LastChange(ctx)
	if err != nil {
		return nil, err
	}
	s.maps.Lock()
	defer s.maps.Unlock()
	if s.maps.ok && s.maps.version == version {
		return s.maps.byID, nil
	}
	// A write makes every filter's pins stale; their keys name the
	// version they were counted at, so none is found again, and they
	// make room at once.
	s.maps.pins.InvalidateAll()
	places, err := s.db.MapPlaces(ctx)
	if err != nil {
		return nil, err
	}
	raw := make(map[conflict.PlaceID]conflict.MapPlace, len(places))
	for _, p := range places {
		raw[p.ID] = p
	}
	out := make(map[conflict.PlaceID]*mapPlace, len(places))
	for _, p := range places {
		mp := &mapPlace{MapPlace: p}
		if !p.Public {
			// A draft place is named nowhere a reader looks: its events
			// are counted as placed nowhere on the map.
			out[p.ID] = mp
			continue
		}
		// Up the tree to the nearest published place with a position;
		// the depth bound guards against a loop in bad data.
		for up, depth := p, 0; depth < 64; depth++ {
			if c := up.Coordinates; c != nil && up.Public {
				mp.point, mp.located = geo.Point{Lon: c.Lon, Lat: c.Lat}, true
				// Projected once here, not for every filter that maps it.
				mp.pin = geo.NewPin(0, mp.point, 0, up.ID != p.ID)
				if up.ID != p.ID {
					mp.at = up.Name
				}
				break
			}
			next, ok := raw[up.Parent]
			if !ok {
				break
			}
			up = next
		}
		out[p.ID] = mp
	}
	s.maps.byID, s.maps.version, s.maps.ok = out, version, true
	return out, nil
}

// mapRequest is what a map is drawn from: the reader's filter, the
// timeline it belongs to, if any, and where its links lead.
type mapRequest struct {
	filter   form.EventFilter
	timeline *conflict.Timeline
	// self is the map's own path (/map or /embed/map); list is the path
	// of the list its clusters open.
	self, list string
	// fixed are query values every link of the map keeps (timeline=…).
	fixed         url.Values
	width, height int
	// origin prefixes the links to lists, in an embed, whose frame
	// cannot show the site's pages.
	origin string
	// at, when set, is the moment a pinned embed shows the events as
	// published then; timeline is then the timeline as it was.
	at *time.Time
	// beforePlaces and afterPlaces are the filter's query without its
	// places, the pairs that sort before place= and those after (listOf).
	beforePlaces, afterPlaces string
}

// readMapRequest reads the filter, and the timeline a map of a timeline
// names by its slug.
func (s *Server) readMapRequest(c echo.Context, self string, width, height int) (mapRequest, error) {
	ctx := c.Request().Context()
	f, err := form.ParseEventFilter(ctx, c.QueryParams(), s.db)
	if err != nil {
		return mapRequest{}, err
	}
	r := mapRequest{filter: f, self: self, list: "/events", fixed: url.Values{}, width: width, height: height}
	// A map links hundreds of lists that differ only in their places: the
	// rest of the query is encoded once, on each side of where place
	// sorts (url.Values.Encode's order).
	v := f.Values()
	v.Del("place")
	before, after := url.Values{}, url.Values{}
	for k, vs := range v {
		if k < "place" {
			before[k] = vs
		} else {
			after[k] = vs
		}
	}
	r.beforePlaces, r.afterPlaces = before.Encode(), after.Encode()
	if slug := c.QueryParam("timeline"); slug != "" {
		t, err := s.db.FindTimelineBySlug(ctx, slug)
		if err != nil {
			return mapRequest{}, err
		}
		if hiddenFromReader(c, t.Status) {
			return mapRequest{}, conflict.Errorf(conflict.NotFound, "No such timeline.")
		}
		r.timeline, r.list = &t, components.TimelinePath(t.Slug)
		r.fixed.Set("timeline", t.Slug)
	}
	return r, nil
}

// link returns the map's own address with the filter, the fixed values
// and extra pairs.
func (r mapRequest) link(path string, extra ...string) string {
	v := r.filter.Values()
	for k, vs := range r.fixed {
		v[k] = vs
	}
	for i := 0; i+1 < len(extra); i += 2 {
		v.Set(extra[i], extra[i+1])
	}
	return withQuery(path, v.Encode())
}

// listOf returns the list of the events at the given places, with the
// reader's other filters: a cluster's events.
func (r mapRequest) listOf(slugs []string) string {
	parts := make([]string, 0, len(slugs)+2)
	if r.beforePlaces != "" {
		parts = append(parts, r.beforePlaces)
	}
	for _, s := range slugs {
		parts = append(parts, "place="+url.QueryEscape(s))
	}
	if r.afterPlaces != "" {
		parts = append(parts, r.afterPlaces)
	}
	return r.origin + withQuery(r.list, strings.Join(parts, "&"))
}

// viewLinks returns what makes the map's own address for a view, with
// the filter: r.link with z, lat and lon, for the dozens of marks that
// zoom in, the rest of the query encoded once.
func (r mapRequest) viewLinks() func(geo.View) string {
	v := r.filter.Values()
	for k, vs := range r.fixed {
		v[k] = vs
	}
	query := queryTemplate(v, "lat", "lon", "z")
	return func(view geo.View) string {
		return withQuery(r.self, query(coord(view.Center.Lat), coord(view.Center.Lon), strconv.Itoa(view.Zoom)))
	}
}

// clusterLink is where a cluster's mark leads: the list of its places'
// events when one list's filter can name them all (at most ten, every one
// public), else the view two levels closer, which parts them (closer set).
func (r mapRequest) clusterLink(mp *pinsRead, view geo.View, cl geo.Cluster, views func(geo.View) string) (href string, closer bool) {
	if len(cl.Pins) <= mapClusterLinkPlaces {
		slugs := make([]string, 0, len(cl.Pins))
		for _, k := range cl.Pins {
			if pl := mp.places[mp.pins[k].Key]; pl.Public {
				slugs = append(slugs, pl.Slug)
			}
		}
		if len(slugs) == len(cl.Pins) {
			return r.listOf(slugs), false
		}
	}
	zoom := geo.View{Center: clusterCenter(mp.pins, cl), Zoom: min(view.Zoom+2, geo.MaxZoom), Width: r.width, Height: r.height}.Clamp()
	return views(zoom), true
}

// view is the view the query asks for (z, lat, lon), or, fitted, the
// one that shows every pin.
func (r mapRequest) view(q url.Values, pins []geo.Pin) (v geo.View, fitted bool) {
	if z, err := strconv.Atoi(q.Get("z")); err == nil {
		lat, err1 := strconv.ParseFloat(q.Get("lat"), 64)
		lon, err2 := strconv.ParseFloat(q.Get("lon"), 64)
		if err1 == nil && err2 == nil && lat >= -90 && lat <= 90 && lon >= -180 && lon <= 180 {
			return geo.View{Center: geo.Point{Lon: lon, Lat: lat}, Zoom: z, Width: r.width, Height: r.height}.Clamp(), false
		}
	}
	points := make([]geo.Point, len(pins))
	for i, p := range pins {
		points[i] = p.Point
	}
	return geo.Fit(points, r.width, r.height, mapFitPad), true
}

// buildMap counts the filtered events by place and draws the view the
// query asks for (z, lat, lon), or the one that fits them all.
func (s *Server) buildMap(c echo.Context, r mapRequest) (components.MapView, error) {
	mp, err := s.mapPinsOf(c.Request().Context(), r)
	if err != nil {
		return components.MapView{}, err
	}
	defer mp.release()
	pins, places, tally := mp.pins, mp.places, mp.tally
	mapped, unlocated, placesWithEvents := mp.mapped, mp.unlocated, len(mp.pins)
	placeOf := func(key int) *mapPlace { return places[key] }
	view, fitted := r.view(c.QueryParams(), pins)
	land, err := geo.LandPath(view)
	if err != nil {
		return components.MapView{}, err
	}
	v := components.MapView{ID: "map", Width: r.width, Height: r.height, Land: land, ListURL: r.origin + withQuery(r.list, r.filter.Values().Encode()), NewTab: r.origin != "", GL: s.mapGL(r)}
	inView, views := 0, r.viewLinks()
	for _, cl := range mp.grid(view.Zoom).In(view) {
		inView += cl.N
		m := components.MapMark{X: cl.X, Y: cl.Y, R: cl.R, N: cl.N, Approx: cl.Approx, Label: shortCount(cl.N)}
		if float64(len(m.Label))*6.6 > 2*cl.R-4 {
			m.Label = ""
		}
		first := placeOf(pins[cl.Pins[0]].Key)
		switch len(cl.Pins) {
		case 1:
			m.Name = fmt.Sprintf("%s: %s", first.Name, eventsWord(cl.N))
			if first.at != "" {
				m.Name += fmt.Sprintf(" (no position of its own: shown at %s)", first.at)
			}
		case 2:
			m.Name = fmt.Sprintf("%s and %s: %s", first.Name, placeOf(pins[cl.Pins[1]].Key).Name, eventsWord(cl.N))
		default:
			m.Name = fmt.Sprintf("%s and %d other places: %s", first.Name, len(cl.Pins)-1, eventsWord(cl.N))
		}
		if m.Href, m.Closer = r.clusterLink(mp, view, cl, views); m.Closer {
			m.Name += ", zoom in to see them"
		}
		v.Marks = append(v.Marks, m)
	}
	for _, l := range geo.CountryLabels(view) {
		v.Countries = append(v.Countries, components.MapLabel{X: l.X, Y: l.Y, Text: l.Text})
	}
	if len(v.Marks) <= mapNamedMarks {
		for _, m := range v.Marks {
			if name, _, ok := strings.Cut(m.Name, ":"); ok && !strings.Contains(m.Name, " and ") {
				// Clear of the mark even where a phone's stylesheet draws
				// it half as large again.
				v.Names = append(v.Names, components.MapLabel{X: m.X + 1.5*m.R + 4, Y: m.Y, Text: name})
			}
		}
	}
	// The table: every place in view, most events first.
	window := view.Window()
	for _, i := range mp.byN {
		p := &pins[i]
		if !window.Has(p) {
			continue
		}
		if len(v.Places) == mapTableRows {
			v.MorePlaces++
			continue
		}
		pl := placeOf(p.Key)
		v.Places = append(v.Places, components.MapPlaceRow{Name: pl.Name, N: p.N, At: pl.at, Href: r.listOf([]string{pl.Slug})})
	}
	v.Title = "Map of " + eventsWord(mapped)
	v.Summary = fmt.Sprintf("%s at %s", eventsWord(mapped), placesWord(placesWithEvents))
	if inView < mapped {
		v.Summary += fmt.Sprintf("; %s in this view", conflict.FormatCount(int64(inView)))
	}
	v.Summary += "."
	if tally.Partial {
		v.Notes = append(v.Notes, fmt.Sprintf("This filter is counted event by event: the map shows the first %s of its events, oldest first. "+
			"A filter of places with one actor or one tag, and no dates or words, maps every event.", conflict.FormatCount(int64(tally.Read))))
	}
	if tally.Total >= 0 {
		if none := tally.Total - mapped - unlocated; none > 0 {
			v.Notes = append(v.Notes, fmt.Sprintf("%s no place, so %s not on the map.", haveWord(none), pick(none == 1, "it is", "they are")))
		}
	}
	if unlocated > 0 {
		v.Notes = append(v.Notes, fmt.Sprintf("%s at places with no position, nor one in a place they are in.", eventsWord(unlocated)))
	}
	zoomIn, zoomOut := view.Zoomed(1), view.Zoomed(-1)
	if zoomIn.Zoom != view.Zoom {
		v.Controls = append(v.Controls, components.MapControl{Label: "Zoom in", Href: views(zoomIn), Class: "map__control--in"})
	}
	if zoomOut.Zoom != view.Zoom {
		v.Controls = append(v.Controls, components.MapControl{Label: "Zoom out", Href: views(zoomOut), Class: "map__control--out"})
	}
	for _, step := range []struct {
		label  string
		fx, fy float64
	}{{"North", 0, -0.5}, {"South", 0, 0.5}, {"West", -0.5, 0}, {"East", 0.5, 0}} {
		if moved := view.Panned(step.fx, step.fy); moved.Center != view.Center {
			v.Controls = append(v.Controls, components.MapControl{Label: step.label, Href: views(moved), Class: "map__control--" + strings.ToLower(step.label)})
		}
	}
	if !fitted {
		v.Controls = append(v.Controls, components.MapControl{Label: "Fit to the events", Href: r.link(r.self), Class: "map__control--fit"})
	}
	return v, nil
}

// clusterCenter is the position under a cluster's mark.
func clusterCenter(pins []geo.Pin, cl geo.Cluster) geo.Point {
	var lon, lat float64
	for _, i := range cl.Pins {
		p := &pins[i]
		lon += p.Point.Lon * float64(p.N)
		lat += p.Point.Lat * float64(p.N)
	}
	return geo.Point{Lon: lon / float64(cl.N), Lat: lat / float64(cl.N)}
}

func coord(f float64) string { return strconv.FormatFloat(f, 'f', 4, 64) }

// shortCount is the count written on a mark: 412, 1.2k, 35k, 1.1M.
func shortCount(n int) string {
	switch {
	case n < 1000:
		return strconv.Itoa(n)
	case n < 10_000:
		return strconv.FormatFloat(float64(n)/1000, 'f', 1, 64) + "k"
	case n < 1_000_000:
		return strconv.Itoa(n/1000) + "k"
	}
	return strconv.FormatFloat(float64(n)/1e6, 'f', 1, 64) + "M"
}

func eventsWord(n int) string {
	if n == 1 {
		return "1 event"
	}
	return conflict.FormatCount(int64(n)) + " events"
}

func placesWord(n int) string {
	if n == 1 {
		return "1 place"
	}
	return conflict.FormatCount(int64(n)) + " places"
}

func haveWord(n int) string {
	if n == 1 {
		return "1 event has"
	}
	return conflict.FormatCount(int64(n)) + " events have"
}

func pick(cond bool, a, b string) string {
	if cond {
		return a
	}
	return b
}

// mapPage is /map: the filter form, the map of the filtered events, and
// the table of its places.
func (s *Server) mapPage(c echo.Context) error {
	r, err := s.readMapRequest(c, "/map", mapWidth, mapHeight)
	if err != nil {
		return err
	}
	m, err := s.buildMap(c, r)
	if err != nil {
		return err
	}
	tags, err := s.db.FindTags(c.Request().Context(), tagSuggestions)
	if err != nil {
		return err
	}
	title := "Map"
	if r.timeline != nil {
		title = "Map of " + r.timeline.Title
	}
	v := pages.MapView{Base: s.base(c, title, "map"), Heading: title, Map: m,
		Filter: components.BrowserView{Action: "/map", Filter: r.filter, Tags: tags}}
	v.Description = "Where the events happened: each mark a place, or places close together, sized by their events."
	if r.timeline != nil {
		v.Back, v.BackLabel = r.list, "Back to the timeline"
	}
	return s.render(c, http.StatusOK, pages.Map(v))
}

// mapImage is /map.svg: the map as an image, for a page's map panel.
func (s *Server) mapImage(c echo.Context) error {
	r, err := s.readMapRequest(c, "/map", panelWidth, panelHeight)
	if err != nil {
		return err
	}
	m, err := s.buildMap(c, r)
	if err != nil {
		return err
	}
	return c.Blob(http.StatusOK, "image/svg+xml", components.MapImage(m, c.QueryParam("theme") == embed.ThemeDark))
}

// embedMap is /embed/map: the map alone, frameable by any site.
//
// With asof= it counts the events as published at that moment
// (CountEventsByPlaceAt) and names their places as they were named then:
// places are drawn where they are today.
func (s *Server) embedMap(c echo.Context) error {
	o := parseEmbedOptions(c.QueryParams(), "", "oldest")
	p, pin, done, err := s.readPin(c, o)
	if done {
		return err
	}
	r, err := s.readMapRequest(c, "/embed/map", mapWidth, mapHeight)
	if err != nil {
		return err
	}
	var notice *embed.Pin
	if pin {
		if r.timeline != nil {
			then, err := s.db.TimelineAt(c.Request().Context(), r.timeline.ID, p.At)
			if conflict.ErrorCode(err) == conflict.NotFound {
				err = conflict.Errorf(conflict.NotFound, "This timeline was not yet published on %s.", p.words())
			}
			if err != nil {
				return s.embedProblem(c, o, err)
			}
			r.timeline = &then
		}
		r.at = &p.At
		r.fixed.Set("asof", p.Text)
		today := withQuery("/embed/map", withoutAsof(c.QueryParams()).Encode())
		notice = &embed.Pin{When: p.words(), Datetime: p.Text, TodayURL: s.absURL(c, today), Unlisted: true}
		if p.DateOnly {
			notice.Datetime = p.At.Format(time.DateOnly)
		}
	}
	if o.Theme != embed.ThemeAuto {
		r.fixed.Set("theme", o.Theme)
	}
	r.origin = s.absURL(c, "")
	m, err := s.buildMap(c, r)
	if err != nil {
		return s.embedProblem(c, o, err)
	}
	title := "Map of events"
	if r.timeline != nil {
		title = "Map of " + r.timeline.Title
	}
	// The site's map shows today's record: its link carries no moment.
	r.fixed.Del("asof")
	b := s.embedBase(c, title, r.link("/map"), o)
	b.Pin = notice
	return s.render(c, http.StatusOK, embed.Map(embed.MapView{Base: b, Map: m}))
}

// mapPanel is the map panel of a page whose list has the given filter
// values: an image of the map linking to /map.
func mapPanel(heading string, values url.Values, alt string) *components.MapPanelView {
	q := values.Encode()
	dark := url.Values{}
	for k, vs := range values {
		dark[k] = vs
	}
	dark.Set("theme", embed.ThemeDark)
	return &components.MapPanelView{Heading: heading, MapURL: withQuery("/map", q), ImageURL: withQuery("/map.svg", q),
		DarkImageURL: "/map.svg?" + dark.Encode(), Alt: alt, Width: panelWidth, Height: panelHeight}
}
