package server_test

import (
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"testing"

	"github.com/sitrep/sitrep/internal/app"
	"github.com/sitrep/sitrep/internal/auth"
	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/demo"
	"github.com/sitrep/sitrep/internal/edtf"
	"github.com/sitrep/sitrep/internal/server"
)

// privateWorld is the demo with one of everything readers must not see:
// an editor's draft actor, draft place, draft timeline, a draft event
// citing a source typed into it (a draft too), and a pending edit of a
// published event. Each carries words found nowhere else.
type privateWorld struct {
	a      *app.App
	editor *userAgent
	actor  conflict.Actor
	place  conflict.Place
	source conflict.Source
	event  conflict.Event
	tl     conflict.Timeline
	// ch is the editor's change, who wrote every private record.
	ch conflict.Change
	// public is the published event with a pending edit; estimate is a
	// published estimate.
	public   conflict.Event
	estimate conflict.EstimateID
	// claimant is the claimant only a draft estimate names; that draft
	// disputes the published estimate. pubClaimant is a public claimant
	// said to belong to the draft actor.
	claimant, pubClaimant conflict.ClaimantID
}

// The words each private record carries. A reader may type one (a search,
// a filter), and a page may echo what was typed; the others must not show.
var privateWords = []string{
	"vexlorn", "brimwhistle", // the actor: name, description
	"quillmarsh", "zephtangle", // the place
	"orbulent", "grindleby", // the source: title, publisher and URL
	"plinthar", "mossgrave", // the timeline: title, description
	"tarnwick", "hollowquist", // the draft event: title, body
	"fennimore",  // the pending edit's new title
	"wraxhollow", // the draft estimate's claimant
}

func newPrivateWorld(t *testing.T) *privateWorld {
	t.Helper()
	a := openApp(t, app.Config{Demo: true, Accounts: server.AccountsConfig{Password: auth.TestParams},
		AllowedHosts: []string{"example.com"}})
	ctx := t.Context()
	w := &privateWorld{a: a}
	u := addAccount(t, a, "ed@example.org", conflict.RoleEditor)
	w.editor = newUserAgent(t, a.Handler())
	w.editor.signIn("ed@example.org")
	w.editor.do(http.MethodGet, "/", nil)
	ch := conflict.Change{Author: &u.ID, AuthorName: u.Name, Role: u.Role, Summary: "Drafted"}
	w.ch = ch

	// The actor through the web form, as an editor makes one.
	rec := w.editor.post("/edit/actors/new", url.Values{"name": {"Vexlorn Front"}, "description": {"Brimwhistle marauders."}})
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("POST /edit/actors/new = %d\n%s", rec.Code, pageText(rec.Body.String()))
	}
	var err error
	if w.actor, err = a.DB.FindActorBySlug(ctx, "vexlorn-front"); err != nil {
		t.Fatal(err)
	}
	w.place = conflict.Place{Name: "Quillmarsh", Description: "Zephtangle ford.", Coordinates: &conflict.LatLon{Lat: 36, Lon: 43}}
	if err := a.DB.CreatePlace(ctx, &w.place, ch); err != nil {
		t.Fatal(err)
	}
	w.event = conflict.Event{Title: "Tarnwick skirmish", Date: edtf.MustParse("2016-09-20"), Place: new(w.place.Ref()),
		Actors: []conflict.EventActor{{Actor: w.actor.Ref(), Role: "attacker"}}, Tags: []string{"skirmish"},
		Body: "Hollowquist reported.",
		Citations: []conflict.Citation{{Source: conflict.Source{URL: "https://grindleby.example/orbulent-report",
			Publisher: "Grindleby Wire", Title: "Orbulent Dispatch"}, Quote: "Tarnwick quote"}}}
	if err := a.DB.CreateEvent(ctx, &w.event, ch); err != nil {
		t.Fatal(err)
	}
	if w.source, err = a.DB.FindSourceByID(ctx, w.event.Citations[0].Source.ID); err != nil {
		t.Fatal(err)
	}
	w.tl = conflict.Timeline{Title: "Plinthar Campaign", Description: "Mossgrave chronicle.", WithEstimates: true,
		Filter: conflict.TimelineFilter{Actors: []conflict.ActorID{w.actor.ID}, Places: []conflict.PlaceID{w.place.ID}}}
	if err := a.DB.CreateTimeline(ctx, &w.tl, ch); err != nil {
		t.Fatal(err)
	}
	for what, st := range map[string]conflict.Status{"actor": w.actor.Status, "place": w.place.Status, "source": w.source.Status,
		"timeline": w.tl.Status, "event": w.event.Status} {
		if st != conflict.Draft {
			t.Fatalf("the editor's new %s is %q, want a draft", what, st)
		}
	}

	page, err := a.DB.FindEvents(ctx, conflict.EventFilter{Limit: 1})
	if err != nil || len(page.Events) == 0 {
		t.Fatalf("no demo event: %v", err)
	}
	w.public = page.Events[0]
	edit, err := a.DB.FindEventByID(ctx, w.public.ID)
	if err != nil {
		t.Fatal(err)
	}
	edit.Title = "Fennimore retitled this"
	ch.Summary = "Fennimore wording"
	pending, err := a.DB.UpdateEvent(ctx, &edit, w.public.Version, ch)
	if err != nil || pending == nil {
		t.Fatalf("UpdateEvent by an editor = %v, %v; want a pending edit", pending, err)
	}
	xs, err := a.DB.FindEstimates(ctx, conflict.EstimateFilter{Limit: 1})
	if err != nil || len(xs) == 0 {
		t.Fatalf("no demo estimate: %v", err)
	}
	w.estimate = xs[0].ID
	// A draft estimate by a claimant no reader has seen, disputing the
	// published one: neither the claimant nor the link may show.
	draft := conflict.Estimate{Force: xs[0].Force, AsOf: edtf.MustParse("2016-10"), Unit: "fighters", Qualifier: conflict.FewerThan,
		High: conflict.Count(900), Claimant: "Wraxhollow press office", Citations: []conflict.Citation{{Source: w.source}},
		Relations: []conflict.Relation{{Kind: conflict.Disputes, Target: int64(w.estimate)}}}
	if err := a.DB.CreateEstimate(ctx, &draft, ch); err != nil {
		t.Fatal(err)
	}
	if draft.ClaimantRecord == nil {
		t.Fatal("the draft estimate has no claimant record")
	}
	w.claimant = draft.ClaimantRecord.ID
	// A public claimant said to belong to the draft actor: readers see
	// the claimant, not the actor.
	pub, err := a.DB.FindClaimantByID(ctx, xs[0].ClaimantRecord.ID)
	if err != nil {
		t.Fatal(err)
	}
	pub.Affiliation = new(w.actor.Ref())
	if err := a.DB.UpdateClaimant(ctx, &pub, pub.Version, conflict.RoleAdmin, 0); err != nil {
		t.Fatal(err)
	}
	w.pubClaimant = pub.ID
	return w
}

// targets lists the requests a reader can make of each public GET route,
// by the route's pattern: the public records, the private ones by their
// addresses, and queries that name them. A public GET route without an
// entry fails TestNothingPrivateReachesReaders, so a new route is walked
// from the day it is added.
func (w *privateWorld) targets() map[string][]string {
	pub, draft := int(w.public.ID), int(w.event.ID)
	x := int(w.estimate)
	esc := url.QueryEscape
	p := func(format string, args ...any) string { return fmt.Sprintf(format, args...) }
	exports := func(base string) []string {
		var out []string
		for _, f := range []string{"csv", "json", "geojson", "timelinejs"} {
			sep := "?"
			if strings.Contains(base, "?") {
				sep = "&"
			}
			out = append(out, base+sep+"format="+f)
		}
		return out
	}
	searches := []string{"/search"}
	for _, word := range privateWords {
		searches = append(searches, "/search?q="+word)
	}
	eventLists := func(base string) []string {
		return []string{base, base + "?order=newest", base + "?q=fennimore", base + "?q=tarnwick", base + "?actor=" + esc(w.actor.Name),
			base + "?place=" + esc(w.place.Name), base + "?tag=skirmish", base + "?from=2016&to=2016"}
	}
	estimateLists := func(base string) []string {
		return []string{base, base + "?force=" + esc(w.actor.Name), base + "?place=" + esc(w.place.Name), base + "?claimant=Vexlorn",
			base + "?claimant=" + esc("Wraxhollow press office"), base + "?claimant_type=other"}
	}
	oembed := func(path string) string { return "/oembed?url=" + esc("http://example.com"+path) }
	var allExports []string
	allExports = append(allExports, exports("/api/v1/export/events")...)
	allExports = append(allExports, exports("/api/v1/export/events?actor="+esc(w.actor.Name))...)
	return map[string][]string{
		"/":                          {"/"},
		"/events":                    eventLists("/events"),
		"/events/:id":                {p("/events/%d", pub), p("/events/%d", draft)},
		"/events/:id/rev/:n":         {p("/events/%d/rev/1", pub), p("/events/%d/rev/2", pub), p("/events/%d/rev/1", draft)},
		"/events/:id/rev/:n/:format": {p("/events/%d/rev/1/cite.bib", pub), p("/events/%d/rev/1/cite.json", pub), p("/events/%d/rev/1/cite.json", draft)},
		"/events/:id/history":        {p("/events/%d/history", pub), p("/events/%d/history", draft)},
		"/events/:id/diff":           {p("/events/%d/diff?from=1&to=2", pub), p("/events/%d/diff?from=1&to=1", draft)},
		"/timelines/:slug":           {"/timelines/" + demo.TimelineSlug, "/timelines/" + w.tl.Slug},
		"/map":                       append(eventLists("/map"), "/map?timeline="+demo.TimelineSlug, "/map?timeline="+w.tl.Slug),
		"/map.svg":                   append(eventLists("/map.svg"), "/map.svg?timeline="+w.tl.Slug),
		"/estimates":                 estimateLists("/estimates"),
		"/estimates/:id":             {p("/estimates/%d", x)},
		"/claimants":                 {"/claimants"},
		"/claimants/:id":             {"/claimants/1", p("/claimants/%d", w.pubClaimant), p("/claimants/%d", w.claimant)},
		"/estimates/:id/rev/:n":      {p("/estimates/%d/rev/1", x)},
		"/estimates/:id/history":     {p("/estimates/%d/history", x)},
		"/estimates/:id/diff":        {p("/estimates/%d/diff?from=1&to=1", x)},
		"/actors/:slug":              {"/actors/islamic-state", "/actors/" + w.actor.Slug},
		"/places/:slug":              {"/places/mosul", "/places/" + w.place.Slug},
		"/sources/:id":               {"/sources/1", p("/sources/%d", w.source.ID)},
		"/search":                    searches,
		"/feeds/events":              eventLists("/feeds/events"),
		"/feeds/estimates":           estimateLists("/feeds/estimates"),
		"/feeds/timelines/:slug":     {"/feeds/timelines/" + demo.TimelineSlug, "/feeds/timelines/" + w.tl.Slug, "/feeds/timelines/" + demo.TimelineSlug + "?q=fennimore"},
		"/about":                     {"/about"},
		"/methodology":               {"/methodology"},
		"/suggest/:kind": {"/suggest/actors?q=vex", "/suggest/actors?q=e", "/suggest/places?q=quill", "/suggest/places?q=a",
			"/suggest/tags?q=sk", "/suggest/tags"},
		"/embed/timelines/:slug": {"/embed/timelines/" + demo.TimelineSlug, "/embed/timelines/" + w.tl.Slug},
		"/embed/estimates":       estimateLists("/embed/estimates"),
		"/embed/events/:id":      {p("/embed/events/%d", pub), p("/embed/events/%d", draft)},
		"/embed/map":             append(eventLists("/embed/map"), "/embed/map?timeline="+w.tl.Slug),
		"/embed.js":              {"/embed.js"},
		"/oembed": {oembed("/timelines/" + demo.TimelineSlug), oembed("/timelines/" + w.tl.Slug), oembed(p("/events/%d", pub)),
			oembed(p("/events/%d", draft)), oembed("/estimates?force=" + esc(w.actor.Name)), oembed("/estimates")},
		"/healthz":     {"/healthz"},
		"/static/*":    {"/static/css/site.css"},
		"/favicon.ico": {"/favicon.ico"},
		"/signin":      {"/signin"},

		"/api/v1":                  {"/api/v1"},
		"/api/v1/openapi.json":     {"/api/v1/openapi.json"},
		"/api/v1/events":           append(eventLists("/api/v1/events"), "/api/v1/events?limit=1000"),
		"/api/v1/events/:id":       {p("/api/v1/events/%d", pub), p("/api/v1/events/%d", draft)},
		"/api/v1/events/histogram": eventLists("/api/v1/events/histogram"),
		"/api/v1/events/map":       append(eventLists("/api/v1/events/map"), "/api/v1/events/map?timeline="+w.tl.Slug, "/api/v1/events/map?z=8&lat=36.3&lon=43.1"),
		"/api/v1/estimates":        append(estimateLists("/api/v1/estimates"), "/api/v1/estimates?limit=1000"),
		"/api/v1/estimates/:id":    {p("/api/v1/estimates/%d", x)},
		"/api/v1/sources":          {"/api/v1/sources?limit=1000"},
		"/api/v1/sources/:id":      {"/api/v1/sources/1", p("/api/v1/sources/%d", w.source.ID)},
		"/api/v1/actors":           {"/api/v1/actors?limit=1000"},
		"/api/v1/actors/:ref":      {"/api/v1/actors/islamic-state", "/api/v1/actors/" + w.actor.Slug, p("/api/v1/actors/%d", w.actor.ID)},
		"/api/v1/places":           {"/api/v1/places?limit=1000"},
		"/api/v1/places/:ref":      {"/api/v1/places/mosul", "/api/v1/places/" + w.place.Slug, p("/api/v1/places/%d", w.place.ID)},
		"/api/v1/timelines":        {"/api/v1/timelines"},
		"/api/v1/timelines/:ref": {"/api/v1/timelines/" + demo.TimelineSlug, "/api/v1/timelines/" + w.tl.Slug,
			p("/api/v1/timelines/%d", w.tl.ID)},
		"/api/v1/timelines/:ref/events": {"/api/v1/timelines/" + demo.TimelineSlug + "/events", "/api/v1/timelines/" + w.tl.Slug + "/events"},
		"/api/v1/changes":               {"/api/v1/changes?limit=1000", "/api/v1/changes?since=1"},
		"/api/v1/export/all":            {"/api/v1/export/all?format=json", "/api/v1/export/all?format=json&history=1"},
		"/api/v1/schema/export.json":    {"/api/v1/schema/export.json"},
		"/api/v1/export/events":         allExports,
		"/api/v1/export/estimates":      append(exports("/api/v1/export/estimates"), exports("/api/v1/export/estimates?force="+esc(w.actor.Name))...),
		"/api/v1/export/timelines/:ref": append(exports("/api/v1/export/timelines/"+demo.TimelineSlug), exports("/api/v1/export/timelines/"+w.tl.Slug)...),
	}
}

// mustBeMissing are the addresses of the private records themselves:
// readers get 404 there, not a page without the words.
func (w *privateWorld) mustBeMissing() []string {
	return []string{
		"/actors/" + w.actor.Slug, "/places/" + w.place.Slug, fmt.Sprintf("/sources/%d", w.source.ID),
		"/timelines/" + w.tl.Slug, fmt.Sprintf("/events/%d", w.event.ID), "/embed/timelines/" + w.tl.Slug, "/feeds/timelines/" + w.tl.Slug,
		"/api/v1/actors/" + w.actor.Slug, "/api/v1/places/" + w.place.Slug, fmt.Sprintf("/api/v1/sources/%d", w.source.ID),
		"/api/v1/timelines/" + w.tl.Slug, "/api/v1/timelines/" + w.tl.Slug + "/events",
		"/oembed?url=" + url.QueryEscape("http://example.com/timelines/"+w.tl.Slug),
	}
}

// TestNothingPrivateReachesReaders walks every public GET route Echo has
// registered as an anonymous reader, with drafts of every kind and a
// pending edit in the database, and fails if any of their words shows:
// pages, search, suggestions, the API, exports in every format, embeds,
// oEmbed. The routes come from the router, so a new one without a case
// here fails rather than going unchecked.
func TestNothingPrivateReachesReaders(t *testing.T) {
	w := newPrivateWorld(t)
	h := w.a.Handler()
	e, ok := h.(*server.Handler)
	if !ok {
		t.Fatalf("the handler is a %T, not *server.Handler", h)
	}
	// A signed-in editor's views first: they must not be what a reader is
	// then served from a cache.
	body := wantStatus(t, w.editor.do(http.MethodGet, "/actors/"+w.actor.Slug, nil), http.StatusOK, "an editor's view of a draft actor")
	if !strings.Contains(body, `data-testid="draft-notice"`) || !strings.Contains(body, "Draft") {
		t.Errorf("an editor's view of a draft actor is not labelled a draft")
	}
	body = wantStatus(t, w.editor.do(http.MethodGet, "/timelines/"+w.tl.Slug, nil), http.StatusOK, "an editor's view of a draft timeline")
	if !strings.Contains(body, `data-testid="draft-notice"`) {
		t.Errorf("an editor's view of a draft timeline is not labelled a draft")
	}
	w.editor.do(http.MethodGet, "/search?q=vexlorn", nil)

	targets := w.targets()
	routes := e.Routes()
	sort.Slice(routes, func(i, j int) bool { return routes[i].Path < routes[j].Path })
	walked := map[string]bool{}
	for _, r := range routes {
		if r.Method != http.MethodGet || !isPublic(r.Method, r.Path) || walked[r.Path] {
			continue
		}
		walked[r.Path] = true
		list, ok := targets[r.Path]
		if !ok {
			t.Errorf("GET %s has no case in privateWorld.targets: say what a reader may ask of it", r.Path)
			continue
		}
		for _, target := range list {
			rec := do(t, h, http.MethodGet, target)
			if rec.Code >= 500 {
				t.Errorf("GET %s = %d", target, rec.Code)
			}
			page := strings.ToLower(rec.Body.String())
			asked := strings.ToLower(target)
			if u, err := url.QueryUnescape(target); err == nil {
				asked += " " + strings.ToLower(u)
			}
			for _, word := range privateWords {
				// A page may repeat what the reader typed, no more.
				if strings.Contains(asked, word) {
					continue
				}
				if i := strings.Index(page, word); i >= 0 {
					t.Errorf("GET %s (%d) shows %q: …%s…", target, rec.Code, word, page[max(0, i-80):min(len(page), i+80)])
				}
			}
		}
	}
	for path := range targets {
		if !walked[path] {
			t.Errorf("privateWorld.targets has %s, which is not a public GET route", path)
		}
	}
	for _, target := range w.mustBeMissing() {
		if rec := do(t, h, http.MethodGet, target); rec.Code != http.StatusNotFound {
			t.Errorf("GET %s = %d for a reader, want 404", target, rec.Code)
		}
	}
}

// Publishing a submission publishes the drafts it cites, so that what a
// reader then sees never links to a record they cannot open; a timeline
// goes through review by its own buttons.
func TestPublishingCarriesCitedDrafts(t *testing.T) {
	w := newPrivateWorld(t)
	ctx := t.Context()
	h := w.a.Handler()
	rev := addAccount(t, w.a, "rev@example.org", conflict.RoleReviewer)
	rch := conflict.Change{Author: &rev.ID, AuthorName: rev.Name, Role: rev.Role}
	e, err := w.a.DB.SetEventStatus(ctx, w.event.ID, conflict.ActionSubmit, "", w.event.Version, conflict.RoleEditor, w.ch)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.a.DB.SetEventStatus(ctx, e.ID, conflict.ActionPublish, "", e.Version, conflict.RoleReviewer, rch); err != nil {
		t.Fatal(err)
	}
	for _, target := range []string{"/actors/" + w.actor.Slug, "/places/" + w.place.Slug, fmt.Sprintf("/sources/%d", w.source.ID),
		fmt.Sprintf("/events/%d", w.event.ID)} {
		if rec := do(t, h, http.MethodGet, target); rec.Code != http.StatusOK && rec.Code != http.StatusMovedPermanently {
			t.Errorf("GET %s = %d after the event citing it was published, want it shown", target, rec.Code)
		}
	}
	revs, err := w.a.DB.FindRevisions(ctx, conflict.ActorRecord, int64(w.actor.ID))
	if err != nil || len(revs) == 0 || revs[0].Action != conflict.ActionPublish || revs[0].AuthorName != rev.Name {
		t.Errorf("the actor's revisions = %+v, %v; want the latest a publish by the reviewer", revs, err)
	}
	if rec := do(t, h, http.MethodGet, "/timelines/"+w.tl.Slug); rec.Code != http.StatusNotFound {
		t.Errorf("GET the draft timeline = %d, want 404: nothing published it", rec.Code)
	}

	// The timeline's own review, through its edit page's buttons.
	reviewer := newUserAgent(t, h)
	reviewer.signIn("rev@example.org")
	reviewer.do(http.MethodGet, "/", nil)
	form := func(c *userAgent, path string) url.Values {
		t.Helper()
		body := wantStatus(t, c.do(http.MethodGet, path, nil), http.StatusOK, "GET "+path)
		if !strings.Contains(body, `data-testid="workflow"`) {
			t.Errorf("GET %s has no review panel", path)
		}
		tl, err := w.a.DB.FindTimelineByID(ctx, w.tl.ID)
		if err != nil {
			t.Fatal(err)
		}
		return url.Values{"version": {fmt.Sprint(tl.Version)}}
	}
	edit := fmt.Sprintf("/edit/timelines/%d", w.tl.ID)
	if rec := reviewer.post(fmt.Sprintf("/review/timelines/%d/publish", w.tl.ID), form(reviewer, edit)); rec.Code == http.StatusSeeOther {
		t.Errorf("a reviewer published a draft timeline nobody submitted")
	}
	// The editor's form saves a change and submits in one action.
	save := form(w.editor, edit)
	for k, v := range map[string]string{"title": "Plinthar Campaign", "description": "Mossgrave chronicle, revised.",
		"actors": w.actor.Name, "intent": "submit"} {
		save.Set(k, v)
	}
	if rec := w.editor.post(edit, save); rec.Code != http.StatusSeeOther {
		t.Fatalf("saving and submitting the timeline = %d\n%s", rec.Code, pageText(rec.Body.String()))
	}
	if tl, err := w.a.DB.FindTimelineByID(ctx, w.tl.ID); err != nil || tl.Status != conflict.Submitted || tl.Description != "Mossgrave chronicle, revised." {
		t.Fatalf("after save and submit the timeline is %q with %q, %v; want the change saved and submitted", tl.Status, tl.Description, err)
	}
	if rec := w.editor.post(fmt.Sprintf("/review/timelines/%d/publish", w.tl.ID), form(w.editor, edit)); rec.Code == http.StatusSeeOther {
		t.Errorf("an editor published a timeline")
	}
	if rec := reviewer.post(fmt.Sprintf("/review/timelines/%d/publish", w.tl.ID), form(reviewer, edit)); rec.Code != http.StatusSeeOther {
		t.Fatalf("publishing the submitted timeline = %d\n%s", rec.Code, pageText(rec.Body.String()))
	}
	if rec := do(t, h, http.MethodGet, "/timelines/"+w.tl.Slug); rec.Code != http.StatusOK {
		t.Errorf("GET the published timeline = %d, want 200", rec.Code)
	}
}
