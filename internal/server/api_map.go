package server

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// mapJSON is /api/v1/events/map: the map's data for one view, as the map
// page draws it, clustered on the server at the view's zoom level so that
// a million events are a few dozen marks.
type mapJSON struct {
	Kind string      `json:"kind"`
	View mapViewJSON `json:"view"`
	// Events counts the mapped events (those with a place that has, or
	// has an ancestor with, a position); Unlocated those without.
	Events    int `json:"events"`
	Unlocated int `json:"unlocated"`
	Places    int `json:"places"`
	InView    int `json:"in_view"`
	// Partial says the filter is counted event by event and only the
	// first Counted of its events are mapped.
	Partial  bool          `json:"partial"`
	Counted  int           `json:"counted,omitempty"`
	Clusters []clusterJSON `json:"clusters"`
}

type mapViewJSON struct {
	Zoom   int     `json:"zoom"`
	Lat    float64 `json:"lat"`
	Lon    float64 `json:"lon"`
	Width  int     `json:"width"`
	Height int     `json:"height"`
	West   float64 `json:"west"`
	South  float64 `json:"south"`
	East   float64 `json:"east"`
	North  float64 `json:"north"`
	Fitted bool    `json:"fitted"`
}

type clusterJSON struct {
	// Lat and Lon are the event-weighted centre of the cluster's places.
	Lat    float64 `json:"lat"`
	Lon    float64 `json:"lon"`
	Count  int     `json:"count"`
	Approx bool    `json:"approximate"`
	// Places are its places, most events first, up to ten; MorePlaces
	// counts the rest. A place's own events are the cluster's list with
	// place= its slug alone.
	Places     []clusterPlaceJSON `json:"places"`
	MorePlaces int                `json:"more_places,omitempty"`
	// Events lists the cluster's events when one list can hold its
	// places; Closer is the view two levels closer otherwise.
	Events string `json:"events,omitempty"`
	Closer string `json:"closer,omitempty"`
}

type clusterPlaceJSON struct {
	Name  string `json:"name"`
	Slug  string `json:"slug"`
	Count int    `json:"count"`
	// At names the ancestor whose position a place without its own is
	// drawn at.
	At string `json:"approximate_at,omitempty"`
}

var mapParams = append(append([]string{}, eventFilterParams...), "timeline", "z", "lat", "lon")

// apiEventMap answers with the clusters of the filtered events in one
// view of the map: z, lat and lon, or the view that fits them all.
func (s *Server) apiEventMap(c echo.Context) error {
	if err := checkParams(c, mapParams...); err != nil {
		return err
	}
	r, err := s.readMapRequest(c, "/api/v1/events/map", mapWidth, mapHeight)
	if err != nil {
		return err
	}
	if err := firstFieldError(r.filter.Errors, nil); err != nil {
		return err
	}
	mp, err := s.mapPinsOf(c.Request().Context(), r)
	if err != nil {
		return err
	}
	defer mp.release()
	view, fitted := r.view(c.QueryParams(), mp.pins)
	west, south, east, north := view.Bounds()
	out := mapJSON{Kind: "event_map", Events: mp.mapped, Unlocated: mp.unlocated, Places: len(mp.pins),
		Partial: mp.tally.Partial, Clusters: []clusterJSON{},
		View: mapViewJSON{Zoom: view.Zoom, Lat: round6(view.Center.Lat), Lon: round6(view.Center.Lon), Width: view.Width, Height: view.Height,
			West: round6(west), South: round6(south), East: round6(east), North: round6(north), Fitted: fitted}}
	if mp.tally.Partial {
		out.Counted = mp.tally.Read
	}
	views := r.viewLinks()
	clusters := mp.grid(view.Zoom).In(view)
	// The clusters and their places are each allocated once, at their
	// size: grown an append at a time they were most of what the map's
	// data allocated, some 100 KB a view at a million events, and the
	// collector's work with it.
	out.Clusters = make([]clusterJSON, 0, len(clusters))
	listed := 0
	for _, cl := range clusters {
		listed += min(len(cl.Pins), mapClusterLinkPlaces)
	}
	places := make([]clusterPlaceJSON, 0, listed)
	for _, cl := range clusters {
		out.InView += cl.N
		center := clusterCenter(mp.pins, cl)
		j := clusterJSON{Lat: round6(center.Lat), Lon: round6(center.Lon), Count: cl.N, Approx: cl.Approx}
		from := len(places)
		for i, k := range cl.Pins {
			if i == mapClusterLinkPlaces {
				j.MorePlaces = len(cl.Pins) - i
				break
			}
			p := &mp.pins[k]
			pl := mp.places[p.Key]
			places = append(places, clusterPlaceJSON{Name: pl.Name, Slug: pl.Slug, Count: p.N, At: pl.at})
		}
		j.Places = places[from:len(places):len(places)]
		href, closer := r.clusterLink(mp, view, cl, views)
		if closer {
			j.Closer = s.absURL(c, href)
		} else {
			j.Events = s.absURL(c, href)
		}
		out.Clusters = append(out.Clusters, j)
	}
	return c.JSON(http.StatusOK, out)
}
