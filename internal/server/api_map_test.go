package server_test

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
)

type mapAnswer struct {
	Kind string `json:"kind"`
	View struct {
		Zoom                     int
		Lat, Lon                 float64
		West, South, East, North float64
		Fitted                   bool
	} `json:"view"`
	Events   int  `json:"events"`
	InView   int  `json:"in_view"`
	Places   int  `json:"places"`
	Partial  bool `json:"partial"`
	Clusters []struct {
		Lat, Lon float64
		Count    int
		Places   []struct {
			Name, Slug string
			Count      int
		}
		Events, Closer string
	} `json:"clusters"`
}

// TestAPIEventMap: the map's data for a view clusters every mapped event
// of the filter when fitted, counts only the view's when asked for one,
// links each cluster to its events, and refuses bad input with a reason.
func TestAPIEventMap(t *testing.T) {
	h := newHandler(t)
	var all mapAnswer
	getJSON(t, h, "/api/v1/events/map", http.StatusOK, &all)
	if all.Kind != "event_map" || !all.View.Fitted || all.Events == 0 || all.Partial {
		t.Fatalf("fitted map: kind %q, fitted %v, %d events, partial %v", all.Kind, all.View.Fitted, all.Events, all.Partial)
	}
	if all.InView != all.Events {
		t.Errorf("the fitted view holds %d of %d mapped events", all.InView, all.Events)
	}
	sum, mosul := 0, false
	for _, cl := range all.Clusters {
		sum += cl.Count
		if cl.Lat < all.View.South || cl.Lat > all.View.North || cl.Lon < all.View.West || cl.Lon > all.View.East {
			t.Errorf("cluster at %v,%v lies outside the view", cl.Lat, cl.Lon)
		}
		if cl.Events == "" && cl.Closer == "" {
			t.Errorf("cluster of %d events links nowhere", cl.Count)
		}
		for _, p := range cl.Places {
			if p.Name == "Mosul" {
				mosul = true
				u, err := url.Parse(cl.Events)
				if err != nil || u.Path != "/events" || !slices.Contains(u.Query()["place"], p.Slug) {
					t.Errorf("Mosul's cluster links %q, want the list of its places' events", cl.Events)
				}
			}
		}
	}
	if sum != all.InView {
		t.Errorf("clusters add up to %d, in_view %d", sum, all.InView)
	}
	if !mosul {
		t.Error("no cluster names Mosul")
	}
	// A view far from every event: none in it, the totals unchanged.
	var away mapAnswer
	getJSON(t, h, "/api/v1/events/map?z=6&lat=-33.9&lon=18.4", http.StatusOK, &away)
	if away.View.Fitted || away.View.Zoom != 6 || away.InView != 0 || len(away.Clusters) != 0 || away.Events != all.Events {
		t.Errorf("Cape Town view: fitted %v, zoom %d, %d in view in %d clusters of %d events", away.View.Fitted, away.View.Zoom, away.InView, len(away.Clusters), away.Events)
	}
	var one mapAnswer
	getJSON(t, h, "/api/v1/events/map?actor=islamic-state", http.StatusOK, &one)
	if one.Events == 0 || one.Events > all.Events {
		t.Errorf("one actor's map has %d events of %d", one.Events, all.Events)
	}
	for _, bad := range []string{"zoom=3", "from=yesterday", "timeline=no-such-timeline"} {
		rec := do(t, h, http.MethodGet, "/api/v1/events/map?"+bad)
		if rec.Code != http.StatusBadRequest && rec.Code != http.StatusNotFound {
			t.Errorf("%s: %d, want a refusal", bad, rec.Code)
		}
		if !strings.Contains(rec.Body.String(), `"error"`) {
			t.Errorf("%s: %s, want a JSON error", bad, rec.Body)
		}
	}
}
