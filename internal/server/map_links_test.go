package server

import (
	"net/url"
	"strconv"
	"testing"

	"github.com/sitrep/sitrep/internal/form"
	"github.com/sitrep/sitrep/internal/geo"
)

// TestViewLinksAreTheMapsOwnAddresses checks the addresses the marks and
// controls zoom and pan to, made from a query encoded once, against the
// map's own link with z, lat and lon, for filters whose keys sort before,
// between and after them, with Arabic names and a pinned moment.
func TestViewLinksAreTheMapsOwnAddresses(t *testing.T) {
	views := []geo.View{
		{Center: geo.Point{Lat: 36.34, Lon: 43.13}, Zoom: 7, Width: 760, Height: 480},
		{Center: geo.Point{Lat: -12.5, Lon: -170.25}, Zoom: 2, Width: 340, Height: 300},
	}
	for _, r := range []mapRequest{
		{self: "/map", fixed: url.Values{}},
		{self: "/map", filter: form.EventFilter{Actors: []string{"Islamic State", "البيشمركة"}, Places: []string{"الموصل"},
			Tags: []string{"air strike"}, From: "2016-10", To: "2017-07", Query: "siege & bridge", Order: "newest", Retracted: true},
			fixed: url.Values{}},
		{self: "/embed/map", filter: form.EventFilter{Tags: []string{"ied"}},
			fixed: url.Values{"timeline": {"battle-of-mosul"}, "asof": {"2017-07-10T12:00:00Z"}, "theme": {"dark"}}},
	} {
		links := r.viewLinks()
		for _, v := range views {
			want := r.link(r.self, "z", strconv.Itoa(v.Zoom), "lat", coord(v.Center.Lat), "lon", coord(v.Center.Lon))
			if got := links(v); got != want {
				t.Errorf("view %+v of %+v:\n got %s\nwant %s", v, r.filter, got, want)
			}
		}
	}
}
