package server_test

import (
	"html"
	"math"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sitrep/sitrep/internal/app"
	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/demo"
	"github.com/sitrep/sitrep/internal/edtf"
	"github.com/sitrep/sitrep/internal/geo"
)

// mapMark is one cluster as the map page draws it.
type mapMark struct {
	href, name, class string
	x, y              float64
	n                 int
}

var (
	markRE  = regexp.MustCompile(`<a class="map__mark" href="([^"]*)" aria-label="([^"]*)"[^>]*><title>[^<]*</title><circle class="([^"]*)" cx="([^"]*)" cy="([^"]*)"`)
	countRE = regexp.MustCompile(`: ([\d,]+) events?`)
	totalRE = regexp.MustCompile(`data-testid="results-count">([\d,]+) events?`)
)

func mapMarks(t *testing.T, body string) []mapMark {
	t.Helper()
	var out []mapMark
	for _, m := range markRE.FindAllStringSubmatch(body, -1) {
		mk := mapMark{href: html.UnescapeString(m[1]), name: html.UnescapeString(m[2]), class: m[3]}
		mk.x, _ = strconv.ParseFloat(m[4], 64)
		mk.y, _ = strconv.ParseFloat(m[5], 64)
		c := countRE.FindStringSubmatch(mk.name)
		if c == nil {
			t.Fatalf("mark %q names no count", mk.name)
		}
		mk.n, _ = strconv.Atoi(strings.ReplaceAll(c[1], ",", ""))
		out = append(out, mk)
	}
	return out
}

// mapWithPlaces is the worked example with Tal Afar, in Nineveh province
// but not located, and a place nobody located, each with events.
func mapWithPlaces(t *testing.T) *app.App {
	t.Helper()
	a := newApp(t)
	ctx := t.Context()
	sys := conflict.Change{AuthorName: "setup"}
	nineveh, err := a.DB.FindPlaceBySlug(ctx, "nineveh-province")
	if err != nil {
		t.Fatal(err)
	}
	talAfar := conflict.Place{Name: "Tal Afar", Parent: &conflict.PlaceRef{ID: nineveh.ID}, Status: conflict.Published}
	nowhere := conflict.Place{Name: "Unlocated village", Status: conflict.Published}
	for _, p := range []*conflict.Place{&talAfar, &nowhere} {
		if err := a.DB.CreatePlace(ctx, p, sys); err != nil {
			t.Fatalf("CreatePlace %s: %v", p.Name, err)
		}
	}
	src, err := a.DB.FindSourceByURL(ctx, demoSourceURL(t, a))
	if err != nil {
		t.Fatal(err)
	}
	var events []*conflict.Event
	for i, p := range []conflict.Place{talAfar, talAfar, talAfar, nowhere} {
		ref := p.Ref()
		events = append(events, &conflict.Event{Title: "Shelling reported " + strconv.Itoa(i), Date: edtf.MustParse("2016-10-0" + strconv.Itoa(i+1)),
			Place: &ref, Status: conflict.Published, Citations: []conflict.Citation{{Source: src, Quote: "Shelling", Locator: "paragraph 1"}}})
	}
	if err := a.DB.CreateEvents(ctx, events, sys); err != nil {
		t.Fatalf("CreateEvents: %v", err)
	}
	return a
}

// TestMapDrawsPlacesAtTheirPositions draws the worked example close up:
// Mosul at its own position, Tal Afar (not located) at Nineveh
// province's and drawn as approximate, the unlocated village counted in
// words; and each mark's list has as many events as the mark says.
func TestMapDrawsPlacesAtTheirPositions(t *testing.T) {
	a := mapWithPlaces(t)
	h := a.Handler()
	view := geo.View{Center: geo.Point{Lon: 43.5, Lat: 35}, Zoom: 5, Width: 960, Height: 540}
	res := do(t, h, http.MethodGet, "/map?z=5&lat=35&lon=43.5")
	if res.Code != http.StatusOK {
		t.Fatalf("GET /map: %d", res.Code)
	}
	body := res.Body.String()
	marks := mapMarks(t, body)
	byName := map[string]mapMark{}
	for _, m := range marks {
		name, _, _ := strings.Cut(m.name, ":")
		byName[name] = m
	}
	for _, c := range []struct {
		place, name string
		at          geo.Point
		approx      bool
	}{
		{"Mosul", "Mosul: 2 events", geo.Point{Lon: 43.13, Lat: 36.34}, false},
		{"Diyala province", "Diyala province: 1 event", geo.Point{Lon: 45.1494, Lat: 33.7733}, false},
		{"Tal Afar", "Tal Afar: 3 events (no position of its own: shown at Nineveh province)", geo.Point{Lon: 42.6, Lat: 36.2}, true},
	} {
		m, ok := byName[c.place]
		if !ok {
			t.Errorf("no mark for %s among %+v", c.place, marks)
			continue
		}
		if m.name != c.name {
			t.Errorf("mark named %q, want %q", m.name, c.name)
		}
		x, y := view.Pixel(c.at)
		if math.Abs(m.x-x) > 0.1 || math.Abs(m.y-y) > 0.1 {
			t.Errorf("%s drawn at (%.1f, %.1f), its position is (%.1f, %.1f)", c.place, m.x, m.y, x, y)
		}
		if approx := strings.Contains(m.class, "map__dot--approx"); approx != c.approx {
			t.Errorf("%s drawn approximate = %v, want %v", c.place, approx, c.approx)
		}
	}
	if !strings.Contains(body, "1 event at places with no position") {
		t.Errorf("the map does not say an event's place has no position")
	}
	checkMarksMatchLists(t, h, marks)

	// Farther out, the three places of northern and eastern Iraq are one
	// cluster, whose list holds all of their events.
	far := mapMarks(t, do(t, h, http.MethodGet, "/map?z=0&lat=35&lon=43.5").Body.String())
	if len(far) != 1 || far[0].n != 6 || !strings.Contains(far[0].name, "and 2 other places") {
		t.Fatalf("zoomed out, marks = %+v; want one of 6 events at three places", far)
	}
	checkMarksMatchLists(t, h, far)
}

// checkMarksMatchLists follows each mark's link and compares the count of
// its list with the mark's.
func checkMarksMatchLists(t *testing.T, h http.Handler, marks []mapMark) {
	t.Helper()
	for _, m := range marks {
		if !strings.HasPrefix(m.href, "/events?") {
			t.Errorf("mark %q links to %s, not a list of events", m.name, m.href)
			continue
		}
		got := totalRE.FindStringSubmatch(do(t, h, http.MethodGet, m.href).Body.String())
		if got == nil || got[1] != strconv.Itoa(m.n) {
			t.Errorf("mark %q: its list %s counts %v", m.name, m.href, got)
		}
	}
}

// TestMapFollowsTheFilter: an actor's map shows only its events' places,
// and a map that fits its events needs no view in the address.
func TestMapFollowsTheFilter(t *testing.T) {
	h := mapWithPlaces(t).Handler()
	marks := mapMarks(t, do(t, h, http.MethodGet, "/map?actor=badr-organization").Body.String())
	if len(marks) != 1 || !strings.HasPrefix(marks[0].name, "Diyala province: 1 event") {
		t.Errorf("Badr Organization's map: %+v, want Diyala province alone", marks)
	}
	if !strings.Contains(marks[0].href, "actor=badr-organization") {
		t.Errorf("its mark's list %s drops the actor", marks[0].href)
	}
	// Dates are counted event by event, and still add up.
	dated := mapMarks(t, do(t, h, http.MethodGet, "/map?from=2016-10&to=2016-10").Body.String())
	if len(dated) != 1 || !strings.HasPrefix(dated[0].name, "Tal Afar: 3 events") {
		t.Errorf("October 2016's map: %+v, want Tal Afar alone", dated)
	}
	checkMarksMatchLists(t, h, dated)
}

// TestMapImageAndEmbed: the panel's image is an SVG of its own with no
// links, and the embed opens lists on the site in a new tab.
func TestMapImageAndEmbed(t *testing.T) {
	h := mapWithPlaces(t).Handler()
	img := do(t, h, http.MethodGet, "/map.svg?place=iraq&theme=dark")
	if img.Code != http.StatusOK || !strings.HasPrefix(img.Header().Get("Content-Type"), "image/svg+xml") {
		t.Fatalf("GET /map.svg: %d %s", img.Code, img.Header().Get("Content-Type"))
	}
	if b := img.Body.String(); !strings.Contains(b, "<circle") || strings.Contains(b, "<a ") || !strings.Contains(b, "#0e1a24") {
		t.Errorf("the image lacks its marks, has links, or is not dark: %.300s", b)
	}
	emb := do(t, h, http.MethodGet, "/embed/map?place=iraq")
	if emb.Code != http.StatusOK {
		t.Fatalf("GET /embed/map: %d", emb.Code)
	}
	for _, m := range mapMarks(t, emb.Body.String()) {
		if !strings.HasPrefix(m.href, "http://example.com/events?") {
			t.Errorf("embed mark %q links to %s, not the site's list", m.name, m.href)
		}
	}
	if !strings.Contains(emb.Body.String(), `target="_blank"`) {
		t.Errorf("the embed's marks do not open a new tab")
	}
	for _, page := range []string{"/places/iraq", "/actors/islamic-state", "/timelines/" + demo.TimelineSlug} {
		if b := do(t, h, http.MethodGet, page).Body.String(); !strings.Contains(b, `class="map-panel"`) || !strings.Contains(b, "/map.svg?") {
			t.Errorf("%s has no map panel", page)
		}
	}
}

// TestPinnedMapCountsEventsAsPublishedThen pins a map embed, then
// publishes two more events at Tal Afar and retracts one of those it had:
// the pinned map still counts three there, today's counts four, and the
// pinned one says so and is cached for good.
func TestPinnedMapCountsEventsAsPublishedThen(t *testing.T) {
	a := mapWithPlaces(t)
	h := a.Handler()
	ctx := t.Context()
	sys := conflict.Change{AuthorName: "setup", Role: conflict.RoleReviewer}
	talAfar, err := a.DB.FindPlaceBySlug(ctx, "tal-afar")
	if err != nil {
		t.Fatal(err)
	}
	page, err := a.DB.FindEvents(ctx, conflict.EventFilter{Places: []conflict.PlaceID{talAfar.ID}})
	if err != nil || len(page.Events) != 3 {
		t.Fatalf("Tal Afar has %d events (%v), want 3", len(page.Events), err)
	}
	// Revisions are stamped to the microsecond: pauses put the moment
	// strictly between the writes.
	time.Sleep(5 * time.Millisecond)
	asof := time.Now().UTC().Format(time.RFC3339Nano)
	time.Sleep(5 * time.Millisecond)

	src, err := a.DB.FindSourceByURL(ctx, demoSourceURL(t, a))
	if err != nil {
		t.Fatal(err)
	}
	ref := talAfar.Ref()
	later := []*conflict.Event{
		{Title: "Shelling reported again", Date: edtf.MustParse("2016-10-20"), Place: &ref, Status: conflict.Published,
			Citations: []conflict.Citation{{Source: src, Quote: "Shelling", Locator: "paragraph 2"}}},
		{Title: "Shelling reported once more", Date: edtf.MustParse("2016-10-21"), Place: &ref, Status: conflict.Published,
			Citations: []conflict.Citation{{Source: src, Quote: "Shelling", Locator: "paragraph 3"}}},
	}
	if err := a.DB.CreateEvents(ctx, later, sys); err != nil {
		t.Fatalf("CreateEvents: %v", err)
	}
	gone := page.Events[0]
	if _, err := a.DB.SetEventStatus(ctx, gone.ID, conflict.ActionRetract, "Two reports of one shelling.", gone.Version, conflict.RoleReviewer, sys); err != nil {
		t.Fatalf("retract: %v", err)
	}

	const view = "/embed/map?z=5&lat=35&lon=43.5"
	talAfarCount := func(body string) int {
		t.Helper()
		for _, m := range mapMarks(t, body) {
			if strings.HasPrefix(m.name, "Tal Afar") {
				return m.n
			}
		}
		t.Fatalf("no Tal Afar mark on the map")
		return 0
	}
	today := do(t, h, http.MethodGet, view)
	if today.Code != http.StatusOK {
		t.Fatalf("GET %s = %d", view, today.Code)
	}
	if n := talAfarCount(today.Body.String()); n != 4 {
		t.Errorf("today's map counts %d events at Tal Afar, want 4", n)
	}
	pinned := do(t, h, http.MethodGet, view+"&asof="+url.QueryEscape(asof))
	if pinned.Code != http.StatusOK {
		t.Fatalf("GET the pinned map = %d\n%s", pinned.Code, pageText(pinned.Body.String()))
	}
	body := pinned.Body.String()
	if n := talAfarCount(body); n != 3 {
		t.Errorf("the pinned map counts %d events at Tal Afar, want the 3 published then", n)
	}
	if text := pageText(body); !strings.Contains(text, "As published on") || !strings.Contains(text, "See today’s version") ||
		strings.Contains(text, "changed since") {
		t.Errorf("the pinned map's notice:\n%s", text)
	}
	if cc := pinned.Header().Get("Cache-Control"); !strings.Contains(cc, "immutable") {
		t.Errorf("the pinned map's Cache-Control = %q, want it cached for good", cc)
	}
	for _, m := range mapMarks(t, body) {
		if strings.Contains(m.href, "asof") {
			t.Errorf("mark %q links to %s: the site's lists show today's record", m.name, m.href)
		}
	}
	if !strings.Contains(body, "asof="+url.QueryEscape(asof)) {
		t.Errorf("the pinned map's zoom links drop its moment")
	}
}

// A map's counts are kept for panning and zooming until the next write,
// and never after it: an event published at Tal Afar shows on the next
// map of the same filter, wherever it is looked at from.
func TestMapCountsFollowAWrite(t *testing.T) {
	a := mapWithPlaces(t)
	h := a.Handler()
	ctx := t.Context()
	talAfarCount := func(view string) int {
		t.Helper()
		rec := do(t, h, http.MethodGet, view)
		if rec.Code != http.StatusOK {
			t.Fatalf("GET %s = %d", view, rec.Code)
		}
		for _, m := range mapMarks(t, rec.Body.String()) {
			if strings.HasPrefix(m.name, "Tal Afar") {
				return m.n
			}
		}
		t.Fatalf("GET %s: no Tal Afar mark on the map", view)
		return 0
	}
	views := []string{"/map?z=5&lat=35&lon=43.5", "/map?z=6&lat=36&lon=42.5", "/embed/map?z=5&lat=35&lon=43.5"}
	for _, v := range views {
		if n := talAfarCount(v); n != 3 {
			t.Fatalf("%s counts %d events at Tal Afar before the write, want 3", v, n)
		}
	}
	talAfar, err := a.DB.FindPlaceBySlug(ctx, "tal-afar")
	if err != nil {
		t.Fatal(err)
	}
	src, err := a.DB.FindSourceByURL(ctx, demoSourceURL(t, a))
	if err != nil {
		t.Fatal(err)
	}
	ref := talAfar.Ref()
	more := &conflict.Event{Title: "Shelling reported again", Date: edtf.MustParse("2016-10-20"), Place: &ref, Status: conflict.Published,
		Citations: []conflict.Citation{{Source: src, Quote: "Shelling", Locator: "paragraph 2"}}}
	if err := a.DB.CreateEvents(ctx, []*conflict.Event{more}, conflict.Change{AuthorName: "setup", Role: conflict.RoleReviewer}); err != nil {
		t.Fatalf("CreateEvents: %v", err)
	}
	for _, v := range views {
		if n := talAfarCount(v); n != 4 {
			t.Errorf("%s counts %d events at Tal Afar after a fourth was published, want 4", v, n)
		}
	}
}
