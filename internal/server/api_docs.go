package server

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/sitrep/sitrep/internal/api"
	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/web/pages"
)

// apiDocs is /api/v1: the API's endpoints for people, with an example
// request and answer for each. The answers are made by the API's own code
// from the demo's records.
func (s *Server) apiDocs(c echo.Context) error {
	l := api.Links{Base: s.absURL(c, "")}
	next := func(path string) string { return s.absURL(c, path) }
	page := []pages.APIParam{
		apiParam("limit", "Records per page, 1 to 1000; 50 when left out."),
		apiParam("after", "The cursor from the previous answer's next address; follow next rather than building it."),
	}
	eventFilter := []pages.APIParam{
		apiParam("actor", "An actor's name, alias or slug; repeat for any of several. Includes the actors within it."),
		apiParam("place", "A place's name, another name of it, or its slug; repeat for any of several. Includes the places within it."),
		apiParam("tag", "A tag; repeat for any of several."),
		apiParam("from", "Events that may have happened on or after this date: EDTF (2016-07) or words (Jul 2016)."),
		apiParam("to", "Events that may have happened on or before this date."),
		apiParam("q", "Words in titles and descriptions."),
		apiParam("order", "oldest (the default) or newest first."),
		apiParam("retracted", "1 to list retracted events too, labelled by their status."),
	}
	estimateFilter := []pages.APIParam{
		apiParam("force", "The force counted, by name, alias or slug (actor works too). Includes the forces within it."),
		apiParam("place", "A place, with the places within it."),
		apiParam("claimant", "Who made the claim: any spelling of a claimant's name (case, dots and spacing are ignored)."),
		apiParam("claimant_type", "The kind of claimant: government, military, armed_group, media, ngo or other."),
		apiParam("from", "Estimates that may hold on or after this date."),
		apiParam("to", "Estimates that may hold on or before this date."),
	}
	event := api.NewEvent(pages.ExampleEvent, l)
	estimate := api.NewEstimate(pages.ExampleEstimate, l)
	source := api.NewSource(pages.ExampleSource, l)
	actor := api.NewActor(conflict.Actor{ID: 1, Slug: "islamic-state", Name: "Islamic State", Aliases: []string{"IS", "ISIS", "ISIL", "Daesh"},
		Kind: "armed group", Colour: "#c0392b", Description: "Jihadist armed group that held Mosul from June 2014.", Version: 1,
		CreatedAt: pages.ExampleEvent.CreatedAt, UpdatedAt: pages.ExampleEvent.UpdatedAt}, l)
	place := api.NewPlace(conflict.Place{ID: 4, Slug: "mosul", Name: "Mosul", Kind: "city",
		AltNames: []conflict.AltName{{Name: "الموصل", Lang: "ar"}}, Parent: &conflict.PlaceRef{ID: 3, Slug: "nineveh-province", Name: "Nineveh province"},
		Coordinates: &conflict.LatLon{Lat: 36.34, Lon: 43.13}, Version: 1,
		CreatedAt: pages.ExampleEvent.CreatedAt, UpdatedAt: pages.ExampleEvent.UpdatedAt}, l)
	change := api.Change{Cursor: "1042", Type: string(conflict.EventRecord), ID: event.ID, Change: api.ChangeUpdated,
		At: event.UpdatedAt, Revision: max(event.Version, 1), Record: event}
	v := pages.APIDocsView{Base: s.base(c, "JSON API and exports", ""), Origin: s.absURL(c, "")}
	v.Base.Description = "sitrep's read-only JSON API: events, estimates, sources, actors, places and timelines, with the pages' filters."
	v.Endpoints = []pages.APIEndpoint{
		{Path: "/api/v1/events", Summary: "Published events in date order, filtered as on the events page.",
			Params:  append(eventFilter, append(page, apiParam("before", "The cursor of the page before, from prev."))...),
			Example: "/api/v1/events?actor=Badr+Organization&from=2016-09&limit=20",
			Answer:  pages.ExampleList(api.KindEvents, event, next("/api/v1/events?actor=Badr+Organization&after=2016-09-27_1&from=2016-09&limit=20"))},
		{Path: "/api/v1/events/{id}", Summary: "One event with its actors, tags and citations. Retracted events are still here, with their status.",
			Example: "/api/v1/events/1", Answer: pages.ExampleJSON(event)},
		{Path: "/api/v1/estimates", Summary: "Published force-size estimates in as-of order, filtered as in the estimates explorer.",
			Params: append(estimateFilter, page...), Example: "/api/v1/estimates?force=ISIS&place=Mosul",
			Answer: pages.ExampleList(api.KindEstimates, estimate, "")},
		{Path: "/api/v1/estimates/{id}", Summary: "One estimate: low and high are null where the qualifier leaves them open.",
			Example: "/api/v1/estimates/1", Answer: pages.ExampleJSON(estimate)},
		{Path: "/api/v1/sources", Summary: "Sources in the order they were recorded.", Params: page, Example: "/api/v1/sources",
			Answer: pages.ExampleList(api.KindSources, source, "")},
		{Path: "/api/v1/sources/{id}", Summary: "One source.", Example: "/api/v1/sources/1", Answer: pages.ExampleJSON(source)},
		{Path: "/api/v1/actors", Summary: "Actors in the order they were recorded, with their aliases.", Params: page, Example: "/api/v1/actors",
			Answer: pages.ExampleList(api.KindActors, actor, "")},
		{Path: "/api/v1/actors/{ref}", Summary: "One actor, by slug or id.", Example: "/api/v1/actors/islamic-state", Answer: pages.ExampleJSON(actor)},
		{Path: "/api/v1/places", Summary: "Places in the order they were recorded, with their other names and coordinates.", Params: page,
			Example: "/api/v1/places", Answer: pages.ExampleList(api.KindPlaces, place, "")},
		{Path: "/api/v1/places/{ref}", Summary: "One place, by slug or id.", Example: "/api/v1/places/mosul", Answer: pages.ExampleJSON(place)},
		{Path: "/api/v1/timelines", Summary: "The published timelines, by title, each with its own filter.", Example: "/api/v1/timelines"},
		{Path: "/api/v1/timelines/{ref}", Summary: "One published timeline, by slug or id.", Example: "/api/v1/timelines/mosul-2016"},
		{Path: "/api/v1/timelines/{ref}/events", Summary: "A timeline's events: its filter, pins and exclusions, with the events filter on top.",
			Params: append(eventFilter, page...), Example: "/api/v1/timelines/mosul-2016/events"},
		{Path: "/api/v1/changes", Summary: "Every change readers saw, oldest first: each publication, accepted edit and retraction of an event, " +
			"estimate, source, actor, place or timeline, with the record after it in the shape its own endpoint answers. " +
			"Replayed from the start, keeping the latest record of each type and id (a retraction keeps the record, marked retracted), it rebuilds the public record; " +
			"asked again from the cursor it gave last, it brings a mirror up to date. Drafts and edits that were returned never appear.",
			Params: []pages.APIParam{
				apiParam("since", "The cursor of the last page (or change) read; left out, the list starts from the beginning. Cursors are opaque and stay valid."),
				apiParam("limit", "Changes per page, 1 to 1000; 100 when left out."),
			},
			Example: "/api/v1/changes?limit=10", Answer: pages.ExampleJSON(api.ChangeList{Kind: api.KindChanges, Data: []api.Change{change},
				Cursor: change.Cursor, Next: next("/api/v1/changes?since=" + change.Cursor), More: false})},
		{Path: "/api/v1/openapi.json", Summary: "The OpenAPI 3 description of the API.", Example: "/api/v1/openapi.json"},
	}
	format := apiParam("format", "csv, json, geojson or timelinejs.")
	v.Exports = []pages.APIEndpoint{
		{Path: "/api/v1/export/events", Summary: "Every event matching the events filter.",
			Params: append([]pages.APIParam{format}, eventFilter...), Example: "/api/v1/export/events?format=csv&place=Iraq"},
		{Path: "/api/v1/export/timelines/{ref}", Summary: "A timeline's events; in TimelineJS with a title slide from the timeline, and its estimates among the events when it shows them.",
			Params: append([]pages.APIParam{format}, eventFilter...), Example: "/api/v1/export/timelines/mosul-2016?format=timelinejs"},
		{Path: "/api/v1/export/estimates", Summary: "Every estimate matching the explorer's filter.",
			Params: append([]pages.APIParam{format}, estimateFilter...), Example: "/api/v1/export/estimates?format=json&force=ISIS"},
		{Path: "/api/v1/export/all", Summary: "The whole public record in one JSON file: actors, places, sources, timelines, events and estimates with every link, in id order. sitrep import reads it back. Its format is described by the JSON Schema at /api/v1/schema/export.json.",
			Params:  []pages.APIParam{apiParam("format", "json."), apiParam("history", "1 to add every published revision of each record.")},
			Example: "/api/v1/export/all?format=json"},
		{Path: "/api/v1/schema/export.json", Summary: "The JSON Schema of the whole-record export (format sitrep-archive).", Example: "/api/v1/schema/export.json"},
	}
	return s.render(c, http.StatusOK, pages.APIDocs(v))
}

func apiParam(name, meaning string) pages.APIParam {
	return pages.APIParam{Name: name, Meaning: meaning}
}
